"""The shared read-only admin bases: staff see the records, and add, change or delete none."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from common.admin import ReadOnlyAdmin, ReadOnlyInline
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_read_only_admins_refuse_every_change_even_to_a_superuser() -> None:
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    read_only = [
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, ReadOnlyAdmin)
    ]
    assert read_only  # the registry's people and the interview log, at least
    for model_admin in read_only:
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
        assert model_admin.has_view_permission(request)
        for inline in model_admin.get_inline_instances(request):
            assert isinstance(inline, ReadOnlyInline)


def test_a_read_only_admin_answers_403_to_the_add_page() -> None:
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get("/admin/stakeholders/person/").status_code == 200
    assert client.get("/admin/stakeholders/person/add/").status_code == 403
