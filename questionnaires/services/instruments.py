"""Writes on instruments: loading a YAML definition into a (new) version, freezing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from evaluations.models import Evaluation
from evaluations.permissions import Action, Actor, author_of, ensure
from history.services import record
from questionnaires.instrument_format.dumper import (
    instrument_document_scale,
    instrument_dump,
    instrument_dump_document,
)
from questionnaires.instrument_format.parser import instrument_parse
from questionnaires.models import (
    Choice,
    Instrument,
    InstrumentVersion,
    LikertBlock,
    Question,
    Scale,
    ScalePoint,
    Section,
)
from questionnaires.selectors.instruments import SCALES_KEY, scale_spec, version_spec

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class LoadResult:
    version: InstrumentVersion
    outcome: str  # "created", "new version", "draft replaced", "unchanged"

    @property
    def changed(self) -> bool:
        """False when the file matched the latest version and nothing was written."""
        return self.outcome != "unchanged"

    def summary(self) -> str:
        if not self.changed:
            return (
                f"Unchanged: {self.version.instrument.key} is the same as its version "
                f"{self.version.number}; nothing was saved"
            )
        questions = self.version.questions.count()
        sections = self.version.sections.count()
        return (
            f"{self.version.instrument.key} version {self.version.number} ({self.outcome}): "
            f"{sections} sections, {questions} questions"
        )


def _scales_for(evaluation: Evaluation, specs: list[dict]) -> dict[str, Scale]:
    """Reuse the evaluation's scale of the same key and points, or create it."""
    scales: dict[str, Scale] = {}
    for spec in specs:
        scale = Scale.objects.filter(evaluation=evaluation, key=spec["key"]).first()
        if scale is not None:
            if scale_spec(scale) != spec:
                raise ValidationProblem(
                    _(
                        "The evaluation already has a scale “%(key)s” with other points or "
                        "labels. Scales never change once made: give this one another key."
                    )
                    % {"key": spec["key"]},
                    errors={"scales": [_("Scale “%(key)s” differs.") % {"key": spec["key"]}]},
                )
        else:
            scale = Scale.objects.create(evaluation=evaluation, key=spec["key"], name=spec["name"])
            points = [
                ScalePoint(
                    scale=scale, order=i, code=str(p["code"]), value=p["code"], label=p["label"]
                )
                for i, p in enumerate(spec["points"])
            ]
            points += [
                ScalePoint(
                    scale=scale,
                    order=len(points) + i,
                    code=p["code"],
                    label=p["label"],
                    in_scale=False,
                )
                for i, p in enumerate(spec["outside"])
            ]
            ScalePoint.objects.bulk_create(points)
        scales[spec["key"]] = scale
    return scales


