"""Staff maintenance views. Answers are not listed here: they follow the confidentiality
rules of the pages and the API, which the admin would bypass."""

from django.contrib import admin

from questionnaires.models import Distribution, Instrument, InstrumentVersion, Invitation, Scale


class VersionInline(admin.TabularInline):
    model = InstrumentVersion
    fields = ["number", "frozen_at", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "evaluation", "created_at"]
    list_filter = ["kind", "evaluation"]
    search_fields = ["key"]
    readonly_fields = ["evaluation", "key", "kind", "created_at", "created_by"]
    inlines = [VersionInline]


@admin.register(Scale)
class ScaleAdmin(admin.ModelAdmin):
    list_display = ["key", "evaluation", "created_at"]
    readonly_fields = ["evaluation", "key", "name", "created_at"]


@admin.register(Distribution)
class DistributionAdmin(admin.ModelAdmin):
    list_display = ["title", "evaluation", "version", "confidentiality", "deadline", "closes_at"]
    list_filter = ["confidentiality", "evaluation"]
    readonly_fields = ["evaluation", "version", "confidentiality", "created_at", "created_by"]
    fields = [
        "title",
        "evaluation",
        "version",
        "confidentiality",
        "languages",
        "deadline",
        "closes_at",
    ]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "distribution", "status", "created_at"]
    list_filter = ["status", "distribution__evaluation"]
    search_fields = ["name", "email"]
    exclude = ["selector", "legacy_token_hash"]
    readonly_fields = ["distribution", "status", "opened_at", "submitted_at"]
