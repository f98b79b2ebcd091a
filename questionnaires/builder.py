"""Editing an instrument spec: pure functions on the canonical spec (see instrument_format).

The builder's pages change a draft through these, then store it with
services.version_replace, which checks the result exactly as a loaded file is checked.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.utils.translation import gettext as _

from questionnaires.conditions import attribute_condition_words, describe
from questionnaires.files import accepted_text, size_write
from questionnaires.models import localized
from questionnaires.models.instruments import question_ref

EMPTY_QUESTION = {
    "key": "", "label": "", "kind": "long_text", "text": {}, "help": {}, "prompt": {},
    "required": False, "min": None, "max": None, "scale": None, "block": None, "choices": [],
    "applies_to": None, "show_if": None, "notes": [], "details": {}, "accept": [],
    "max_size": None,
}  # fmt: skip


class SpecError(Exception):
    """An edit that cannot apply (unknown section or question)."""


def _section(spec: dict, key: str) -> dict:
    for section in spec["sections"]:
        if section["key"] == key:
            return section
    raise SpecError(f"No section “{key}”.")


def _locate(spec: dict, key: str) -> tuple[dict, int]:
    for section in spec["sections"]:
        for index, question in enumerate(section["questions"]):
            if question["key"] == key:
                return section, index
    raise SpecError(f"No question “{key}”.")


def texts_put(spec: dict, fields: dict) -> dict:
    """Change the instrument's own texts (title, introduction, deadline …)."""
    return {**copy.deepcopy(spec), **copy.deepcopy(fields)}


def section_put(spec: dict, fields: dict, *, key: str | None = None) -> dict:
    """Add a section (key None) or change one; returns a new spec."""
    spec = copy.deepcopy(spec)
    if key is None:
        spec["sections"].append({"show_if": None, "questions": [], **fields})
    else:
        _section(spec, key).update(fields)
    return spec


def question_put(spec: dict, section_key: str, fields: dict, *, key: str | None = None) -> dict:
    """Add a question at the end of a section (key None) or change one (moving it if the
    section changed); returns a new spec."""
    spec = copy.deepcopy(spec)
    target = _section(spec, section_key)
    if key is None:
        target["questions"].append({**copy.deepcopy(EMPTY_QUESTION), **fields})
        return spec
    section, index = _locate(spec, key)
    question = {**section["questions"][index], **fields}
    if section is target:
        section["questions"][index] = question
    else:
        del section["questions"][index]
        target["questions"].append(question)
    return spec


def move(spec: dict, *, section: str | None = None, question: str | None = None, step: int) -> dict:
    """Move a section or a question up (-1) or down (+1) within its list."""
    spec = copy.deepcopy(spec)
    if question is not None:
        container, index = _locate(spec, question)
        items = container["questions"]
    else:
        items = spec["sections"]
        index = next((i for i, s in enumerate(items) if s["key"] == section), None)
        if index is None:
            raise SpecError(f"No section “{section}”.")
    target = index + step
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    return spec


def remove(spec: dict, *, section: str | None = None, question: str | None = None) -> dict:
    spec = copy.deepcopy(spec)
    if question is not None:
        container, index = _locate(spec, question)
        del container["questions"][index]
    else:
        _section(spec, section)
        spec["sections"] = [s for s in spec["sections"] if s["key"] != section]
    return spec


def scale_use(spec: dict, scale_spec: dict) -> dict:
    """Declare a library scale in the spec (once)."""
    spec = copy.deepcopy(spec)
    if all(s["key"] != scale_spec["key"] for s in spec["scales"]):
        spec["scales"].append(copy.deepcopy(scale_spec))
    return spec


# --- differences between two versions ------------------------------------------------------


@dataclass(frozen=True)
class DiffRow:
    key: str
    where: str
    old: str
    new: str

    @property
    def change(self) -> str:
        if not self.old:
            return "added"
        if not self.new:
            return "removed"
        return "changed" if self.old != self.new else "same"


def condition_labels(spec: dict, language: str) -> dict[str, str]:
    """How conditions name questions and answers in words (conditions.describe): a question
    by its printed number ("A3") or key, a choice or scale point by its label."""
    labels: dict[str, str] = {}
    scales = {s["key"]: [*s["points"], *s["outside"]] for s in spec["scales"]}
    for section in spec["sections"]:
        for q in section["questions"]:
            labels[q["key"]] = question_ref(
                section_label=section["label"], label=q["label"], key=q["key"]
            )
            points = scales.get(q["scale"] or "", []) if q["kind"] == "likert" else q["choices"]
            for point in points:
                labels[f"{q['key']}:{point['code']}"] = localized(point["label"], language)
    return labels


def _question_text(question: dict, language: str, labels: dict[str, str]) -> str:
    text = f"{question['label']} {localized(question['text'], language)}".strip()
    extras = []
    if question["kind"] == "likert":
        extras.append(f"[{question['scale']}]")
    elif question["kind"] != "long_text":
        extras.append(f"[{question['kind']}]")
    if question["required"]:
        extras.append("[required]")
    if question["choices"]:
        extras.append(
            "; ".join(f"{c['code']}={localized(c['label'], language)}" for c in question["choices"])
        )
    if question["applies_to"]:
        extras.append(f"[{applies_to_words(question['applies_to'])}]")
    if question.get("show_if"):
        extras.append(f"[{_('shown if')} {describe(question['show_if'], language, labels)}]")
    if question["kind"] == "file":
        extras.append(_file_limits(question))
    return " ".join([text, *extras])


def _file_limits(question: dict) -> str:
    """ "[accepts PDF, Excel (.xlsx); up to 10MB]" for a file question."""
    size = question.get("max_size")
    limit = f"; up to {size_write(size)}" if size else ""
    return f"[accepts {accepted_text(question.get('accept') or [])}{limit}]"


def applies_to_words(condition: dict) -> str:
    """An invitation-attribute condition (applies_to) in words."""
    return _("only if %(condition)s") % {"condition": attribute_condition_words(condition)}


def _rows(spec: dict, language: str) -> dict[str, tuple[str, str]]:
    rows: dict[str, tuple[str, str]] = {
        "title": ("", localized(spec["title"], language)),
        "introduction": ("", localized(spec["introduction"], language)),
        "deadline": (
            "",
            localized(spec["deadline"]["text"], language) + f" ({spec['deadline']['date'] or '–'})",
        ),
    }
    labels = condition_labels(spec, language)
    for section in spec["sections"]:
        title = f"{section['label']} {localized(section['title'], language)}".strip()
        shown_if = section.get("show_if")
        rows[f"section {section['key']}"] = (
            title,
            title
            + "\n"
            + localized(section["introduction"], language)
            + (f"\n[{_('shown if')} {describe(shown_if, language, labels)}]" if shown_if else ""),
        )
        for question in section["questions"]:
            rows[question["key"]] = (title, _question_text(question, language, labels))
    for scale in spec["scales"]:
        points = ", ".join(
            f"{p['code']} {localized(p['label'], language)}"
            for p in [*scale["points"], *scale["outside"]]
        )
        rows[f"scale {scale['key']}"] = ("", points)
    return rows


def version_diff(old: dict, new: dict, language: str = "en") -> list[DiffRow]:
    """Side-by-side rows for two specs, in the newer version's order, removed rows after."""
    a, b = _rows(old, language), _rows(new, language)
    keys = list(b) + [k for k in a if k not in b]
    return [
        DiffRow(
            key, (b.get(key) or a.get(key))[0], a.get(key, ("", ""))[1], b.get(key, ("", ""))[1]
        )
        for key in keys
    ]
