"""The history's pages: the History tabs of an interview, a distribution, an instrument version
and a person, and the evaluation's Activity page with its filters — who may read them, what
they show (before and after, who, why), pagination, and downloads appearing as entries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from evaluations.permissions import SYSTEM
from history.context import acting, because
from history.models import Entry
from history.services import record
from interviews.models import InterviewNote
from interviews.services.interviews import interview_update
from interviews.services.notes import note_add
from questionnaires.models import Invitation
from stakeholders.services import person_update
from tests.conftest import COMPLETE
from tests.factories import EvaluationFactory, MembershipFactory, PersonFactory
from tests.interviews.builders import log, person

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def interview(evaluation, team):
    logged = log(evaluation, person("Ana Lima"), venue="Geneva")
    with acting(team["evaluator"].user), because("moved to the regional office"):
        interview_update(interview=logged, by=team["evaluator"].user, venue="Lima")
    return logged


def test_interview_history_shows_who_changed_what_before_and_after(
    evaluation, team, interview
) -> None:
    url = f"/evaluations/{evaluation.slug}/interviews/{interview.pk}/history/"
    page = _client(team["lead"].user).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    changed = text.split(f'id="entry-{_last(interview).pk}"')[1].split("</tr>")[0]
    assert "Venue / city" in changed
    assert "<del>Geneva</del> → <ins>Lima</ins>" in changed
    assert team["evaluator"].user.display_name in changed
    assert "moved to the regional office" in changed
    assert "changed" in changed
    # The interview's page links to it.
    interview_page = _client(team["lead"].user).get(
        f"/evaluations/{evaluation.slug}/interviews/{interview.pk}/"
    )
    assert f'href="{url}" id="history-link"' in interview_page.content.decode()


def _last(interview) -> Entry:
    return Entry.objects.filter(anchor=f"interview:{interview.pk}").latest("pk")


@pytest.mark.parametrize("role", ["viewer", "data_entry"])
def test_viewer_and_data_entry_get_403_and_no_tab(evaluation, team, interview, role) -> None:
    client = _client(team[role].user)
    slug = evaluation.slug
    assert client.get(f"/evaluations/{slug}/activity/").status_code == 403
    assert client.get(f"/evaluations/{slug}/interviews/{interview.pk}/history/").status_code == 403
    overview = client.get(f"/evaluations/{slug}/")
    assert overview.status_code == 200
    assert 'id="activity-link"' not in overview.content.decode()
    if role == "data_entry":  # reads the interview, without its history
        page = client.get(f"/evaluations/{slug}/interviews/{interview.pk}/")
        assert page.status_code == 200
        assert 'id="history-link"' not in page.content.decode()
    lead_overview = _client(team["lead"].user).get(f"/evaluations/{slug}/")
    assert 'id="activity-link"' in lead_overview.content.decode()


def test_a_lead_only_note_is_hidden_from_the_evaluator_and_shown_to_the_lead(
    evaluation, team, interview
) -> None:
    lead = team["lead"].user
    with acting(lead):
        note_add(
            interview=interview,
            by=lead,
            text="Confidential remark on the minister",
            visibility=InterviewNote.Visibility.LEAD,
        )
    url = f"/evaluations/{evaluation.slug}/interviews/{interview.pk}/history/"
    assert "Confidential remark" in _client(lead).get(url).content.decode()
    seen_by_evaluator = _client(team["evaluator"].user).get(url).content.decode()
    assert "Confidential remark" not in seen_by_evaluator
    activity = _client(team["evaluator"].user).get(f"/evaluations/{evaluation.slug}/activity/")
    assert "Confidential remark" not in activity.content.decode()


def test_the_activity_filters_by_member_kind_and_dates(evaluation, team, interview) -> None:
    lead, evaluator = team["lead"].user, team["evaluator"].user
    with acting(lead):
        interview_update(interview=interview, by=lead, venue="Quito")
    old = Entry.objects.filter(anchor=f"interview:{interview.pk}", changes__venue__isnull=False)
    first = old.order_by("pk").first()
    Entry.objects.filter(pk=first.pk).update(timestamp=timezone.now() - dt.timedelta(days=30))
    client = _client(lead)
    url = f"/evaluations/{evaluation.slug}/activity/"

    by_evaluator = client.get(url, {"member": evaluator.pk}).content.decode()
    assert "<ins>Lima</ins>" in by_evaluator and "<ins>Quito</ins>" not in by_evaluator

    interviews_only = client.get(url, {"kind": "participation"})
    rows = interviews_only.context["rows"]
    assert rows and {r.kind for r in rows} == {"participation"}

    today = timezone.localdate().isoformat()
    recent = client.get(url, {"since": today, "until": today}).context["rows"]
    assert first.pk not in {r.pk for r in recent}
    a_month_ago = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    back_then = client.get(url, {"since": a_month_ago, "until": a_month_ago}).context["rows"]
    assert [r.pk for r in back_then] == [first.pk]

    wrong = client.get(url, {"since": today, "until": a_month_ago})
    assert wrong.status_code == 400
    assert "The end date comes before the start date." in wrong.content.decode()


def test_the_activity_is_paginated(evaluation, team) -> None:
    with acting(team["lead"].user):
        for n in range(55):
            record(evaluation, verb="lock", changes={"step": [None, n]})
    client = _client(team["lead"].user)
    url = f"/evaluations/{evaluation.slug}/activity/"
    first = client.get(url, {"kind": "lock"})
    assert len(first.context["rows"]) == 50
    assert "Page 1 of 2" in first.content.decode()
    assert 'rel="next"' in first.content.decode()
    second = client.get(url, {"kind": "lock", "page": 2})
    assert len(second.context["rows"]) == 5
    assert {r.changes[0].after for r in second.context["rows"]} == {"0", "1", "2", "3", "4"}


def test_a_download_shows_in_the_activity_with_who_downloaded(evaluation, team, interview) -> None:
    evaluator = team["evaluator"].user
    download = _client(evaluator).get(f"/evaluations/{evaluation.slug}/interviews/export.csv")
    assert download.status_code == 200
    b"".join(download.streaming_content)
    page = _client(team["lead"].user).get(
        f"/evaluations/{evaluation.slug}/activity/", {"kind": "download"}
    )
    rows = page.context["rows"]
    assert len(rows) == 1
    assert rows[0].who == evaluator.display_name
    assert rows[0].action == "downloaded"
    assert rows[0].changes[0].only.endswith(".csv")
    assert rows[0].changes[0].only in page.content.decode()


def test_the_persons_interviewed_annex_download_is_recorded(evaluation, team, interview) -> None:
    lead = team["lead"].user
    answer = _client(lead).get(f"/evaluations/{evaluation.slug}/reports/annex.csv")
    assert answer.status_code == 200
    entry = Entry.objects.get(verb="download", evaluation_id=evaluation.pk)
    assert entry.actor == lead
    assert entry.changes["file"][1] == f"{evaluation.slug}-persons-interviewed.csv"


def test_the_activity_never_shows_a_token_or_an_anonymous_respondent(
    evaluation, team, make_distribution, invite
) -> None:
    distribution = make_distribution("anonymous")
    invitation = invite(distribution, name="Quiet Respondent")
    submitted = Client().post(
        f"/api/v1/respond/{invitation.token}/",
        {"answers": COMPLETE},
        content_type="application/json",
    )
    assert submitted.status_code == 201, submitted.content
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SUBMITTED
    client = _client(team["lead"].user)
    for url in (
        f"/evaluations/{evaluation.slug}/activity/",
        f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/history/",
    ):
        page = client.get(url)
        assert page.status_code == 200
        text = page.content.decode()
        assert invitation.token not in text and invitation.selector not in text
        assert "Submitted" not in text and "respondent</td>" not in text
    # The team's own step (inviting) shows; nothing after it about this invitation.
    about = Entry.objects.filter(content_type__model="invitation", object_id=invitation.pk)
    assert [e.action for e in about] == [Entry.Action.CREATE]


def test_distribution_and_version_history_pages(evaluation, team, make_distribution) -> None:
    distribution = make_distribution("team")
    client = _client(team["evaluator"].user)
    page = client.get(f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/history/")
    assert page.status_code == 200
    assert any(r.kind == "distribution" and r.action == "created" for r in page.context["rows"])
    version = distribution.version
    key, number = version.instrument.key, version.number
    version_page = client.get(
        f"/evaluations/{evaluation.slug}/instruments/{key}/v{number}/history/"
    )
    assert version_page.status_code == 200
    kinds = {r.kind for r in version_page.context["rows"]}
    assert {"instrument", "instrumentversion"} <= kinds
    shown = client.get(f"/evaluations/{evaluation.slug}/instruments/{key}/v{number}/")
    assert 'id="history-link"' in shown.content.decode()
    assert (
        client.get(f"/evaluations/{evaluation.slug}/distributions/99999/history/").status_code
        == 404
    )


def test_person_history_keeps_other_evaluations_to_their_team(evaluation, team, interview) -> None:
    ana = interview.participations.get().person
    with acting(team["evaluator"].user):
        person_update(by=team["evaluator"].user, person=ana, notes="Met in Lima")
    url = f"/registry/people/{ana.pk}/history/"
    mine = _client(team["evaluator"].user).get(url)
    assert mine.status_code == 200
    kinds = {r.kind for r in mine.context["rows"]}
    assert {"person", "participation"} <= kinds
    assert "<del>—</del> → <ins>Met in Lima</ins>" in mine.content.decode()
    # An evaluator elsewhere manages the registry: the person's record, not this evaluation's.
    elsewhere = MembershipFactory(evaluation=EvaluationFactory(), role="evaluator").user
    theirs = _client(elsewhere).get(url)
    assert theirs.status_code == 200
    assert {r.kind for r in theirs.context["rows"]} >= {"person"}
    assert "participation" not in {r.kind for r in theirs.context["rows"]}
    # Data entry reads the registry but not its history; the person page shows no tab.
    data_entry = _client(team["data_entry"].user)
    assert data_entry.get(url).status_code == 403
    assert 'id="history-link"' not in data_entry.get(f"/registry/people/{ana.pk}/").content.decode()
    assert (
        'id="history-link"'
        in _client(team["lead"].user).get(f"/registry/people/{ana.pk}/").content.decode()
    )


def test_a_foreign_key_change_shows_names_not_ids(db, team) -> None:
    lead = team["lead"].user
    first, second = PersonFactory(display_name="Kept One"), PersonFactory(display_name="Other Two")
    with acting(lead):
        record(first, verb="merge", changes={"merged_into": [None, second.pk]})
    person_update(by=SYSTEM, person=first, notes="x")
    page = _client(lead).get(f"/registry/people/{first.pk}/history/")
    merge = next(r for r in page.context["rows"] if r.verb == "merge")
    assert merge.changes[0].only == "Other Two"
    assert merge.action == "merged"


def test_a_recipients_attributes_are_shown_by_their_labels(
    evaluation, team, make_distribution, invite
) -> None:
    distribution = make_distribution("team")
    invite(distribution, "Lena Labelled", attributes={"office_type": "project", "region": "Asia"})
    page = _client(team["lead"].user).get(f"/evaluations/{evaluation.slug}/activity/")
    text = page.content.decode()
    # (PostgreSQL's jsonb keeps its own key order.)
    assert "Office type: project" in text and "Region: Asia" in text
    assert "office_type" not in text
