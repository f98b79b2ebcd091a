"""Response tracking: counts by status, rates by attribute, the country roll-up, the page, the
CSV and the API."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM
from questionnaires.models import Distribution, Invitation
from questionnaires.selectors.tracking import (
    attribute_keys,
    breakdown_choices,
    channel_counts,
    country_rollup,
    response_rates,
    safe_cell,
    status_counts,
)
from questionnaires.services import (
    distribution_create,
    instrument_load,
    response_enter,
    response_submit,
)
from tests.conftest import COMPLETE, STAFF_FILE
from tests.factories import EvaluationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Invitation.Status


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def set_status(invitation: Invitation, status: str, **fields: object) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(status=status, **fields)


def people(distribution: Distribution, invite, rows: list[tuple[str, dict]]) -> dict:
    return {name: invite(distribution, name, attributes=attrs) for name, attrs in rows}


AFRICA_A = {"region": "Africa", "country": "Country A", "stakeholder_group": "Staff"}
AFRICA_B = {"region": "Africa", "country": "Country B", "stakeholder_group": "Government"}
ASIA_C = {"region": "Asia", "country": "Country C", "stakeholder_group": "Staff"}
ASIA_D = {"region": "Asia", "country": "Country D", "stakeholder_group": "Staff", "unit": "HQ"}
EUROPE_E = {"region": "Europe", "country": "Country E", "stakeholder_group": "Workers"}


@pytest.fixture
def tracked(make_distribution, invite, team):
    """Eleven invitations: two keyed in by the team (e-mail, phone), one submitted online,
    the others waiting, declined, excluded, revoked or failed."""
    distribution = make_distribution()
    p = people(
        distribution,
        invite,
        [
            ("A. Example", AFRICA_A),
            ("B. Sample", AFRICA_A),
            ("C. Testperson", AFRICA_B),
            ("D. Demo", ASIA_C),
            ("E. Fictional", ASIA_C),
            ("F. Online", ASIA_D),
            ("G. Started", ASIA_D),
            ("H. Declined", EUROPE_E),
            ("I. Excluded", EUROPE_E),
            ("J. Revoked", EUROPE_E),
            ('=HYPERLINK("http://x.example")', {}),
        ],
    )
    lead = team["lead"].user
    response_enter(
        distribution=distribution,
        by=lead,
        invitation=p["A. Example"],
        answers=COMPLETE,
        channel="email",
    )
    response_enter(
        distribution=distribution,
        by=lead,
        invitation=p["C. Testperson"],
        answers=COMPLETE,
        channel="phone",
    )
    response_submit(invitation=p["F. Online"], answers=COMPLETE)
    for name, status in [
        ("B. Sample", S.SENT),
        ("D. Demo", S.SENT),
        ("E. Fictional", S.OPENED),
        ("G. Started", S.STARTED),
        ("H. Declined", S.DECLINED),
        ("I. Excluded", S.EXCLUDED),
        ("J. Revoked", S.REVOKED),
        ('=HYPERLINK("http://x.example")', S.FAILED),
    ]:
        set_status(p[name], status)
    Invitation.objects.filter(pk=p["C. Testperson"].pk).update(channel="phone")
    return distribution


def as_dict(row) -> dict:
    return {
        "label": row.label,
        "invited": row.invited,
        "excluded": row.excluded,
        "declined": row.declined,
        "opened": row.opened,
        "started": row.started,
        "online": row.submitted_online,
        "returned": row.returned,
        "responded": row.responded,
        "percent": row.percent,
    }


# --- the numbers ---------------------------------------------------------------------------------


def test_status_counts_every_status_and_team_entries_as_returned(tracked) -> None:
    assert status_counts(tracked) == {
        "created": 0,
        "sent": 2,
        "failed": 1,
        "opened": 1,
        "started": 1,
        "submitted": 1,
        "returned": 2,
        "declined": 1,
        "excluded": 1,
        "revoked": 1,
    }
    assert channel_counts(tracked) == {"web": 1, "email": 1, "phone": 1, "paper": 0, "open": 0}


def test_rates_by_region_exclude_excluded_and_revoked_keep_declined(tracked) -> None:
    rows = [as_dict(row) for row in response_rates(tracked, "region")]
    assert rows == [
        {
            "label": "Africa",
            "invited": 3,
            "excluded": 0,
            "declined": 0,
            "opened": 0,
            "started": 0,
            "online": 0,
            "returned": 2,
            "responded": 2,
            "percent": 66.7,
        },
        {
            "label": "Asia",
            "invited": 4,
            "excluded": 0,
            "declined": 0,
            "opened": 1,
            "started": 1,
            "online": 1,
            "returned": 0,
            "responded": 1,
            "percent": 25.0,
        },
        {
            "label": "Europe",
            "invited": 1,
            "excluded": 1,
            "declined": 1,
            "opened": 0,
            "started": 0,
            "online": 0,
            "returned": 0,
            "responded": 0,
            "percent": 0.0,
        },
        {
            "label": "(not recorded)",
            "invited": 1,
            "excluded": 0,
            "declined": 0,
            "opened": 0,
            "started": 0,
            "online": 0,
            "returned": 0,
            "responded": 0,
            "percent": 0.0,
        },
        {
            "label": "Total",
            "invited": 9,
            "excluded": 1,
            "declined": 1,
            "opened": 1,
            "started": 1,
            "online": 1,
            "returned": 2,
            "responded": 3,
            "percent": 33.3,
        },
    ]


def test_rates_by_planned_channel_and_by_another_snapshot_key(tracked) -> None:
    by_channel = {
        r.value: (r.label, r.invited, r.responded) for r in response_rates(tracked, "channel")
    }
    assert by_channel == {
        "phone": ("Phone", 1, 1),
        "web": ("Web link by e-mail", 8, 2),
        "": ("Total", 9, 3),
    }
    by_unit = [(r.label, r.invited, r.responded) for r in response_rates(tracked, "unit")]
    assert by_unit == [("HQ", 2, 1), ("(not recorded)", 7, 2), ("Total", 9, 3)]


def test_attribute_keys_standard_first_then_the_others(tracked) -> None:
    assert attribute_keys(tracked) == ["region", "country", "stakeholder_group", "unit"]


def test_unknown_breakdown_is_refused_with_the_known_keys(tracked) -> None:
    with pytest.raises(ValidationProblem) as problem:
        response_rates(tracked, "shoe_size")
    assert "“shoe_size” is not recorded" in problem.value.message
    assert "region, country" in problem.value.errors["by"][0]


def test_a_distribution_with_nobody_has_no_rate(make_distribution) -> None:
    (total,) = response_rates(make_distribution(), "region")
    assert (total.label, total.invited, total.rate, total.percent) == ("Total", 0, None, None)


def test_anonymous_online_submission_counts_though_the_link_is_cut(
    make_distribution, invite
) -> None:
    distribution = make_distribution("anonymous")
    invitation = invite(distribution, "Anonymous Person", attributes={"region": "Africa"})
    response_submit(invitation=invitation, answers=COMPLETE)
    (africa, _total) = response_rates(distribution, "region")
    assert (africa.invited, africa.submitted_online, africa.responded) == (1, 1, 1)
    assert channel_counts(distribution)["web"] == 1


def test_team_entry_left_as_submitted_still_counts_as_returned(tracked) -> None:
    """Rows keyed in before team entries were marked "returned" say "submitted": the channel
    of their response tells them apart from online submissions."""
    Invitation.objects.filter(distribution=tracked, status=S.RETURNED).update(status=S.SUBMITTED)
    counts = status_counts(tracked)
    assert (counts["submitted"], counts["returned"]) == (1, 2)
    total = response_rates(tracked, "region")[-1]
    assert (total.submitted_online, total.returned, total.responded) == (1, 2, 3)


@pytest.fixture
def countries(make_distribution, invite, team):
    """The example of the evaluation context: Country A (one returned by e-mail, one no reply),
    Country B (replaced by a phone interview), Country C (two recipients, no reply)."""
    distribution = make_distribution()
    p = people(
        distribution,
        invite,
        [
            ("A. Example", {"country": "Country A"}),
            ("B. Sample", {"country": "Country A"}),
            ("C. Testperson", {"country": "Country B"}),
            ("D. Demo", {"country": "Country C"}),
            ("E. Fictional", {"country": "Country C"}),
        ],
    )
    for name, channel in [("A. Example", "email"), ("C. Testperson", "phone")]:
        response_enter(
            distribution=distribution,
            by=team["evaluator"].user,
            invitation=p[name],
            answers=COMPLETE,
            channel=channel,
        )
    Invitation.objects.filter(distribution=distribution, status=S.CREATED).update(status=S.SENT)
    return distribution


def test_country_rollup_all_responded_except_country_c(countries, team) -> None:
    rollup = country_rollup(countries, user=team["evaluator"].user)
    assert [
        (r.label, r.recipients, r.responded_recipients, r.responded, r.non_responders)
        for r in rollup.rows
    ] == [
        ("Country A", 2, 1, True, ["B. Sample"]),
        ("Country B", 1, 1, True, []),
        ("Country C", 2, 0, False, ["D. Demo", "E. Fictional"]),
    ]
    assert rollup.summary == (
        "2 of 5 recipients responded. No response yet from Country C (D. Demo, E. Fictional)."
    )


def test_country_rollup_hides_names_from_whom_may_not_see_them(countries) -> None:
    admin = UserFactory(is_superuser=True, is_staff=True)
    rollup = country_rollup(countries, user=admin)
    assert not rollup.names_shown
    assert [r.non_responders for r in rollup.rows] == [None, None, None]
    assert rollup.summary == "2 of 5 recipients responded. No response yet from Country C."


def test_country_rollup_counts_every_recipient_not_just_countries(countries, invite, team):
    """Each country has a response, but two recipients have not answered: not "All
    responded"; recipients without a country are never a country that responded."""
    Invitation.objects.filter(distribution=countries, name="D. Demo").update(status=S.SUBMITTED)
    lead = team["lead"].user
    assert country_rollup(countries, user=lead).summary == (
        "3 of 5 recipients responded. Every country has at least one response."
    )
    invite(countries, "X. Late", attributes={"country": "Country D"})
    invite(countries, "Y. Nowhere")
    rollup = country_rollup(countries, user=lead)
    assert rollup.summary == (
        "3 of 7 recipients responded. No response yet from Country D (X. Late). "
        "1 recipient without a recorded country has not responded (Y. Nowhere)."
    )
    unplaced = next(row for row in rollup.rows if not row.country)
    assert unplaced.label == "(not recorded)" and not unplaced.responded
    Invitation.objects.filter(distribution=countries).update(status=S.SUBMITTED)
    assert country_rollup(countries, user=lead).summary == "All 7 recipients responded."


