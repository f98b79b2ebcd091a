"""The coverage matrix page: reached / planned per place and group with the gaps marked, the
grid that edits it (all or nothing), and the CSV download."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from common.errors import ValidationProblem
from interviews import services
from interviews.models import CoverageTarget
from interviews.services import coverage as coverage_services
from stakeholders.models import Region
from tests.interviews.builders import country, group, log, person

pytestmark = pytest.mark.django_db


class _Tables(HTMLParser):
    """The text of each cell of each table marked with data-method, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.method = ""
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.method = dict(attrs).get("data-method") or ""
            self.tables[self.method] = []
        elif tag == "tr" and self.method:
            self.tables[self.method].append([])
        elif tag in ("td", "th") and self.method:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.tables[self.method][-1].append(re.sub(r"\s+", " ", "".join(self.cell)).strip())
            self.cell = None
        elif tag == "table":
            self.method = ""

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def tables_of(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def plan(evaluation, team):
    """Interviews planned in Viet Nam, Thailand and the Asia region, a focus group in Viet Nam,
    questionnaires in Kenya; some reached."""
    lead = team["lead"].user
    asia = Region.objects.get(code="asia-pacific")

    def target(code: str, method: str, planned: int, **place: object) -> None:
        services.coverage_target_set(
            evaluation=evaluation, by=lead, stakeholder_group=group(code), method=method,
            planned=planned, **place,
        )  # fmt: skip

    target("government", "interview", 3, country=country("VN"))
    target("government", "interview", 1, country=country("TH"))
    target("government", "interview", 5, region=asia)
    target("workers", "interview", 2, country=country("VN"))
    target("government", "focus_group", 1, country=country("VN"))
    target("workers", "questionnaire", 2, country=country("KE"))

    anna = person("Anna Beispiel", organisation="Ministry of Labour", group_code="government",
                  country_code="VN")  # fmt: skip
    bob = person("Bob Example", organisation="Trade Union Centre", group_code="workers",
                 country_code="VN")  # fmt: skip
    chai = person("Chai Somchai", organisation="Ministry of Labour Thailand",
                  group_code="government", country_code="TH")  # fmt: skip
    log(evaluation, anna)
    log(evaluation, chai)
    log(evaluation, bob, mode="phone")
    log(evaluation, anna, mode="focus_group")
    log(evaluation, anna, mode="debrief")  # reaches no one
    return asia


def test_page_shows_reached_over_planned_with_gaps(evaluation, team, plan) -> None:
    response = client_for(team["viewer"].user).get(
        reverse("interviews:coverage", args=[evaluation.slug])
    )

    assert response.status_code == 200
    tables = tables_of(response.content.decode())
    assert list(tables) == ["interview", "questionnaire", "focus_group"]
    assert tables["interview"] == [
        ["Country or region", "Government", "Workers' organisations", "Total"],
        ["Asia and the Pacific (region)", "2 / 5 — 3 to go", "", "2 / 5 — 3 to go"],
        ["Thailand", "1 / 1 ✓ met", "", "1 / 1 ✓ met"],
        ["Viet Nam", "1 / 3 — 2 to go", "1 / 2 — 1 to go", "2 / 5 — 3 to go"],
        ["Total", "4 / 9 — 5 to go", "1 / 2 — 1 to go", "5 / 11 — 6 to go"],
    ]
    assert tables["focus_group"][1] == ["Viet Nam", "1 / 1 ✓ met", "1 / 1 ✓ met"]
    assert tables["questionnaire"][1] == ["Kenya", "0 / 2 — 2 to go", "0 / 2 — 2 to go"]
    html = response.content.decode()
    # The gap is marked by a class as well as by the words.
    assert html.count('class="coverage-cell coverage-gap"') == 12  # 8 interview, 4 questionnaire
    assert "Video call" in html  # the note on which modes count
    # A viewer has no edit controls.
    assert reverse("interviews:coverage_edit", args=[evaluation.slug]) not in html


def test_lead_sees_the_edit_link_and_an_empty_plan_says_so(evaluation, team) -> None:
    response = client_for(team["lead"].user).get(
        reverse("interviews:coverage", args=[evaluation.slug])
    )
    html = response.content.decode()
    assert "No coverage plan yet." in html
    assert reverse("interviews:coverage_edit", args=[evaluation.slug]) in html


def _planned(evaluation) -> set[tuple[str, str, str, int]]:
    return {
        (t.stakeholder_group.code, (t.country or t.region).name, t.method, t.planned)
        for t in CoverageTarget.objects.filter(evaluation=evaluation)
    }


def test_edit_grid_saves_changed_cells_and_adds_a_row(evaluation, team, plan) -> None:
    client = client_for(team["evaluator"].user)
    url = reverse("interviews:coverage_edit", args=[evaluation.slug])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        'name="cell:interview:c-VN:government" id="id_cellinterviewc-vngovernment" value="3"'
        in (html)
    )
    # Every group in use is a column when editing, Academic included.
    assert "cell:interview:c-VN:academic" in html

    # Add Kenya as a row: nothing saved, what was typed is kept.
    added = client.post(
        url,
        {"place": ["c-VN"], "cell:interview:c-VN:government": "4", "add": "c-KE", "action": "add"},
    )
    assert added.status_code == 200
    html = added.content.decode()
    assert 'name="cell:interview:c-KE:employers"' in html
    assert (
        'name="cell:interview:c-VN:government" id="id_cellinterviewc-vngovernment" value="4"'
        in (html)
    )
    assert ("government", "Viet Nam", "interview", 3) in _planned(evaluation)

    saved = client.post(
        url,
        {
            "place": ["c-KE", "c-VN"],
            "cell:interview:c-VN:government": "4",  # changed
            "cell:interview:c-TH:government": "",  # removed
            "cell:interview:c-KE:employers": " 2 ",  # new
            "cell:field_visit:c-KE:workers": "1",  # new, another method
            "cell:interview:c-VN:workers": "2",  # unchanged
            "action": "save",
        },
    )

    assert saved.status_code == 302
    assert _planned(evaluation) == {
        ("government", "Viet Nam", "interview", 4),
        ("government", "Asia and the Pacific", "interview", 5),
        ("workers", "Viet Nam", "interview", 2),
        ("employers", "Kenya", "interview", 2),
        ("workers", "Kenya", "field_visit", 1),
        ("government", "Viet Nam", "focus_group", 1),
        ("workers", "Kenya", "questionnaire", 2),
    }
    follow = client.get(saved["Location"])
    assert "Coverage plan saved: 4 cells changed." in follow.content.decode()


