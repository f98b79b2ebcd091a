"""Open answers (short and long text) of a distribution, compiled per question and grouped by
a snapshot attribute, for members who may read raw answers.

Which responses a member may read is evaluations.permissions.can_read_answers, per response
(lead-only routing, the respondent's chosen route, data entry's own entries). It is turned
into a filter once, so the answers a user may not read are never fetched: only counted.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from functools import reduce
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Value
from django.utils.translation import gettext as _

from evaluations.permissions import can_read_answers
from questionnaires.models import Answer, Distribution, Question, Response, localized
from questionnaires.tracking import not_recorded
from reports.selectors.access import report_access
from reports.selectors.likert import attribute, breakdown_label, bucket_text, group_order, language
from reports.tables import OpenAnswerGroup, OpenQuestion

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

Mode = Distribution.Confidentiality
OPEN_KINDS = (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT)
NOBODY = Q(pk__in=[])


def readable(user: User | AnonymousUser, distribution: Distribution, prefix: str = "") -> Q:
    """A filter on Response (on Answer with prefix "response__"): the responses of
    `distribution` the user may read."""
    mine = Q(**{f"{prefix}distribution_id": distribution.pk})
    team = Q(**{f"{prefix}route": Mode.TEAM})
    if distribution.confidentiality == Mode.RESPONDENT:
        # The respondent's choice decides; no choice recorded is read as the lead only.
        cases = [(Mode.TEAM, mine & team), (Mode.LEAD, mine & ~team)]
    else:
        cases = [(distribution.confidentiality, mine)]
    allowed = []
    for mode, where in cases:

        def reads(entered_by_id: int | None, mode: str = mode) -> bool:
            return can_read_answers(
                user, distribution.evaluation, confidentiality=mode, entered_by_id=entered_by_id
            )

        if reads(None) and reads(-1):  # whoever entered it
            allowed.append(where)
        elif user.pk is not None and reads(user.pk):  # only what this user keyed in
            allowed.append(where & Q(**{f"{prefix}entered_by_id": user.pk}))
    return reduce(operator.or_, allowed) if allowed else NOBODY


def open_answers(
    *, user: User | AnonymousUser, distribution: Distribution, by: str = ""
) -> list[OpenQuestion]:
    """Every open question of the distribution's version with the answers the user may read,
    grouped by `by` (values sorted, "(not recorded)" last); the others counted as withheld."""
    access = report_access(user, distribution.evaluation)
    if not access.raw_answers:
        raise PermissionDenied(_("Your role does not include individual answers."))
    breakdown_label(distribution, by)  # refuses an unknown attribute
    questions = list(
        Question.objects.filter(version_id=distribution.version_id, kind__in=OPEN_KINDS).order_by(
            "section__order", "order"
        )
    )
    allowed = readable(user, distribution, prefix="response__")
    answers = Answer.objects.filter(
        question__in=questions,
        response__distribution=distribution,
        response__status=Response.Status.SUBMITTED,
    ).exclude(text="")
    withheld = dict(
        answers.exclude(allowed).order_by().values_list("question_id").annotate(n=Count("pk"))
    )
    grouped: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    shown = (
        answers.filter(allowed)
        .annotate(bucket=attribute(by, "response__attributes") if by else Value(""))
        .order_by("response__submitted_at", "response_id")
        .values_list("question_id", "bucket", "text")
    )
    for question_id, bucket, text in shown.iterator(chunk_size=2000):
        grouped[question_id][bucket_text(bucket)].append(text)
    return [
        OpenQuestion(
            distribution_id=distribution.pk,
            question_key=question.key,
            question_label=question.label,
            question_text=localized(question.text, language()),
            groups=[
                OpenAnswerGroup(
                    value=value, label=value or (not_recorded() if by else ""), answers=texts
                )
                for value, texts in sorted(
                    grouped[question.pk].items(), key=lambda group: group_order(group[0])
                )
            ],
            withheld=withheld.get(question.pk, 0),
        )
        for question in questions
    ]
