"""Admin bases shared by the apps: read-only pages for records the services keep."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest


class _ReadOnly:
    """Nothing added, changed or deleted through the admin: the services keep these records."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyAdmin(_ReadOnly, admin.ModelAdmin):
    """Shown, never added, changed or deleted here: the services keep these records."""


class ReadOnlyInline(_ReadOnly, admin.TabularInline):
    """A read-only table of related records under a read-only (or service-kept) record."""

    extra = 0
    can_delete = False