def test_edit_with_bad_numbers_saves_nothing_and_names_the_cell(evaluation, team, plan) -> None:
    client = client_for(team["lead"].user)
    url = reverse("interviews:coverage_edit", args=[evaluation.slug])
    before = _planned(evaluation)

    response = client.post(
        url,
        {
            "cell:interview:c-VN:government": "7",  # fine, but not saved either
            "cell:interview:c-TH:government": "-1",
            "cell:interview:c-VN:workers": "two",
            "action": "save",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved: 2 problems to correct." in html
    assert "Thailand, Government (Interview): The planned number must be 0 or more, not -1." in html
    assert "Viet Nam, Workers&#x27; organisations (Interview): “two” is not a whole number." in html
    # Next to the cell, with what was typed kept.
    assert re.search(
        r'value="two" aria-label="[^"]+" aria-invalid="true" aria-describedby="err_[^"]+">\s*'
        r'<ul class="errorlist"',
        html,
    )
    assert 'value="7"' in html
    assert _planned(evaluation) == before


def test_edit_refuses_an_unknown_row(evaluation, team, plan) -> None:
    url = reverse("interviews:coverage_edit", args=[evaluation.slug])
    response = client_for(team["lead"].user).post(
        url, {"place": ["c-XX"], "cell:interview:c-XX:government": "2", "action": "save"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Unknown rows (no such country or region): c-XX." in html
    assert ("government", "Viet Nam", "interview", 3) in _planned(evaluation)


@pytest.mark.parametrize("role", ["viewer", "data_entry"])
def test_only_lead_and_evaluators_edit(evaluation, team, plan, role) -> None:
    client = client_for(team[role].user)
    url = reverse("interviews:coverage_edit", args=[evaluation.slug])
    before = _planned(evaluation)
    assert client.get(url).status_code == 403
    response = client.post(url, {"cell:interview:c-VN:government": "9", "action": "save"})
    assert response.status_code == 403
    assert _planned(evaluation) == before


def test_outsider_gets_404(evaluation, outsider, plan) -> None:
    client = client_for(outsider)
    for name in ("interviews:coverage", "interviews:coverage_csv", "interviews:coverage_edit"):
        assert client.get(reverse(name, args=[evaluation.slug])).status_code == 404


def test_csv_has_one_line_per_target(evaluation, team, plan) -> None:
    response = client_for(team["viewer"].user).get(
        reverse("interviews:coverage_csv", args=[evaluation.slug])
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-coverage.csv"')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    # Named as the page names them, not by their internal names ("stakeholder_group").
    assert rows[0] == [
        "Stakeholder group", "Country", "Region", "Method", "Planned", "Reached", "Gap",
    ]  # fmt: skip
    assert sorted(rows[1:]) == sorted(
        [
            ["Government", "Thailand", "", "Interview", "1", "1", "0"],
            ["Government", "Viet Nam", "", "Interview", "3", "1", "2"],
            ["Government", "", "Asia and the Pacific", "Interview", "5", "2", "3"],
            ["Government", "Viet Nam", "", "Focus group", "1", "1", "0"],
            ["Workers' organisations", "Viet Nam", "", "Interview", "2", "1", "1"],
            ["Workers' organisations", "Kenya", "", "Questionnaire", "2", "0", "2"],
        ]
    )


def test_a_refusal_midway_rolls_back_the_cells_before_it(
    evaluation, team, plan, monkeypatch
) -> None:
    real = coverage_services._target_set  # each cell, once the plan's revision moved on

    def refuse_kenya(**kwargs):
        if kwargs.get("country") == country("KE"):
            raise ValidationProblem("Kenya is closed.", errors={"country": ["Kenya is closed."]})
        return real(**kwargs)

    monkeypatch.setattr(coverage_services, "_target_set", refuse_kenya)
    before = _planned(evaluation)
    response = client_for(team["lead"].user).post(
        reverse("interviews:coverage_edit", args=[evaluation.slug]),
        {
            "cell:interview:c-VN:government": "8",
            "cell:questionnaire:c-KE:workers": "5",
            "action": "save",
        },
    )

    assert response.status_code == 400
    assert "Kenya, Workers&#x27; organisations (Questionnaire): Kenya is closed." in (
        response.content.decode()
    )
    assert _planned(evaluation) == before


def test_page_reads_the_plan_in_a_few_queries(
    evaluation, team, plan, django_assert_max_num_queries
) -> None:
    client = client_for(team["viewer"].user)
    url = reverse("interviews:coverage", args=[evaluation.slug])
    client.get(url)  # warm the session and the navigation
    # Session, user, evaluation, navigation (2); targets, interviews, questionnaires, countries:
    # the same however many cells.
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200
