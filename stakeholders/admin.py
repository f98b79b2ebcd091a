"""Staff maintenance of the registry. Reference lists (regions, countries, groups, offices,
tags) are edited here freely; people, organisations and merges are read-only, because their
matching keys, aliases and merge records are kept by the services (use the registry pages)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from common.admin import ReadOnlyAdmin, ReadOnlyInline
from stakeholders.models import (
    Affiliation,
    Country,
    NotDuplicate,
    Office,
    Organisation,
    Person,
    PersonAlias,
    PersonMerge,
    Region,
    StakeholderGroup,
    Tag,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    list_editable = ["order"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name", "official_name"]


@admin.register(StakeholderGroup)
class StakeholderGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "active"]
    list_filter = ["active"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Groups in use are deactivated, never deleted (the registry page says so).
        return False


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "city", "country", "region"]
    list_filter = ["type", "region"]
    search_fields = ["name", "city"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "acronym", "kind", "country", "stakeholder_group"]
    list_filter = ["kind", "stakeholder_group"]
    search_fields = ["name", "acronym", "normalised"]


class AliasInline(ReadOnlyInline):
    model = PersonAlias
    fields = ["name", "source"]


class AffiliationInline(ReadOnlyInline):
    model = Affiliation
    fields = ["organisation", "unit", "job_title", "office", "stakeholder_group", "start", "end"]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["display_name", "email", "merged_into", "created_at"]
    search_fields = ["display_name", "normalised", "aliases__normalised"]
    inlines = [AliasInline, AffiliationInline]


@admin.register(PersonMerge)
class PersonMergeAdmin(ReadOnlyAdmin):
    list_display = ["merged", "kept", "score", "by", "at", "undone_at"]


@admin.register(NotDuplicate)
class NotDuplicateAdmin(ReadOnlyAdmin):
    list_display = ["first", "second", "by", "at"]
