"""The words of the instrument format: its version, the kinds, the standard attributes, keys."""

from __future__ import annotations

import re

FORMAT_VERSION = 1
KINDS = ("questionnaire", "interview_guide")
QUESTION_KINDS = (
    "short_text",
    "long_text",
    "single_choice",
    "multiple_choice",
    "number",
    "date",
    "email",
    "likert",
    "instruction",
    "file",
)
CHOICE_KINDS = ("single_choice", "multiple_choice")
# Respondent attributes every response snapshot carries; an instrument may declare more.
STANDARD_ATTRIBUTES = (
    "region",
    "country",
    "office_type",
    "unit_type",
    "years_of_service_band",
    "stakeholder_group",
)
KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

TOP_FIELDS = {
    "consulta_instrument",
    "key",
    "kind",
    "languages",
    "title",
    "subtitle",
    "source",
    "introduction",
    "closing",
    "consent",
    "deadline",
    "confidentiality",
    "attributes",
    "details",
    "scales",
    "sections",
}
# An optional first page: the privacy notice and the box the respondent must tick.
CONSENT_FIELDS = {"notice", "checkbox"}
SECTION_FIELDS = {"key", "label", "title", "introduction", "show_if", "questions"}
QUESTION_FIELDS = {
    "key",
    "label",
    "kind",
    "text",
    "help",
    "prompt",
    "required",
    "min",
    "max",
    "scale",
    "block",
    "choices",
    "applies_to",
    "show_if",
    "notes",
    "details",
    "accept",
    "max_size",
}
SCALE_FIELDS = {"key", "name", "points", "outside"}
