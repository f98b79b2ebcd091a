"""The interview log pages: the log with filters and counts, quick entry with participants from
the registry, a new person after the duplicate check, follow-ups, notes by guide question,
exclusion and deletion, and the person page."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from evaluations.permissions import SYSTEM
from interviews.models import Interview, InterviewNote
from interviews.services import ParticipantInput, interview_exclude, note_add
from questionnaires.models import Question
from stakeholders.models import Person
from tests.interviews.builders import DAY, guide, log, person, unnamed

pytestmark = pytest.mark.django_db


def url(name: str, evaluation, *args: object) -> str:
    return reverse(f"interviews:{name}", args=[evaluation.slug, *args])


def as_member(client, team, role: str = "data_entry"):
    client.force_login(team[role].user)
    return client


def participant(person: Person | None = None, **group: object) -> str:
    return json.dumps({"person": person.pk} if person else group)


@pytest.fixture
def people(db) -> dict[str, Person]:
    return {
        "anna": person("Anna Kowalska", organisation="Ministry of Labour", job_title="Director"),
        "ben": person("Ben Okafor", organisation="Trade Union Congress", job_title="Secretary"),
        "chen": person("Chen Wei", organisation="Employers Federation", job_title="Adviser"),
    }


def entry(**fields: object) -> dict[str, object]:
    data = {"date": "2013-03-15", "mode": "in_person", "interviewers": "LE & da"}
    data.update(fields)
    return data


# --- the log ----------------------------------------------------------------------------------


def test_log_lists_interviews_with_counts_and_filters(client, evaluation, team, people) -> None:
    first = log(evaluation, people["anna"], grouping="Geneva", interviewers=["LE"])
    log(
        evaluation,
        people["anna"],
        people["ben"],
        unnamed("Ministry staff", 6),
        grouping="Hanoi",
        mode="video",
    )
    log(evaluation, unnamed("Members of the Example Group"), grouping="Hanoi")
    excluded = log(evaluation, people["chen"], grouping="Geneva")
    interview_exclude(interview=excluded, by=SYSTEM, reason="A courtesy call")

    page = as_member(client, team).get(url("log", evaluation))
    text = page.content.decode()
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == 4
    counts = page.context["counts"]
    # Anna twice counts once; Ben; the group of 6; one group of unknown size; Chen excluded.
    assert (counts.interviews, counts.persons, counts.group_people) == (3, 2, 6)
    assert counts.groups_unknown_size == 1 and counts.excluded == 1
    assert "≥ 8 participants" in " ".join(text.split())
    assert "1 more excluded from the tables" in text
    assert "Ministry staff" in text and "6 people" in text and "size not known" in text

    filtered = client.get(url("log", evaluation), {"grouping": "Geneva", "mode": "in_person"})
    assert [i.pk for i in filtered.context["page"].object_list] == [first.pk, excluded.pk]
    assert filtered.context["counts"].interviews == 1
    by_initials = client.get(url("log", evaluation), {"interviewer": "le"})
    assert [i.pk for i in by_initials.context["page"].object_list] == [first.pk]
    bad = client.get(url("log", evaluation), {"date_from": "not a date"})
    assert bad.status_code == 400 and "Enter a valid date" in bad.content.decode()


def test_log_is_for_readers_only(client, evaluation, team, outsider) -> None:
    assert as_member(client, team, "viewer").get(url("log", evaluation)).status_code == 403
    client.force_login(outsider)
    assert client.get(url("log", evaluation)).status_code == 404


# --- quick entry ------------------------------------------------------------------------------


def test_quick_entry_logs_a_group_interview(client, evaluation, team, people) -> None:
    as_member(client, team)
    response = client.post(
        url("new", evaluation),
        {
            **entry(grouping="Hanoi", category="Governments", about="about the Hanoi office"),
            "participant": [
                participant(people["anna"]),
                participant(people["ben"]),
                participant(people["chen"]),
                participant(group_label="Ministry staff", headcount=6, stakeholder_group=None),
            ],
        },
    )
    interview = Interview.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("interview", evaluation, interview.pk)
    assert (interview.kind, interview.grouping, interview.category.name) == (
        "group",
        "Hanoi",
        "Governments",
    )
    assert list(interview.participations.values_list("person__display_name", "job_title")) == [
        ("Anna Kowalska", "Director"),
        ("Ben Okafor", "Secretary"),
        ("Chen Wei", "Adviser"),
        (None, ""),
    ]
    group = interview.participations.get(person=None)
    assert (group.group_label, group.headcount) == ("Ministry staff", 6)
    assert sorted(interview.interviewers.values_list("membership__role", flat=True)) == [
        "data_entry",
        "lead",
    ]
    assert interview.created_by == team["data_entry"].user


def test_quick_entry_refuses_bad_input_and_keeps_what_was_typed(
    client, evaluation, team, people
) -> None:
    as_member(client, team)
    nobody = client.post(url("new", evaluation), entry(venue="Hanoi"))
    assert nobody.status_code == 400
    assert "An interview needs at least one participant." in nobody.content.decode()
    assert 'value="Hanoi"' in nobody.content.decode()

    backwards = client.post(
        url("new", evaluation),
        {**entry(date_end="2013-03-01"), "participant": [participant(people["anna"])]},
    )
    text = backwards.content.decode()
    assert backwards.status_code == 400
    assert "cannot end (2013-03-01) before it starts (2013-03-15)" in text
    assert "Anna Kowalska" in text  # the picked participant is still there
    twice = client.post(
        url("new", evaluation),
        {**entry(), "participant": [participant(people["anna"])] * 2},
    )
    assert "listed twice" in twice.content.decode()
    broken = client.post(url("new", evaluation), {**entry(), "participant": ["{not json"]})
    assert "Participant 1 could not be read." in broken.content.decode()
    assert Interview.objects.count() == 0


def test_people_found_and_participant_rows(client, evaluation, team, people) -> None:
    as_member(client, team)
    found = client.get(url("people_found", evaluation), {"q": "kowal"})
    assert "Anna Kowalska" in found.content.decode()
    assert f'data-add-person="{people["anna"].pk}"' in found.content.decode()
    assert (
        "Type at least two letters"
        in client.get(url("people_found", evaluation), {"q": "k"}).content.decode()
    )
    assert (
        "Nobody in the registry"
        in client.get(url("people_found", evaluation), {"q": "zzzz"}).content.decode()
    )

    row = client.get(url("participant_row", evaluation), {"person": people["anna"].pk})
    assert f'value="{{&quot;person&quot;: {people["anna"].pk}}}"' in row.content.decode()
    group = client.get(
        url("participant_row", evaluation),
        {"group-group_label": "Union delegates", "group-headcount": "3"},
    )
    assert "Union delegates" in group.content.decode() and "3 people" in group.content.decode()
    bad = client.get(
        url("participant_row", evaluation), {"group-group_label": "", "group-headcount": "0"}
    )
    text = bad.content.decode()
    assert 'name="participant"' not in text
    assert "This field is required." in text and "greater than or equal to 1" in text
    assert as_member(client, team, "viewer").get(url("people_found", evaluation)).status_code == 403


def test_new_person_after_the_duplicate_check(client, evaluation, team, people) -> None:
    as_member(client, team)
    similar = client.post(
        url("person_new", evaluation),
        {"new_name": "Anna Kowalski", "new_organisation": "Ministry of Labour"},
    )
    assert "may already have this person" in similar.content.decode()
    assert "Anna Kowalska" in similar.content.decode()
    assert not Person.objects.filter(display_name="Anna Kowalski").exists()

    added = client.post(
        url("person_new", evaluation),
        {
            "new_name": "Anna Kowalski",
            "new_organisation": "Ministry of Labour",
            "new_job_title": "Deputy Director",
            "confirm": "1",
        },
    )
    anna2 = Person.objects.get(display_name="Anna Kowalski")
    assert f"&quot;person&quot;: {anna2.pk}" in added.content.decode()
    affiliation = anna2.affiliation_on()
    assert (affiliation.organisation, affiliation.job_title) == (
        people["anna"].affiliation_on().organisation,
        "Deputy Director",
    )
    fresh = client.post(url("person_new", evaluation), {"new_name": "Zoltan Nagy"})
    zoltan = Person.objects.get(display_name="Zoltan Nagy")
    assert zoltan.created_by == anna2.created_by == team["data_entry"].user  # who logged them
    assert "Zoltan Nagy" in fresh.content.decode()
    empty = client.post(url("person_new", evaluation), {"new_name": "  "})
    assert "This field is required." in empty.content.decode()


# --- follow-ups, edit -----------------------------------------------------------------------------


def test_follow_up_starts_from_the_earlier_interview(client, evaluation, team, people) -> None:
    first = log(evaluation, people["anna"], grouping="Geneva", interviewers=["LE"])
    as_member(client, team)
    form = client.get(url("new", evaluation), {"follow_up_of": first.pk})
    text = form.content.decode()
    assert "A follow-up of the interview of 15 Mar 2013" in text
    assert "Anna Kowalska" in text and 'value="Geneva"' in text
    response = client.post(
        url("new", evaluation),
        {
            **entry(date="2013-04-02", grouping="Geneva"),
            "follow_up_of": first.pk,
            "participant": [participant(people["anna"])],
        },
    )
    follow = Interview.objects.exclude(pk=first.pk).get()
    assert response.status_code == 302 and follow.follow_up_of == first
    page = client.get(url("interview", evaluation, first.pk)).content.decode()
    assert url("interview", evaluation, follow.pk) in page
    early = client.post(
        url("new", evaluation),
        {
            **entry(date="2013-03-01"),
            "follow_up_of": first.pk,
            "participant": [participant(people["anna"])],
        },
    )
    assert "cannot take place (2013-03-01) before the interview it follows" in (
        early.content.decode()
    )


def test_edit_keeps_participants_as_recorded_unless_changed(
    client, evaluation, team, people
) -> None:
    interview = log(
        evaluation,
        ParticipantInput(person=people["anna"], job_title="Acting Director"),
        grouping="Geneva",
    )
    as_member(client, team)
    form = client.get(url("edit", evaluation, interview.pk))
    assert 'value="Geneva"' in form.content.decode()
    client.post(
        url("edit", evaluation, interview.pk),
        {**entry(grouping="Bern"), "participant": [participant(people["anna"])]},
    )
    interview.refresh_from_db()
    assert interview.grouping == "Bern"
    assert interview.participations.get().job_title == "Acting Director"
    client.post(
        url("edit", evaluation, interview.pk),
        {
            **entry(grouping="Bern"),
            "participant": [participant(people["anna"]), participant(people["ben"])],
        },
    )
    assert interview.participations.count() == 2
    assert Interview.objects.get(pk=interview.pk).kind == "group"
    # Anna keeps what was recorded for that day; Ben, new, gets his affiliation of the day.
    assert list(interview.participations.values_list("person", "job_title")) == [
        (people["anna"].pk, "Acting Director"),
        (people["ben"].pk, "Secretary"),
    ]


# --- one interview: notes, exclusion, deletion ------------------------------------------------


def test_notes_by_guide_question_for_the_interviewee(client, evaluation, team, people) -> None:
    version = guide(evaluation)
    gmg = log(evaluation, people["anna"], guide_version=version)
    as_member(client, team, "evaluator")
    q9 = Question.objects.get(version=version, key="Q9")
    unknown = client.get(url("interview", evaluation, gmg.pk)).content.decode()
    assert f'id="q{q9.pk}"' in unknown  # type not recorded: every question offered

    client.post(
        url("edit", evaluation, gmg.pk),
        {
            **entry(guide_version=version.pk, guide_attr_interviewee_type="EXT"),
            "participant": [participant(people["anna"])],
        },
    )
    gmg.refresh_from_db()
    assert gmg.guide_attributes == {"interviewee_type": "EXT"}
    external = client.get(url("interview", evaluation, gmg.pk)).content.decode()
    assert f'id="q{q9.pk}"' not in external
    assert "<dd>others (constituents, external informants)</dd>" in external
    refused = client.post(
        url("interview", evaluation, gmg.pk), {"question": q9.pk, "text": "GMG work"}
    )
    assert refused.status_code == 400
    assert "not asked of this interviewee" in refused.content.decode()

    q1 = Question.objects.get(version=version, key="Q1")
    added = client.post(
        url("interview", evaluation, gmg.pk),
        {"question": q1.pk, "text": "Heads the unit", "attribution": "an official"},
    )
    assert added.status_code == 302 and added["Location"].endswith(f"#q{q1.pk}")
    note_add(interview=gmg, by=team["lead"].user, text="Lead only remark", visibility="lead")
    page = client.get(url("interview", evaluation, gmg.pk)).content.decode()
    assert "Heads the unit" in page and "Quote as: an official" in page
    assert "Lead only remark" not in page
    client.force_login(team["lead"].user)
    assert "Lead only remark" in client.get(url("interview", evaluation, gmg.pk)).content.decode()
    assert InterviewNote.objects.count() == 2


def test_guide_fields_follow_the_chosen_guide(client, evaluation, team) -> None:
    version = guide(evaluation)
    as_member(client, team)
    fields = client.get(url("guide_fields", evaluation), {"guide_version": version.pk})
    text = fields.content.decode()
    assert 'name="guide_attr_interviewee_type"' in text
    assert "MIGRANT staff working with the GMG" in text
    none = client.get(url("guide_fields", evaluation), {"guide_version": ""})
    assert "guide_attr_" not in none.content.decode()


def test_exclude_include_and_delete(client, evaluation, team, people) -> None:
    interview = log(evaluation, people["anna"], by=team["data_entry"].user)
    as_member(client, team, "evaluator")
    client.post(url("exclude", evaluation, interview.pk), {"reason": ""})
    interview.refresh_from_db()
    assert not interview.excluded
    client.post(url("exclude", evaluation, interview.pk), {"reason": "Courtesy call"})
    interview.refresh_from_db()
    assert (interview.excluded, interview.excluded_reason) == (True, "Courtesy call")
    page = client.get(url("interview", evaluation, interview.pk)).content.decode()
    assert "Left out of the tables." in page and "Courtesy call" in page
    client.post(url("exclude", evaluation, interview.pk), {"action": "include"})
    interview.refresh_from_db()
    assert not interview.excluded

    as_member(client, team, "data_entry")
    other = log(evaluation, people["ben"], by=team["evaluator"].user)
    assert client.post(url("exclude", evaluation, other.pk), {"reason": "x"}).status_code == 403
    assert client.post(url("delete", evaluation, other.pk)).status_code == 403
    response = client.post(url("delete", evaluation, interview.pk))
    assert response.status_code == 302
    assert list(Interview.objects.values_list("pk", flat=True)) == [other.pk]
    assert client.get(url("interview", evaluation, interview.pk)).status_code == 404


def test_person_page_lists_their_interviews(client, evaluation, team, people) -> None:
    first = log(evaluation, people["anna"], grouping="Geneva")
    log(evaluation, people["anna"], date=DAY.replace(day=20), follow_up_of=first)
    client.force_login(team["evaluator"].user)
    page = client.get(people["anna"].get_absolute_url()).content.decode()
    assert page.count('class="interview"') == 2
    assert "Follow-up interview 20 Mar 2013" in page and "Interview 15 Mar 2013" in page
    assert "as Director, Ministry of Labour" in " ".join(page.split())


def test_a_form_sent_twice_logs_one_interview(client, evaluation, team, people) -> None:
    as_member(client, team)
    token = client.get(url("new", evaluation)).context["form"].initial["entry_token"]
    data = {**entry(), "entry_token": token, "participant": [participant(people["anna"])]}
    first = client.post(url("new", evaluation), data)
    second = client.post(url("new", evaluation), data)
    interview = Interview.objects.get()
    assert first["Location"] == second["Location"] == url("interview", evaluation, interview.pk)
    assert "already logged" in client.get(second["Location"]).content.decode()


@pytest.mark.parametrize(
    "value",
    [
        '{"person": "abc"}',
        '{"person": [1]}',
        '{"person": {}}',
        '{"person": true}',
        '{"group_label": "G", "stakeholder_group": "abc"}',
        '{"group_label": ["x"]}',
        '{"group_label": "G", "headcount": 99999999999999999999999}',
        '{"group_label": "G", "headcount": "²"}',
    ],
)
def test_malformed_participants_are_refused_not_crashed(client, evaluation, team, value) -> None:
    response = as_member(client, team).post(
        url("new", evaluation), {**entry(), "participant": value}
    )
    assert response.status_code == 400
    assert "Participant 1" in response.content.decode()
    assert Interview.objects.count() == 0


def test_odd_ids_in_urls_are_not_found_not_crashed(client, evaluation, team, people) -> None:
    interview = log(evaluation, people["anna"], guide_version=guide(evaluation))
    as_member(client, team)
    assert client.get(url("new", evaluation), {"follow_up_of": "²"}).status_code == 404
    assert client.get(url("participant_row", evaluation), {"person": "²"}).status_code == 404
    fields = client.get(url("guide_fields", evaluation), {"guide_version": "²"})
    assert fields.status_code == 200 and "guide_attr_" not in fields.content.decode()
    huge = client.get(
        url("participant_row", evaluation), {"group-group_label": "G", "group-headcount": "10" * 12}
    )
    assert 'name="participant"' not in huge.content.decode()
    unknown = client.post(
        url("interview", evaluation, interview.pk), {"question": 987654, "text": "x"}
    )
    assert unknown.status_code == 400
    assert "not in this interview" in unknown.content.decode()
    assert not InterviewNote.objects.exists()
