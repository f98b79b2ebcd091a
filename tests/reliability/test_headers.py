"""Item 5: every answer carries a Content-Security-Policy that allows no inline script or
style (our templates need none), X-Content-Type-Options and a Referrer-Policy; the API's
respondent door refuses a burst of unknown links like the form does."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def _policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _assert_secure_headers(response) -> None:
    policy = _policy(response)
    assert policy.get("default-src") == ["'self'"], response.headers
    for directive in ("script-src", "style-src"):
        assert policy.get(directive) == ["'self'"], (directive, policy)
    assert policy.get("object-src") == ["'none'"]
    assert policy.get("frame-ancestors") == ["'none'"]
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"


def test_pages_form_and_api_send_the_security_headers(team, make_distribution, invite) -> None:
    lead = Client()
    lead.force_login(team["lead"].user)
    page = lead.get("/evaluations/")
    assert page.status_code == 200
    _assert_secure_headers(page)
    token = invite(make_distribution()).token
    form = Client().get(f"/r/{token}/page/1/")
    assert form.status_code == 200 and b"<form" in form.content
    _assert_secure_headers(form)
    api = lead.get("/api/v1/evaluations/")
    assert api.status_code == 200
    _assert_secure_headers(api)
    submit = Client().post(f"/api/v1/respond/{token}/", {"answers": []}, "application/json")
    assert submit.status_code == 400
    _assert_secure_headers(submit)
    _assert_secure_headers(Client().get("/r/unknown-link/"))


INLINE = [
    (
        re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
        "inline <script>",
    ),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "on…= event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_need_no_inline_script_or_style() -> None:
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not found, "\n".join(found)


def test_api_respondent_door_refuses_a_burst_of_unknown_links() -> None:
    body = {"answers": {}, "language": "en"}
    statuses = []
    last = None
    # The limit counts per address in fixed one-minute windows: an address of this test's own,
    # and a burst that does not straddle two windows.
    address = f"198.51.100.{secrets.randbelow(250) + 1}"
    if time.time() % 60 > 50:
        time.sleep(61 - time.time() % 60)
    for _ in range(60):
        token = secrets.token_urlsafe(8)[:11] + secrets.token_urlsafe(24)
        last = Client(REMOTE_ADDR=address).post(
            f"/api/v1/respond/{token}/", body, "application/json"
        )
        statuses.append(last.status_code)
    assert statuses[0] == 404
    assert 429 in statuses, statuses
    first = statuses.index(429)
    assert first <= settings.RESPONDENT_BAD_LINK_LIMIT + 1
    assert set(statuses[first:]) == {429}
    assert last["Content-Type"] == "application/json"
    assert "detail" in last.json() and "link" in last.json()["detail"]
