"""Open answers (short and long text) of a distribution, compiled per question and grouped by
a snapshot attribute, for members who may read raw answers.

Which responses a member may read is evaluations.permissions.can_read_answers, per response
(lead-only routing, the respondent's chosen route, data entry's own entries). It is turned
into a filter once, so the answers a user may not read are never fetched: only counted.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Value
from django.utils.translation import gettext as _

from questionnaires.models import Answer, Distribution, Question, Response, localized
from questionnaires.selectors import readable_responses_filter
from questionnaires.selectors.responses import response_order
from questionnaires.selectors.tracking import (
    attribute_text,
    bucket_text,
    group_order,
    not_recorded,
)
from reports.selectors.access import report_access
from reports.selectors.likert import breakdown_label, language
from reports.tables import OpenAnswerGroup, OpenQuestion

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

OPEN_KINDS = (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT)
NOBODY = Q(pk__in=[])


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
        Question.objects.filter(version_id=distribution.version_id, kind__in=OPEN_KINDS)
        .select_related("section")
        .order_by("section__order", "order")
    )
    allowed = readable_responses_filter(user, distribution, prefix="response__") or NOBODY
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
        .annotate(bucket=attribute_text(by, "response__attributes") if by else Value(""))
        .order_by(*response_order(distribution, prefix="response__"))
        .values_list("question_id", "bucket", "text")
    )
    for question_id, bucket, text in shown.iterator(chunk_size=2000):
        grouped[question_id][bucket_text(bucket)].append(text)
    return [
        OpenQuestion(
            distribution_id=distribution.pk,
            question_key=question.key,
            question_label=question.label,
            question_ref=question.ref,
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
