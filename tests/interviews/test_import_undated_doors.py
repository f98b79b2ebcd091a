"""A list of persons interviewed without dates through the import page and the API: upload
with the undated layout, the reading of every line with a select to correct it, corrections
saved and checked again, commit all or nothing, and "date unknown" on the log's pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interviews.models import Interview, InterviewImportJob, Participation
from tests.interviews.builders import log, unnamed
from tests.interviews.test_import_undated import FIXTURE, READINGS, registry  # noqa: F401
from tests.interviews.test_log_pages import entry, participant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registry")]

SELECTED = re.compile(
    r'<select name="(line\d+)"[^>]*>.*?<option value="([a-z]+)"[^>]*\bselected', re.DOTALL
)


def page_choices(client, url: str) -> dict[str, str]:
    """The reading each line's select shows as selected: what a browser sends untouched."""
    body = client.get(url).content.decode()
    return {
        name: value
        for name, value in (
            (m[1], re.search(r'<option value="([a-z]+)"[^>]*selected', m[0])[1])  # type: ignore[index]
            for m in re.finditer(r'<select name="(line\d+)".*?</select>', body, re.DOTALL)
        )
    }


@pytest.fixture
def member(client, team):
    client.force_login(team["evaluator"].user)
    return client


def upload_page(client, evaluation, layout: str = "undated"):
    url = reverse("interviews:import_upload", args=[evaluation.slug])
    content = SimpleUploadedFile(FIXTURE.name, FIXTURE.read_bytes())
    return client.post(url, {"file": content, "layout": layout})


def test_the_page_shows_each_reading_and_takes_corrections(member, evaluation) -> None:
    assert (
        'value="undated"'
        in member.get(reverse("interviews:import_upload", args=[evaluation.slug])).content.decode()
    )
    response = upload_page(member, evaluation)
    assert response.status_code == 302
    job = InterviewImportJob.objects.get()
    assert job.layout == "undated" and job.state == "checked"
    url = response["Location"]
    body = member.get(url).content.decode()
    assert "each person or group line is an interview whose date is unknown" in body
    assert 'id="row-15" data-kind="heading" data-reading="unit"' in body
    shown = page_choices(member, url)
    assert shown == {f"line{row}": reading for row, reading in READINGS.items()}
    assert Interview.objects.count() == 0

    # "Ministry of Examples" was the group interviewed, not a heading; the title is a heading.
    member.post(url, {**shown, "line15": "group", "line1": "location", "save": "1"})
    job.refresh_from_db()
    assert job.decisions == {"15": "group", "1": "location"}
    lines = {line["row"]: line for line in job.report["lines"]}
    assert lines[15]["reading"] == "group" and lines[1]["reading"] == "location"
    assert "group “Ministry of Examples”, size unknown" in lines[15]["text"]
    assert job.report["counts"]["interviews"] == 12
    assert page_choices(member, url)["line15"] == "group"

    # Back as read: the decision stays (explicit), and reads the same as before.
    member.post(url, {**page_choices(member, url), "line1": "skip", "commit": "1"})
    job.refresh_from_db()
    assert job.state == "committed"
    assert Interview.objects.filter(evaluation=evaluation, date__isnull=True).count() == 12
    group = Participation.objects.get(group_label="Ministry of Examples")
    assert group.headcount is None and group.interview.grouping == "Bangladesh"


def test_a_wrong_choice_is_refused_and_changes_nothing(member, evaluation) -> None:
    url = upload_page(member, evaluation)["Location"]
    response = member.post(url, {**page_choices(member, url), "line3": "planet", "save": "1"})
    assert response.status_code == 400
    assert InterviewImportJob.objects.get().decisions == {}


