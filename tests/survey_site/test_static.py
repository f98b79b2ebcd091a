"""Static assets the pages point at exist (a page pointing at a missing file costs every visitor
a 404 and a log line)."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_every_static_file_the_login_page_names_exists(client) -> None:
    page = client.get("/accounts/login/").content.decode()
    named = re.findall(r'(?:href|src)="/static/([^"]+)"', page)
    assert "favicon.svg" in named
    assert [path for path in named if finders.find(path) is None] == []