def test_a_recipient_without_a_country_who_responded_is_no_country(countries, invite, team):
    invitation = invite(countries, "Y. Nowhere")
    Invitation.objects.filter(pk=invitation.pk).update(status=S.SUBMITTED)
    rollup = country_rollup(countries, user=team["lead"].user)
    unplaced = next(row for row in rollup.rows if not row.country)
    assert unplaced.responded_recipients == 1 and not unplaced.responded
    html = client_for(team["lead"].user).get(page_url(countries)).content.decode()
    cells = re.search(r'<tr data-country="">(.*?)</tr>', html, re.S).group(1)
    assert "(not recorded)" in cells and ">yes<" not in cells


# --- the page ------------------------------------------------------------------------------------


def text_of(page: str) -> str:
    """The words of a page, as a person reads them."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def page_url(distribution: Distribution, suffix: str = "tracking/") -> str:
    return f"/evaluations/{distribution.evaluation.slug}/distributions/{distribution.pk}/{suffix}"


def test_page_shows_counts_rates_total_and_countries(tracked, team) -> None:
    response = client_for(team["data_entry"].user).get(page_url(tracked))
    assert response.status_code == 200
    body = response.content.decode()
    statuses = text_of(
        re.search(r'<table class="table" id="status-counts">.*?</table>', body, re.S)[0]
    )
    assert "Sent Sending failed Link opened Started Submitted online" in statuses
    assert statuses.endswith("0 2 1 1 1 1 2 1 1 1")
    total = text_of(re.search(r"<tfoot>.*?</tfoot>", body, re.S)[0])
    assert total == "Total 9 1 1 1 1 1 2 3 33.3 %"
    assert "Africa 3 0 0 0 0 0 2 2 66.7 %" in text_of(body)
    assert (
        "3 of 9 recipients responded. No response yet from Country C (D. Demo, E. Fictional) "
        "and Country E (H. Declined)." in text_of(body)
    )
    assert '<option value="unit">Unit</option>' in body
    assert f'href="{page_url(tracked, "tracking.csv")}?by=region"' in body
    assert "Online form 1 · Returned by e-mail 1 · Phone interview 1 · Paper 0" in text_of(body)


def test_page_breaks_down_by_the_chosen_attribute_without_javascript(tracked, team) -> None:
    body = client_for(team["lead"].user).get(page_url(tracked), {"by": "channel"}).content.decode()
    assert "Response rate by Planned channel" in text_of(body)
    assert "Phone 1 0 0 0 0 0 1 1 100.0 %" in text_of(body)
    assert '<option value="channel" selected>' in body


def test_page_refuses_an_unknown_breakdown_next_to_the_field(tracked, team) -> None:
    response = client_for(team["lead"].user).get(page_url(tracked), {"by": "shoe_size"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="by-error"' in body
    assert "“shoe_size” is not recorded for the recipients of this distribution" in body
    assert "Total 9" in text_of(body)  # the default breakdown is still shown


def test_distribution_page_links_to_tracking(tracked, team) -> None:
    body = client_for(team["evaluator"].user).get(page_url(tracked, "")).content.decode()
    assert f'href="{page_url(tracked)}"' in body


def test_viewer_gets_403_and_outsider_404(tracked, team, outsider) -> None:
    for suffix in ("tracking/", "tracking.csv"):
        viewer = client_for(team["viewer"].user).get(page_url(tracked, suffix))
        assert viewer.status_code == 403
        assert "D. Demo" not in viewer.content.decode()
        stranger = client_for(outsider).get(page_url(tracked, suffix))
        assert stranger.status_code == 404
        assert "D. Demo" not in stranger.content.decode()


def test_superuser_sees_rates_but_no_names(tracked) -> None:
    admin = UserFactory(is_superuser=True, is_staff=True)
    body = client_for(admin).get(page_url(tracked)).content.decode()
    assert "Total 9" in text_of(body)
    assert "D. Demo" not in body
    assert (
        "3 of 9 recipients responded. No response yet from Country C and Country E. "
        "1 recipient without a recorded country has not responded." in text_of(body)
    )
    rows = read_csv(client_for(admin).get(page_url(tracked, "tracking.csv")))
    assert rows[-1][0] == "Total"  # the rates only, no recipients


def test_other_evaluations_distribution_is_404(tracked, team) -> None:
    other = other_distribution(team["lead"].user)
    url = f"/evaluations/{tracked.evaluation.slug}/distributions/{other.pk}/tracking/"
    assert client_for(team["lead"].user).get(url).status_code == 404


# --- CSV -----------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_has_the_rates_then_each_recipient(tracked, team) -> None:
    response = client_for(team["evaluator"].user).get(
        page_url(tracked, "tracking.csv"), {"by": "region"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        f'filename="distribution-{tracked.pk}-tracking-region.csv"'
        in (response["Content-Disposition"])
    )
    rows = read_csv(response)
    assert rows[0] == [
        "Region",
        "invited",
        "excluded",
        "declined",
        "opened",
        "started",
        "submitted_online",
        "returned",
        "responded",
        "rate",
    ]
    assert rows[1] == ["Africa", "3", "0", "0", "0", "0", "0", "2", "2", "66.7%"]
    assert rows[4] == ["(not recorded)", "1", "0", "0", "0", "0", "0", "0", "0", "0.0%"]
    assert rows[5] == ["Total", "9", "1", "1", "1", "1", "1", "2", "3", "33.3%"]
    assert rows[6] == []
    # The recipients' columns as the pages name them (not "stakeholder group", lowercase).
    assert rows[7][:7] == [
        "Name",
        "Country",
        "Region",
        "Stakeholder group",
        "Planned channel",
        "Status",
        "Replied by",
    ]
    by_name = {row[0]: row for row in rows[8:]}
    assert len(by_name) == 11
    assert by_name["A. Example"][1:7] == [
        "Country A",
        "Africa",
        "Staff",
        "Web link by e-mail",
        "Returned (entered by the team)",
        "Returned by e-mail",
    ]
    assert by_name["C. Testperson"][4:7] == [
        "Phone",
        "Returned (entered by the team)",
        "Phone interview",
    ]
    assert by_name["F. Online"][5:7] == ["Submitted online", "Online form"]
    assert by_name["F. Online"][9]  # submitted at
    assert by_name["B. Sample"][5:7] == ["Sent", ""]
    # A name that a spreadsheet would run as a formula stays text.
    assert '\'=HYPERLINK("http://x.example")' in by_name
    assert [row[0] for row in rows[8:10]] == ['\'=HYPERLINK("http://x.example")', "A. Example"]


def test_csv_cells_that_look_like_formulas_are_quoted() -> None:
    assert [safe_cell(v) for v in ["=1+1", "+33", "-2", "@SUM", "\tx", "\rx", "ok", 5]] == [
        "'=1+1",
        "'+33",
        "'-2",
        "'@SUM",
        "'\tx",
        "'\rx",
        "ok",
        5,
    ]


def test_csv_refuses_an_unknown_breakdown(tracked, team) -> None:
    response = client_for(team["lead"].user).get(page_url(tracked, "tracking.csv"), {"by": "x"})
    assert response.status_code == 400
    assert "“x” is not recorded" in response.content.decode()


def test_csv_keeps_accents_for_excel(make_distribution, invite, team) -> None:
    distribution = make_distribution()
    invite(distribution, "José Ñúñez", attributes={"region": "Amériques"})
    rows = read_csv(client_for(team["lead"].user).get(page_url(distribution, "tracking.csv")))
    assert rows[1][0] == "Amériques"
    assert rows[-1][0] == "José Ñúñez"


# --- API -----------------------------------------------------------------------------------------


def api_url(distribution: Distribution, slug: str | None = None) -> str:
    slug = slug or distribution.evaluation.slug
    return f"/api/v1/evaluations/{slug}/distributions/{distribution.pk}/rates/"


def test_api_returns_the_same_numbers(api_client, tracked, team) -> None:
    api_client.force_authenticate(team["evaluator"].user)
    response = api_client.get(api_url(tracked), {"by": "region"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"by", "status_counts", "channels", "rows", "total", "countries", "summary"}
    assert body["by"] == "region"
    assert body["status_counts"]["returned"] == 2
    assert body["channels"] == {"web": 1, "email": 1, "phone": 1, "paper": 0, "open": 0}
    assert [(r["label"], r["invited"], r["responded"], r["percent"]) for r in body["rows"]] == [
        ("Africa", 3, 2, 66.7),
        ("Asia", 4, 1, 25.0),
        ("Europe", 1, 0, 0.0),
        ("(not recorded)", 1, 0, 0.0),
    ]
    assert body["rows"][3]["value"] == ""
    assert body["total"] == {
        "value": "",
        "label": "Total",
        "invited": 9,
        "excluded": 1,
        "declined": 1,
        "opened": 1,
        "started": 1,
        "submitted_online": 1,
        "returned": 2,
        "responded": 3,
        "rate": 0.3333,
        "percent": 33.3,
    }
    country_c = next(c for c in body["countries"] if c["country"] == "Country C")
    assert country_c == {
        "country": "Country C",
        "label": "Country C",
        "recipients": 2,
        "responded_recipients": 0,
        "responded": False,
        "non_responders": ["D. Demo", "E. Fictional"],
    }
    assert body["summary"].startswith(
        "3 of 9 recipients responded. No response yet from Country C (D. Demo, E. Fictional)"
    )


def test_api_refuses_unknown_breakdown_with_field_errors(api_client, tracked, team) -> None:
    api_client.force_authenticate(team["lead"].user)
    response = api_client.get(api_url(tracked), {"by": "shoe_size"})
    assert response.status_code == 400
    body = response.json()
    assert "“shoe_size” is not recorded" in body["detail"]
    assert list(body["errors"]) == ["by"]


def test_api_viewer_403_outsider_and_other_evaluation_404(
    api_client, tracked, team, outsider
) -> None:
    api_client.force_authenticate(team["viewer"].user)
    denied = api_client.get(api_url(tracked))
    assert denied.status_code == 403
    assert denied.json() == {
        "detail": "Your role does not include the questionnaires.",
        "errors": {},
    }
    api_client.force_authenticate(outsider)
    assert api_client.get(api_url(tracked)).status_code == 404
    api_client.force_authenticate(team["lead"].user)
    other = other_distribution(team["lead"].user)
    assert api_client.get(api_url(other, slug=tracked.evaluation.slug)).status_code == 404
    assert api_client.get(api_url(other)).status_code == 200


def test_api_hides_names_from_whom_may_not_see_them(api_client, tracked) -> None:
    api_client.force_authenticate(UserFactory(is_superuser=True, is_staff=True))
    body = api_client.get(api_url(tracked)).json()
    assert {c["non_responders"] for c in body["countries"]} == {None}
    assert "D. Demo" not in str(body)


def other_distribution(lead) -> Distribution:
    evaluation = EvaluationFactory()
    MembershipFactory(evaluation=evaluation, user=lead, role="lead")
    version = instrument_load(evaluation=evaluation, text=STAFF_FILE.read_text(), by=SYSTEM).version
    return distribution_create(evaluation=evaluation, by=lead, version=version, title="Other")


# --- cost ----------------------------------------------------------------------------------------


def add_many(distribution: Distribution, invite, n: int) -> None:
    statuses = [S.SENT, S.OPENED, S.STARTED, S.DECLINED, S.EXCLUDED, S.SUBMITTED]
    for i in range(n):
        invitation = invite(
            distribution,
            f"Person {i}",
            attributes={
                "region": f"Region {i % 4}",
                "country": f"Country {i % 7}",
                f"k{i % 3}": "v",
            },
        )
        set_status(invitation, statuses[i % len(statuses)])


@pytest.mark.parametrize("suffix", ["tracking/", "tracking.csv", "api"])
def test_query_count_stays_fixed_as_invitations_grow(
    tracked, team, invite, api_client, suffix, django_assert_max_num_queries
) -> None:
    def fetch() -> None:
        if suffix == "api":
            api_client.force_authenticate(team["lead"].user)
            response = api_client.get(api_url(tracked))
        else:
            response = client_for(team["lead"].user).get(page_url(tracked, suffix))
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200

    with CaptureQueriesContext(connection) as few:
        fetch()
    add_many(tracked, invite, 40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        fetch()


def test_attributes_are_named_by_their_labels_never_their_keys(make_distribution, invite, team):
    distribution = make_distribution()
    invitation = invite(
        distribution,
        "K. Labelled",
        attributes={
            "office_type": "country office",
            "years_of_service_band": "2-5 years",
            "stakeholder_group": "Staff",
            "organisation": "Example Office",
        },
    )
    client = client_for(team["evaluator"].user)
    page = client.get(
        f"/evaluations/{distribution.evaluation.slug}/distributions/{distribution.pk}"
        f"/invitations/{invitation.pk}/"
    ).content.decode()
    shown = re.findall(r"<dt>([^<]*)</dt>", page)
    for label in ("Office type", "Years of service", "Stakeholder group", "Organisation"):
        assert label in shown
    for key in ("office_type", "years_of_service_band", "stakeholder_group", "organisation"):
        assert key not in shown
    # The breakdowns offered: the recipients' own keys by their labels too.
    choices = dict(breakdown_choices(distribution))
    assert choices["organisation"] == "Organisation"
