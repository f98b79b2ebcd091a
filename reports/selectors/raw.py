"""Raw responses: one row per submitted response the user may read, one column per question.

Rows are streamed from the responses' answers documents (Response.document, kept equal to the
typed answer rows by the services that write them), one response at a time, so memory stays the
same whatever the number of responses. Responses the user may not read (lead-only routing) are
filtered out in the query: their answers are never fetched."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from common.attributes import attribute_label
from evaluations.permissions import Action, can
from questionnaires.documents import parts
from questionnaires.models import Distribution, Question, Response, localized
from questionnaires.selectors import readable_responses_filter
from questionnaires.selectors.responses import day_of, day_only
from reports.selectors.likert import response_attribute_keys

BATCH_CELLS = 400_000  # answers read per query: about 8 MB of documents at most

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


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
    if _asks_consent(distribution):
        consented = (
            _("Agreed to the privacy notice on (day, UTC)")
            if day_only(distribution)
            else _("Agreed to the privacy notice at (%(zone)s)") % {"zone": zone.key}
        )
        columns.append(("consented_at", consented))
    columns += [
        (f"attribute:{key}", attribute_label(key)) for key in response_attribute_keys(distribution)
    ]
    columns += [(q.key, q.text or q.key) for q in raw_questions(distribution)]
    return columns


def _asks_consent(distribution: Distribution) -> bool:
    """Whether the version has a consent page: its responses then carry the time of consent."""
    return bool(distribution.version.consent)


def raw_response_count(
    *, user: User | AnonymousUser, distribution: Distribution, cutoff: dt.datetime | None = None
) -> int:
    """The responses raw_response_rows gives with the same `cutoff`."""
    responses = readable_responses(user=user, distribution=distribution)
    return responses.filter(submitted_at__lte=cutoff or timezone.now()).count()


def raw_response_rows(
    *,
    user: User | AnonymousUser,
    distribution: Distribution,
    labels: bool = False,
    cutoff: dt.datetime | None = None,
    chunk_size: int = 2000,
) -> Iterator[list[object]]:
    """One row per response the user may read, submitted by `cutoff` (default: now), cells in
    raw_columns' order: codes (Likert codes as numbers), or the choices' labels with `labels`;
    several choices joined with "; ". PermissionDenied for users who may not read individual
    answers.

    Read from the responses' answers documents (questionnaires.documents) in batches of about
    BATCH_CELLS cells, the same way on every database. Responses the user may not read are
    filtered out in the query."""
    cell = _cells(raw_questions(distribution), labels)
    channels: dict[object, object] = dict(Response.Channel.choices)
    for head, document in raw_response_documents(
        user=user, distribution=distribution, cutoff=cutoff, chunk_size=chunk_size
    ):
        if labels:
            head[2] = str(channels.get(head[2], head[2]))
        yield [*head, *cell(document)]


def ensure_may_read_responses(user: User | AnonymousUser, distribution: Distribution) -> None:
    """PermissionDenied for a role without individual responses (the Raw sheet's rule)."""
    if not can(user, Action.VIEW_RESPONSES, distribution.evaluation):
        raise PermissionDenied(_("Your role does not include individual responses."))


def raw_response_documents(
    *,
    user: User | AnonymousUser,
    distribution: Distribution,
    cutoff: dt.datetime | None = None,
    chunk_size: int = 2000,
) -> Iterator[tuple[list[object], dict]]:
    """The responses of raw_response_rows, each as (its first cells: id, submission time,
    channel code, time of consent when the version asks it, attributes; its answers document
    as stored), for writers that shape the answers their own way (reports.statistics). The
    same permission and the same filter."""
    ensure_may_read_responses(user, distribution)
    condition = readable_responses_filter(user, distribution)
    if condition is None:
        return
    zone = _zone(distribution)
    day = day_only(distribution)  # anonymous: listed by random id, the day only
    keys = response_attribute_keys(distribution)
    questions = Question.objects.filter(version_id=distribution.version_id).exclude(
        kind=Question.Kind.INSTRUCTION
    )
    # In the order of their random ids: for anonymous responses too, unrelated to submission.
    responses = Response.objects.filter(condition, submitted_at__lte=cutoff or timezone.now())
    batch = max(1, min(chunk_size, BATCH_CELLS // max(1, len(keys) + questions.count())))
    consent = _asks_consent(distribution)
    for response_id, submitted_at, channel, consented_at, attributes, document in _read(
        responses, batch
    ):
        attributes = attributes if isinstance(attributes, dict) else {}
        head: list[object] = [
            response_id,
            day_of(submitted_at) if day else _local(submitted_at, zone),
            channel,
            *([day_of(consented_at) if day else _local(consented_at, zone)] if consent else []),
            *(_attribute(attributes.get(key)) for key in keys),
        ]
        yield head, document if isinstance(document, dict) else {}


def _read(responses: QuerySet, batch: int) -> Iterator[tuple]:
    """The rows of `responses` (id, submitted_at, channel, consented_at, attributes, document) in
    batches of `batch` by id (keyset: each batch one short query on the (distribution, id)
    index, so rows flow from the first batch and nothing stays open on the connection between
    them: the job's progress and heartbeat writes go through it), the documents decoded one at
    a time."""
    rows = responses.annotate(text=Cast("document", TextField())).values_list(
        "id", "submitted_at", "channel", "consented_at", "attributes", "text"
    )
    loads = json.loads
    last = ""
    while True:
        found = list(rows.filter(id__gt=last).order_by("id")[:batch])
        for response_id, submitted_at, channel, consented_at, attributes, text in found:
            document = loads(text) if text else {}
            yield response_id, submitted_at, channel, consented_at, attributes, document
        if len(found) < batch:
            return
        last = found[-1][0]


# Whole-number codes as numbers, looked up rather than parsed (most cells of a raw export).
_NUMBERS = {str(n): n for n in range(-100, 1000)}
_PLAIN = frozenset({"short_text", "long_text", "email"})  # the document's value is the cell


def _cells(questions: list[RawQuestion], labels: bool) -> Callable[[dict], list[object]]:
    """The function giving a document's cells, one per question, in order: the values are
    fetched in one pass, then only the columns that need it are converted."""
    keys = [q.key for q in questions]
    # Likert codes as numbers: a column to compute with (not with labels, which are text).
    coded = [] if labels else [i for i, q in enumerate(questions) if q.kind == "likert"]
    others = [
        (i, q.kind, q.labels)
        for i, q in enumerate(questions)
        if q.kind not in _PLAIN and (labels or q.kind != "likert")
    ]
    numbers = _NUMBERS

    def cells(document: dict) -> list[object]:
        get = document.get
        row: list[object] = [get(key) for key in keys]
        for i in coded:
            value = row[i]
            if value.__class__ is str:
                row[i] = numbers.get(value, value)
            elif value is not None:
                row[i] = _cell("likert", value, questions[i].labels, labels)
        for i, kind, names in others:
            value = row[i]
            if value is not None:
                row[i] = _cell(kind, value, names, labels)
        return row

    return cells


def _cell(kind: str, value: object, names: dict[str, str], labels: bool) -> object:
    main, text = parts(value)
    if kind == Question.Kind.MULTIPLE_CHOICE:
        shown = [names.get(c, c) if labels else c for c in main or []]
        return "; ".join([*shown, text] if text else shown) or None
    if kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.LIKERT):
        shown = names.get(main, main) if labels else main
        return (f"{shown} — {text}" if text else shown) or None
    if kind == Question.Kind.NUMBER:
        try:
            return Decimal(main)
        except (InvalidOperation, TypeError):
            return main or None
    if kind == Question.Kind.DATE:
        try:
            return dt.date.fromisoformat(main)
        except (ValueError, TypeError):
            return main or None
    return main or None


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