def test_the_log_shows_date_unknown_last(member, evaluation) -> None:
    dated = log(evaluation, unnamed("Example delegation", 2), date=dt.date(2026, 5, 4))
    url = upload_page(member, evaluation)["Location"]
    member.post(url, {**page_choices(member, url), "commit": "1"})
    body = member.get(reverse("interviews:log", args=[evaluation.slug])).content.decode()
    assert body.count("date unknown") == 11
    assert body.index("4 May 2026") < body.index("date unknown")
    undated = Interview.objects.filter(date__isnull=True).first()
    page = member.get(reverse("interviews:interview", args=[evaluation.slug, undated.pk]))
    assert "Interview, date unknown" in page.content.decode()
    assert dated.pk


# --- the API ----------------------------------------------------------------------------------


def base(evaluation) -> str:
    return f"/api/v1/evaluations/{evaluation.slug}/interview-imports/"


@pytest.fixture
def api(api_client, team):
    api_client.force_authenticate(team["evaluator"].user)
    return api_client


def api_upload(api, evaluation, **data: object):
    content = SimpleUploadedFile(FIXTURE.name, FIXTURE.read_bytes())
    return api.post(base(evaluation), {"file": content, **data}, format="multipart")


def test_api_upload_correct_commit(api, evaluation) -> None:
    response = api_upload(api, evaluation, layout="undated")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["layout"] == "undated"
    assert {line["row"]: line["reading"] for line in body["lines"] if line["reading"]} == READINGS
    assert body["counts"]["interviews"] == 11
    job = body["id"]

    bad = api.post(
        f"{base(evaluation)}{job}/decisions/", {"decisions": {"3": "planet"}}, format="json"
    )
    assert bad.status_code == 400
    assert "decisions.3" in bad.json()["errors"]
    corrected = api.post(
        f"{base(evaluation)}{job}/decisions/", {"decisions": {"15": "group"}}, format="json"
    )
    assert corrected.status_code == 200
    assert corrected.json()["counts"]["interviews"] == 12

    done = api.post(f"{base(evaluation)}{job}/commit/")
    assert done.status_code == 200 and done.json()["state"] == "committed"
    logged = api.get(f"/api/v1/evaluations/{evaluation.slug}/interviews/").json()
    results = logged["results"] if isinstance(logged, dict) else logged
    assert len(results) == 12
    assert {(i["date"], i["when"]) for i in results} == {(None, "date unknown")}

    again = api_upload(api, evaluation, layout="undated").json()
    assert again["already_imported"] is True


def test_api_columns_layout_stays_the_default(api, evaluation) -> None:
    response = api_upload(api, evaluation)
    assert response.status_code == 400  # a one-column list has no Name and Date columns
    assert InterviewImportJob.objects.count() == 0


def test_an_undated_interview_stays_undated_when_edited_until_a_date_is_given(
    member, evaluation
) -> None:
    interview = log(evaluation, unnamed("Example committee", 6), date=None, date_unknown=True)
    # A follow-up of it starts today.
    new = reverse("interviews:new", args=[evaluation.slug]) + f"?follow_up_of={interview.pk}"
    page = member.get(new)
    assert page.status_code == 200
    assert f'value="{dt.date.today().isoformat()}"' in page.content.decode()
    edit = reverse("interviews:edit", args=[evaluation.slug, interview.pk])
    assert "leave it empty to keep it so" in member.get(edit).content.decode()
    group = participant(group_label="Example committee", headcount=6)
    member.post(edit, {**entry(date="", grouping="Geneva"), "participant": [group]})
    interview.refresh_from_db()
    assert (interview.date, interview.grouping) == (None, "Geneva")
    member.post(edit, {**entry(grouping="Geneva"), "participant": [group]})
    interview.refresh_from_db()
    assert interview.date == dt.date(2013, 3, 15)
    # Once known, a date is required again.
    refused = member.post(edit, {**entry(date="", grouping="Geneva"), "participant": [group]})
    assert refused.status_code == 400
    interview.refresh_from_db()
    assert interview.date == dt.date(2013, 3, 15)
