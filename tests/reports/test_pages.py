"""The report pages through the test client: what each role sees, edits that keep nothing when
refused, and CSV downloads with the page's numbers."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from interviews.models import ReportingCategory
from reports.models import CategoryRule, LayoutCell, TableLayout
from reports.selectors.overview import interview_overview
from tests.factories import PASSWORD
from tests.reports.test_overview import invented_example

pytestmark = pytest.mark.django_db


def client_for(member) -> Client:
    client = Client()
    assert client.login(email=member.user.email, password=PASSWORD)
    return client


def url(evaluation, tail: str = "") -> str:
    return f"/evaluations/{evaluation.slug}/reports/{tail}"


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_overview_page_shows_the_computed_numbers_to_a_viewer(evaluation, team):
    invented_example(evaluation)
    response = client_for(team["viewer"]).get(url(evaluation))
    assert response.status_code == 200
    html = response.content.decode()
    table = response.context["table"]
    assert table.total.interviews.text == "10" and table.total.participants.text == "13"
    assert 'data-category="Region B"' in html
    # A viewer reads the table but gets no editing forms.
    assert 'id="edit-cells"' not in html
    assert "No rules" not in html and "Region A" in html


def test_overview_csv_has_the_page_numbers(evaluation, team):
    invented_example(evaluation)
    rows = csv_rows(client_for(team["viewer"]).get(url(evaluation, "overview.csv")))
    by_label = {row[0]: row[1:3] for row in rows[1:] if row}
    assert by_label["Region B"] == ["2", "6"]
    assert by_label["Total"] == ["10", "13"]


def test_outsider_gets_no_reports(evaluation, team, outsider):
    client = Client()
    client.login(email=outsider.email, password=PASSWORD)
    assert client.get(url(evaluation)).status_code in (403, 404)


def test_override_without_reason_is_refused_and_nothing_is_kept(evaluation, team):
    found = invented_example(evaluation)["categories"]
    client = client_for(team["evaluator"])
    region_b = found["Region B"]
    response = client.post(
        url(evaluation, "overview/cell/"),
        {"row": region_b.pk, "column": "participants", "value": "7", "action": "override"},
        follow=True,
    )
    assert response.status_code == 200
    assert "reason" in response.content.decode().lower()
    assert not LayoutCell.objects.filter(override__isnull=False).exists()

    response = client.post(
        url(evaluation, "overview/cell/"),
        {
            "row": region_b.pk,
            "column": "participants",
            "value": "7",
            "reason": "One official left before the interview began.",
            "action": "override",
        },
        follow=True,
    )
    cell = LayoutCell.objects.get(override__isnull=False)
    assert (cell.override, cell.override_by) == (7, team["evaluator"].user)
    html = response.content.decode()
    assert "One official left before the interview began." in html
    table = interview_overview(evaluation=evaluation, user=team["lead"].user, layout=cell.layout)
    row = next(r for r in table.rows if r.label == "Region B")
    assert (row.participants.computed, row.participants.shown) == (6, 7)


def test_printed_numbers_show_the_difference(evaluation, team):
    found = invented_example(evaluation)["categories"]
    client = client_for(team["lead"])
    client.post(
        url(evaluation, "overview/cell/"),
        {"row": found["Headquarters"].pk, "column": "participants", "value": "5"},
    )
    client.post(
        url(evaluation, "overview/cell/"), {"row": "total", "column": "interviews", "value": "9"}
    )
    layout = TableLayout.objects.get()
    response = client.get(url(evaluation) + f"?layout={layout.name}")
    table = response.context["table"]
    hq = next(r for r in table.rows if r.label == "Headquarters")
    assert (hq.participants.computed, hq.participants.printed, hq.participants.difference) == (
        3,
        5,
        -2,
    )
    assert (table.total.interviews.printed, table.total.interviews.difference) == (9, 1)
    rows = csv_rows(client.get(url(evaluation, "overview.csv") + f"?layout={layout.name}"))
    header = rows[0]
    assert "Participants (printed)" in header and "Participants (difference)" in header


def test_data_entry_cannot_change_rules(evaluation, team):
    invented_example(evaluation)
    before = list(CategoryRule.objects.values_list("pk", flat=True))
    response = client_for(team["data_entry"]).post(
        url(evaluation, "overview/rules/"), {"field_0": "any", "category_0": "1"}
    )
    assert response.status_code == 403
    assert list(CategoryRule.objects.values_list("pk", flat=True)) == before


def test_rules_form_replaces_the_rules_and_applies_them(evaluation, team):
    found = invented_example(evaluation)["categories"]
    client = client_for(team["lead"])
    response = client.post(
        url(evaluation, "overview/rules/"),
        {"field_0": "any", "value_0": "", "category_0": str(found["Region A"].pk)},
        follow=True,
    )
    assert response.status_code == 200
    rules = list(CategoryRule.objects.values_list("field", "category__name"))
    assert rules == [("any", "Region A")]
    table = response.context["table"]
    # Only the two interviews put in Key external informants by hand stay out of Region A.
    counts = {row.label: row.interviews.computed for row in table.rows}
    assert counts["Region A"] == 8 and counts["Key external informants"] == 2


def test_a_rule_without_a_category_is_refused_with_its_line(evaluation, team):
    invented_example(evaluation)
    before = list(CategoryRule.objects.values_list("pk", flat=True))
    response = client_for(team["lead"]).post(
        url(evaluation, "overview/rules/"),
        {"field_0": "grouping", "value_0": "Geneva"},
        follow=True,
    )
    assert "Rule 1 needs both a condition and a category." in response.content.decode()
    assert list(CategoryRule.objects.values_list("pk", flat=True)) == before


def test_categories_renamed_reordered_added_and_removed(evaluation, team):
    found = invented_example(evaluation)["categories"]
    hq, employers = found["Headquarters"], found["Employers"]
    data = {}
    for position, category in enumerate(ReportingCategory.objects.filter(evaluation=evaluation)):
        data[f"name_{category.pk}"] = category.name
        data[f"order_{category.pk}"] = str(10 + position)
    data[f"name_{hq.pk}"] = "Headquarters, Geneva"
    data[f"order_{hq.pk}"] = "99"
    data[f"remove_{employers.pk}"] = "on"
    data["new"] = "Governments"
    response = client_for(team["lead"]).post(
        url(evaluation, "overview/categories/"), data, follow=True
    )
    assert response.status_code == 200
    names = list(
        ReportingCategory.objects.filter(evaluation=evaluation)
        .order_by("order")
        .values_list("name", flat=True)
    )
    assert names[-2:] == ["Headquarters, Geneva", "Governments"]
    assert "Employers" not in names
    labels = [row.label for row in response.context["table"].rows]
    assert "Headquarters, Geneva" in labels


def test_duplicate_category_names_are_refused_and_nothing_changes(evaluation, team):
    found = invented_example(evaluation)["categories"]
    before = list(ReportingCategory.objects.order_by("pk").values_list("name", "order"))
    data = {}
    for category in found.values():
        data[f"name_{category.pk}"] = category.name
        data[f"order_{category.pk}"] = str(category.order)
    data[f"name_{found['Region A'].pk}"] = "region b"
    response = client_for(team["lead"]).post(
        url(evaluation, "overview/categories/"), data, follow=True
    )
    assert "is there twice" in response.content.decode()
    assert list(ReportingCategory.objects.order_by("pk").values_list("name", "order")) == before


def test_annex_page_withholds_names_for_a_viewer(evaluation, team):
    invented_example(evaluation)
    viewer = client_for(team["viewer"]).get(url(evaluation, "annex/"))
    lead = client_for(team["lead"]).get(url(evaluation, "annex/"))
    assert "Anna Example" in lead.content.decode()
    assert "Anna Example" not in viewer.content.decode()
    assert 'id="names-withheld"' in viewer.content.decode()
    rows = csv_rows(client_for(team["viewer"]).get(url(evaluation, "annex.csv")))
    assert not any("Anna Example" in cell for row in rows for cell in row)
