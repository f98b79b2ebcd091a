"""Issue 14, item 6: with Redis (cache and broker) down, respondents still open, save and
submit; the rate limits fail open (logged) and e-mails wait in the outbox until it is back.

Runs a Redis server of the test's own and stops it mid-test."""

from __future__ import annotations

import base64
import json
import logging

import pytest
from django.test import Client
from rest_framework.test import APIClient

from common import ratelimit
from questionnaires.models import Answer, Invitation, Message, Response
from questionnaires.services.messaging import distribution_send, messages_dispatch
from tests.conftest import COMPLETE
from tests.reliability.redis_server import redis_server  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_respondents_open_save_and_submit_with_redis_down(
    redis_server,  # noqa: F811
    make_distribution,
    invite,
    caplog,
) -> None:
    distribution = make_distribution()
    on_page, by_api = invite(distribution, name="Ana"), invite(distribution, name="Ben")
    link = f"/r/{on_page.token}"
    client = Client()
    with redis_server.in_use():
        assert client.get(f"{link}/").status_code == 200  # counted in Redis
        assert redis_server.client().keys("consulta:*ratelimit*")
        redis_server.stop()
        caplog.set_level(logging.WARNING)
        ratelimit._quiet["until"] = 0.0  # a warning logged by an earlier test must not hide it

        assert client.get(f"{link}/").status_code == 200
        saved = client.post(
            f"{link}/page/1/", {f"q-A{n}": f"Answer {n}" for n in range(1, 6)} | {"action": "next"}
        )
        assert saved.status_code == 302, saved.content.decode()[:500]
        page_two = {f"q-B{n}": f"Open {n}" for n in range(1, 9)}
        assert client.post(f"{link}/page/2/", page_two | {"action": "next"}).status_code == 302
        likert = {f"q-C{n}": COMPLETE[f"C{n}"] for n in range(1, 7)}
        assert client.post(f"{link}/page/3/", likert | {"action": "review"}).status_code == 302
        submitted = client.post(f"{link}/review/")
        assert submitted.status_code == 302 and submitted["Location"].endswith("/done/")

        api = APIClient().post(
            f"/api/v1/respond/{by_api.token}/", {"answers": COMPLETE}, format="json"
        )
        assert api.status_code == 201, api.content

    assert set(
        Invitation.objects.filter(pk__in=[on_page.pk, by_api.pk]).values_list("status", flat=True)
    ) == {Invitation.Status.SUBMITTED}
    assert Answer.objects.filter(response__status=Response.Status.SUBMITTED).count() == 2 * 19
    assert "rate limit" in caplog.text.lower()
    # Once a minute per process, not once a request: every request above was let through.
    assert caplog.text.lower().count("not checked") == 1


def test_invitations_sent_with_redis_down_wait_and_go_when_it_is_back(
    redis_server,  # noqa: F811
    make_distribution,
    invite,
    team,
    django_capture_on_commit_callbacks,
) -> None:
    distribution = make_distribution()
    people = [invite(distribution, name=f"P{n}", email=f"p{n}@example.org") for n in range(3)]
    with redis_server.in_use():
        redis_server.stop()
        with django_capture_on_commit_callbacks(execute=True):
            assert distribution_send(distribution=distribution, by=team["lead"].user) == 3
        waiting = Message.objects.filter(invitation__in=people)
        assert (
            list(waiting.values_list("status", "dispatched_at"))
            == [(Message.Status.QUEUED, None)] * 3
        )

        redis_server.start()
        with django_capture_on_commit_callbacks(execute=True):
            assert messages_dispatch() == 3
        assert waiting.filter(dispatched_at__isnull=False).count() == 3
        queued = redis_server.client().lrange("mail", 0, -1)  # the mail queue (settings' routes)
        sent_ids = [message_id for raw in queued for message_id in _task_args(raw)]
        assert sorted(sent_ids) == sorted(waiting.values_list("pk", flat=True))


def _task_args(raw: bytes) -> list[int]:
    """The message ids of one `questionnaires.messages_send` task as it sits in Redis."""
    envelope = json.loads(raw)
    assert envelope["headers"]["task"] == "questionnaires.messages_send"
    args, _kwargs, _embed = json.loads(base64.b64decode(envelope["body"]))
    return args[0]
