"""The interview log API: the same rules as the services and selectors, with status and body."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interviews.models import Interview, InterviewNote, Participation, ReportingCategory
from interviews.services import reporting_category_get_or_create
from stakeholders.models import Region
from tests.factories import EvaluationFactory
from tests.interviews.builders import guide, log, person

pytestmark = pytest.mark.django_db

MODES = "in_person, video, phone, email, field_visit, focus_group, debrief"


@pytest.fixture
def base(evaluation) -> str:
    return f"/api/v1/evaluations/{evaluation.slug}/interviews/"


@pytest.fixture
def people(db):
    return {
        "anna": person("Anna Beispiel", organisation="Ministry of Labour", job_title="Director",
                       unit="Employment Department", group_code="government", country_code="VN"),
        "bob": person("Bob Example", organisation="Trade Union Centre", group_code="workers",
                      country_code="VN"),
        "chai": person("Chai Somchai", organisation="Employers Federation",
                       group_code="employers", country_code="TH"),
    }  # fmt: skip


def _individual(people) -> dict:
    return {
        "date": "2013-03-15",
        "mode": "in_person",
        "participants": [{"person": people["anna"].pk}],
        "interviewers": ["LE", "XY"],
        "country": "vn",
        "grouping": "Hanoi",
        "category": "Constituents",
        "about": "about the Hanoi office",
    }


def _group(people) -> dict:
    return {
        "date": "2013-03-20",
        "date_end": "2013-03-21",
        "mode": "focus_group",
        "participants": [
            {"person": people["anna"].pk},
            {"person": people["bob"].pk, "job_title": "Secretary-General"},
            {"person": people["chai"].pk},
            {
                "group_label": "Ministry of Labour delegation",
                "headcount": 6,
                "stakeholder_group": "government",
            },
        ],
        "interviewers": ["ev"],
        "country": "TH",
        "grouping": "Bangkok",
    }


def _counts(client, base: str, query: str = "") -> dict:
    response = client.get(base + "counts/" + query)
    assert response.status_code == 200, response.content
    return response.json()


# --- logging and reading back -------------------------------------------------------------------


def test_log_an_individual_and_a_group_interview_and_read_them_back(
    as_role, base, team, people
) -> None:
    client = as_role("data_entry")
    individual = client.post(base, _individual(people), format="json")
    assert individual.status_code == 201, individual.content
    body = individual.json()
    assert (body["date"], body["date_end"], body["kind"], body["mode"]) == (
        "2013-03-15",
        None,
        "individual",
        "in_person",
    )
    assert body["country"] == {"code": "VN", "name": "Viet Nam"}
    assert body["region"]["name"] == "Asia and the Pacific"
    assert body["category"]["name"] == "Constituents" and body["category_by_hand"] is True
    [anna] = body["participants"]
    assert anna["person"] == {"id": people["anna"].pk, "name": "Anna Beispiel"}
    assert (anna["organisation_name"], anna["job_title"], anna["unit"]) == (
        "Ministry of Labour",
        "Director",
        "Employment Department",
    )
    assert anna["stakeholder_group"]["code"] == "government" and anna["country"]["code"] == "VN"
    assert body["interviewers"] == [
        {"initials": "LE", "member": {"id": team["lead"].pk, "name": str(team["lead"].user)}},
        {"initials": "XY", "member": None},
    ]

    group = client.post(base, _group(people), format="json")
    assert group.status_code == 201, group.content
    read = client.get(f"{base}{group.json()['id']}/").json()
    assert (read["kind"], read["date_end"], read["grouping"]) == ("group", "2013-03-21", "Bangkok")
    named = [p["person"]["name"] for p in read["participants"] if p["person"]]
    assert named == ["Anna Beispiel", "Bob Example", "Chai Somchai"]
    bob = read["participants"][1]
    # The affiliation of the day is copied; what was given replaces it.
    assert (bob["organisation_name"], bob["job_title"]) == (
        "Trade Union Centre",
        "Secretary-General",
    )
    delegation = read["participants"][3]
    assert delegation["person"] is None and delegation["is_group"] is True
    assert (delegation["group_label"], delegation["headcount"]) == (
        "Ministry of Labour delegation",
        6,
    )
    assert read["interviewers"][0]["member"]["id"] == team["evaluator"].pk

    listed = client.get(base).json()
    assert listed["count"] == 2 and [i["id"] for i in listed["results"]] == [
        individual.json()["id"],
        group.json()["id"],
    ]
    counts = _counts(client, base)
    # Anna in both interviews is one person: 3 people and a group of 6.
    assert counts == {
        "interviews": 2,
        "excluded": 0,
        "persons": 3,
        "group_people": 6,
        "groups_unknown_size": 0,
        "participants": 9,
        "at_least": False,
    }


def test_a_group_of_unknown_size_makes_the_total_a_minimum(as_role, base, people) -> None:
    client = as_role("evaluator")
    client.post(base, _group(people), format="json")
    response = client.post(
        base,
        {"date": "2013-03-22", "mode": "in_person", "participants": [{"group_label": "NTUC HQ"}]},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["participants"][0]["headcount"] is None
    counts = _counts(client, base)
    assert (counts["participants"], counts["groups_unknown_size"], counts["at_least"]) == (
        9,
        1,
        True,
    )


def test_filters_of_the_log_and_its_counts(as_role, base, evaluation, people) -> None:
    client = as_role("lead")
    first = client.post(base, _individual(people), format="json").json()
    second = client.post(base, _group(people), format="json").json()
    asia = Region.objects.get(name="Asia and the Pacific")
    category = ReportingCategory.objects.get(evaluation=evaluation, name="Constituents")

    def ids(query: str) -> list[int]:
        response = client.get(base + query)
        assert response.status_code == 200, response.content
        return [i["id"] for i in response.json()["results"]]

    assert ids("?mode=focus_group") == [second["id"]]
    assert ids("?kind=individual") == [first["id"]]
    assert ids("?interviewer=le") == [first["id"]]
    assert ids("?grouping=BANGKOK") == [second["id"]]
    assert ids(f"?category={category.pk}") == [first["id"]]
    assert ids(f"?region={asia.pk}") == [first["id"], second["id"]]
    # A range that overlaps the period counts: the group interview ran 20–21 March.
    assert ids("?date_from=2013-03-21") == [second["id"]]
    assert ids("?date_to=2013-03-16") == [first["id"]]
    counts = _counts(client, base, "?mode=focus_group")
    assert (counts["interviews"], counts["participants"]) == (1, 9)


def test_bad_filters_name_the_parameter_and_what_is_accepted(as_role, base, evaluation) -> None:
    client = as_role("evaluator")
    response = client.get(base + "?mode=skype")
    assert response.status_code == 400
    assert response.json()["errors"]["mode"] == [
        f"“skype” is not a known mode of interview. Use one of: {MODES}."
    ]
    response = client.get(base + "counts/?kind=pair")
    assert response.status_code == 400 and "individual, group" in response.json()["detail"]
    response = client.get(base + "?region=99999")
    assert response.status_code == 400
    assert "There is no region with id 99999" in response.json()["errors"]["region"][0]
    assert "Asia and the Pacific" in response.json()["errors"]["region"][0]
    reporting_category_get_or_create(evaluation=evaluation, name="Headquarters")
    response = client.get(base + "?category=99999")
    assert "Headquarters" in response.json()["errors"]["category"][0]
    response = client.get(base + "?date_from=15.3.2013")
    assert response.status_code == 400 and "YYYY-MM-DD" in response.json()["errors"]["date_from"][0]


# --- follow-ups, exclusions ---------------------------------------------------------------------


def test_follow_up_takes_the_participants_and_links_both_ways(as_role, base, people) -> None:
    client = as_role("data_entry")
    first = client.post(base, _individual(people), format="json").json()
    response = client.post(f"{base}{first['id']}/follow-up/", {"date": "2013-03-29"}, format="json")
    assert response.status_code == 201, response.content
    follow_up = response.json()
    assert follow_up["follow_up_of"] == first["id"]
    assert [p["person"]["id"] for p in follow_up["participants"]] == [people["anna"].pk]
    assert (follow_up["mode"], follow_up["grouping"], follow_up["country"]["code"]) == (
        "in_person",
        "Hanoi",
        "VN",
    )
    assert client.get(f"{base}{first['id']}/").json()["follow_ups"] == [follow_up["id"]]
    # Given fields replace what is taken from the interview followed.
    phone = client.post(
        f"{base}{first['id']}/follow-up/",
        {"date": "2013-04-02", "mode": "phone", "interviewers": ["DA"]},
        format="json",
    ).json()
    assert phone["mode"] == "phone" and [i["initials"] for i in phone["interviewers"]] == ["DA"]
    earlier = client.post(f"{base}{first['id']}/follow-up/", {"date": "2013-03-01"}, format="json")
    assert earlier.status_code == 400 and "follow_up_of" in earlier.json()["errors"]
    assert _counts(client, base)["persons"] == 1
    # A follow-up is a new interview: a `revision` sent with it is not read (it was a 500).
    revised = client.post(
        f"{base}{first['id']}/follow-up/", {"date": "2013-04-20", "revision": 1}, format="json"
    )
    assert revised.status_code == 201, revised.content


def test_exclude_and_include_change_the_counts(as_role, base, people) -> None:
    client = as_role("evaluator")
    client.post(base, _individual(people), format="json")
    group = client.post(base, _group(people), format="json").json()
    url = f"{base}{group['id']}/"
    refused = client.post(url + "exclude/", {"reason": "  "}, format="json")
    assert refused.status_code == 400 and refused.json()["errors"] == {
        "reason": ["Say why the interview is left out of the tables."]
    }
    excluded = client.post(url + "exclude/", {"reason": "Courtesy visit"}, format="json")
    assert excluded.status_code == 200, excluded.content
    assert (excluded.json()["excluded"], excluded.json()["excluded_reason"]) == (
        True,
        "Courtesy visit",
    )
    counts = _counts(client, base)
    assert (counts["interviews"], counts["excluded"], counts["participants"]) == (1, 1, 1)
    assert len(client.get(base).json()["results"]) == 2  # still in the log, marked
    included = client.post(url + "include/")
    assert included.status_code == 200 and included.json()["excluded"] is False
    counts = _counts(client, base)
    assert (counts["interviews"], counts["excluded"], counts["participants"]) == (2, 0, 9)


def test_data_entry_logs_but_does_not_exclude(as_role, base, people) -> None:
    client = as_role("data_entry")
    interview = client.post(base, _individual(people), format="json").json()
    response = client.post(f"{base}{interview['id']}/exclude/", {"reason": "x"}, format="json")
    assert response.status_code == 403
    assert "Only the lead evaluator and evaluators" in response.json()["detail"]
    assert Interview.objects.get(pk=interview["id"]).excluded is False


# --- notes and guide questions ------------------------------------------------------------------


def test_notes_for_the_lead_only_are_hidden_from_the_evaluator(
    as_role, base, evaluation, people
) -> None:
    version = guide(evaluation)
    q9 = version.questions.get(key="Q9")
    client = as_role("lead")
    interview = client.post(
        base,
        {
            **_individual(people),
            "guide_version": version.pk,
            "guide_attributes": {"interviewee_type": "M_GMG"},
        },
        format="json",
    ).json()
    notes = f"{base}{interview['id']}/notes/"
    secret = client.post(
        notes,
        {
            "question": q9.pk,
            "text": "Frank words on the GMG",
            "visibility": "lead",
            "attribution": "an ILO official in Bangkok",
        },
        format="json",
    )
    assert secret.status_code == 201, secret.content
    assert (secret.json()["question_key"], secret.json()["visibility"]) == ("Q9", "lead")
    client = as_role("evaluator")
    team_note = client.post(notes, {"text": "Free note for all"}, format="json")
    assert team_note.status_code == 201 and team_note.json()["question"] is None
    assert [n["text"] for n in client.get(notes).json()] == ["Free note for all"]
    client = as_role("lead")
    # By guide question first, free notes last.
    assert [n["text"] for n in client.get(notes).json()] == [
        "Frank words on the GMG",
        "Free note for all",
    ]
    bad = client.post(notes, {"text": "x", "visibility": "everyone"}, format="json")
    assert bad.status_code == 400 and "team, lead" in bad.json()["errors"]["visibility"][0]
    empty = client.post(notes, {"text": "  "}, format="json")
    assert empty.status_code == 400 and "text" in empty.json()["errors"]
    assert InterviewNote.objects.count() == 2


def test_questions_follow_the_interviewee_type(as_role, base, evaluation, people) -> None:
    version = guide(evaluation)
    client = as_role("evaluator")

    def interview(kind: str) -> dict:
        body = {
            **_individual(people),
            "guide_version": version.pk,
            "guide_attributes": {"interviewee_type": kind},
        }
        response = client.post(base, body, format="json")
        assert response.status_code == 201, response.content
        return response.json()

    gmg, external = interview("M_GMG"), interview("EXT")
    questions = client.get(f"{base}{gmg['id']}/questions/").json()
    q9 = next(q for q in questions if q["key"] == "Q9")
    assert q9["label"] == "9." and q9["text"] == "What has been your involvement in the GMG?"
    assert q9["condition"] == "Interviewee type: MIGRANT staff working with the GMG"
    assert questions[0]["key"] == "Q1" and questions[0]["condition"] is None
    keys = [q["key"] for q in client.get(f"{base}{external['id']}/questions/").json()]
    assert "Q1" in keys and "Q9" not in keys
    refused = client.post(
        f"{base}{external['id']}/notes/", {"question": q9["id"], "text": "x"}, format="json"
    )
    assert (
        refused.status_code == 400
        and "not asked of this interviewee" in refused.json()["errors"]["question"][0]
    )
    bad_type = client.post(
        base,
        {
            **_individual(people),
            "guide_version": version.pk,
            "guide_attributes": {"interviewee_type": "BOSS"},
        },
        format="json",
    )
    assert (
        bad_type.status_code == 400 and "M_GMG" in bad_type.json()["errors"]["guide_attributes"][0]
    )


# --- changes and deletion -----------------------------------------------------------------------


def test_patch_changes_what_is_given_and_put_is_not_allowed(as_role, base, people) -> None:
    client = as_role("evaluator")
    interview = client.post(base, _individual(people), format="json").json()
    url = f"{base}{interview['id']}/"
    response = client.patch(
        url,
        {
            "venue": "Ministry, room 4",
            "category": "Government",
            "date_end": "2013-03-16",
            "participants": [{"person": people["anna"].pk}, {"person": people["bob"].pk}],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["venue"], body["category"]["name"], body["date_end"]) == (
        "Ministry, room 4",
        "Government",
        "2013-03-16",
    )
    # Two people make it a group interview; what was not given stays.
    assert body["kind"] == "group" and body["grouping"] == "Hanoi"
    assert [i["initials"] for i in body["interviewers"]] == ["LE", "XY"]
    cleared = client.patch(url, {"category": None}, format="json").json()
    assert cleared["category"] is None and cleared["category_by_hand"] is False
    put = client.put(url, {**_individual(people), "venue": "x"}, format="json")
    assert put.status_code == 405
    assert Interview.objects.get(pk=interview["id"]).venue == "Ministry, room 4"


def test_patch_of_participants_keeps_what_was_recorded_for_those_already_there(
    as_role, base, people
) -> None:
    client = as_role("evaluator")
    body = {**_individual(people), "participants": [
        {"person": people["anna"].pk, "job_title": "Acting Director"}
    ]}  # fmt: skip
    interview = client.post(base, body, format="json").json()
    url = f"{base}{interview['id']}/"
    response = client.patch(
        url,
        {"participants": [{"person": people["anna"].pk}, {"person": people["bob"].pk}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    # Anna keeps what was recorded for that day (as the page keeps it); Bob, new, gets his
    # affiliation of the day; a field given replaces the recorded one.
    rows = {p["person"]["name"]: p for p in response.json()["participants"]}
    assert (rows["Anna Beispiel"]["job_title"], rows["Anna Beispiel"]["unit"]) == (
        "Acting Director",
        "Employment Department",
    )
    assert rows["Bob Example"]["organisation_name"] == "Trade Union Centre"
    given = client.patch(
        url,
        {"participants": [{"person": people["anna"].pk, "unit": "Labour Inspection"}]},
        format="json",
    ).json()["participants"][0]
    assert (given["job_title"], given["unit"]) == ("Acting Director", "Labour Inspection")


def test_follow_up_with_participants_keeps_what_was_recorded_for_those_met_before(
    as_role, base, people
) -> None:
    client = as_role("evaluator")
    body = {**_individual(people), "participants": [
        {"person": people["anna"].pk, "job_title": "Acting Director"}
    ]}  # fmt: skip
    first = client.post(base, body, format="json").json()
    response = client.post(
        f"{base}{first['id']}/follow-up/",
        {
            "date": "2013-04-01",
            "participants": [{"person": people["anna"].pk}, {"person": people["bob"].pk}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    # As the page does: Anna as recorded at the first interview, Bob (new) as of the day.
    rows = {p["person"]["name"]: p for p in response.json()["participants"]}
    assert rows["Anna Beispiel"]["job_title"] == "Acting Director"
    assert rows["Bob Example"]["organisation_name"] == "Trade Union Centre"


def test_delete_removes_the_interview_and_its_participants(as_role, base, people) -> None:
    client = as_role("data_entry")
    mine = client.post(base, _individual(people), format="json").json()
    assert client.delete(f"{base}{mine['id']}/").status_code == 204
    assert client.get(f"{base}{mine['id']}/").status_code == 404
    assert not Participation.objects.exists()
    theirs = as_role("lead").post(base, _individual(people), format="json").json()
    client = as_role("data_entry")
    refused = client.delete(f"{base}{theirs['id']}/")
    assert refused.status_code == 403 and Interview.objects.filter(pk=theirs["id"]).exists()


# --- bad input ----------------------------------------------------------------------------------


def test_bad_input_gets_field_errors_and_changes_nothing(as_role, base, evaluation, people) -> None:
    client = as_role("evaluator")

    def refused(**changes: object) -> dict:
        response = client.post(base, {**_individual(people), **changes}, format="json")
        assert response.status_code == 400, response.content
        return response.json()["errors"]

    errors = refused(participants=[{"person": people["anna"].pk}, {"person": 999999}])
    assert errors == {
        "participants.1.person": ["There is no person in the registry with id 999999."]
    }
    errors = refused(date_end="2013-03-01")
    assert errors["date_end"] == [
        "The interview cannot end (2013-03-01) before it starts (2013-03-15)."
    ]
    assert refused(mode="skype")["mode"] == [
        f"“skype” is not a known mode of interview. Use one of: {MODES}."
    ]
    assert refused(country="XX")["country"] == ["There is no country with the code “XX”."]
    assert "Europe" in refused(region="Atlantis")["region"][0]
    assert "9999" in refused(follow_up_of=9999)["follow_up_of"][0]
    assert "participants" in refused(participants=[])
    assert (
        "at least 1"
        in refused(participants=[{"group_label": "Delegation", "headcount": 0}])[
            "participants.0.headcount"
        ][0]
    )
    assert (
        "person or a group"
        in refused(participants=[{"person": people["anna"].pk, "group_label": "Delegation"}])[
            "participants"
        ][0]
    )
    alone = refused(kind="individual", participants=[{"group_label": "Team"}])
    assert "is a group interview" in alone["kind"][0]
    assert "date" in refused(date="15.3.2013")
    # An interview of another evaluation is not found, never shown.
    other = log(EvaluationFactory(), person("Other Person"))
    assert refused(follow_up_of=other.pk)["follow_up_of"] == [
        f"There is no interview in this evaluation with id {other.pk}."
    ]
    assert Interview.objects.filter(evaluation=evaluation).count() == 0


# --- who may -------------------------------------------------------------------------------------


def test_viewer_gets_403_on_the_log(as_role, base, evaluation, people) -> None:
    interview = log(evaluation, people["anna"])
    client = as_role("viewer")
    for url in (base, base + "counts/", f"{base}{interview.pk}/", f"{base}{interview.pk}/notes/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.json()["detail"] == "Your role does not include the interview log."
    response = client.post(base, _individual(people), format="json")
    assert response.status_code == 403


def test_outsider_gets_404_for_the_evaluation(api_client, base, evaluation, outsider, people):
    interview = log(evaluation, people["anna"])
    api_client.force_authenticate(outsider)
    for url in (base, base + "counts/", f"{base}{interview.pk}/"):
        assert api_client.get(url).status_code == 404, url
    assert api_client.post(base, _individual(people), format="json").status_code == 404
    categories = f"/api/v1/evaluations/{evaluation.slug}/interview-categories/"
    assert api_client.get(categories).status_code == 404


def test_an_interview_of_another_evaluation_is_not_found(as_role, base, people) -> None:
    other = log(EvaluationFactory(), people["anna"])
    assert as_role("lead").get(f"{base}{other.pk}/").status_code == 404


# --- reporting categories -----------------------------------------------------------------------


def test_categories_list_and_add(as_role, evaluation) -> None:
    url = f"/api/v1/evaluations/{evaluation.slug}/interview-categories/"
    client = as_role("data_entry")
    created = client.post(url, {"name": "Headquarters"}, format="json")
    assert created.status_code == 201 and created.json()["name"] == "Headquarters"
    again = client.post(url, {"name": "headquarters"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    client.post(url, {"name": "Asia"}, format="json")
    listed = client.get(url).json()
    assert [c["name"] for c in listed["results"]] == ["Headquarters", "Asia"]
    empty = client.post(url, {"name": ""}, format="json")
    assert empty.status_code == 400 and "name" in empty.json()["errors"]
    viewer = as_role("viewer")
    assert viewer.get(url).status_code == 200
    assert viewer.post(url, {"name": "Africa"}, format="json").status_code == 403
    assert ReportingCategory.objects.filter(evaluation=evaluation).count() == 2


def test_schema_lists_the_log_and_validates(tmp_path) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    for path in (
        "/api/v1/evaluations/{evaluation_slug}/interviews/",
        "/api/v1/evaluations/{evaluation_slug}/interviews/counts/",
        "/api/v1/evaluations/{evaluation_slug}/interviews/{id}/follow-up/",
        "/api/v1/evaluations/{evaluation_slug}/interviews/{id}/notes/",
        "/api/v1/evaluations/{evaluation_slug}/interviews/{id}/questions/",
        "/api/v1/evaluations/{evaluation_slug}/interview-categories/",
    ):
        assert path in schema


def test_the_list_reads_in_a_fixed_number_of_queries(as_role, base, evaluation, people) -> None:
    client = as_role("lead")
    first = log(evaluation, people["anna"], interviewers=["LE"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(base).status_code == 200
        return len(captured)

    few = queries()
    follow_up = client.post(f"{base}{first.pk}/follow-up/", {"date": "2013-04-01"}, format="json")
    assert follow_up.status_code == 201
    client.post(base, _group(people), format="json")
    body = client.get(base).json()
    assert body["results"][0]["follow_ups"] == [follow_up.json()["id"]]
    assert queries() == few
