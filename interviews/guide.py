"""What an interview guide declares about its interviewees (e.g. "Interviewee type": MIGRANT
staff working with the GMG, other MIGRANT staff, …) and the conditions its questions put on them
(the guide's footnotes, e.g. "Only to MIGRANT colleagues working with the GMG")."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from questionnaires.answers import applies
from questionnaires.models import InstrumentVersion, Question, localized


@dataclass(frozen=True)
class GuideAttribute:
    name: str
    label: str
    choices: list[tuple[str, str]]  # (value, label), as the guide lists them

    def label_of(self, value: str) -> str:
        return dict(self.choices).get(value, value)


def _text(value: object, language: str) -> str:
    return localized(value, language) if isinstance(value, dict) else str(value or "")


def guide_attributes(version: InstrumentVersion | None) -> list[GuideAttribute]:
    """The attributes the guide declares, with their values, in the user's language."""
    if version is None:
        return []
    language = (get_language() or "en").split("-")[0]
    found = []
    for name, spec in (version.attributes or {}).items():
        spec = spec if isinstance(spec, dict) else {}
        values = spec.get("values") or {}
        found.append(
            GuideAttribute(
                name=name,
                label=_text(spec.get("label"), language) or name,
                choices=[(str(v), _text(label, language) or str(v)) for v, label in values.items()],
            )
        )
    return found


def condition_text(question: Question, version: InstrumentVersion) -> str:
    """A question's condition in words: "Interviewee type: MIGRANT staff working with the GMG"."""
    condition = question.applies_to or {}
    declared = {a.name: a for a in guide_attributes(version)}
    attribute = declared.get(condition.get("attribute", ""))
    values = condition.get("in") or condition.get("not_in") or []
    shown = ", ".join(attribute.label_of(v) if attribute else str(v) for v in values)
    if "not_in" in condition:
        shown = _("not %(values)s") % {"values": shown}
    return f"{attribute.label if attribute else condition.get('attribute', '')}: {shown}"


def asked(question: Question, attributes: dict[str, str]) -> bool:
    """Whether the guide has the question asked of this interviewee. A condition on something
    not recorded for the interview does not rule the question out (the type may be unknown)."""
    condition = question.applies_to
    if not condition or not attributes.get(condition.get("attribute", "")):
        return True
    return applies(question, attributes)
