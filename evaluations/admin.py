from django.contrib import admin

from evaluations.models import Evaluation, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "evaluation"
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at", "added_by"]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "status", "collection_start", "collection_end", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at", "created_by"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "evaluation", "role", "initials", "created_at"]
    list_filter = ["role", "evaluation"]
    search_fields = ["user__email", "user__name", "evaluation__title", "initials"]
    autocomplete_fields = ["user", "evaluation"]
    readonly_fields = ["created_at", "added_by"]
