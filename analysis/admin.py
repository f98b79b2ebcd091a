"""Staff maintenance of the analysis: the matrix and the codebook shown read-only (changed
through the services: API, commands), codings shown without their text (some are for the
lead evaluator only, and excerpts are copies of answers)."""

from __future__ import annotations

from django.contrib import admin

from analysis.models import Code, Coding, Criterion, EvaluationQuestion, ShareWords
from common.admin import ReadOnlyAdmin


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ["label", "name", "evaluation", "order"]
    list_filter = ["evaluation"]


@admin.register(EvaluationQuestion)
class EvaluationQuestionAdmin(ReadOnlyAdmin):
    list_display = ["number", "criterion", "evaluation"]
    list_filter = ["evaluation"]
    list_select_related = ["criterion", "evaluation"]


@admin.register(Code)
class CodeAdmin(ReadOnlyAdmin):
    list_display = ["name", "parent", "evaluation", "guid"]
    list_filter = ["evaluation"]
    search_fields = ["name"]


@admin.register(Coding)
class CodingAdmin(ReadOnlyAdmin):
    """Only that codings exist, never their excerpt or memo."""

    list_display = ["pk", "evaluation", "answer", "note_number", "start", "end", "lead_only"]
    list_filter = ["evaluation", "lead_only"]
    # A note's name is the start of its text: shown by number only.
    fields = ["evaluation", "answer", "note_number", "start", "end", "lead_only", "coder"]
    readonly_fields = fields

    @admin.display(description="note")
    def note_number(self, coding: Coding) -> str:
        return f"#{coding.note_id}" if coding.note_id else ""


@admin.register(ShareWords)
class ShareWordsAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "few_below", "quarter_below", "third_below", "most_from"]
