"""Reading the log: counts of distinct people and groups, filters, a person's interviews,
notes by visibility, and the coverage plan against what was reached."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluations.permissions import SYSTEM, forget_roles
from interviews import selectors, services
from interviews.models import Interview
from interviews.selectors import log_counts
from interviews.services import follow_up_create
from questionnaires.models import Invitation, Question
from questionnaires.services import invitation_create
from stakeholders.models import Region
from tests.factories import EvaluationFactory, MembershipFactory
from tests.interviews.builders import DAY, country, group, guide, log, person, unnamed

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return {
        "anna": person("Anna Beispiel", organisation="Ministry of Labour", group_code="government",
                       country_code="VN"),
        "bob": person("Bob Example", organisation="Trade Union Centre", group_code="workers",
                      country_code="VN"),
        "chai": person("Chai Somchai", organisation="Ministry of Labour Thailand",
                       group_code="government", country_code="TH"),
    }  # fmt: skip


# --- the log ----------------------------------------------------------------------------------


def test_counts_distinct_people_and_groups_of_unknown_size(evaluation, team, people) -> None:
    anna, bob = people["anna"], people["bob"]
    first = log(evaluation, anna, interviewers=["LE"])
    services.follow_up_create(of=first, by=SYSTEM, date=DAY + dt.timedelta(days=7))
    log(evaluation, anna, bob, unnamed("Ministry of Labour (6 people)", 6))
    log(evaluation, unnamed("NTUC HQ"))
    dropped = log(evaluation, people["chai"], unnamed("Village committee", 12))
    services.interview_exclude(interview=dropped, by=SYSTEM, reason="Courtesy visit")

    result = selectors.interview_list(user=team["evaluator"].user, evaluation=evaluation)

    counts = result.counts
    assert (counts.interviews, counts.excluded) == (4, 1)
    # Anna three times is one person; Chai and the village only in the excluded interview.
    assert (counts.persons, counts.group_people, counts.groups_unknown_size) == (2, 6, 1)
    assert (counts.participants, counts.at_least) == (8, True)
    assert len(result.interviews) == 5


def test_no_unknown_groups_is_an_exact_total(evaluation, team, people) -> None:
    log(evaluation, people["anna"], unnamed("Delegation", 3))
    counts = selectors.interview_list(user=team["lead"].user, evaluation=evaluation).counts
    assert (counts.participants, counts.at_least) == (4, False)


def test_filters(evaluation, team, people) -> None:
    anna, bob, chai = people["anna"], people["bob"], people["chai"]
    ms = MembershipFactory(evaluation=evaluation, initials="MS")
    a = log(
        evaluation,
        anna,
        date=dt.date(2013, 3, 1),
        date_end=dt.date(2013, 3, 4),
        country=country("VN"),
        grouping="Hanoi",
        interviewers=["ms"],
        category="Constituents",
    )
    b = log(
        evaluation,
        bob,
        date=dt.date(2013, 3, 10),
        mode="phone",
        grouping="Hanoi",
        interviewers=["XY"],
    )
    c = log(
        evaluation,
        chai,
        unnamed("Staff", 4),
        date=dt.date(2013, 4, 2),
        country=country("TH"),
        grouping="Bangkok",
        interviewers=[ms],
    )
    asia = Region.objects.get(code="asia-pacific")
    europe = Region.objects.get(code="europe-central-asia")
    lead = team["lead"].user

    def found(**filters: object) -> list[Interview]:
        return list(
            selectors.interview_list(user=lead, evaluation=evaluation, **filters).interviews
        )

    assert found() == [a, b, c]
    # A range overlapping the period counts.
    assert found(date_from=dt.date(2013, 3, 3), date_to=dt.date(2013, 3, 10)) == [a, b]
    assert found(date_from=dt.date(2013, 3, 5)) == [b, c]
    assert found(region=asia) == [a, c] and found(region=europe) == []
    assert found(grouping="hanoi") == [a, b]
    assert found(interviewer="MS") == [a, c] and found(interviewer=ms) == [a, c]
    assert found(interviewer="xy") == [b]
    assert found(mode="phone") == [b]
    assert found(kind="group") == [c]
    assert found(category=a.category) == [a]
    counts = selectors.interview_list(user=lead, evaluation=evaluation, grouping="Bangkok").counts
    assert (counts.interviews, counts.persons, counts.group_people) == (1, 1, 4)


def test_the_log_takes_a_fixed_number_of_queries(evaluation, team, people) -> None:
    version = guide(evaluation)
    lead = team["lead"].user

    def read() -> int:
        forget_roles(lead)  # each read asks for the role, as a new request would
        with CaptureQueriesContext(connection) as queries:
            result = selectors.interview_list(user=lead, evaluation=evaluation)
            for interview in result.interviews:
                for participation in interview.participations.all():
                    str(participation.person or "")
                    str(participation.stakeholder_group or "")
                    str(participation.country or "")
                [str(i.membership.user) if i.membership else i.initials
                 for i in interview.interviewers.all()]  # fmt: skip
                str(interview.category or "")
                str(interview.region or "")
                str(interview.follow_up_of or "")
                str(interview.guide_version or "")
        return len(queries)

    first = log(evaluation, people["anna"], interviewers=["LE"], country=country("VN"))
    few = read()
    for name in ("bob", "chai"):
        log(
            evaluation,
            people[name],
            people["anna"],
            unnamed("Group", 3),
            category="Hanoi",
            interviewers=["EV", "LE", "QQ"],
            guide_version=version,
            country=country("TH"),
        )
    services.follow_up_create(of=first, by=SYSTEM, date=DAY)
    assert read() == few == 6  # role, log, participants, interviewers, two counts


def test_the_log_is_for_those_who_read_responses(evaluation, team, outsider, people) -> None:
    log(evaluation, people["anna"])
    for role in ("lead", "evaluator", "data_entry"):
        assert selectors.interview_list(user=team[role].user, evaluation=evaluation).counts
    for user in (team["viewer"].user, outsider):
        with pytest.raises(PermissionDenied, match="interview log"):
            selectors.interview_list(user=user, evaluation=evaluation)


def test_person_interviews_only_in_evaluations_the_user_reads(evaluation, team, people) -> None:
    anna = people["anna"]
    mine_old = log(evaluation, anna, date=dt.date(2012, 1, 5))
    mine_new = log(evaluation, anna, people["bob"], date=dt.date(2013, 6, 1))
    secret = EvaluationFactory(title="Someone else's")
    log(secret, anna)
    watched = EvaluationFactory()
    MembershipFactory(evaluation=watched, user=team["evaluator"].user, role="viewer")
    log(watched, anna)

    rows = list(selectors.person_interviews(user=team["evaluator"].user, person=anna))

    assert [r.interview for r in rows] == [mine_new, mine_old]
    assert rows[0].organisation_name == "Ministry of Labour"
    assert list(selectors.person_interviews(user=team["viewer"].user, person=anna)) == []


# --- notes ------------------------------------------------------------------------------------


def test_notes_follow_their_visibility(evaluation, team, people) -> None:
    version = guide(evaluation)
    interview = log(evaluation, people["anna"], guide_version=version)
    q = {key: Question.objects.get(version=version, key=key) for key in ("Q1", "Q9")}
    evaluator, data_entry = team["evaluator"].user, team["data_entry"].user
    services.note_add(interview=interview, by=SYSTEM, text="free, for all")
    services.note_add(interview=interview, by=evaluator, question=q["Q9"], text="GMG: none")
    services.note_add(
        interview=interview, by=evaluator, question=q["Q1"], text="mine, lead only",
        visibility="lead",
    )  # fmt: skip
    services.note_add(
        interview=interview, by=data_entry, text="theirs, lead only", visibility="lead"
    )

    def texts(user: object) -> list[str]:
        return [n.text for n in selectors.notes_for(user=user, interview=interview)]

    # In the guide's order, free notes last.
    assert texts(team["lead"].user) == [
        "mine, lead only", "GMG: none", "free, for all", "theirs, lead only",
    ]  # fmt: skip
    assert texts(evaluator) == ["mine, lead only", "GMG: none", "free, for all"]
    assert texts(data_entry) == ["GMG: none", "free, for all", "theirs, lead only"]
    with pytest.raises(PermissionDenied):
        texts(team["viewer"].user)


# --- coverage ---------------------------------------------------------------------------------


@pytest.fixture
def plan(evaluation, team):
    lead = team["lead"].user
    asia = Region.objects.get(code="asia-pacific")

    def target(code: str, method: str, planned: int, **place: object):
        return services.coverage_target_set(
            evaluation=evaluation, by=lead, stakeholder_group=group(code), method=method,
            planned=planned, **place,
        )  # fmt: skip

    return {
        "gov_vn": target("government", "interview", 3, country=country("VN")),
        "gov_asia": target("government", "interview", 5, region=asia),
        "gov_vn_fg": target("government", "focus_group", 1, country=country("VN")),
        "workers_vn_q": target("workers", "questionnaire", 2, country=country("VN")),
        "workers_asia_q": target("workers", "questionnaire", 4, region=asia),
    }


def test_coverage_planned_against_reached(evaluation, team, people, plan, make_distribution):
    anna, bob, chai = people["anna"], people["bob"], people["chai"]
    vn = country("VN")
    other = person("Dung Nguyen", organisation="Ministry of Planning", group_code="government",
                   country_code="VN")  # fmt: skip
    # Two Government people of Viet Nam in one interview: one interview reached.
    log(evaluation, anna, other, country=vn)
    # A Government group without a country of its own, in an interview in Viet Nam.
    log(evaluation, unnamed("Provincial labour department", 5,
                            stakeholder_group=group("government")), country=vn)  # fmt: skip
    # Thailand counts for the region only.
    log(evaluation, chai, country=country("TH"))
    # Not counted: excluded, a debrief, planned for later, Workers only, another evaluation.
    dropped = log(evaluation, anna, date=DAY + dt.timedelta(days=1))
    services.interview_exclude(interview=dropped, by=SYSTEM, reason="duplicate entry")
    log(evaluation, anna, mode="debrief")
    log(evaluation, anna, date=dt.date.today() + dt.timedelta(days=10))
    log(evaluation, bob)
    log(EvaluationFactory(), anna)
    # A focus group in Viet Nam.
    log(evaluation, anna, bob, mode="focus_group")

    distribution = make_distribution()
    snapshots = [
        ("submitted", {"stakeholder_group": "Workers' organisations", "country": "Viet Nam",
                       "region": "Asia and the Pacific"}),
        ("returned", {"stakeholder_group": "workers' organisations", "country": "viet nam"}),
        ("returned", {"stakeholder_group": "Workers' organisations", "country": "Thailand"}),
        ("sent", {"stakeholder_group": "Workers' organisations", "country": "Viet Nam"}),
        ("submitted", {"stakeholder_group": "Government", "country": "Viet Nam"}),
        ("submitted", {"stakeholder_group": "Workers' organisations", "country": "Kenya",
                       "region": "Africa"}),
    ]  # fmt: skip
    for n, (status, attributes) in enumerate(snapshots):
        invitation = services_invite(distribution, team, f"Respondent {n}", attributes)
        Invitation.objects.filter(pk=invitation.pk).update(status=status)

    with CaptureQueriesContext(connection) as queries:
        # The lead: a viewer's questionnaire counts under the threshold are hidden
        # (tests/reliability/test_suppression_leaks.py).
        cells = selectors.coverage(evaluation=evaluation, user=team["lead"].user)
    reached = {cell.target.pk: (cell.planned, cell.reached, cell.gap) for cell in cells}

    assert reached == {
        plan["gov_vn"].pk: (3, 2, 1),
        plan["gov_asia"].pk: (5, 3, 2),
        plan["gov_vn_fg"].pk: (1, 1, 0),
        plan["workers_vn_q"].pk: (2, 2, 0),
        plan["workers_asia_q"].pk: (4, 3, 1),
    }
    assert len(queries) <= 5  # role, targets, interviews, countries of regions, invitations


def test_coverage_places_a_participant_in_the_interviews_country_unless_theirs_is_planned(
    evaluation, team
) -> None:
    lead = team["lead"].user

    def target(code: str, planned: int, place: str):
        return services.coverage_target_set(
            evaluation=evaluation, by=lead, stakeholder_group=group(code), method="interview",
            planned=planned, country=country(place),
        )  # fmt: skip

    workers_ke, gov_ke, gov_ch = target("workers", 1, "KE"), target("government", 2, "KE"), None
    # A trade unionist whose copied affiliation is in Sweden, interviewed in Kenya: Kenya.
    unionist = person("Juma Example", organisation="Example Trade Union Federation",
                      group_code="workers", country_code="SE")  # fmt: skip
    log(evaluation, unionist, country=country("KE"))
    # A Kenyan official interviewed in Geneva: Kenya is in the plan, so Kenya, not Switzerland.
    official = person("Grace Fictional", organisation="Ministry of Labour (Kenya)",
                      group_code="government", country_code="KE")  # fmt: skip
    log(evaluation, official, country=country("CH"))
    gov_ch = target("government", 1, "CH")

    reached = {cell.target.pk: cell.reached for cell in selectors.coverage(evaluation=evaluation)}
    assert reached == {workers_ke.pk: 1, gov_ke.pk: 1, gov_ch.pk: 0}


def test_the_coverage_page_states_the_rule(client, evaluation, team) -> None:
    services.coverage_target_set(
        evaluation=evaluation, by=team["lead"].user, stakeholder_group=group("workers"),
        method="interview", planned=1, country=country("KE"),
    )  # fmt: skip
    client.force_login(team["evaluator"].user)
    page = client.get(f"/evaluations/{evaluation.slug}/coverage/")
    assert page.status_code == 200
    assert (
        "in the interview's country, unless their own country is one of the plan's countries"
        in page.content.decode().replace("&#x27;", "'")
    )


def services_invite(distribution, team, name: str, attributes: dict) -> Invitation:
    return invitation_create(
        distribution=distribution, by=team["evaluator"].user, name=name, attributes=attributes
    )


def test_coverage_is_for_members(evaluation, outsider, plan) -> None:
    with pytest.raises(PermissionDenied):
        selectors.coverage(evaluation=evaluation, user=outsider)
    assert [c.reached for c in selectors.coverage(evaluation=evaluation)] == [0] * 5


def test_a_group_met_again_in_a_follow_up_counts_once(evaluation) -> None:
    first = log(evaluation, unnamed("Ministry staff", 6), unnamed("Village committee"))
    follow_up_create(of=first, by=SYSTEM, date=first.date)
    counts = log_counts(Interview.objects.filter(evaluation=evaluation))
    assert (counts.interviews, counts.group_people, counts.groups_unknown_size) == (2, 6, 1)
    log(evaluation, unnamed("ministry STAFF", 4))  # not a follow-up: other people
    counts = log_counts(Interview.objects.filter(evaluation=evaluation))
    assert counts.group_people == 10
