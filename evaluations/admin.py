"""Staff maintenance. Team changes go through the services, so the admin keeps the same
rules as the pages and the API (one lead at least, unique initials, drafts only deleted)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from common.admin import ReadOnlyInline
from common.errors import ValidationProblem
from evaluations import services
from evaluations.models import Evaluation, Membership


class MembershipInline(ReadOnlyInline):
    """Read-only here: the team is changed on the team page, or in Memberships below."""

    model = Membership
    fk_name = "evaluation"
    fields = ["user", "role", "initials", "created_at"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "status", "collection_start", "collection_end", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at", "created_by"]
    inlines = [MembershipInline]

    def delete_model(self, request: HttpRequest, obj: Evaluation) -> None:
        _through_service(
            request, lambda: services.evaluation_delete(evaluation=obj, by=request.user)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Evaluation | None = None) -> bool:
        # Bulk deletion would skip the rule that only drafts without data are deleted.
        return obj is not None and super().has_delete_permission(request, obj)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "evaluation", "role", "initials", "created_at"]
    list_filter = ["role", "evaluation"]
    search_fields = ["user__email", "user__name", "evaluation__title", "initials"]
    autocomplete_fields = ["user", "evaluation"]
    readonly_fields = ["created_at", "added_by"]
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: Membership | None = None) -> list:
        # Who and where are fixed once made; role and initials change through the service.
        fixed = ["user", "evaluation"] if obj else []
        return [*self.readonly_fields, *fixed]

    def save_model(self, request: HttpRequest, obj: Membership, form: object, change: bool) -> None:
        if change:

            def act() -> None:
                current = Membership.objects.select_related("evaluation", "user").get(pk=obj.pk)
                services.membership_change(
                    membership=current, by=request.user, role=obj.role, initials=obj.initials
                )
        else:

            def act() -> None:
                services.membership_add(
                    evaluation=obj.evaluation,
                    by=request.user,
                    email=obj.user.email,
                    role=obj.role,
                    initials=obj.initials,
                )

        _through_service(request, act)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        _through_service(
            request, lambda: services.membership_remove(membership=obj, by=request.user)
        )


def _through_service(request: HttpRequest, act: object) -> None:
    """Run a service; show its refusal as an admin message instead of saving anyway."""
    try:
        act()
    except (ValidationProblem, PermissionDenied) as problem:
        messages.error(request, getattr(problem, "message", str(problem)))
