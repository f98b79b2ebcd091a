"""Reads on instruments: the canonical spec of a version (what the YAML format writes)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from evaluations.models import Evaluation
from questionnaires.instrument_format.vocabulary import FORMAT_VERSION
from questionnaires.models import Choice, Instrument, InstrumentVersion, Question, Scale

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
        "show_if": q.show_if,
        "notes": q.notes,
        "details": q.details,
        "accept": q.accept,
        "max_size": q.max_size,
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
        "consent": version.consent,
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
                "show_if": s.show_if,
                "questions": [question_spec(q) for q in questions_by_section.get(s.pk, [])],
            }
            for s in version.sections.all()
        ],
    }


def instrument_list(*, evaluation: Evaluation) -> QuerySet[Instrument]:
    return Instrument.objects.filter(evaluation=evaluation).prefetch_related("versions")


def instruments_by_title(*, evaluation: Evaluation) -> list[Instrument]:
    """The evaluation's instruments as people know them: by title (the key breaks ties)."""
    return sorted(instrument_list(evaluation=evaluation), key=lambda i: (i.title.casefold(), i.key))


def version_get(*, instrument: Instrument, number: int | None = None) -> InstrumentVersion | None:
    """A version of the instrument: the given number, or the latest; None if there is none."""
    versions = instrument.versions.order_by("-number")
    return versions.filter(number=number).first() if number is not None else versions.first()
