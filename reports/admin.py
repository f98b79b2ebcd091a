"""Staff maintenance of the report side: table layouts and their rules and cells (edited on
the report pages, shown here), and export jobs (retried or cancelled through the services)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from common.errors import ValidationProblem
from reports.models import ExportJob, LayoutCell, TableLayout
from reports.services import exports


class LayoutCellInline(admin.TabularInline):
    model = LayoutCell
    extra = 0
    fields = ["category", "column", "printed", "override", "override_reason", "override_by"]
    readonly_fields = ["override_by"]


@admin.register(TableLayout)
class TableLayoutAdmin(admin.ModelAdmin):
    list_display = ["name", "evaluation", "title", "updated_at"]
    list_filter = ["evaluation"]
    search_fields = ["name", "title", "evaluation__title"]
    inlines = [LayoutCellInline]


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "evaluation", "kind", "state", "progress", "requested_by", "created_at"]
    list_filter = ["state", "kind"]
    search_fields = ["evaluation__title", "requested_by__email", "filename"]
    readonly_fields = [f.name for f in ExportJob._meta.fields]
    actions = ["retry", "cancel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # exports are asked for on the report pages or through the API

    @admin.action(description=_("Try the selected exports again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[ExportJob]) -> None:
        self._each(request, queryset, exports.export_retry)

    @admin.action(description=_("Cancel the selected exports"))
    def cancel(self, request: HttpRequest, queryset: QuerySet[ExportJob]) -> None:
        self._each(request, queryset, exports.export_cancel)

    def _each(self, request: HttpRequest, queryset: QuerySet[ExportJob], action) -> None:
        done = 0
        for job in queryset.select_related("evaluation", "requested_by"):
            try:
                action(job=job, by=request.user)
                done += 1
            except (ValidationProblem, PermissionDenied) as exc:
                self.message_user(request, f"#{job.pk}: {exc}", messages.WARNING)
        if done:
            self.message_user(request, _("%(n)s export(s) changed.") % {"n": done})
