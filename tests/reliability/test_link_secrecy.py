"""Item 4: personal links never reach a log line, and a database dump holds no usable link.
Django's own request logging and gunicorn's access log (with the shipped configuration) print
"[link]" where a token was; the table keeps a public selector and nothing from which the
secret part can be computed without the server's SECRET_KEY."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import re
import runpy
import secrets
import types
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from questionnaires.models import Invitation
from questionnaires.services.invitations import invitation_by_token

ROOT = Path(settings.BASE_DIR)


def _random_token() -> str:
    return secrets.token_urlsafe(8)[:11] + secrets.token_urlsafe(24)


@pytest.fixture
def consulta_log() -> io.StringIO:
    """What Consulta's own handlers (settings.LOGGING) write, captured in memory."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    configured = [h for h in handlers if h.name in settings.LOGGING["handlers"]]
    assert configured, "the handlers of settings.LOGGING are installed on the root logger"
    stream = io.StringIO()
    previous = [h.setStream(stream) for h in configured]
    yield stream
    for handler, old in zip(configured, previous, strict=True):
        handler.setStream(old)


@pytest.mark.django_db
def test_unknown_link_is_logged_without_its_token(consulta_log, make_distribution, invite) -> None:
    token = _random_token()
    assert Client().get(f"/r/{token}/").status_code == 404
    assert Client().post(f"/api/v1/respond/{token}/", {}, "application/json").status_code in (
        400,
        404,
    )
    known = invite(make_distribution()).token
    logging.getLogger("consulta.test").warning("Opened %s by hand", f"/r/{known}/page/1/")
    logging.getLogger("consulta.test").warning("token %s in a message", known)
    written = consulta_log.getvalue()
    assert "Not Found: /r/[link]/" in written
    assert "/r/[link]/page/1/" in written
    assert token not in written and known not in written


def _shipped_gunicorn_config() -> Path:
    """The config file the image and the compose file pass to gunicorn."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.M)
    assert cmd, "the Dockerfile has a CMD"
    commands = [yaml.safe_load(cmd.group(1))]
    commands.append(
        yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]["command"]
    )
    names = set()
    for command in commands:
        assert "--config" in command, command
        names.add(command[command.index("--config") + 1])
    assert len(names) == 1
    return ROOT / names.pop()


def test_gunicorn_access_log_hides_the_token() -> None:
    from gunicorn.config import Config

    config = Config()
    for name, value in runpy.run_path(str(_shipped_gunicorn_config())).items():
        if name in config.settings:
            config.set(name, value)
    config.set("accesslog", "-")
    logger = config.logger_class(config)
    stream = io.StringIO()
    logger.access_log.handlers = [logging.StreamHandler(stream)]
    token = _random_token()
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/r/{token}/page/2/?lang=fr",
        "PATH_INFO": f"/r/{token}/page/2/",
        "QUERY_STRING": "lang=fr",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": f"https://consulta.example/api/v1/respond/{token}/",
        "HTTP_USER_AGENT": "Firefox",
    }
    request = types.SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    response = types.SimpleNamespace(status="200 OK", sent=512, headers=[])
    logger.access(response, request, environ, dt.timedelta(milliseconds=40))
    line = stream.getvalue()
    assert "GET /r/[link]/page/2/?lang=fr HTTP/1.1" in line and " 200 " in line
    assert token not in line and token[:11] not in line


@pytest.mark.django_db
def test_database_dump_holds_no_usable_link(make_distribution, invite) -> None:
    distribution = make_distribution()
    tokens = [invite(distribution, name=f"Person {n}").token for n in range(3)]
    assert Client().get(f"/r/{tokens[0]}/").status_code == 200
    dump = list(Invitation.objects.values())
    text = repr(dump)
    assert all(token not in text and token[11:] not in text for token in tokens)
    values = {v for row in dump for v in row.values() if isinstance(v, str) and v}
    assert values
    for value in values:
        assert invitation_by_token(value) is None
        assert Client().get(f"/r/{value}/").status_code == 404


@pytest.mark.django_db
def test_wrong_secret_gets_the_same_refusal_as_an_unknown_link(make_distribution, invite) -> None:
    token = invite(make_distribution()).token
    wrong = token[:11] + _random_token()[11:]
    unknown = _random_token()
    pages = [Client().get(f"/r/{t}/") for t in (wrong, unknown)]
    assert [p.status_code for p in pages] == [404, 404]
    unmasked = [re.sub(rb'"X-CSRFToken": "\w+"', b"", p.content) for p in pages]
    assert unmasked[0] == unmasked[1]
    body = {"answers": {}, "language": "en"}
    api = [
        Client().post(f"/api/v1/respond/{t}/", body, "application/json") for t in (wrong, unknown)
    ]
    assert [a.status_code for a in api] == [404, 404]
    assert api[0].json() == api[1].json()
    assert Client().get(f"/r/{token}/").status_code == 200


BEFORE, AFTER = (
    ("questionnaires", "0002_distribution_sending"),
    ("questionnaires", "0003_invitation_link_hash"),
)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_link_sent_before_the_upgrade_keeps_working(make_distribution) -> None:
    """The migration hashes the stored tokens in place: links already e-mailed still open the
    form, and the table no longer holds them."""
    distribution = make_distribution()
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps.get_model("questionnaires", "Invitation")
    token = _random_token()
    old.objects.create(
        distribution_id=distribution.pk, selector=token[:11], token=token, name="Old"
    )
    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    executor.loader.build_graph()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    invitation = Invitation.objects.get(name="Old")
    assert invitation.legacy_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(list(Invitation.objects.values()))
    assert invitation_by_token(token) == invitation
    assert Client().get(f"/r/{token}/").status_code == 200
    # The team's copy of the link (and a reminder's) is the new form; both open the form.
    assert invitation.token != token and invitation_by_token(invitation.token) == invitation


@pytest.mark.django_db
def test_links_survive_a_secret_key_change_listed_in_fallbacks(
    settings, make_distribution, invite
) -> None:
    token = invite(make_distribution()).token
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + secrets.token_urlsafe(30)
    assert invitation_by_token(token) is not None
    settings.SECRET_KEY_FALLBACKS = []
    assert invitation_by_token(token) is None
