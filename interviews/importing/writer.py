"""Carrying out an import's plan through the interview services: the people first, then the
interviews, every follow-up after the interview it follows; a refusal names its row."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.errors import ValidationProblem
from common.names import normalise_text
from evaluations.permissions import SYSTEM, Actor
from interviews.importing.plan import Identity, Participant, Planned, about_text
from interviews.models import Interview
from interviews.services.interviews import interview_create
from interviews.services.notes import note_add
from interviews.services.participants import ParticipantInput
from stakeholders.models import Person
from stakeholders.services import person_create

if TYPE_CHECKING:
    from interviews.importing.reader import Reader


def refusal(errors: list[str]) -> ValidationProblem:
    message = ngettext(
        "Nothing was imported: the file has %(count)s error. %(errors)s",
        "Nothing was imported: the file has %(count)s errors. %(errors)s",
        len(errors),
    ) % {"count": len(errors), "errors": " ".join(errors[:20])}
    return ValidationProblem(message, errors={"file": errors})


class Writer:
    """Carries out a plan through the services: people first, then interviews in an order
    where every follow-up comes after the interview it follows."""

    def __init__(self, reader: Reader, *, by: Actor, filename: str) -> None:
        self.reader, self.by, self.filename = reader, by, filename
        ids = {
            p.identity[1]
            for plan in reader.plans
            for p in plan.participants
            if p.identity and p.identity[0] == "person"
        }
        self.people: dict[Identity, Person] = {
            ("person", person.pk): person for person in Person.objects.filter(pk__in=ids)
        }
        self.created: dict[int, Interview] = {}

    def write(self) -> None:
        for plan in self.reader.plans:
            if plan.new:
                self._create(plan)

    def _person(self, p: Participant) -> Person:
        identity = p.identity or ("new", p.key)
        if identity not in self.people:
            # Whoever may log interviews may add the people they interviewed (checked once
            # for the import); the registry's editors tidy up later, as after quick entry.
            self.people[identity] = person_create(
                by=SYSTEM, name=p.cell.display, honorific=p.cell.honorific
            )
        return self.people[identity]

    def _inputs(self, plan: Planned) -> list[ParticipantInput]:
        inputs = []
        for p in plan.participants:
            unit = p.department or None
            if p.cell.is_group:
                item = ParticipantInput(group_label=p.cell.display, headcount=p.cell.headcount)
            else:
                item = ParticipantInput(person=self._person(p))
                day = None if plan.undated else plan.dates[0]
                if unit and _known_affiliation(item.person, day, unit):
                    unit = None  # the registry's affiliation of the day says it already
            item.unit, item.original_text = unit, p.cell.original
            inputs.append(item)
        return inputs

    def _create(self, plan: Planned) -> Interview:
        if plan.number in self.created:
            return self.created[plan.number]
        of = self._create(plan.of_plan) if plan.of_plan is not None else plan.of_log
        start, end = (None, None) if plan.undated else plan.dates
        source = _("import: %(file)s row %(row)s") % {"file": self.filename, "row": plan.row}
        try:
            interview = interview_create(
                evaluation=self.reader.evaluation,
                by=self.by,
                date=start,
                date_end=end,
                participants=self._inputs(plan),
                mode=plan.mode,
                interviewers=plan.interviewers,
                grouping=plan.grouping,
                country=plan.country,
                about=about_text(plan),
                follow_up_of=of,
                category=plan.category or None,
                source=" ".join(source.split())[:300],
                import_key=plan.key,
                date_unknown=plan.undated,
            )
            for note in plan.notes:
                note_add(interview=interview, by=self.by, text=note)
        except ValidationProblem as problem:
            row_error = _("Row %(row)s: %(message)s") % {"row": plan.row, "message": problem}
            raise refusal([row_error]) from problem
        self.created[plan.number] = interview
        return interview


def _known_affiliation(person: Person, day: dt.date | None, department: str) -> bool:
    """Whether every part of the Department cell ("Migration Branch, Example Office") is
    already in the person's affiliation on the day (unit, organisation, job title)."""
    affiliation = person.affiliation_on(day)
    if affiliation is None:
        return False
    known = {
        normalise_text(text)
        for text in (
            affiliation.unit,
            affiliation.job_title,
            affiliation.organisation.name if affiliation.organisation else "",
            affiliation.organisation.acronym if affiliation.organisation else "",
        )
        if text
    }
    parts = [normalise_text(part) for part in department.split(",") if part.strip()]
    return bool(parts) and all(part in known for part in parts)
