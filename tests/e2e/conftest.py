"""Browser journeys: pytest-playwright driving Debian's chromium against Django's live_server.

Without a browser these tests are skipped with the reason, unless REQUIRE_BROWSER=1 (as in
CI), where a missing browser fails the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import browser_path

# The sync Playwright API runs an event loop in the test thread; Django's ORM must allow it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def _browser_missing_reason() -> str | None:
    path = Path(browser_path())
    if not (path.exists() and os.access(path, os.X_OK)):
        return f"no browser at {path} (install Debian's chromium, or set CHROMIUM_PATH)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _browser_missing_reason()
    for item in items:
        if "e2e" not in item.nodeid.split("::")[0]:
            continue
        item.add_marker(pytest.mark.e2e)
        if reason is None:
            continue
        if os.environ.get("REQUIRE_BROWSER") == "1":
            item.add_marker(pytest.mark.usefixtures("_browser_required"))
        else:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def _browser_required() -> None:
    pytest.fail(f"REQUIRE_BROWSER=1 but {_browser_missing_reason()}", pytrace=False)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": browser_path(),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }
