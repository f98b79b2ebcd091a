"""What a respondent sees: a version's sections and questions in one language, filled in.

Shared by the respondent form, the team's preview and the receipt, so all three show the
same thing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from common.upload_limits import size_text
from questionnaires.answers import (
    FILE_KIND,
    OTHER_SUFFIX,
    QuestionMeta,
    applies,
    applying,
    version_meta,
)
from questionnaires.conditions import describe, referenced_keys
from questionnaires.files import accept_attribute, accepted_text, max_bytes
from questionnaires.models import Answer, InstrumentVersion, localized
from questionnaires.models.instruments import question_ref
from questionnaires.selectors.instruments import version_content

PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")
# "{answer:A3}" in a question's texts: the respondent's earlier answer to A3 (skip logic).
PIPE_RE = re.compile(r"\{answer:([^{}\s]*)\}")
UNANSWERED = "…"


def fill(text: str, variables: dict[str, Any]) -> str:
    """Put the respondent's values into {placeholders}; unknown ones stay as printed."""
    return PLACEHOLDER_RE.sub(lambda m: str(variables.get(m.group(1), m.group(0))), text)


@dataclass
class Point:
    code: str
    label: str
    in_scale: bool


@dataclass
class ShownQuestion:
    key: str
    label: str
    kind: str
    text: str
    help: str
    prompt: str
    required: bool
    notes: list[dict]
    choices: list[Point] = field(default_factory=list)
    meta: QuestionMeta | None = None
    value: Any = ""
    other: str = ""
    error: str = ""
    ref: str = ""  # "B1" or the key, as the team names it (Question.ref)
    file_size: int | None = None  # a file question's stored file (its name is the value)
    # Skip logic (questionnaires.conditions): its section's and its own condition, in words
    # and as data for the page's script; `skipped` when the answers so far leave it out;
    # `hidden` when the page does not show it (left out by answers of earlier pages).
    condition: str = ""
    show_if: dict | None = None
    skipped: bool = False
    hidden: bool = False
    show_condition: bool = True  # say the condition beside it (preview, data entry, no script)
    # The texts as written, before {answer:KEY} is filled with the earlier answer.
    written: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"q-{self.key}"

    @property
    def file_accept(self) -> str:
        """A file question's types, in words and for the input's accept attribute."""
        return accepted_text(self.meta.accept if self.meta else ())

    @property
    def file_accept_attribute(self) -> str:
        return accept_attribute(self.meta.accept if self.meta else ())

    @property
    def file_limit(self) -> str:
        return size_text(max_bytes(self.meta.max_size if self.meta else None))

    @property
    def show_if_json(self) -> str:
        return json.dumps(self.show_if) if self.show_if else ""

    @property
    def condition_value(self) -> Any:
        """The answer as a condition reads it (conditions.evaluate)."""
        if self.kind == "multiple_choice":
            return list(self.value or [])
        return self.value

    @property
    def display_value(self) -> str:
        """The answer as text, for the review page and the receipt."""
        if self.kind == FILE_KIND and self.value:
            return f"{self.value} ({size_text(self.file_size or 0)})"
        if self.kind == "multiple_choice":
            labels = [c.label for c in self.choices if c.code in (self.value or [])]
            return "; ".join(labels + ([self.other] if self.other else []))
        if self.kind in ("single_choice", "likert"):
            label = next((c.label for c in self.choices if c.code == self.value), self.value)
            return f"{label} — {self.other}" if self.other else label
        return self.value or ""


@dataclass
class Block:
    key: str
    points: list[Point]
    items: list[ShownQuestion]
    kind: str = "likert_block"


@dataclass
class Page:
    number: int
    key: str
    label: str
    title: str
    introduction: str
    entries: list[ShownQuestion | Block]
    condition: str = ""  # the section's condition, in words
    hidden: bool = False  # skipped: the answers so far leave out every question

    @property
    def questions(self) -> list[ShownQuestion]:
        out: list[ShownQuestion] = []
        for entry in self.entries:
            out.extend(entry.items if isinstance(entry, Block) else [entry])
        return out


@dataclass
class Form:
    version: InstrumentVersion
    language: str
    title: str
    subtitle: str
    introduction: str
    closing: str
    deadline_text: str
    confidentiality_text: str
    pages: list[Page]
    # The printed deadline is the distribution's own ("… by {deadline}"): shown instead of it.
    deadline_filled: bool = False
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def shown_pages(self) -> list[Page]:
        """The pages the answers so far do not skip (numbers stay those of form.pages)."""
        return [p for p in self.pages if not p.hidden]


