"""The report pages through the test client: what each role sees, edits that keep nothing when
refused, and CSV downloads with the page's numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from evaluations.permissions import forget_roles
from interviews.models import CategoryRule, ReportingCategory
from reports.models import ExportJob, LayoutCell, TableLayout
from reports.selectors.overview import interview_overview
from tests.factories import PASSWORD, ExportJobFactory, MembershipFactory
from tests.reports.builders import staff_survey
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
    response = client.get(url(evaluation))
    assert response.status_code == 404
    assert f"There is no evaluation “{evaluation.slug}” that you can open" in (
        response.content.decode()
    )


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


# --- questionnaire results, open answers, rates, downloads ------------------------------------


def surveyed(evaluation):
    """Seven staff in Africa, two in Europe (a small cell), one answering to the lead only."""
    responses = [
        {
            "attributes": {"region": "Africa"},
            "answers": {"C1": code, "B1": f"Africa view {n}"},
            "route": "team",
        }
        for n, code in enumerate("4433221")
    ]
    responses += [
        {"attributes": {"region": "Europe"}, "answers": {"C1": "4"}, "route": "team"},
        {
            "attributes": {"region": "Europe"},
            "answers": {"C1": "1", "B1": "For the lead's eyes only"},
            "route": "lead",
        },
    ]
    return staff_survey(evaluation, responses, confidentiality="respondent")


def test_likert_page_suppresses_small_cells_for_a_viewer(evaluation, team):
    distribution = surveyed(evaluation)
    response = client_for(team["viewer"]).get(
        url(evaluation, "questionnaires/") + f"?distribution={distribution.pk}&by=region"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="suppression-note"' in html and "<svg" in html
    (table, _chart), *_ = response.context["tables"]
    rows = {row.group_label: row for row in table.rows if row.question_key == "C1"}
    assert rows["All respondents"].n == 9
    assert rows["Europe"].n is None  # two respondents: suppressed
    assert rows["Africa"].n is None  # complementary: else Europe = 9 − 7
    assert "Unsuppressed (lead only)" not in html


def test_likert_unsuppressed_is_the_leads_only(evaluation, team):
    distribution = surveyed(evaluation)
    query = f"?distribution={distribution.pk}&by=region&unsuppressed=1"
    assert (
        client_for(team["viewer"]).get(url(evaluation, "questionnaires/") + query).status_code
        == 403
    )
    response = client_for(team["lead"]).get(url(evaluation, "questionnaires/") + query)
    assert 'id="unsuppressed-note"' in response.content.decode()
    (table, _chart), *_ = response.context["tables"]
    rows = {row.group_label: row for row in table.rows if row.question_key == "C1"}
    assert (rows["Europe"].n, rows["Africa"].n) == (2, 7)


def test_likert_csv_matches_the_page(evaluation, team):
    distribution = surveyed(evaluation)
    rows = csv_rows(
        client_for(team["viewer"]).get(
            url(evaluation, "likert.csv") + f"?distribution={distribution.pk}"
        )
    )
    header = next(row for row in rows if row and row[0] == "Item")
    c1 = next(row for row in rows if row and row[0] == "C1")
    assert c1[header.index("n")] == "9"


def test_unknown_breakdown_is_refused_with_a_message(evaluation, team):
    distribution = surveyed(evaluation)
    response = client_for(team["viewer"]).get(
        url(evaluation, "questionnaires/") + f"?distribution={distribution.pk}&by=shoe_size",
        follow=True,
    )
    assert response.status_code == 200
    assert "“shoe_size” is not recorded" in response.content.decode()


def test_open_answers_are_for_the_team_and_lead_only_ones_for_the_lead(evaluation, team):
    distribution = surveyed(evaluation)
    path = url(evaluation, "open-answers/") + f"?distribution={distribution.pk}"
    assert client_for(team["viewer"]).get(path).status_code == 403
    evaluator = client_for(team["evaluator"]).get(path).content.decode()
    lead = client_for(team["lead"]).get(path).content.decode()
    assert "Africa view 0" in evaluator and "Africa view 0" in lead
    assert "For the lead&#x27;s eyes only" not in evaluator
    assert "1 answer was sent to the lead evaluator only" in evaluator
    assert "For the lead&#x27;s eyes only" in lead
    # Questions are named by section and number, not by the printed "1)" that A1 shares.
    assert '<h2><span class="qref">B1</span>' in evaluator


def test_rates_page_and_csv(evaluation, team):
    surveyed(evaluation)
    response = client_for(team["viewer"]).get(url(evaluation, "rates/"))
    assert response.status_code == 200
    (rates,) = response.context["distributions"]
    total = rates.rows[-1]
    assert (total.invited, total.responded) == (9, 9)
    assert rates.rollup.names_shown is False
    page = response.content.decode()
    assert "Online form 9, Returned by e-mail 0, Phone interview 0, Paper 0" in page
    rows = csv_rows(client_for(team["viewer"]).get(url(evaluation, "rates.csv")))
    header = next(row for row in rows if row and row[0] == "Region")
    total = next(row for row in rows if row and row[0] == "Total")
    assert (total[header.index("invited")], total[header.index("responded")]) == ("9", "9")
    africa = next(row for row in rows if row and row[0] == "Africa")
    assert africa[header.index("responded")] == "<5"  # 7 answered, but Europe's 2 would show


def test_viewer_prepares_and_downloads_the_workbook(
    evaluation, team, django_capture_on_commit_callbacks
):
    surveyed(evaluation)
    client = client_for(team["viewer"])
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url(evaluation, "downloads/"), {})
    assert started.status_code == 302
    response = client.get(url(evaluation, "downloads/"))
    job = response.context["jobs"][0]
    assert job.state == "done"
    assert f'id="job-{job.pk}"' in response.content.decode()
    row = client.get(url(evaluation, f"downloads/{job.pk}/"))
    assert 'data-state="done"' in row.content.decode() and "hx-get" not in row.content.decode()
    download = client.get(url(evaluation, f"downloads/{job.pk}/file/"))
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert "Likert" in book.sheetnames and not any(n.startswith("Raw") for n in book.sheetnames)
    # Another member may not fetch it.
    assert (
        client_for(team["evaluator"]).get(url(evaluation, f"downloads/{job.pk}/file/")).status_code
        == 403
    )


def test_a_job_in_progress_polls_and_can_be_cancelled(evaluation, team):
    job = ExportJobFactory(
        evaluation=evaluation, requested_by=team["viewer"].user, state="running", progress=40
    )
    client = client_for(team["viewer"])
    row = client.get(url(evaluation, f"downloads/{job.pk}/")).content.decode()
    assert "hx-get" in row and 'value="40"' in row
    client.post(url(evaluation, f"downloads/{job.pk}/cancel/"))
    job.refresh_from_db()
    assert job.state == "cancelled"
    assert client.get(url(evaluation, f"downloads/{job.pk}/file/")).status_code == 404


# --- what the review found ---------------------------------------------------------------------


def test_a_lead_demoted_to_viewer_cannot_fetch_the_file_built_with_answers(
    evaluation, team, django_capture_on_commit_callbacks
):
    surveyed(evaluation)
    lead = team["lead"]
    client = client_for(lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(evaluation, "downloads/"), {"unsuppressed": "on"})
    job = ExportJob.objects.get()
    assert job.state == "done" and job.parameters["answers"] is True
    assert client.get(url(evaluation, f"downloads/{job.pk}/file/")).status_code == 200
    # Another lead takes over; the first becomes a viewer.
    MembershipFactory(evaluation=evaluation, role="lead")
    lead.role = "viewer"
    lead.save(update_fields=["role"])
    forget_roles(lead.user)
    assert client.get(url(evaluation, f"downloads/{job.pk}/file/")).status_code == 403


def test_a_missing_file_is_not_served(evaluation, team, django_capture_on_commit_callbacks):
    client = client_for(team["viewer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(evaluation, "downloads/"), {})
    job = ExportJob.objects.get()
    job.file.storage.delete(job.file.name)  # gone from the disk
    assert client.get(url(evaluation, f"downloads/{job.pk}/file/")).status_code == 404


def test_an_expired_job_is_shown_expired_and_not_served(
    evaluation, team, django_capture_on_commit_callbacks
):
    client = client_for(team["viewer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(evaluation, "downloads/"), {})
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    assert client.get(url(evaluation, f"downloads/{job.pk}/file/")).status_code == 404
    page = client.get(url(evaluation, "downloads/")).content.decode()
    assert "Expired: prepare a new one." in page
    assert f"downloads/{job.pk}/file/" not in page


def test_opening_the_downloads_page_deletes_no_file(
    evaluation, team, django_capture_on_commit_callbacks
):
    """A GET changes nothing: files past their expiry are deleted by the beat task only."""
    client = client_for(team["viewer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(evaluation, "downloads/"), {})
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    assert client.get(url(evaluation, "downloads/")).status_code == 200
    assert client.get(url(evaluation, f"downloads/{job.pk}/")).status_code == 200
    job.refresh_from_db()
    assert job.file and job.file.storage.exists(job.file.name)


def test_a_layout_name_with_signs_survives_the_redirect_after_an_edit(evaluation, team):
    found = invented_example(evaluation)["categories"]
    client = client_for(team["lead"])
    client.post(url(evaluation, "overview/layout/"), {"name": "A&B #1 ü"})
    response = client.post(
        url(evaluation, "overview/cell/"),
        {"layout": "A&B #1 ü", "row": found["Region A"].pk, "column": "interviews", "value": "2"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and page.context["layout"].name == "A&B #1 ü"


def test_a_refused_printed_number_leaves_no_new_layout(evaluation, team):
    found = invented_example(evaluation)["categories"]
    client_for(team["lead"]).post(
        url(evaluation, "overview/cell/"),
        {"row": found["Region A"].pk, "column": "interviews", "value": "many"},
    )
    assert not TableLayout.objects.exists()


def test_a_viewer_breaks_down_by_the_standard_attributes_only(evaluation, team):
    responses = [
        {"attributes": {"region": "Africa", "unit": f"Unit {n % 2}"}, "answers": {"C1": "4"}}
        for n in range(6)
    ]
    distribution = staff_survey(evaluation, responses)
    path = url(evaluation, "questionnaires/") + f"?distribution={distribution.pk}"
    viewer = client_for(team["viewer"]).get(path)
    lead = client_for(team["lead"]).get(path)
    assert [key for key, _label in viewer.context["breakdowns"]] == ["region"]
    assert "unit" in dict(lead.context["breakdowns"])
    refused = client_for(team["viewer"]).get(path + "&by=unit", follow=True)
    assert "“unit” is not recorded" in refused.content.decode()


def test_a_csv_with_an_unknown_breakdown_is_a_bad_request(evaluation, team):
    distribution = surveyed(evaluation)
    client = client_for(team["viewer"])
    likert = client.get(url(evaluation, "likert.csv") + f"?distribution={distribution.pk}&by=zzz")
    rates = client.get(url(evaluation, "rates.csv") + "?by=zzz")
    assert (likert.status_code, rates.status_code) == (400, 400)
    assert "zzz" in likert.content.decode() and "zzz" in rates.content.decode()


def test_csv_has_a_bom_for_excel_unless_asked_without(evaluation, team):
    invented_example(evaluation)
    client = client_for(team["viewer"])
    with_bom = b"".join(client.get(url(evaluation, "overview.csv")).streaming_content)
    without = b"".join(client.get(url(evaluation, "overview.csv") + "?bom=0").streaming_content)
    assert with_bom.startswith(b"\xef\xbb\xbfCategory,") and without.startswith(b"Category,")


def test_an_override_shows_its_author_and_reason_under_the_table(evaluation, team):
    found = invented_example(evaluation)["categories"]
    client = client_for(team["lead"])
    client.post(
        url(evaluation, "overview/cell/"),
        {
            "row": found["Region B"].pk,
            "column": "participants",
            "value": "7",
            "reason": "One more official joined late.",
            "action": "override",
        },
    )
    html = client_for(team["viewer"]).get(url(evaluation) + "?layout=As printed").content.decode()
    name = team["lead"].user.display_name
    assert f"Region B, participants: 7 shown instead of 6 computed — overridden by {name}" in html
    assert "One more official joined late." in html


def test_open_answers_with_an_unknown_grouping_say_so(evaluation, team):
    distribution = surveyed(evaluation)
    path = url(evaluation, "open-answers/") + f"?distribution={distribution.pk}&by=shoe_size"
    response = client_for(team["lead"]).get(path, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "“shoe_size” is not recorded" in html and "Africa view 0" in html


def banner(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.mark.django_db(transaction=True)
def test_the_banner_after_preparing_says_what_the_row_says(evaluation, team):
    """Built at once (in-process here, a quick worker in use): the row says Done, and the
    banner says ready, not "being prepared"."""
    surveyed(evaluation)
    page = client_for(team["viewer"]).post(url(evaluation, "downloads/"), {}, follow=True)
    job = page.context["jobs"][0]
    assert job.state == "done"
    assert banner(page) == "The workbook is ready: download it below."


def test_the_banner_for_a_waiting_job_promises_nothing_the_row_contradicts(
    evaluation, team, django_capture_on_commit_callbacks
):
    surveyed(evaluation)
    client = client_for(team["viewer"])
    with django_capture_on_commit_callbacks(execute=True):  # built after the answer is sent
        client.post(url(evaluation, "downloads/"), {})
    page = client.get(url(evaluation, "downloads/"))
    assert page.context["jobs"][0].state == "done"
    assert "being prepared" not in banner(page)
    assert banner(page) == "The workbook was requested: its row below shows the progress."


@pytest.mark.django_db(transaction=True)
def test_the_banner_after_trying_again_says_what_the_row_says(evaluation, team):
    surveyed(evaluation)
    job = ExportJobFactory(
        evaluation=evaluation, requested_by=team["viewer"].user, state="failed", error="Oops."
    )
    page = client_for(team["viewer"]).post(
        url(evaluation, f"downloads/{job.pk}/retry/"), follow=True
    )
    job.refresh_from_db()
    assert job.state == "done"
    assert banner(page) == "The export is ready: download it below."
