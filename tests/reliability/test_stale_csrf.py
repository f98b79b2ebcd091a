"""Item 7: a respondent whose CSRF cookie went stale (cleared, rotated by a login in another
tab, expired) gets the page they sent back in the form's own layout, with what they typed in
the fields and a fresh token; nothing is stored until they send it again with that token. A
forged cross-site POST therefore writes nothing; other pages get a 403 in the site's layout."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from evaluations.permissions import SYSTEM
from questionnaires.models import Answer, Invitation, Response
from questionnaires.services import distribution_create, instrument_load
from tests.conftest import STAFF_FILE  # noqa: F401 - the seed the fixtures load

pytestmark = pytest.mark.django_db

STALE = "Your session had expired; check your answers and send them again."
TYPED = {
    "q-A1": "Sam <Respondent> & co",
    "q-A2": "Four years",
    "action": "next",
}


class _Fields(HTMLParser):
    """The values a browser would send back from the page's forms: inputs, checked radios and
    checkboxes, textareas."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "textarea":
            self._textarea = a.get("name", "")
            self.values.setdefault(self._textarea, []).append("")
        elif tag == "input" and "name" in a:
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            self.values.setdefault(a["name"], []).append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.values[self._textarea][-1] += data


def fields(html: str) -> dict[str, str]:
    parser = _Fields()
    parser.feed(html)
    return {name: values[-1] for name, values in parser.values.items()}


