"""Staff maintenance of the interview log: read-only, because participants' copied
affiliations, interviewer matching and note visibility are kept by the services (use the log
pages or the API to change them). Reporting categories may be renamed and reordered here."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from common.admin import ReadOnlyAdmin, ReadOnlyInline
from interviews.models import (
    CategoryRule,
    CoverageTarget,
    Interview,
    Interviewer,
    InterviewImportJob,
    InterviewNote,
    Participation,
    ReportingCategory,
)


class ParticipationInline(ReadOnlyInline):
    model = Participation
    fields = [
        "person",
        "group_label",
        "headcount",
        "organisation_name",
        "unit",
        "job_title",
        "country",
        "stakeholder_group",
        "original_text",
    ]
    readonly_fields = fields


class InterviewerInline(ReadOnlyInline):
    model = Interviewer
    fields = ["membership", "initials"]
    readonly_fields = fields


@admin.register(Interview)
class InterviewAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "evaluation", "date", "mode", "kind", "category", "excluded"]
    list_filter = ["evaluation", "mode", "kind", "excluded"]
    search_fields = ["grouping", "venue", "about", "source", "participations__group_label"]
    date_hierarchy = "date"
    list_select_related = ["evaluation", "category"]
    inlines = [ParticipationInline, InterviewerInline]
    # Notes are not shown: some are for the lead evaluator only.
    exclude = ["import_key"]


@admin.register(ReportingCategory)
class ReportingCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "evaluation", "order"]
    list_filter = ["evaluation"]
    list_editable = ["order"]
    readonly_fields = ["evaluation"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CoverageTarget)
class CoverageTargetAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "stakeholder_group", "country", "region", "method", "planned"]
    list_filter = ["evaluation", "method", "stakeholder_group"]
    list_select_related = ["evaluation", "stakeholder_group", "country", "region"]


@admin.register(InterviewNote)
class InterviewNoteAdmin(ReadOnlyAdmin):
    """Only that notes exist, never their text: some are for the lead evaluator only."""

    list_display = ["interview", "question", "visibility", "created_by", "created_at"]
    list_filter = ["visibility", "interview__evaluation"]
    fields = ["interview", "question", "visibility", "created_by", "created_at"]
    readonly_fields = fields


@admin.register(InterviewImportJob)
class InterviewImportJobAdmin(ReadOnlyAdmin):
    """Uploaded lists and their state; the review happens on the import pages."""

    list_display = ["filename", "evaluation", "state", "created_by", "created_at", "committed_at"]
    list_filter = ["state", "evaluation"]
    list_select_related = ["evaluation", "created_by"]
    fields = ["evaluation", "filename", "sheet", "month_first", "state", "error", "decisions"]
    readonly_fields = fields


@admin.register(CategoryRule)
class CategoryRuleAdmin(admin.ModelAdmin):
    list_display = ["evaluation", "order", "field", "value", "category"]
    list_filter = ["evaluation", "field"]
    ordering = ["evaluation", "order", "pk"]
