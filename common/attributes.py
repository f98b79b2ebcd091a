"""The one label of every attribute of a person or respondent (the registry's fields and the
keys a response snapshot carries): pages, charts, exports and rules say "Office type", never
`office_type`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

ATTRIBUTE_LABELS = {
    "name": gettext_lazy("Name"),
    "email": gettext_lazy("E-mail address"),
    "region": gettext_lazy("Region"),
    "country": gettext_lazy("Country"),
    "office": gettext_lazy("Office"),
    "office_type": gettext_lazy("Office type"),
    "organisation": gettext_lazy("Organisation"),
    "unit": gettext_lazy("Unit"),
    "unit_type": gettext_lazy("Unit type"),
    "job_title": gettext_lazy("Job title"),
    "years_of_service_band": gettext_lazy("Years of service"),
    "stakeholder_group": gettext_lazy("Stakeholder group"),
    "language": gettext_lazy("Language"),
}


def attribute_label(key: str) -> str:
    """The key's label in the active language; a key nobody named (an instrument's own
    attribute) reads as words: "interviewee_type" → "Interviewee type"."""
    label = ATTRIBUTE_LABELS.get(key)
    if label is not None:
        return str(label)
    words = key.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def attribute_items(attributes: dict[str, object]) -> list[tuple[str, object]]:
    """A snapshot's attributes as (label, value), in the snapshot's order."""
    return [(attribute_label(key), value) for key, value in attributes.items()]
