"""Issue 14, item 10: a questionnaire is submitted once. A second submit (other answers, a
retry, the losers of a race) gets 409 and the receipt of the one stored, and changes nothing;
with the database down the API still answers in JSON."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from questionnaires.models import Answer, Invitation, Response
from tests.conftest import COMPLETE
from tests.reliability.redis_server import free_port


def _submit(token: str, answers: dict):
    return APIClient().post(f"/api/v1/respond/{token}/", {"answers": answers}, format="json")


@pytest.mark.django_db
@pytest.mark.parametrize("confidentiality", ["team", "anonymous"])
def test_resubmit_with_other_answers_gets_409_and_the_receipt(
    make_distribution, invite, confidentiality
) -> None:
    invitation = invite(make_distribution(confidentiality))
    first = _submit(invitation.token, COMPLETE)
    assert first.status_code == 201
    stored = sorted(Answer.objects.values_list("question__key", "text", "choice"))

    again = _submit(invitation.token, {**COMPLETE, "B1": "Changed my mind", "C1": "1"})
    assert again.status_code == 409
    body = again.json()
    assert body["status"] == "already submitted"
    assert body["submitted_at"] == first.json()["submitted_at"] is not None
    assert "not stored" in body["detail"]
    assert sorted(Answer.objects.values_list("question__key", "text", "choice")) == stored
    assert Response.objects.count() == 1


@pytest.mark.django_db
def test_the_page_after_submitting_shows_the_receipt_and_changes_nothing(
    make_distribution, invite
) -> None:
    invitation = invite(make_distribution())
    assert _submit(invitation.token, COMPLETE).status_code == 201
    link = f"/r/{invitation.token}"
    client = Client()
    changed = client.post(f"{link}/page/2/", {"q-B1": "Changed", "action": "next"})
    resubmitted = client.post(f"{link}/review/")
    for response in (changed, resubmitted):
        assert response.status_code == 302 and response["Location"].endswith("/done/")
    receipt = client.get(f"{link}/done/")
    assert "your answers were received" in receipt.content.decode()
    assert Answer.objects.get(question__key="B1").text == COMPLETE["B1"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("confidentiality", ["team", "anonymous"])
def test_twenty_concurrent_submits_store_one_and_all_get_the_same_receipt(
    postgresql, make_distribution, invite, confidentiality
) -> None:
    invitation = invite(make_distribution(confidentiality))
    token = invitation.token
    count = 20
    start = threading.Barrier(count)
    results: list[tuple[int, dict] | None] = [None] * count

    def submit(n: int) -> None:
        try:
            start.wait(timeout=30)
            response = _submit(token, {**COMPLETE, "B1": f"Sent by thread {n}"})
            results[n] = (response.status_code, response.json())
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(result is not None for result in results), results
    codes = sorted(code for code, _body in results)  # type: ignore[misc]
    assert codes == [201] + [409] * (count - 1)
    receipts = {body["submitted_at"] for _code, body in results}  # type: ignore[misc]
    assert len(receipts) == 1 and None not in receipts
    winner = next(n for n, (code, _b) in enumerate(results) if code == 201)  # type: ignore[misc]
    assert Response.objects.filter(status=Response.Status.SUBMITTED).count() == 1
    assert Answer.objects.get(question__key="B1").text == f"Sent by thread {winner}"
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_json_when_the_database_is_down(postgresql, team) -> None:
    """A real failure: the connection goes to a port where no PostgreSQL listens."""
    from rest_framework.authtoken.models import Token

    key = Token.objects.create(user=team["lead"].user).key
    settings_dict = connection.settings_dict
    saved = settings_dict["HOST"], settings_dict["PORT"]
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", free_port()
    try:
        respond = APIClient().post(f"/api/v1/respond/{'x' * 40}/", {"answers": {}}, format="json")
        listing = APIClient().get("/api/v1/evaluations/", HTTP_AUTHORIZATION=f"Token {key}")
    finally:
        connection.close()
        settings_dict["HOST"], settings_dict["PORT"] = saved
    for response in (respond, listing):
        assert response.status_code == 503
        assert response["Content-Type"] == "application/json"
        assert "database" in response.json()["detail"]
        assert "Traceback" not in response.content.decode()
