"""Recipient picking that scales: checkbox lists with a filter, the live count, the
confirmation before sending with a sample of the message, and the recipient table's bulk
actions (send again, exclude)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from evaluations.permissions import SYSTEM
from questionnaires.models import Invitation, Message
from stakeholders.models import Country, StakeholderGroup
from stakeholders.services import affiliation_add, person_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def distribution(make_distribution):
    return make_distribution(deadline=timezone.now() + dt.timedelta(days=10))


@pytest.fixture
def pages(evaluation, distribution) -> str:
    return f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/"


def _people(n: int, group: str = "government", country: str = "KE") -> list:
    people = []
    for i in range(n):
        person = person_create(
            by=SYSTEM, name=f"Official{group}{i} Person", emails=[f"{group}{i}@example.org"]
        )
        affiliation_add(
            person=person,
            stakeholder_group=StakeholderGroup.objects.get(code=group),
            country=Country.objects.get(code=country),
        )
        people.append(person)
    return people


def test_every_country_is_a_checkbox_with_a_filter_box(client, team, pages) -> None:
    client.force_login(team["lead"].user)
    page = client.get(pages + "audience/").content.decode()
    countries = page[page.index('id="picker-countries"') :].split("</fieldset>")[0]
    boxes = re.findall(r'<input type="checkbox" name="countries" value="(\w+)"', countries)
    assert len(boxes) == Country.objects.count() > 200
    assert "data-picker-search" in countries  # the filter box, shown by the script
    assert "multiple" not in page  # no <select multiple> to Ctrl-click through


def test_the_live_count_says_how_many_people_match(client, team, pages, distribution) -> None:
    _people(3, "government", "KE")
    _people(2, "workers", "KE")
    client.force_login(team["evaluator"].user)
    count = client.get(pages + "audience/count/", {"groups": ["government"], "countries": ["KE"]})
    assert count.status_code == 200
    assert "3 people match" in count.content.decode()
    both = client.get(pages + "audience/count/", {"groups": ["government", "workers"]})
    assert "5 people match" in both.content.decode()
    nothing = client.get(pages + "audience/count/").content.decode()
    assert "Tick a group, region, country, office or tag" in nothing
    # Once some are invited, the count says so.
    client.post(pages + "audience/", {"groups": ["government"], "add": "1"})
    again = client.get(pages + "audience/count/", {"groups": ["government", "workers"]})
    assert "5 people match" in again.content.decode()
    assert "(3 already invited)" in again.content.decode()


def test_the_count_is_for_those_who_manage_respondents(client, team, pages) -> None:
    client.force_login(team["viewer"].user)
    assert client.get(pages + "audience/count/", {"groups": ["government"]}).status_code == 403


def test_sending_asks_first_with_a_sample_of_the_message(
    client, team, pages, distribution, django_capture_on_commit_callbacks
) -> None:
    _people(3)
    client.force_login(team["lead"].user)
    client.post(pages + "audience/", {"groups": ["government"], "add": "1"})
    page = client.get(pages).content.decode()
    assert f'<form method="get" action="{pages}send/">' in page
    confirm = client.get(pages + "send/").content.decode()
    assert "Send 3 invitations?" in confirm
    assert "Dear Officialgovernment0 Person" in confirm  # the first one's own message
    assert distribution.title in confirm
    assert not Message.objects.exists() and not mail.outbox  # asking sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(pages + "send/", follow=True)
    assert "3 invitation(s) queued for sending" in sent.content.decode()
    assert len(mail.outbox) == 3


def test_bulk_resend_and_exclude_the_ticked_recipients(
    client, team, pages, distribution, django_capture_on_commit_callbacks
) -> None:
    _people(4)
    client.force_login(team["evaluator"].user)
    client.post(pages + "audience/", {"groups": ["government"], "add": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(pages + "send/")
    first, second, third, fourth = distribution.invitations.order_by("name")
    page = client.get(pages).content.decode()
    assert 'data-select-all="invitation"' in page
    assert f'name="invitation" value="{first.pk}"' in page
    ticked = {"invitation": [first.pk, second.pk]}

    refused = client.post(pages + "invitations/bulk/", {**ticked, "action": "exclude"}, follow=True)
    assert "Say why these people are excluded." in refused.content.decode()
    assert distribution.invitations.filter(status="excluded").count() == 0

    done = client.post(
        pages + "invitations/bulk/", {**ticked, "action": "exclude", "reason": "Left"}, follow=True
    )
    assert "Done for 2 recipients." in done.content.decode()
    assert set(distribution.invitations.filter(status="excluded").values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mixed = client.post(
            pages + "invitations/bulk/",
            {"invitation": [second.pk, third.pk, fourth.pk], "action": "resend"},
            follow=True,
        )
    text = mixed.content.decode()
    assert "Done for 2 recipients." in text
    assert "Not done: Officialgovernment1 Person" in text  # excluded: nothing to re-send
    assert sorted(m.to[0] for m in mail.outbox) == [
        "government2@example.org",
        "government3@example.org",
    ]


def test_bulk_select_all_works_without_javascript(client, team, pages, distribution) -> None:
    _people(2)
    client.force_login(team["lead"].user)
    client.post(pages + "audience/", {"groups": ["government"], "add": "1"})
    page = client.get(pages + "?select=all").content.decode()
    assert len(re.findall(r'name="invitation" value="\d+"[^>]*checked', page)) == 2


def test_a_version_page_offers_a_new_distribution_not_send(
    client, team, evaluation, staff_version
) -> None:
    client.force_login(team["lead"].user)
    key, number = staff_version.instrument.key, staff_version.number
    page = client.get(
        f"/evaluations/{evaluation.slug}/instruments/{key}/v{number}/"
    ).content.decode()
    assert ">New distribution</button>" in page
    assert ">Send</button>" not in page
    assert Invitation.objects.count() == 0


def test_the_sample_never_shows_a_link_to_someone_who_may_not_see_links(
    client, team, evaluation, make_distribution
) -> None:
    _people(2)
    lead_only = make_distribution("lead", deadline=timezone.now() + dt.timedelta(days=10))
    pages = f"/evaluations/{evaluation.slug}/distributions/{lead_only.pk}/"
    client.force_login(team["evaluator"].user)
    client.post(pages + "audience/", {"groups": ["government"], "add": "1"})
    tokens = [i.token for i in lead_only.invitations.all()]
    confirm = client.get(pages + "send/").content.decode()
    assert "Send 2 invitations?" in confirm
    assert not any(token in confirm for token in tokens)
    assert "/r/EXAMPLE-LINK/" in confirm and "for an example recipient" in confirm
    client.force_login(team["lead"].user)
    assert any(token in client.get(pages + "send/").content.decode() for token in tokens)


def test_a_passed_deadline_is_said_before_sending_not_after(
    client, team, evaluation, make_distribution
) -> None:
    _people(1)
    late = make_distribution(deadline=timezone.now() - dt.timedelta(days=1))
    pages = f"/evaluations/{evaluation.slug}/distributions/{late.pk}/"
    client.force_login(team["lead"].user)
    client.post(pages + "audience/", {"groups": ["government"], "add": "1"})
    confirm = client.get(pages + "send/").content.decode()
    assert "The deadline has passed: set a new deadline before sending." in confirm
    assert 'id="send-confirm"' not in confirm