def _points(scale: Any, language: str) -> list[Point]:
    return [Point(p.code, localized(p.label, language), p.in_scale) for p in scale.points.all()]


def build_form(
    version: InstrumentVersion, language: str, attributes: dict[str, Any] | None = None
) -> Form:
    """The version as the respondent sees it: applicable questions only, texts filled in."""
    attributes = attributes or {}
    version = version_content(version)
    meta = version_meta(version)

    def text(value: dict) -> str:
        return fill(localized(value, language), attributes)

    by_section: dict[int, list] = {}
    for q in version.questions.all():
        by_section.setdefault(q.section_id, []).append(q)
    conditional = any(s.show_if for s in version.sections.all()) or any(
        q.show_if for q in version.questions.all()
    )
    labels = condition_labels(version, language) if conditional else {}
    pages = []
    for section in version.sections.all():
        entries: list[ShownQuestion | Block] = []
        blocks: dict[int, Block] = {}
        for q in by_section.get(section.pk, []):
            if not applies(meta.by_key[q.key], attributes):
                continue
            shown = ShownQuestion(
                key=q.key, label=q.label, kind=q.kind, text=text(q.text), help=text(q.help_text),
                prompt=text(q.prompt), required=q.required,
                notes=[{"marker": n["marker"], "text": text(n["text"])} for n in q.notes],
                choices=[Point(c.code, text(c.label), not c.is_other) for c in q.choices.all()],
                meta=meta.by_key[q.key],
                ref=question_ref(section_label=section.label, label=q.label, key=q.key),
                condition=describe(q.show_if, language, labels),
                show_if=_both(section.show_if, q.show_if),
            )  # fmt: skip
            shown.written = {"text": shown.text, "help": shown.help, "prompt": shown.prompt}
            if q.block_id:
                if q.block_id not in blocks:
                    blocks[q.block_id] = Block(q.block.key, _points(q.block.scale, language), [])
                    entries.append(blocks[q.block_id])
                shown.choices = blocks[q.block_id].points
                blocks[q.block_id].items.append(shown)
            else:
                entries.append(shown)
        pages.append(
            Page(len(pages) + 1, section.key, section.label, text(section.title),
                 text(section.introduction), entries,
                 condition=describe(section.show_if, language, labels))
        )  # fmt: skip
    form = Form(
        version=version,
        language=language,
        title=text(version.title),
        subtitle=text(version.subtitle),
        introduction=text(version.introduction),
        closing=text(version.closing),
        deadline_text=text(version.deadline_text),
        confidentiality_text=text(version.confidentiality_text),
        pages=[p for p in pages if p.entries],
        deadline_filled="{deadline}" in localized(version.deadline_text, language)
        and "deadline" in attributes,
        attributes=attributes,
    )
    _pipe(form, {})
    return form


def _both(section: dict | None, question: dict | None) -> dict | None:
    parts = [c for c in (section, question) if c]
    return None if not parts else parts[0] if len(parts) == 1 else {"all": parts}


def condition_labels(version: InstrumentVersion, language: str) -> dict[str, str]:
    """How conditions name questions ("A3") and answers (a choice's label) in `language`
    (conditions.describe). The version comes from version_content."""
    labels: dict[str, str] = {}
    scales: dict[int, list[Any]] = {}
    for q in version.questions.all():
        labels[q.key] = q.ref
        if q.block:
            if q.block.scale_id not in scales:
                scales[q.block.scale_id] = list(q.block.scale.points.all())
            points: list[Any] = scales[q.block.scale_id]
        else:
            points = list(q.choices.all())
        labels |= {f"{q.key}:{p.code}": localized(p.label, language) for p in points}
    return labels


def _pipe(form: Form, answered: dict[str, ShownQuestion]) -> None:
    """Fill {answer:KEY} in the questions' texts with the answers of `answered` (the
    questions that apply, by key), "…" for the others."""

    def quote(match: re.Match) -> str:
        shown = answered.get(match.group(1))
        return (shown.display_value if shown else "") or UNANSWERED

    for page in form.pages:
        for q in page.questions:
            for name, written in q.written.items():
                if "{answer:" in written:
                    setattr(q, name, PIPE_RE.sub(quote, written))


