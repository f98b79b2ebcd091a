"""The history through the API: /history/ on the evaluation (filtered), an interview, a
distribution, an instrument version and a registry person — JSON entries with before and
after, 403 for viewers and data entry, lead-only entries for the lead, pagination, and the
downloads of files recorded with who downloaded them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from history.context import acting, because
from history.models import Entry
from history.services import record
from interviews.models import InterviewNote
from interviews.services.interviews import interview_update
from interviews.services.notes import note_add
from tests.factories import ExportJobFactory
from tests.interviews.builders import log, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def interview(evaluation, team):
    logged = log(evaluation, person("Ana Lima"), venue="Geneva")
    with acting(team["evaluator"].user), because("moved"):
        interview_update(interview=logged, by=team["evaluator"].user, venue="Lima")
    return logged


def _api(evaluation, tail: str = "") -> str:
    return f"/api/v1/evaluations/{evaluation.slug}/{tail}history/"


def test_the_evaluation_history_lists_changes_with_before_and_after(
    evaluation, team, interview, as_role
) -> None:
    answer = as_role("lead").get(_api(evaluation))
    assert answer.status_code == 200
    body = answer.json()
    assert {"count", "next", "previous", "results"} <= set(body)
    venue = next(e for e in body["results"] if any(c["field"] == "venue" for c in e["changes"]))
    change = next(c for c in venue["changes"] if c["field"] == "venue")
    assert change == {
        "field": "venue",
        "label": "Venue / city",
        "before": "Geneva",
        "after": "Lima",
    }
    evaluator = team["evaluator"].user
    assert (venue["who"], venue["actor"], venue["actor_kind"]) == (
        evaluator.display_name,
        evaluator.pk,
        "user",
    )
    assert (venue["kind"], venue["action"], venue["reason"]) == ("interview", "changed", "moved")
    assert venue["url"] == f"/evaluations/{evaluation.slug}/interviews/{interview.pk}/"


@pytest.mark.parametrize("role", ["viewer", "data_entry"])
def test_viewer_and_data_entry_get_403_json(evaluation, team, interview, as_role, role) -> None:
    client = as_role(role)
    for url in (_api(evaluation), _api(evaluation, f"interviews/{interview.pk}/")):
        answer = client.get(url)
        assert answer.status_code == 403
        assert "lead evaluator and evaluators" in answer.json()["detail"]
    person_id = interview.participations.get().person_id
    if role == "data_entry":
        answer = client.get(f"/api/v1/registry/people/{person_id}/history/")
        assert answer.status_code == 403
        assert "registry" in answer.json()["detail"]


def test_an_outsider_does_not_find_the_evaluation(evaluation, outsider, api_client) -> None:
    api_client.force_authenticate(outsider)
    assert api_client.get(_api(evaluation)).status_code == 404


def test_lead_only_entries_are_for_the_lead(evaluation, team, interview, as_role) -> None:
    lead = team["lead"].user
    with acting(lead):
        note_add(
            interview=interview,
            by=lead,
            text="Only for the lead",
            visibility=InterviewNote.Visibility.LEAD,
        )
    url = _api(evaluation, f"interviews/{interview.pk}/")
    as_lead = as_role("lead").get(url).json()["results"]
    notes = [e for e in as_lead if e["kind"] == "interviewnote"]
    assert len(notes) == 1 and notes[0]["lead_only"] is True
    assert any(c["after"] == "Only for the lead" for c in notes[0]["changes"])
    as_evaluator = as_role("evaluator").get(url).json()["results"]
    assert as_evaluator and not [e for e in as_evaluator if e["kind"] == "interviewnote"]


def test_the_filters_narrow_the_activity(evaluation, team, interview, as_role) -> None:
    lead, evaluator = team["lead"].user, team["evaluator"].user
    with acting(lead):
        interview_update(interview=interview, by=lead, venue="Quito")
    client = as_role("lead")
    by_evaluator = client.get(_api(evaluation), {"member": evaluator.pk}).json()["results"]
    assert by_evaluator and {e["actor"] for e in by_evaluator} == {evaluator.pk}
    by_system = client.get(_api(evaluation), {"member": "system"}).json()["results"]
    assert by_system and {e["actor_kind"] for e in by_system} == {"system"}
    changed = client.get(_api(evaluation), {"kind": "changed"}).json()["results"]
    assert changed and {e["action"] for e in changed} == {"changed"}
    interviews = client.get(_api(evaluation), {"kind": "interview"}).json()["results"]
    assert interviews and {e["kind"] for e in interviews} == {"interview"}

    quito = Entry.objects.filter(changes__venue__isnull=False).latest("pk")
    Entry.objects.filter(pk=quito.pk).update(timestamp=timezone.now() - dt.timedelta(days=10))
    day = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    that_day = client.get(_api(evaluation), {"since": day, "until": day}).json()
    assert [e["id"] for e in that_day["results"]] == [quito.pk]
    since_today = client.get(_api(evaluation), {"since": timezone.localdate().isoformat()})
    assert quito.pk not in {e["id"] for e in since_today.json()["results"]}


def test_bad_filters_are_a_400_naming_the_parameter(evaluation, team, as_role) -> None:
    client = as_role("lead")
    kind = client.get(_api(evaluation), {"kind": "spaceship"})
    assert kind.status_code == 400
    assert list(kind.json()["errors"]) == ["kind"]
    assert "spaceship" in kind.json()["detail"]
    member = client.get(_api(evaluation), {"member": "someone"})
    assert (member.status_code, list(member.json()["errors"])) == (400, ["member"])
    dates = client.get(_api(evaluation), {"since": "2024-05-02", "until": "2024-05-01"})
    assert (dates.status_code, list(dates.json()["errors"])) == (400, ["until"])
    garbled = client.get(_api(evaluation), {"since": "yesterday"})
    assert (garbled.status_code, list(garbled.json()["errors"])) == (400, ["since"])


def test_the_history_is_paginated(evaluation, team, as_role) -> None:
    with acting(team["lead"].user):
        for n in range(105):
            record(evaluation, verb="lock", changes={"step": [None, n]})
    first = as_role("lead").get(_api(evaluation), {"kind": "lock"}).json()
    assert first["count"] == 105 and len(first["results"]) == 100 and first["next"]
    second = as_role("lead").get(_api(evaluation), {"kind": "lock", "page": 2}).json()
    assert [e["changes"][0]["after"] for e in second["results"]] == ["4", "3", "2", "1", "0"]


def test_an_api_download_of_the_interview_log_is_recorded(
    evaluation, team, interview, as_role
) -> None:
    client = as_role("evaluator")
    answer = client.get(f"/api/v1/evaluations/{evaluation.slug}/interviews-export/?format=xlsx")
    assert answer.status_code == 200
    downloads = as_role("lead").get(_api(evaluation), {"kind": "download"}).json()["results"]
    assert len(downloads) == 1
    entry = downloads[0]
    assert entry["actor"] == team["evaluator"].user.pk
    assert entry["action"] == "downloaded"
    assert entry["changes"][0]["after"].endswith(".xlsx")


def test_an_export_file_download_is_recorded_on_page_and_api(evaluation, team, as_role) -> None:
    lead = team["lead"].user
    job = ExportJobFactory(
        evaluation=evaluation, requested_by=lead, kind="csv", state="done", filename="rates.csv"
    )
    job.file.save("rates.csv", ContentFile(b"a,b\n1,2\n"))
    api = as_role("lead").get(
        f"/api/v1/evaluations/{evaluation.slug}/reports/exports/{job.pk}/download/"
    )
    assert api.status_code == 200
    from_api = Entry.objects.get(verb="download")
    assert (from_api.actor, from_api.changes["file"]) == (lead, [None, "rates.csv"])
    assert from_api.content_type.model == "exportjob" and from_api.object_id == job.pk
    page = Client()
    page.force_login(lead)
    answer = page.get(f"/evaluations/{evaluation.slug}/reports/downloads/{job.pk}/file/")
    assert answer.status_code == 200
    assert Entry.objects.filter(verb="download", object_id=job.pk, actor=lead).count() == 2


def test_interview_distribution_version_and_person_endpoints(
    evaluation, team, interview, make_distribution, as_role
) -> None:
    client = as_role("evaluator")
    on_interview = client.get(_api(evaluation, f"interviews/{interview.pk}/")).json()["results"]
    assert {"interview", "participation"} <= {e["kind"] for e in on_interview}
    distribution = make_distribution("team")
    on_distribution = client.get(_api(evaluation, f"distributions/{distribution.pk}/"))
    assert on_distribution.status_code == 200
    assert {e["kind"] for e in on_distribution.json()["results"]} == {"distribution"}
    version = distribution.version
    tail = f"instruments/{version.instrument.key}/versions/{version.number}/"
    on_version = client.get(_api(evaluation, tail)).json()["results"]
    assert {"instrument", "instrumentversion"} <= {e["kind"] for e in on_version}
    assert client.get(_api(evaluation, "instruments/nothing/versions/1/")).status_code == 404
    ana = interview.participations.get().person
    on_person = client.get(f"/api/v1/registry/people/{ana.pk}/history/").json()["results"]
    assert {"person", "participation"} <= {e["kind"] for e in on_person}
    assert any(e["url"] == f"/registry/people/{ana.pk}/" for e in on_person)
