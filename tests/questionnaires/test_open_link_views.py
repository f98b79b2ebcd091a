"""The open link through the test client: the visitor's entry (honeypot, rate limit, quota,
closed and replaced links, one response per browser, e-mail capture) and the team's card."""

from __future__ import annotations

import pytest
from django.test import Client

from evaluations.permissions import SYSTEM
from history.models import Entry
from questionnaires.models import Invitation, OpenLink, Response
from questionnaires.services import distribution_create, instrument_load
from questionnaires.services.open_links import (
    open_link_close,
    open_link_enter,
    open_link_rotate,
    open_link_save,
)
from questionnaires.services.responses import response_submit
from questionnaires.views.open_entry import cookie_name
from tests.conftest import COMPLETE
from tests.questionnaires.test_respondent_views import FORM

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(team):
    return team["lead"].user


@pytest.fixture
def link(make_distribution, lead) -> OpenLink:
    return open_link_save(distribution=make_distribution(), by=lead)


def entry(link: OpenLink) -> str:
    return f"/o/{link.token}/"


def start(client: Client, link: OpenLink, **data: str):
    return client.post(entry(link), data)


def test_a_visitor_starts_and_lands_on_their_own_form(link):
    client = Client()
    page = client.get(entry(link))
    assert page.status_code == 200
    assert b'name="website"' in page.content  # the honeypot, hidden from people
    assert "{team_names}" not in page.content.decode()  # the distribution fills its texts
    started = start(client, link)
    assert started.status_code == 302
    invitation = Invitation.objects.get(channel="open")
    assert started["Location"] == f"/r/{invitation.token}/"
    form = client.get(started["Location"])
    assert form.status_code == 200
    text = form.content.decode()
    assert "Your own address for these answers" in text
    assert f"/r/{invitation.token}/" in text
    assert "I will not take part" not in text


def test_one_response_per_browser_brings_the_visitor_back(link):
    client = Client()
    start(client, link)
    again = client.get(entry(link))
    invitation = Invitation.objects.get(channel="open")
    assert again.status_code == 302 and again["Location"] == f"/r/{invitation.token}/"
    response_submit(invitation=invitation, answers=COMPLETE)
    assert client.get(client.get(entry(link))["Location"])["Location"].endswith("/done/")
    assert Invitation.objects.filter(channel="open").count() == 1


def test_without_one_per_browser_each_start_is_a_new_response(link, lead):
    open_link_save(distribution=link.distribution, by=lead, one_per_browser=False)
    client = Client()
    start(client, link)
    page = client.get(entry(link))
    assert page.status_code == 200
    assert "Continue with your earlier answers" in page.content.decode()
    start(client, link)
    assert Invitation.objects.filter(channel="open").count() == 2


def test_a_cookie_from_another_distribution_or_forged_is_ignored(link, make_distribution, lead):
    client = Client()
    client.cookies[cookie_name(link)] = "forged-value"
    assert client.get(entry(link)).status_code == 200


def test_the_honeypot_makes_nothing(link):
    client = Client()
    page = start(client, link, website="http://spam.example")
    assert page.status_code == 400
    assert "could not be started" in page.content.decode()
    assert not Invitation.objects.filter(channel="open").exists()


def test_starts_are_rate_limited_per_address(link, settings):
    settings.OPEN_LINK_START_LIMIT = 2
    client = Client()
    link.one_per_browser = False
    link.save(update_fields=["one_per_browser"])
    assert [start(Client(), link).status_code for _ in range(2)] == [302, 302]
    refused = start(client, link)
    assert refused.status_code == 429
    assert "try again in a minute" in refused.content.decode()
    assert Invitation.objects.filter(channel="open").count() == 2


def test_unknown_tokens_are_neutral_and_count_as_bad_links(link, settings):
    settings.RESPONDENT_BAD_LINK_LIMIT = 2
    client = Client()
    answers = [client.get(f"/o/{link.selector}{'x' * 32}/").status_code for _ in range(3)]
    assert answers == [404, 404, 429]


def test_a_replaced_link_says_so(link, lead):
    open_link_rotate(distribution=link.distribution, by=lead)
    page = Client().get(entry(link))
    assert page.status_code == 410
    assert "replaced by a new one" in page.content.decode()
    assert start(Client(), link).status_code == 410
    assert not Invitation.objects.filter(channel="open").exists()


def test_a_closed_link_says_so_and_keeps_a_started_visitor_s_way_back(link, lead):
    client = Client()
    start(client, link)
    open_link_close(distribution=link.distribution, by=lead)
    stranger = Client().get(entry(link))
    assert stranger.status_code == 403
    assert "This link is closed" in stranger.content.decode()
    assert client.get(entry(link)).status_code == 302  # their own answers still open


def test_a_full_quota_says_so_and_a_late_submit_keeps_the_draft(link, lead):
    open_link_save(distribution=link.distribution, by=lead, quota=1)
    late, early = Client(), Client()
    start(late, link)
    start(early, link)
    invitations = list(Invitation.objects.filter(channel="open").order_by("pk"))
    response_submit(invitation=invitations[1], answers=COMPLETE)
    page = Client().get(entry(link))
    assert page.status_code == 403
    assert "all the responses it needed" in page.content.decode()
    token = invitations[0].token
    for number in range(1, 4):
        late.post(f"/r/{token}/page/{number}/", {**COMPLETE, "action": "next"})
    refused = late.post(f"/r/{token}/review/")
    assert refused.status_code == 403
    assert "your answers were not sent" in refused.content.decode()
    assert Response.objects.get(invitation=invitations[0]).status == "draft"