def apply_skip_logic(form: Form) -> None:
    """Decide from the answers in the form (stored or just posted) which questions apply
    (answers.applying: the one rule of the form, the API and the summaries) and which pages
    are skipped, and quote the earlier answers in the texts. A question that depends on an
    answer of its own page stays on the page with its condition in words: the page's script
    hides it as answers change, and without script the server leaves out its answer."""
    questions = [q for page in form.pages for q in page.questions]
    values = {q.key: q.condition_value for q in questions}
    keys = applying([q.meta for q in questions if q.meta], form.attributes, values)
    for page in form.pages:
        here = {q.key for q in page.questions}
        for q in page.questions:
            q.skipped = q.key not in keys
            same_page = bool(referenced_keys(q.meta.show_if if q.meta else None) & here)
            q.hidden = q.skipped and not same_page
            q.show_condition = same_page
        page.hidden = all(q.skipped for q in page.questions)
    _pipe(form, {q.key: q for q in questions if q.key in keys})


def answers_elsewhere(form: Form, page: Page) -> dict[str, Any]:
    """The answers of the form's other pages that the page's conditions read, as the page's
    script reads them when a condition combines them with answers of its own page (only
    those: a page carries no other answer)."""
    here = {q.key for q in page.questions}
    read = set().union(*(referenced_keys(q.show_if) for q in page.questions if q.show_if)) - here
    return {
        q.key: q.condition_value
        for p in form.pages
        for q in p.questions
        if q.key in read and not q.skipped and q.kind != "instruction"
    }


def fill_answers(form: Form, answers: list[Answer]) -> None:
    """Put stored answers (a draft or a submission) into the form's questions."""
    by_question = {a.question_id: a for a in answers}
    for page in form.pages:
        for q in page.questions:
            answer = by_question.get(q.meta.id)
            if answer is None:
                continue
            if q.kind == "multiple_choice":
                q.value, q.other = answer.choices, answer.text
            elif q.kind in ("single_choice", "likert"):
                q.value, q.other = answer.choice, answer.text
            else:
                q.value = answer.text
            if q.kind == FILE_KIND:
                q.file_size = answer.file_size
    apply_skip_logic(form)


def posted_answers(
    questions: Sequence[ShownQuestion] | Sequence[QuestionMeta], data: Any
) -> dict[str, object]:
    """What a form posted for these questions (shown ones, or all of a version's), keyed as
    the services take it.

    An unticked multiple choice posts nothing: that means none, not "unchanged".
    """
    answers: dict[str, object] = {}
    for q in questions:
        if q.kind in ("instruction", FILE_KIND):  # a file is uploaded on its own
            continue
        name = f"q-{q.key}"  # ShownQuestion.name
        values = data.getlist(name)
        answers[q.key] = values if q.kind == "multiple_choice" else (values[0] if values else "")
        other = data.get(name + OTHER_SUFFIX)
        if other is not None:
            answers[q.key + OTHER_SUFFIX] = other
    return answers


def fill_posted(page: Page, data: Any, errors: dict[str, list[str]]) -> None:
    """Show what was just posted, with its errors, on the page."""
    for q in page.questions:
        if q.kind == FILE_KIND:  # the stored file stays shown (views.respondent_files)
            q.error = " ".join(errors.get(q.key, []))
            continue
        if q.kind == "multiple_choice":
            q.value = data.getlist(q.name)
        else:
            q.value = data.get(q.name, "")
        q.other = data.get(q.name + OTHER_SUFFIX, "")
        q.error = " ".join(errors.get(q.key, []))


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int
    resume_page: int | None  # where "Continue" goes; None: every question has an answer


def _has_answer(q: ShownQuestion) -> bool:
    return bool(q.value) or bool(q.other)


def _first_page(form: Form, missing: Any) -> int | None:
    return next(
        (
            page.number
            for page in form.shown_pages
            if any(missing(q) for q in page.questions if not q.skipped)
        ),
        None,
    )


def form_progress(form: Form) -> Progress:
    """How many of the questions to answer have an answer (instructions do not count), and
    where a returning respondent picks up: the first page with a required question
    unanswered, else the first with any question unanswered."""
    questions = [
        q
        for page in form.shown_pages
        for q in page.questions
        if q.kind != "instruction" and not q.skipped
    ]
    unanswered = {id(q) for q in questions if not _has_answer(q)}
    resume = _first_page(form, lambda q: q.required and id(q) in unanswered) or _first_page(
        form, lambda q: id(q) in unanswered
    )
    return Progress(len(questions) - len(unanswered), len(questions), resume)
