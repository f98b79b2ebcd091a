"""Small builders for the interview log tests (plain functions, so any test module can use
them without sharing fixtures)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings

from evaluations.models import Evaluation
from evaluations.permissions import SYSTEM
from interviews import services
from interviews.models import Interview
from interviews.services import ParticipantInput
from questionnaires.models import InstrumentVersion
from questionnaires.services import instrument_load
from stakeholders import services as registry
from stakeholders.models import Country, Person, StakeholderGroup

GUIDE_FILE = Path(settings.BASE_DIR) / "seeds" / "instruments" / "interview_guide_2013.yaml"

DAY = dt.date(2013, 3, 15)


def guide(evaluation: Evaluation) -> InstrumentVersion:
    return instrument_load(evaluation=evaluation, text=GUIDE_FILE.read_text(), by=SYSTEM).version


def country(code: str) -> Country:
    return Country.objects.get(code=code)


def group(code: str) -> StakeholderGroup:
    return StakeholderGroup.objects.get(code=code)


def person(
    name: str,
    *,
    organisation: str = "",
    job_title: str = "",
    unit: str = "",
    group_code: str = "",
    country_code: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Person:
    """A registry person, with an affiliation when an organisation or job is given."""
    someone = registry.person_create(by=SYSTEM, name=name)
    if organisation or job_title or unit:
        registry.affiliation_add(
            person=someone,
            organisation=(
                registry.organisation_create(by=SYSTEM, name=organisation) if organisation else None
            ),
            job_title=job_title,
            unit=unit,
            stakeholder_group=group(group_code) if group_code else None,
            country=country(country_code) if country_code else None,
            start=start,
            end=end,
        )
    return someone


def log(
    evaluation: Evaluation,
    *people: Person | ParticipantInput,
    by: object = SYSTEM,
    date: dt.date = DAY,
    mode: str = Interview.Mode.IN_PERSON,
    **kwargs: object,
) -> Interview:
    """Log an interview with these people (or participant inputs)."""
    participants = [
        p if isinstance(p, ParticipantInput) else ParticipantInput(person=p) for p in people
    ]
    return services.interview_create(
        evaluation=evaluation, by=by, date=date, mode=mode, participants=participants, **kwargs
    )


def unnamed(label: str, headcount: int | None = None, **kwargs: object) -> ParticipantInput:
    return ParticipantInput(group_label=label, headcount=headcount, **kwargs)
