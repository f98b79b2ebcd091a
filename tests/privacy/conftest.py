"""A person with a record of every kind, for the export and erasure tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from evaluations.models import Evaluation, Membership
from evaluations.permissions import SYSTEM
from interviews.models import Interview, InterviewNote
from interviews.services import ParticipantInput
from interviews.services.notes import note_add
from questionnaires.models import Distribution, Invitation, Message, Response
from questionnaires.services import invitation_create
from questionnaires.services.responses import response_enter
from stakeholders import services as registry
from stakeholders.models import Person
from stakeholders.services.merges import person_merge
from tests.conftest import COMPLETE
from tests.interviews.builders import country, group, log, unnamed

NAME = "Zoë Brontë-Ngũgĩ"
ALIAS = "Zoë Ngũgĩ Wanjiru"
EMAIL = "zoe.bronte@example.org"
OLD_NAME = "Zoe Bronteh"  # merged into her
OLD_EMAIL = "z.bronteh@old.example.org"
PHONE = "+254 20 555 0101"
LEAD_NOTE = "Lead only: she asked not to be quoted on the budget."
TEAM_NOTE = f"{NAME} said the programme trained 40 inspectors."
OPEN_ANSWER = f"My name is {NAME} and the training helped."


@dataclass
class World:
    evaluation: Evaluation
    person: Person
    interview: Interview
    group_interview: Interview
    distribution: Distribution
    invitation: Invitation
    response: Response
    message: Message


@pytest.fixture
def world(evaluation, team, make_distribution) -> World:
    zoe = registry.person_create(
        by=SYSTEM,
        name=f"Dr {NAME}",
        given_name="Zoë",
        family_name="Brontë-Ngũgĩ",
        sex="f",
        emails=[EMAIL],
        phones=[PHONE],
        language="en",
        notes=f"Met {NAME} at the Nairobi workshop.",
        tags=["donor-contact"],
        aliases=[ALIAS],
    )
    old = registry.person_create(by=SYSTEM, name=OLD_NAME, emails=[OLD_EMAIL])
    person_merge(by=SYSTEM, kept=zoe, merged=old)
    ministry = registry.organisation_create(by=SYSTEM, name="Ministry of Labour")
    registry.affiliation_add(
        person=zoe,
        organisation=ministry,
        unit="Inspection Directorate",
        job_title="Director of Labour Inspection",
        stakeholder_group=group("government"),
        country=country("KE"),
        start=dt.date(2010, 1, 1),
    )
    zoe.refresh_from_db()
    interview = log(
        evaluation,
        ParticipantInput(person=zoe, original_text=f"Dr {NAME} (Ministry of Labour)"),
        country=country("KE"),
        venue="Nairobi",
        grouping="Kenya",
        about=f"follow-up with {NAME}",
    )
    group_interview = log(evaluation, unnamed("Workers' delegation", 4), country=country("KE"))
    note_add(interview=interview, by=team["evaluator"].user, text=TEAM_NOTE)
    note_add(
        interview=interview,
        by=team["lead"].user,
        text=LEAD_NOTE,
        visibility=InterviewNote.Visibility.LEAD,
    )
    distribution = make_distribution("team")
    invitation = Invitation.objects.get(pk=_invite(distribution, team["evaluator"].user, zoe).pk)
    response = response_enter(
        distribution=distribution,
        by=team["evaluator"].user,
        invitation=invitation,
        answers={**COMPLETE, "B1": OPEN_ANSWER},
        channel="email",
    )
    message = Message.objects.create(
        key=f"test:{invitation.pk}:invitation",
        distribution=distribution,
        invitation=invitation,
        kind="invitation",
        recipient=EMAIL,
        subject=f"Questionnaire for {NAME}",
        body="Dear Zoë, please answer.",
    )
    zoe.refresh_from_db()
    return World(
        evaluation, zoe, interview, group_interview, distribution, invitation, response, message
    )


def _invite(distribution: Distribution, by: object, person: Person) -> Invitation:
    return invitation_create(distribution=distribution, by=by, person=person, email=EMAIL)


@pytest.fixture
def lead(team) -> Membership:
    return team["lead"]