def token_of(client: Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    return fields(page.content.decode())["csrfmiddlewaretoken"]


@pytest.fixture
def invitation(make_distribution, invite) -> Invitation:
    return invite(make_distribution("respondent"))


@pytest.fixture
def base(invitation: Invitation) -> str:
    return f"/r/{invitation.token}"


def test_cleared_cookie_brings_the_page_back_with_the_answers_then_saves(base: str) -> None:
    client = Client(enforce_csrf_checks=True)
    old_token = token_of(client, f"{base}/page/1/")
    client.cookies.clear()  # the browser lost the cookie between loading and sending

    refused = client.post(f"{base}/page/1/", {**TYPED, "csrfmiddlewaretoken": old_token})
    html = refused.content.decode()
    assert refused.status_code == 403
    assert STALE in html
    assert 'class="respondent"' in html and "Page 1 of 3" in html  # the form's own layout
    kept = fields(html)
    assert kept["q-A1"] == "Sam <Respondent> & co" and kept["q-A2"] == "Four years"
    assert not Answer.objects.exists() and not Response.objects.exists()
    fresh = kept["csrfmiddlewaretoken"]
    assert fresh and fresh != old_token

    sent = client.post(f"{base}/page/1/", kept)  # the page sent again, as the browser would
    assert sent.status_code == 302 and sent["Location"].endswith("/page/2/")
    stored = dict(Answer.objects.values_list("question__key", "text"))
    assert stored["A1"] == "Sam <Respondent> & co" and stored["A2"] == "Four years"


def test_token_from_an_older_cookie_keeps_the_likert_answers(base: str) -> None:
    client = Client(enforce_csrf_checks=True)
    token_of(client, f"{base}/page/1/")  # the cookie now in the browser
    posted = {
        "q-C1": "3",
        "q-C5": "4",
        "action": "next",
        "csrfmiddlewaretoken": "x" * 64,  # a token the current cookie does not match
    }
    refused = client.post(f"{base}/page/3/", posted)
    assert refused.status_code == 403
    kept = fields(refused.content.decode())
    assert kept["q-C1"] == "3" and kept["q-C5"] == "4"
    assert not Answer.objects.exists()

    assert client.post(f"{base}/page/3/", kept).status_code == 302
    assert dict(Answer.objects.values_list("question__key", "choice")) == {"C1": "3", "C5": "4"}


def test_stale_cookie_on_review_keeps_the_route_and_submits_on_resend(base: str) -> None:
    client = Client(enforce_csrf_checks=True)
    token = token_of(client, f"{base}/page/1/")
    client.post(f"{base}/page/1/", {**TYPED, "csrfmiddlewaretoken": token})
    client.cookies.clear()

    refused = client.post(f"{base}/review/", {"route": "lead", "csrfmiddlewaretoken": token})
    html = refused.content.decode()
    assert refused.status_code == 403 and STALE in html
    assert "Review your answers" in html and "Sam &lt;Respondent&gt; &amp; co" in html
    kept = fields(html)
    assert kept["route"] == "lead"
    assert not Response.objects.filter(status="submitted").exists()

    sent = client.post(f"{base}/review/", kept)
    assert sent.status_code == 302 and sent["Location"].endswith("/done/")
    response = Response.objects.get()
    assert response.status == "submitted" and response.route == "lead"


def test_stale_cookie_on_decline_keeps_the_reason(base: str, invitation: Invitation) -> None:
    client = Client(enforce_csrf_checks=True)
    token = token_of(client, f"{base}/decline/")
    client.cookies.clear()
    posted = {"reason": "On mission", "csrfmiddlewaretoken": token}
    refused = client.post(f"{base}/decline/", posted)
    assert refused.status_code == 403 and STALE in refused.content.decode()
    kept = fields(refused.content.decode())
    assert kept["reason"] == "On mission"
    invitation.refresh_from_db()
    assert invitation.status != "declined"

    assert client.post(f"{base}/decline/", kept).status_code == 200
    invitation.refresh_from_db()
    assert invitation.status == "declined"


def test_forged_cross_site_posts_write_nothing(base: str) -> None:
    victim = Client(enforce_csrf_checks=True)
    token = token_of(victim, f"{base}/page/1/")
    # No token at all (a plain cross-site form), and a valid pair from another origin.
    assert victim.post(f"{base}/page/1/", TYPED).status_code == 403
    other_origin = victim.post(
        f"{base}/page/1/",
        {**TYPED, "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="https://attacker.example",
    )
    assert other_origin.status_code == 403
    assert victim.post(f"{base}/page/1/autosave/", TYPED).status_code == 403
    assert victim.post(f"{base}/review/").status_code == 403
    assert not Answer.objects.exists() and not Response.objects.exists()


def test_unknown_link_with_a_stale_cookie_gets_the_neutral_page() -> None:
    response = Client(enforce_csrf_checks=True).post("/r/not-a-real-token-0123456789abcdef/page/1/")
    assert response.status_code == 404
    assert "This link does not open a questionnaire" in response.content.decode()


def test_other_pages_get_a_403_in_the_site_layout() -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "a@example.org", "password": "x"}
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert 'class="site-header"' in html and "Not allowed" in html
    assert "reload the page" in html
    assert "CSRF verification failed" not in html


BILINGUAL = """\
consulta_instrument: 1
key: bilingual
kind: questionnaire
languages: [en, fr]
title: {en: Small form, fr: Petit formulaire}
sections:
  - key: S
    title: {en: Work, fr: Travail}
    questions:
      - key: unit
        kind: short_text
        text: {en: Your unit, fr: Votre unité}
"""


def test_the_message_speaks_the_respondents_language(evaluation, team, invite) -> None:
    version = instrument_load(evaluation=evaluation, text=BILINGUAL, by=SYSTEM).version
    distribution = distribution_create(
        evaluation=evaluation,
        by=team["lead"].user,
        version=version,
        title="Bilingual",
        languages=["en", "fr"],
    )
    base = f"/r/{invite(distribution).token}"
    client = Client(enforce_csrf_checks=True)
    client.get(f"{base}/page/1/?lang=fr")  # the choice is remembered for this link
    refused = client.post(f"{base}/page/1/", {"q-unit": "Siège", "csrfmiddlewaretoken": "x" * 64})
    html = refused.content.decode()
    assert refused.status_code == 403 and '<html lang="fr">' in html
    assert "Votre session avait expiré ; vérifiez vos réponses" in html
    assert fields(html)["q-unit"] == "Siège"
