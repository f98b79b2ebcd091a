"""Raw responses: one row per submitted response the user may read, one column per question.

Rows are streamed: responses and their answers come from two server-side cursors (PostgreSQL)
in the same order, and are put side by side one response at a time, so memory stays the same
whatever the number of responses. Responses the user may not read (lead-only routing) are
filtered out in the query: their answers are never fetched."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, JSONField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.permissions import Action, can
from questionnaires.models import Answer, Distribution, Question, Response, localized
from questionnaires.selectors import readable_responses_filter
from questionnaires.selectors.responses import day_of, day_only
from questionnaires.selectors.tracking import ATTRIBUTE_LABELS
from reports.selectors.likert import response_attribute_keys

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

ANSWER_FIELDS = ("response_id", "question_id", "text", "number", "date", "choice", "picked")


@dataclass(frozen=True)
class RawQuestion:
    id: int
    key: str
    kind: str
    text: str
    labels: dict[str, str]  # code -> label of its choices or scale points


def readable_responses(*, user: User | AnonymousUser, distribution: Distribution):
    """The submitted responses whose answers the user may read (a queryset, maybe empty)."""
    condition = readable_responses_filter(user, distribution)
    if condition is None:
        return Response.objects.none()
    return Response.objects.filter(condition)


def raw_questions(distribution: Distribution, *, language: str = "en") -> list[RawQuestion]:
    """The answerable questions of the distribution's version, in the instrument's order."""
    questions = (
        Question.objects.filter(version_id=distribution.version_id)
        .exclude(kind=Question.Kind.INSTRUCTION)
        .select_related("block__scale")
        .prefetch_related("choices", "block__scale__points")
        .order_by("section__order", "order")
    )
    found = []
    for q in questions:
        points = q.block.scale.points.all() if q.block is not None else q.choices.all()
        labels = {p.code: localized(p.label, language) or p.code for p in points}
        found.append(RawQuestion(q.pk, q.key, q.kind, localized(q.text, language), labels))
    return found


def raw_columns(distribution: Distribution) -> list[tuple[str, str]]:
    """The columns of the raw responses, as (code, label): the response's id, submission time
    and channel, its snapshot attributes, then one per answerable question (its key)."""
    zone = _zone(distribution)
    submitted = (
        _("Submitted on (day, UTC)")
        if day_only(distribution)
        else _("Submitted at (%(zone)s)") % {"zone": zone.key}
    )
    columns = [
        ("response", _("Response")),
        ("submitted_at", submitted),
        ("channel", _("Channel")),
    ]
    columns += [
        (f"attribute:{key}", str(ATTRIBUTE_LABELS.get(key, key)))
        for key in response_attribute_keys(distribution)
    ]
    columns += [(q.key, q.text or q.key) for q in raw_questions(distribution)]
    return columns


def raw_response_count(*, user: User | AnonymousUser, distribution: Distribution) -> int:
    return readable_responses(user=user, distribution=distribution).count()


def raw_response_rows(
    *,
    user: User | AnonymousUser,
    distribution: Distribution,
    labels: bool = False,
    chunk_size: int = 2000,
) -> Iterator[list[object]]:
    """One row per response the user may read, cells in raw_columns' order: codes (Likert
    codes as numbers), or the choices' labels with `labels`; several choices joined with "; ".
    PermissionDenied for users who may not read individual answers."""
    if not can(user, Action.VIEW_RESPONSES, distribution.evaluation):
        raise PermissionDenied(_("Your role does not include individual responses."))
    condition = readable_responses_filter(user, distribution)
    if condition is None:
        return
    zone = _zone(distribution)
    day = day_only(distribution)  # anonymous: listed by random id, the day only
    keys = response_attribute_keys(distribution)
    questions = raw_questions(distribution)
    column_of = {q.id: i for i, q in enumerate(questions)}
    # Responses submitted after the first query starts are left out of both streams, so the
    # two always hold the same responses.
    cutoff = timezone.now()
    responses = (
        Response.objects.filter(condition, submitted_at__lte=cutoff)
        .order_by("id")  # random ids: for anonymous responses too, unrelated to submission
        .values_list("id", "submitted_at", "channel", "attributes")
        .iterator(chunk_size=chunk_size)
    )
    answers = _answer_stream(user, distribution, questions, cutoff, chunk_size)
    channels = dict(Response.Channel.choices)
    pending = next(answers, None)
    for response_id, submitted_at, channel, attributes in responses:
        cells: list[object] = [None] * len(questions)
        # Both streams are ordered by the response id (hex: the database orders it as Python
        # does); an answer of a response missing from the first stream is skipped.
        while pending is not None and pending[0] <= response_id:
            if pending[0] == response_id and pending[1] in column_of:
                question = questions[column_of[pending[1]]]
                cells[column_of[pending[1]]] = _answer_value(question, pending, labels)
            pending = next(answers, None)
        attributes = attributes if isinstance(attributes, dict) else {}
        yield [
            response_id,
            day_of(submitted_at) if day else _local(submitted_at, zone),
            str(channels.get(channel, channel)) if labels else channel,
            *(_attribute(attributes.get(key)) for key in keys),
            *cells,
        ]


def _answer_stream(
    user: User | AnonymousUser,
    distribution: Distribution,
    questions: list[RawQuestion],
    cutoff: dt.datetime,
    chunk_size: int,
) -> Iterator[tuple]:
    condition = readable_responses_filter(user, distribution, prefix="response__")
    multiple = [q.id for q in questions if q.kind == Question.Kind.MULTIPLE_CHOICE]
    # The list of choices is decoded only where a question has several; elsewhere it is NULL.
    picked = (
        Case(When(question_id__in=multiple, then=F("choices")), output_field=JSONField())
        if multiple
        else Value(None, output_field=JSONField())
    )
    return (
        Answer.objects.filter(condition, response__submitted_at__lte=cutoff)
        .annotate(picked=picked)
        .order_by("response_id")
        .values_list(*ANSWER_FIELDS)
        .iterator(chunk_size=chunk_size)
    )


def _answer_value(question: RawQuestion, row: tuple, labels: bool) -> object:
    _response, _question, text, number, date, choice, picked = row
    kind = question.kind
    if kind == Question.Kind.MULTIPLE_CHOICE:
        shown = [question.labels.get(c, c) if labels else c for c in picked or []]
        return "; ".join([*shown, text] if text else shown) or None
    if kind == Question.Kind.LIKERT and not labels and not text and choice.isdigit():
        return int(choice)  # scale codes are whole numbers: a column to compute with
    if kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.LIKERT):
        shown = question.labels.get(choice, choice) if labels else choice
        return (f"{shown} — {text}" if text else shown) or None
    if kind == Question.Kind.NUMBER and number is not None:
        return number if isinstance(number, Decimal) else Decimal(str(number))
    if kind == Question.Kind.DATE and date is not None:
        return date
    return text or None


def _attribute(value: object) -> object:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _zone(distribution: Distribution) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(distribution.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _local(value: dt.datetime | None, zone: zoneinfo.ZoneInfo) -> dt.datetime | None:
    """The time in the distribution's zone, without the zone (spreadsheets hold none)."""
    return None if value is None else value.astimezone(zone).replace(tzinfo=None, microsecond=0)