def _decimal(value: int | float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _write_version_fields(version: InstrumentVersion, spec: dict) -> None:
    version.languages = spec["languages"]
    version.title = spec["title"]
    version.subtitle = spec["subtitle"]
    version.introduction = spec["introduction"]
    version.closing = spec["closing"]
    version.consent = spec.get("consent") or {}
    date = spec["deadline"]["date"]
    version.deadline_date = dt.date.fromisoformat(date) if date else None
    version.deadline_text = spec["deadline"]["text"]
    version.confidentiality_text = spec["confidentiality"]
    version.source = spec["source"]
    version.attributes = spec["attributes"]
    version.details = {**spec["details"], SCALES_KEY: [s["key"] for s in spec["scales"]]}


def _write_content(version: InstrumentVersion, spec: dict, scales: dict[str, Scale]) -> None:
    """Sections, blocks, questions and choices, in one bulk insert per table."""
    sections = Section.objects.bulk_create(
        Section(
            version=version,
            order=i,
            key=s["key"],
            label=s["label"],
            title=s["title"],
            introduction=s["introduction"],
            show_if=s["show_if"],
        )
        for i, s in enumerate(spec["sections"])
    )
    block_specs: dict[str, tuple[Section, str]] = {}
    for section, s in zip(sections, spec["sections"], strict=True):
        for q in s["questions"]:
            if q["block"]:
                block_specs.setdefault(q["block"], (section, q["scale"]))
    blocks = {
        b.key: b
        for b in LikertBlock.objects.bulk_create(
            LikertBlock(version=version, section=section, key=key, scale=scales[scale_key])
            for key, (section, scale_key) in block_specs.items()
        )
    }
    questions: list[Question] = []
    choice_specs: list[list[dict]] = []
    for section, s in zip(sections, spec["sections"], strict=True):
        for i, q in enumerate(s["questions"]):
            questions.append(
                Question(
                    version=version,
                    section=section,
                    block=blocks.get(q["block"]),
                    order=i,
                    key=q["key"],
                    label=q["label"],
                    kind=q["kind"],
                    text=q["text"],
                    help_text=q["help"],
                    prompt=q["prompt"],
                    required=q["required"],
                    min_value=_decimal(q["min"]),
                    max_value=_decimal(q["max"]),
                    applies_to=q["applies_to"],
                    show_if=q["show_if"],
                    notes=q["notes"],
                    details=q["details"],
                    accept=q.get("accept") or [],
                    max_size=q.get("max_size"),
                )
            )
            choice_specs.append(q["choices"])
    questions = Question.objects.bulk_create(questions)
    Choice.objects.bulk_create(
        Choice(question=question, order=i, code=c["code"], label=c["label"], is_other=c["other"])
        for question, choices in zip(questions, choice_specs, strict=True)
        for i, c in enumerate(choices)
    )


@transaction.atomic
def instrument_load(*, evaluation: Evaluation, text: str, by: Actor) -> LoadResult:
    """Load a YAML instrument into the evaluation: a new instrument, a new version when the
    latest is frozen, the draft replaced otherwise, or nothing when the content is the same.

    `by` is the acting user (SYSTEM for the command line, which is trusted). Nothing is saved
    when the file has any error.
    """
    ensure(by, Action.MANAGE_INSTRUMENTS, evaluation)
    spec = instrument_parse(text)
    instrument = Instrument.objects.filter(evaluation=evaluation, key=spec["key"]).first()
    if instrument is not None and instrument.kind != spec["kind"]:
        raise ValidationProblem(
            _("“%(key)s” is already a %(kind)s in this evaluation; the file says %(new)s.")
            % {"key": spec["key"], "kind": instrument.get_kind_display(), "new": spec["kind"]},
            errors={"kind": [_("Does not match the existing instrument.")]},
        )
    latest = instrument.versions.order_by("-number").first() if instrument else None
    if latest is not None and version_spec(latest) == spec:
        return LoadResult(latest, "unchanged")
    scales = _scales_for(evaluation, spec["scales"])
    if instrument is None:
        instrument = Instrument.objects.create(
            evaluation=evaluation, key=spec["key"], kind=spec["kind"], created_by=author_of(by)
        )
        version, outcome = InstrumentVersion(instrument=instrument, number=1), "created"
    elif latest is None or latest.is_frozen:
        number = latest.number + 1 if latest else 1
        version, outcome = InstrumentVersion(instrument=instrument, number=number), "new version"
    else:
        replaced = list(
            latest.questions.order_by("section__order", "order").values_list("key", flat=True)
        )
        latest.sections.all().delete()
        version, outcome = latest, "draft replaced"
    _write_version_fields(version, spec)
    version.save()
    _write_content(version, spec, scales)
    if outcome == "draft replaced":  # its questions are not tracked one by one: say they changed
        keys = list(
            version.questions.order_by("section__order", "order").values_list("key", flat=True)
        )
        record(version, verb="load", changes={"questions": [replaced, keys]})
    return LoadResult(version, outcome)


@transaction.atomic
def version_new_draft(*, instrument: Instrument, by: User) -> InstrumentVersion:
    """A draft to edit: the latest version if it is a draft, else a copy of it as the next."""
    ensure(by, Action.MANAGE_INSTRUMENTS, instrument.evaluation)
    latest = instrument.versions.order_by("-number").first()
    if latest is None:  # not reached: an instrument is created with its version 1
        raise ValueError(f"Instrument {instrument.pk} has no version to make a draft from.")
    if not latest.is_frozen:
        return latest
    spec = version_spec(latest)
    version = InstrumentVersion(instrument=instrument, number=latest.number + 1)
    _write_version_fields(version, spec)
    version.save()
    _write_content(version, spec, _scales_for(instrument.evaluation, spec["scales"]))
    return version


@transaction.atomic
def version_replace(*, version: InstrumentVersion, by: User, spec: dict) -> InstrumentVersion:
    """Store an edited spec in a draft version, checked exactly as a loaded file is."""
    evaluation = version.instrument.evaluation
    ensure(by, Action.MANAGE_INSTRUMENTS, evaluation)
    version = InstrumentVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_frozen:
        raise ValidationProblem(
            _("Version %(n)d is frozen: it has been sent out and never changes.")
            % {"n": version.number}
        )
    if version.instrument.versions.filter(number__gt=version.number).exists():
        raise ValidationProblem(_("Only the latest version can be edited."))
    if spec["key"] != version.instrument.key or spec["kind"] != version.instrument.kind:
        raise ValidationProblem(_("The key and kind of an instrument do not change."))
    return instrument_load(evaluation=evaluation, text=instrument_dump(spec), by=by).version


@transaction.atomic
def scale_create(*, evaluation: Evaluation, by: User, spec: dict) -> Scale:
    """Add a scale to the evaluation's library (or return the identical one already there)."""
    ensure(by, Action.MANAGE_INSTRUMENTS, evaluation)
    document = {
        "consulta_instrument": 1, "key": "scale-check", "kind": "questionnaire",
        "title": "check", "scales": [instrument_document_scale(spec)],
        "sections": [{"key": "s", "questions": [{"key": "q", "kind": "short_text", "text": "q"}]}],
    }  # fmt: skip
    parsed = instrument_parse(instrument_dump_document(document))
    return _scales_for(evaluation, parsed["scales"])[parsed["scales"][0]["key"]]


@transaction.atomic
def version_freeze(*, version: InstrumentVersion) -> InstrumentVersion:
    """Freeze a version (its first invitation or response): from now on it never changes."""
    frozen = InstrumentVersion.objects.filter(pk=version.pk, frozen_at__isnull=True).update(
        frozen_at=timezone.now()
    )
    version.refresh_from_db(fields=["frozen_at"])
    if frozen:
        record(version, verb="freeze", changes={"frozen_at": [None, str(version.frozen_at)]})
    return version


def instrument_create(
    *, evaluation: Evaluation, by: User, key: str, kind: str, title: str
) -> InstrumentVersion:
    """A new instrument: version 1, a draft with one empty section, to fill in the builder.

    It starts in English; translations are added in its YAML file (download, edit, load)."""
    if Instrument.objects.filter(evaluation=evaluation, key=key).exists():
        raise ValidationProblem(
            _("The evaluation already has an instrument “%(key)s”.") % {"key": key},
            errors={"key": [_("Already used; choose another.")]},
        )
    document = {
        "consulta_instrument": 1, "key": key, "kind": kind, "languages": ["en"],
        "title": title, "sections": [{"key": "A"}],
    }  # fmt: skip
    return instrument_load(
        evaluation=evaluation, text=instrument_dump_document(document), by=by
    ).version
