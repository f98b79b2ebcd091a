"""Pieces of the two-web two-worker smoke run (test_smoke_cluster.py): gunicorn web processes
and a browser that speaks plain HTTP to them (urllib with a cookie jar, no Django test client).

    web = Web("web-a", env, workdir)   # gunicorn on a free port, its own temp dirs
    web.wait_ready()                   # /livez answers
    browser = Browser()
    page = browser.get(web.url + "/accounts/login/")
    browser.post(web.url + "/accounts/login/", {"username": ..., "password": ...}, page)

Cookies are kept per host, not per port (as a browser behind one address would send them to
every web machine): a session made on one web process is sent to the other."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from tests.reliability.redis_server import free_port

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Page:
    status: int
    url: str
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def csrf_token(self) -> str:
        found = CSRF_FIELD.search(self.text)
        assert found, f"no CSRF token in the page at {self.url} ({self.status})"
        return found.group(1)


class _NoRaise(urllib.request.HTTPErrorProcessor):
    """Every answer comes back as it is (redirects and errors too): the test looks at them."""

    def http_response(self, request, response):
        return response

    https_response = http_response


class Browser:
    """One person's browser: a cookie jar, no redirects followed, no JavaScript."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRaise()
        )

    def _open(self, request: urllib.request.Request) -> Page:
        with self.opener.open(request, timeout=30) as answer:
            return Page(answer.status, request.full_url, dict(answer.headers), answer.read())

    def get(self, url: str) -> Page:
        return self._open(urllib.request.Request(url))  # noqa: S310 (http only)

    def post(self, url: str, fields: dict[str, str], form_page: Page) -> Page:
        """Post a form as a browser would: with the CSRF token of the page that showed it."""
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": form_page.csrf_token(), **fields})
        origin = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(url))
        request = urllib.request.Request(  # noqa: S310 (http only)
            url,
            data=data.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": origin},
        )
        return self._open(request)


class Web:
    """`gunicorn survey_site.wsgi:application --config gunicorn.conf.py` on a free port, as
    README "Running in production" starts web, with this machine's own temp and media dirs (and
    gunicorn's control socket, which would otherwise be one file in $HOME for both)."""

    def __init__(self, name: str, env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"{name}.log"
        self._handle = self.log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "survey_site.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--config", "gunicorn.conf.py",
             "--workers", "2", "--control-socket", str(workdir / f"{name}.ctl")],
            cwd=settings.BASE_DIR, env=env, stdout=self._handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/livez", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"{self.name} did not start:\n{self.output()[-3000:]}")

    def stop(self) -> None:
        """SIGTERM to gunicorn's process group (a graceful stop), SIGKILL if it hangs."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._handle.close()


def machine_dirs(root: Path, name: str) -> dict[str, str]:
    """The settings that point at one machine's own disk: var, media and temp folders."""
    home = root / name
    for sub in ("var", "media", "tmp"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    return {
        "VAR_DIR": str(home / "var"),
        "MEDIA_ROOT": str(home / "media"),
        "TMPDIR": str(home / "tmp"),
        "CELERY_BROKER_DIR": str(home / "var" / "celery"),
    }


def files_under(folder: str) -> list[Path]:
    root = Path(folder)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