def test_email_capture_shows_the_field_and_explains_a_mistake(link, lead):
    open_link_save(distribution=link.distribution, by=lead, email_capture="required")
    client = Client()
    assert 'name="email"' in client.get(entry(link)).content.decode()
    wrong = start(client, link, email="ana@")
    assert wrong.status_code == 400
    text = wrong.content.decode()
    assert "not a valid e-mail address" in text and 'value="ana@"' in text
    assert start(client, link, email="ana@example.org").status_code == 302
    assert Invitation.objects.get(channel="open").email == "ana@example.org"


def test_the_entry_speaks_the_distribution_s_languages(evaluation, lead):
    version = instrument_load(evaluation=evaluation, text=FORM, by=SYSTEM).version
    distribution = distribution_create(
        evaluation=evaluation, by=lead, version=version, title="Small", languages=["en", "fr"]
    )
    link = open_link_save(distribution=distribution, by=lead)
    client = Client()
    assert "Petit formulaire" in client.get(entry(link) + "?lang=fr").content.decode()
    start(client, link, lang="fr")
    assert Invitation.objects.get(channel="open").language == "fr"


# --- the team's pages --------------------------------------------------------------------------


def team_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_of(distribution) -> str:
    return f"/evaluations/{distribution.evaluation.slug}/distributions/{distribution.pk}/"


def test_lead_makes_the_link_and_sees_it_with_its_counts(make_distribution, lead):
    distribution = make_distribution()
    client = team_client(lead)
    before = client.get(page_of(distribution)).content.decode()
    assert "Make an open link" in before
    made = client.post(
        page_of(distribution) + "open-link/",
        {"quota": "30", "email_capture": "optional", "one_per_browser": "on"},
    )
    assert made.status_code == 302 and made["Location"].endswith("#open-link")
    link = OpenLink.objects.get(distribution=distribution)
    assert (link.quota, link.email_capture, link.one_per_browser) == (30, "optional", True)
    response_submit(invitation=open_link_enter(link=link), answers=COMPLETE)
    page = client.get(page_of(distribution)).content.decode()
    assert f"http://testserver/o/{link.token}/" in page
    assert 'data-copy="open-link-url"' in page
    assert "1 response submitted through the link, of at most 30." in page
    assert "not a security boundary" in page
    recipients = page.split('id="invitations"')[1].split('id="open-link"')[0]
    assert "Open link respondent 1" not in recipients  # never invited: not a recipient
    assert "Open link</td>" in page.split('id="responses"')[1]


def test_bad_settings_show_the_field_error_and_keep_what_was_typed(make_distribution, lead):
    distribution = make_distribution()
    page = team_client(lead).post(
        page_of(distribution) + "open-link/",
        {"quota": "0", "email_capture": "optional"},
    )
    assert page.status_code == 400
    assert 'value="0"' in page.content.decode()
    assert not OpenLink.objects.exists()


def test_rotate_and_close_from_the_page(make_distribution, lead):
    distribution = make_distribution()
    link = open_link_save(distribution=distribution, by=lead)
    client = team_client(lead)
    client.post(page_of(distribution) + "open-link/rotate/")
    new = OpenLink.objects.get(distribution=distribution, replaced_at__isnull=True)
    assert new.pk != link.pk
    page = client.get(page_of(distribution)).content.decode()
    assert new.token in page and link.token not in page
    client.post(page_of(distribution) + "open-link/close/")
    assert "Closed" in client.get(page_of(distribution)).content.decode()
    client.post(page_of(distribution) + "open-link/close/", {"closed": "0"})
    new.refresh_from_db()
    assert new.closed_at is None


@pytest.mark.parametrize("role", ["viewer", "data_entry"])
def test_roles_that_do_not_manage_respondents_cannot_change_the_link(make_distribution, team, role):
    distribution = make_distribution()
    client = team_client(team[role].user)
    for path in ("open-link/", "open-link/rotate/", "open-link/close/"):
        assert client.post(page_of(distribution) + path, {"email_capture": "off"}).status_code in (
            403,
            404,
        )
    assert not OpenLink.objects.exists()


def test_the_distribution_history_shows_the_link_made_rotated_and_closed(make_distribution, lead):
    distribution = make_distribution()
    open_link_save(distribution=distribution, by=lead, quota=12)
    open_link_rotate(distribution=distribution, by=lead)
    open_link_close(distribution=distribution, by=lead)
    page = team_client(lead).get(page_of(distribution) + "history/")
    assert page.status_code == 200
    text = page.content.decode()
    for words in ("Open link", "Replaced by a new address", "Closed", "12"):
        assert words in text


@pytest.mark.parametrize("confidentiality", ["team", "anonymous"])
def test_a_visitor_s_start_is_the_respondent_s_step_in_the_history(
    make_distribution, lead, confidentiality
):
    distribution = make_distribution(confidentiality)
    link = open_link_save(distribution=distribution, by=lead)
    client = team_client(lead)  # a member trying the link is a respondent there
    start(client, link)
    entries = Entry.objects.filter(content_type__model="invitation")
    if confidentiality == "anonymous":  # no exact time of an anonymous visitor anywhere
        assert not entries.exists()
    else:
        assert [(e.actor_kind, e.actor_id) for e in entries] == [("respondent", None)]
