"""The interview list import pages (upload -> dry run and review -> confirm -> result) and the
export downloads of the log, read back and imported again."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from interviews.models import Interview, InterviewImportJob, Participation
from stakeholders.models import Person
from tests.factories import EvaluationFactory, MembershipFactory
from tests.interviews.builders import person

pytestmark = pytest.mark.django_db

HEADERS = ["Name", "Department", "Date", "Interviewers", "Location"]

# A small annex as teams keep it: a heading row, a co-participant, a group with a headcount,
# a near match of a registry person ("Biespiel" for "Beispiel"), a follow-up.
LIST = [
    ["Headquarters", "", "", "", ""],  # row 2: heading
    ["Mr. Carl Muster", "Ministry of Labour", "15.3.2013", "EV & LE", ""],  # row 3
    ["B. Sample", "Ministry of Labour", "", "", ""],  # row 4: co-participant
    ["Ms. Anna Biespiel", "Workers' union", "27.3.13", "EV", ""],  # row 5: near match
    ["Ministry of Examples (6 people)", "", "13,5,13", "LE", ""],  # row 6: group of 6
    ["Mr. Carl Muster (2nd)", "Ministry of Labour", "22.4.13-25.4.13", "EV", ""],  # row 7
]

NEAR_ROW = 5


def csv_bytes(rows: list[list[str]], headers: list[str] = HEADERS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(sheets: dict[str, list[list[str]]], headers: list[str] = HEADERS) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def registry() -> dict[str, Person]:
    return {
        "carl": person("Carl Muster", organisation="Ministry of Labour"),
        "anna": person("Anna Beispiel", organisation="Workers' union"),
    }


def upload_url(evaluation) -> str:
    return reverse("interviews:import_upload", args=[evaluation.slug])


def send(client, evaluation, content: bytes, name: str = "annex.csv", **data: object):
    return client.post(upload_url(evaluation), {"file": SimpleUploadedFile(name, content), **data})


def text(response) -> str:
    return response.content.decode()


CHECKED = re.compile(r'<input type="radio" name="(row\d+)" value="([^"]*)"[^>]*\bchecked')


def checked_radios(client, url: str) -> dict[str, str]:
    """The choices the review page shows as checked: what a browser sends untouched."""
    return dict(CHECKED.findall(text(client.get(url))))


def report_url(job: InterviewImportJob) -> str:
    return reverse("interviews:import_report", args=[job.evaluation.slug, job.pk])


def confirm(client, job: InterviewImportJob):
    return client.post(report_url(job), {**checked_radios(client, report_url(job)), "commit": "1"})


@pytest.fixture
def member(client, team):
    client.force_login(team["evaluator"].user)
    return client


def test_the_urls() -> None:
    assert reverse("interviews:import_upload", args=["ev"]) == "/evaluations/ev/interviews/import/"
    assert reverse("interviews:import_report", args=["ev", 3]) == (
        "/evaluations/ev/interviews/import/3/"
    )
    assert reverse("interviews:export_csv", args=["ev"]) == "/evaluations/ev/interviews/export.csv"
    assert reverse("interviews:export_xlsx", args=["ev"]) == (
        "/evaluations/ev/interviews/export.xlsx"
    )


def test_upload_preview_decide_confirm(member, evaluation, team) -> None:
    people = registry()
    page = member.get(upload_url(evaluation))
    assert page.status_code == 200
    assert "Upload and check" in text(page)

    response = send(member, evaluation, csv_bytes(LIST))
    job = InterviewImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "interviews:import_report", args=[evaluation.slug, job.pk]
    )
    assert job.state == "checked" and job.evaluation == evaluation
    assert Interview.objects.count() == 0  # a dry run writes nothing

    preview = member.get(response["Location"])
    body = text(preview)
    assert preview.status_code == 200
    counts = job.report["counts"]
    assert counts["interviews"] == 4
    assert f'<dd id="count-interviews">{counts["interviews"]}</dd>' in body
    # One line per row, with what it became.
    for line in job.report["lines"]:
        assert f'id="row-{line["row"]}"' in body
    assert [line["kind"] for line in job.report["lines"]] == [
        "heading", "interview", "co_participant", "interview", "interview", "interview"
    ]  # fmt: skip
    # The near match is asked about, with the registry person as a choice.
    assert [n["row"] for n in job.report["near_matches"]] == [NEAR_ROW]
    assert f'value="person:{people["anna"].pk}"' in body
    assert "Same person as" in body and "A new person" in body
    assert 'id="import-confirm"' in body and 'id="import-confirm" disabled' not in body

    fields = checked_radios(member, response["Location"])
    assert fields[f"row{NEAR_ROW}"] == "new"  # unless one is chosen
    assert fields["row6"] == "group"  # "Ministry of Examples (6 people)"
    fields[f"row{NEAR_ROW}"] = f"person:{people['anna'].pk}"
    saved = member.post(response["Location"], {**fields, "save": "1"})
    assert saved.status_code == 302
    job.refresh_from_db()
    assert job.decisions[str(NEAR_ROW)] == f"person:{people['anna'].pk}"
    assert job.state == "checked"
    assert "Anna Beispiel" in job.report["lines"][3]["text"]  # "chosen: Anna Beispiel"
    # The decided row stays on the page with its choice, so it can be changed back.
    assert checked_radios(member, response["Location"])[f"row{NEAR_ROW}"] == (
        f"person:{people['anna'].pk}"
    )

    people_before = Person.objects.count()
    done = member.post(response["Location"], {**fields, "commit": "1"})
    assert done.status_code == 302
    assert done["Location"] == reverse("interviews:import_result", args=[evaluation.slug, job.pk])
    job.refresh_from_db()
    assert job.state == "committed" and job.committed_at is not None
    assert Interview.objects.filter(evaluation=evaluation).count() == 4
    # Anna was taken as the registry person, not created again.
    assert Participation.objects.filter(person=people["anna"]).count() == 1
    assert not Person.objects.filter(display_name__icontains="Biespiel").exists()
    assert Person.objects.count() == people_before + job.report["counts"]["people_new"]
    group = Participation.objects.get(person__isnull=True)
    assert group.headcount == 6
    follow_up = Interview.objects.get(follow_up_of__isnull=False)
    assert follow_up.follow_up_of.participations.filter(person=people["carl"]).exists()

    result = member.get(done["Location"])
    assert result.status_code == 200
    assert '<dd id="count-interviews">4</dd>' in text(result)
    assert reverse("interviews:log", args=[evaluation.slug]) in text(result)


def test_a_name_read_as_a_group_can_be_made_a_person(member, evaluation, team) -> None:
    rows = [["NTUC HQ", "Union", "15.3.2013", "EV", ""]]
    send(member, evaluation, csv_bytes(rows))
    job = InterviewImportJob.objects.get()
    url = reverse("interviews:import_report", args=[evaluation.slug, job.pk])
    body = text(member.get(url))
    assert 'name="row2" value="group"' in body and 'name="row2" value="person"' in body
    member.post(url, {"row2": "person", "save": "1"})
    job.refresh_from_db()
    assert job.decisions == {"2": "person"}
    assert "NTUC HQ (new person)" in job.report["lines"][0]["text"]
    member.post(url, {"row2": "group", "save": "1"})  # back as read
    job.refresh_from_db()
    assert job.decisions == {}
    assert "group “NTUC HQ”" in job.report["lines"][0]["text"]
    member.post(url, {"row2": "person", "save": "1"})
    assert checked_radios(member, url) == {"row2": "person"}
    confirm(member, job)
    participation = Participation.objects.get(interview__evaluation=evaluation)
    assert participation.person is not None and participation.group_label == ""


def test_row_errors_keep_nothing_and_disable_confirm(member, evaluation, team) -> None:
    rows = [*LIST, ["D. Demo", "Office", "31.2.2013", "EV", ""]]  # row 8: no 31 February
    send(member, evaluation, csv_bytes(rows))
    job = InterviewImportJob.objects.get()
    assert any("8" in error for error in job.report["errors"])
    url = reverse("interviews:import_report", args=[evaluation.slug, job.pk])
    body = text(member.get(url))
    assert 'id="import-errors"' in body
    assert 'id="import-confirm" disabled' in body

    forced = confirm(member, job)
    assert forced.status_code == 400
    assert Interview.objects.count() == 0
    job.refresh_from_db()
    assert job.state == "checked" and "Row 8" in job.error
    assert "Nothing was imported" in text(forced)


@pytest.mark.parametrize(
    ("content", "name", "sheet", "expected"),
    [
        (b"", "annex.csv", "", "The file is empty."),
        (b"\x00\x01\x02binary", "annex.pdf", "", "Only CSV and XLSX files can be read"),
        (csv_bytes([["A", "B"]], ["Who", "When"]), "annex.csv", "", "Unknown columns"),
        (xlsx_bytes({"2013": LIST}), "annex.xlsx", "2014", "2014"),
    ],
)
def test_unreadable_files_say_why_and_keep_nothing(
    member, evaluation, team, content, name, sheet, expected
) -> None:
    response = send(member, evaluation, content, name, sheet=sheet)
    assert response.status_code == 400
    assert expected in text(response)
    assert InterviewImportJob.objects.count() == 0
    assert Interview.objects.count() == 0


def test_a_workbook_sheet_by_name_and_the_list_of_sheets(member, evaluation, team) -> None:
    content = xlsx_bytes({"Notes": [["x", "", "", "", ""]], "Annex": LIST})
    response = send(member, evaluation, content, "annex.xlsx", sheet="Annex")
    assert response.status_code == 302
    job = InterviewImportJob.objects.get()
    assert job.sheet == "Annex"
    assert job.report["sheets"] == ["Notes", "Annex"]
    assert job.report["counts"]["interviews"] == 4
    body = text(member.get(response["Location"]))
    assert '<option value="Notes">Notes</option>' in body


def test_the_same_file_again_says_nothing_new(member, evaluation, team) -> None:
    registry()
    send(member, evaluation, csv_bytes(LIST))
    first = InterviewImportJob.objects.get()
    confirm(member, first)
    assert Interview.objects.count() == 4

    send(member, evaluation, csv_bytes(LIST))
    second = InterviewImportJob.objects.exclude(pk=first.pk).get()
    assert second.report["already_imported"] is True
    body = text(member.get(reverse("interviews:import_report", args=[evaluation.slug, second.pk])))
    assert "Nothing new: every interview of this file is already in the log" in body
    assert 'id="import-confirm"' not in body
    assert Interview.objects.count() == 4


def test_confirm_twice_imports_once(member, evaluation, team) -> None:
    registry()
    send(member, evaluation, csv_bytes(LIST))
    job = InterviewImportJob.objects.get()
    fields = {**checked_radios(member, report_url(job)), "commit": "1"}
    first = member.post(report_url(job), fields)
    second = member.post(report_url(job), fields)
    result = reverse("interviews:import_result", args=[evaluation.slug, job.pk])
    assert first["Location"] == result and second["Location"] == result
    assert Interview.objects.filter(evaluation=evaluation).count() == 4


def test_viewer_may_not_import_and_outsiders_do_not_see_it(client, evaluation, team, outsider):
    client.force_login(team["viewer"].user)
    assert client.get(upload_url(evaluation)).status_code == 403
    assert send(client, evaluation, csv_bytes(LIST)).status_code == 403
    assert client.get(reverse("interviews:export_csv", args=[evaluation.slug])).status_code == 403
    client.force_login(outsider)
    assert client.get(upload_url(evaluation)).status_code == 404
    assert InterviewImportJob.objects.count() == 0


def test_a_job_of_another_evaluation_is_not_found(member, evaluation, team) -> None:
    other = EvaluationFactory()
    MembershipFactory(evaluation=other, user=team["evaluator"].user, role="evaluator")
    send(member, other, csv_bytes(LIST))
    job = InterviewImportJob.objects.get()
    url = reverse("interviews:import_report", args=[evaluation.slug, job.pk])
    assert member.get(url).status_code == 404


def _imported(client, evaluation, content: bytes, name: str) -> InterviewImportJob:
    response = send(client, evaluation, content, name)
    assert response.status_code == 302, text(response)
    job = InterviewImportJob.objects.filter(evaluation=evaluation).latest("pk")
    done = confirm(client, job)
    assert done.status_code == 302, text(done)
    job.refresh_from_db()
    assert job.state == "committed"
    return job


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_export_reads_back_and_imports_again(member, evaluation, team, extension) -> None:
    registry()
    _imported(member, evaluation, csv_bytes(LIST), "annex.csv")
    response = member.get(reverse(f"interviews:export_{extension}", args=[evaluation.slug]))
    assert response.status_code == 200
    assert f".{extension}" in response["Content-Disposition"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if extension == "csv":
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        assert response["Content-Type"] == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        sheet = load_workbook(io.BytesIO(content)).active
        rows = [["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Name"
    assert any("Carl Muster" in cell for row in rows for cell in row)

    other = EvaluationFactory()
    MembershipFactory(evaluation=other, user=team["evaluator"].user, role="evaluator")
    job = _imported(member, other, content, f"export.{extension}")
    assert job.report["counts"]["interviews"] == 4
    assert Interview.objects.filter(evaluation=other).count() == 4
    assert Participation.objects.filter(interview__evaluation=other).count() == (
        Participation.objects.filter(interview__evaluation=evaluation).count()
    )


def test_export_can_withhold_names(member, evaluation, team) -> None:
    registry()
    _imported(member, evaluation, csv_bytes(LIST), "annex.csv")
    url = reverse("interviews:export_csv", args=[evaluation.slug])
    response = member.get(url, {"withhold_names": "1"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert "Carl Muster" not in content and "Anna Beispiel" not in content


def test_read_again_another_sheet_or_month_first(member, evaluation, team) -> None:
    content = xlsx_bytes({"Annex": LIST, "Notes": [["x", "", "", "", ""]]})
    response = send(member, evaluation, content, "annex.xlsx")
    job = InterviewImportJob.objects.get()
    assert job.sheet == "Annex" and job.report["counts"]["interviews"] == 4

    member.post(report_url(job), {"reread": "1", "sheet": "Notes"})
    job.refresh_from_db()
    assert job.sheet == "Notes" and job.month_first is False
    assert job.report["counts"]["interviews"] == 0
    body = text(member.get(response["Location"]))
    assert "lists no interviews" in body and 'id="import-confirm" disabled' in body

    member.post(report_url(job), {"reread": "1", "sheet": "Annex", "month_first": "on"})
    job.refresh_from_db()
    assert job.sheet == "Annex" and job.month_first is True
    # 27.3.13 read month first is no date: the 27th month.
    assert any("Row 5" in error for error in job.report["errors"])


def test_data_entry_imports_a_list_that_adds_the_people_interviewed(
    client, evaluation, team
) -> None:
    """Data entry logs interviews, and adds the people it interviewed to the registry as it
    does on the quick-entry page (the registry's editors tidy up later)."""
    client.force_login(team["data_entry"].user)
    registry()
    assert send(client, evaluation, csv_bytes(LIST)).status_code == 302
    job = InterviewImportJob.objects.get()
    body = text(client.get(report_url(job)))
    assert 'id="import-confirm" disabled' not in body
    new_people = job.report["counts"]["people_new"]
    before = Person.objects.count()
    assert new_people > 0
    assert confirm(client, job).status_code == 302
    job.refresh_from_db()
    assert job.state == "committed"
    assert Person.objects.count() == before + new_people
    assert (
        Interview.objects.filter(created_by=team["data_entry"].user).count()
        == (job.report["counts"]["interviews"])
    )
