"""Builders for the reports tests: questionnaires sent and answered through the real services
(plain functions, so any test module can use them without sharing fixtures).

    distribution = staff_survey(evaluation, responses=[
        {"attributes": {"region": "Africa"}, "answers": {"C1": "4", "B1": "Text"}},
        {"answers": {"C1": "2"}, "channel": "email"},       # keyed in by the team
        {"answers": {"C1": "1"}, "status": "draft"},         # saved, never submitted
    ])

A response dict takes: attributes (the invitation's snapshot), answers (question key → code or
text), route ("lead"/"team", where the respondent chooses), channel ("web" by default; "email",
"phone", "paper" are keyed in by `entered_by` or the lead), status ("submitted", "draft", or
"invited": the invitation only, no answer yet), name (the invitation's).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings

from accounts.models import User
from evaluations.models import Evaluation, Membership
from evaluations.permissions import SYSTEM
from questionnaires.models import Distribution, InstrumentVersion, Response
from questionnaires.services import (
    distribution_create,
    instrument_load,
    invitation_create,
    response_enter,
    response_save,
    response_submit,
)
from tests.factories import MembershipFactory

STAFF_FILE = Path(settings.BASE_DIR) / "seeds" / "instruments" / "ilo_staff_questionnaire_2008.yaml"

# A small questionnaire whose scale has points outside it (Don't know, Not applicable).
OUTSIDE_SCALE_YAML = """\
consulta_instrument: 1
key: outside-scale-check
kind: questionnaire
languages: [en]
title: Scale with points outside it
scales:
- key: agree4dk
  name: Agreement, 4 points, with Don't know and N/A
  points:
  - {code: 4, label: Strongly agree}
  - {code: 3, label: Agree}
  - {code: 2, label: Disagree}
  - {code: 1, label: Strongly disagree}
  outside:
  - {code: dk, label: Don't know}
  - {code: na, label: Not applicable}
sections:
- key: S
  title: Views
  questions:
  - key: Q1
    label: "1)"
    kind: likert
    text: Statement one
    scale: agree4dk
    block: views
  - key: Q2
    label: "2)"
    kind: likert
    text: Statement two
    scale: agree4dk
    block: views
  - key: T1
    label: "3)"
    kind: long_text
    text: Anything else?
"""


INVITED = "invited"


def lead_of(evaluation: Evaluation) -> User:
    """The evaluation's lead evaluator, made when it has none."""
    membership = evaluation.memberships.filter(role=Membership.Role.LEAD).first()
    if membership is None:
        membership = MembershipFactory(evaluation=evaluation, role=Membership.Role.LEAD)
    return membership.user


def staff_version(evaluation: Evaluation) -> InstrumentVersion:
    return instrument_load(evaluation=evaluation, text=STAFF_FILE.read_text(), by=SYSTEM).version


def outside_version(evaluation: Evaluation) -> InstrumentVersion:
    return instrument_load(evaluation=evaluation, text=OUTSIDE_SCALE_YAML, by=SYSTEM).version


def respond(
    distribution: Distribution,
    responses: Iterable[Mapping[str, Any]],
    *,
    entered_by: User | None = None,
) -> list[Response]:
    """Invite one person per dict and answer as it says, through the services."""
    made = []
    start = distribution.invitations.count()
    for number, spec in enumerate(responses, start=start + 1):
        invitation = invitation_create(
            distribution=distribution,
            by=SYSTEM,
            name=spec.get("name", f"Respondent {number}"),
            attributes=spec.get("attributes") or {},
        )
        answers = dict(spec.get("answers") or {})
        channel = spec.get("channel", Response.Channel.WEB)
        if spec.get("status") == INVITED:
            continue
        if spec.get("status") == Response.Status.DRAFT:
            made.append(response_save(invitation=invitation, answers=answers)[0])
        elif channel == Response.Channel.WEB:
            made.append(
                response_submit(invitation=invitation, answers=answers, route=spec.get("route", ""))
            )
        else:
            made.append(
                response_enter(
                    distribution=distribution,
                    by=spec.get("entered_by") or entered_by or lead_of(distribution.evaluation),
                    invitation=invitation,
                    answers=answers,
                    channel=channel,
                    route=spec.get("route", ""),
                )
            )
    return made


def survey(
    evaluation: Evaluation,
    version: InstrumentVersion,
    responses: Iterable[Mapping[str, Any]] = (),
    *,
    confidentiality: str = Distribution.Confidentiality.TEAM,
    title: str = "",
    entered_by: User | None = None,
) -> Distribution:
    """A distribution of `version`, answered by `responses`."""
    distribution = distribution_create(
        evaluation=evaluation,
        by=lead_of(evaluation),
        version=version,
        title=title or f"{version.instrument.key} ({confidentiality})",
        confidentiality=confidentiality,
    )
    respond(distribution, responses, entered_by=entered_by)
    return distribution


def staff_survey(
    evaluation: Evaluation,
    responses: Iterable[Mapping[str, Any]] = (),
    *,
    confidentiality: str = Distribution.Confidentiality.TEAM,
    title: str = "",
    entered_by: User | None = None,
) -> Distribution:
    """The ILO staff questionnaire (2008) sent and answered by `responses`."""
    return survey(
        evaluation,
        staff_version(evaluation),
        responses,
        confidentiality=confidentiality,
        title=title,
        entered_by=entered_by,
    )


def outside_survey(
    evaluation: Evaluation,
    responses: Iterable[Mapping[str, Any]] = (),
    *,
    confidentiality: str = Distribution.Confidentiality.TEAM,
) -> Distribution:
    """The small questionnaire with Don't know / N/A outside the scale, answered."""
    return survey(
        evaluation, outside_version(evaluation), responses, confidentiality=confidentiality
    )


def likert_answers(codes: str, keys: str = "C1") -> list[dict[str, Any]]:
    """One response per character of `codes` answering the `keys` items with that code."""
    return [{"answers": dict.fromkeys(keys.split(), code)} for code in codes]
