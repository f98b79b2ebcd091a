"""Reads on instruments: the canonical spec of a version (what the YAML format writes)."""

from __future__ import annotations

import operator
from decimal import Decimal
from functools import reduce
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from evaluations.models import Evaluation
from evaluations.permissions import Action, can_read_answers, ensure
from questionnaires.instrument_format import FORMAT_VERSION
from questionnaires.models import (
    Answer,
    Choice,
    Distribution,
    Instrument,
    InstrumentVersion,
    Question,
    Response,
    Scale,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# InstrumentVersion.details holds, under this key, the keys of the scales the version declares.
SCALES_KEY = "_scales"


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def scale_spec(scale: Scale) -> dict:
    points = list(scale.points.all())
    return {
        "key": scale.key,
        "name": scale.name,
        "points": [{"code": p.value, "label": p.label} for p in points if p.in_scale],
        "outside": [{"code": p.code, "label": p.label} for p in points if not p.in_scale],
    }


def question_spec(q: Question) -> dict:
    return {
        "key": q.key,
        "label": q.label,
        "kind": q.kind,
        "text": q.text,
        "help": q.help_text,
        "prompt": q.prompt,
        "required": q.required,
        "min": _number(q.min_value),
        "max": _number(q.max_value),
        "scale": q.block.scale.key if q.block else None,
        "block": q.block.key if q.block else None,
        "choices": [
            {"code": c.code, "label": c.label, "other": c.is_other} for c in q.choices.all()
        ],
        "applies_to": q.applies_to,
        "notes": q.notes,
        "details": q.details,
    }


def version_content(version: InstrumentVersion) -> InstrumentVersion:
    """The version with sections, questions, blocks, choices and scales loaded in a few queries."""
    return (
        InstrumentVersion.objects.select_related("instrument")
        .prefetch_related(
            "sections",
            Prefetch(
                "questions",
                queryset=Question.objects.select_related(
                    "block__scale", "section"
                ).prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order"))),
            ),
        )
        .get(pk=version.pk)
    )


def version_spec(version: InstrumentVersion) -> dict:
    """The canonical spec of a stored version: equal to instrument_parse() of its YAML."""
    version = version_content(version)
    questions_by_section: dict[int, list[Question]] = {}
    for q in version.questions.all():
        questions_by_section.setdefault(q.section_id, []).append(q)
    scale_keys: list[str] = version.details.get(SCALES_KEY, [])
    scales = {
        s.key: s
        for s in Scale.objects.filter(
            evaluation_id=version.instrument.evaluation_id, key__in=scale_keys
        ).prefetch_related("points")
    }
    scale_list = [scales[key] for key in scale_keys if key in scales]
    details = {k: v for k, v in version.details.items() if k != SCALES_KEY}
    return {
        "consulta_instrument": FORMAT_VERSION,
        "key": version.instrument.key,
        "kind": version.instrument.kind,
        "languages": version.languages,
        "title": version.title,
        "subtitle": version.subtitle,
        "source": version.source,
        "introduction": version.introduction,
        "closing": version.closing,
        "deadline": {
            "date": version.deadline_date.isoformat() if version.deadline_date else None,
            "text": version.deadline_text,
        },
        "confidentiality": version.confidentiality_text,
        "attributes": version.attributes,
        "details": details,
        "scales": [scale_spec(s) for s in scale_list],
        "sections": [
            {
                "key": s.key,
                "label": s.label,
                "title": s.title,
                "introduction": s.introduction,
                "questions": [question_spec(q) for q in questions_by_section.get(s.pk, [])],
            }
            for s in version.sections.all()
        ],
    }


def instrument_list(*, evaluation: Evaluation) -> QuerySet[Instrument]:
    return Instrument.objects.filter(evaluation=evaluation).prefetch_related("versions")


def version_get(*, instrument: Instrument, number: int | None = None) -> InstrumentVersion | None:
    """A version of the instrument: the given number, or the latest; None if there is none."""
    versions = instrument.versions.order_by("-number")
    return versions.filter(number=number).first() if number is not None else versions.first()


def distribution_list(*, evaluation: Evaluation) -> QuerySet[Distribution]:
    return (
        Distribution.objects.filter(evaluation=evaluation)
        .select_related("version__instrument")
        .annotate(
            invited=Count("invitations", distinct=True),
            submitted=Count(
                "invitations", filter=Q(invitations__status="submitted"), distinct=True
            ),
        )
    )


def response_rows(*, user: User, distribution: Distribution) -> list[dict]:
    """The distribution's responses as the user may see them: who (unless anonymous), status,
    channel, times, and whether the user may open the answers."""
    ensure(user, Action.VIEW_RESPONSES, distribution.evaluation)
    rows = []
    for response in (
        # Drafts stay with their respondents: the team sees what was submitted.
        Response.objects.filter(distribution=distribution, status=Response.Status.SUBMITTED)
        .select_related("invitation", "entered_by", "distribution")
        .order_by("status", "submitted_at")
    ):
        rows.append(
            {
                "response": response,
                "who": response.invitation.name if response.invitation else "",
                "readable": answers_refusal(user=user, response=response) is None,
            }
        )
    return rows


def answers_refusal(*, user: User, response: Response) -> str | None:
    """Why the user may not read the response's answers; None when they may."""
    if response.status != Response.Status.SUBMITTED:
        return _("This response is a draft: it stays with its respondent.")
    if can_read_answers(
        user,
        response.distribution.evaluation,
        confidentiality=response.confidentiality,
        entered_by_id=response.entered_by_id,
    ):
        return None
    if response.confidentiality == "lead":
        return _("These answers are for the lead evaluator only.")
    return _("Your role does not include reading individual answers.")


def readable_responses_filter(
    user: User | AnonymousUser, distribution: Distribution, *, prefix: str = ""
) -> Q | None:
    """The submitted responses of the distribution whose answers the user may read, as one
    filter on Response (on Answer with prefix "response__"); None when they may read none.

    Derived from can_read_answers, the rule answers_refusal applies to one response, asked
    once per confidentiality a response of this distribution can have, so a page, the API and
    an export filtering many responses at once cannot disagree with it."""
    mine = Q(**{f"{prefix}distribution_id": distribution.pk, f"{prefix}status": "submitted"})
    mode = distribution.confidentiality
    if mode == Distribution.Confidentiality.RESPONDENT:
        # The respondent's choice decides; no choice recorded is the lead only.
        team = Q(**{f"{prefix}route": Distribution.Confidentiality.TEAM})
        cases = [(Distribution.Confidentiality.TEAM, mine & team), ("lead", mine & ~team)]
    else:
        cases = [(mode, mine)]
    allowed = []
    for confidentiality, where in cases:

        def reads(entered_by_id: int | None, confidentiality: str = confidentiality) -> bool:
            return can_read_answers(
                user,
                distribution.evaluation,
                confidentiality=confidentiality,
                entered_by_id=entered_by_id,
            )

        if reads(None) and reads(-1):  # whoever keyed it in
            allowed.append(where)
        elif user.pk is not None and reads(user.pk):  # only what this user keyed in
            allowed.append(where & Q(**{f"{prefix}entered_by_id": user.pk}))
    if not allowed:
        return None
    return reduce(operator.or_, allowed)


def response_answers(*, user: User, response: Response) -> list[Answer]:
    """The response's answers, for a user allowed to read them (PermissionDenied otherwise)."""
    refusal = answers_refusal(user=user, response=response)
    if refusal:
        raise PermissionDenied(refusal)
    return list(Answer.objects.filter(response=response).select_related("question"))
