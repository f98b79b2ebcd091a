"""Participants as entered (ParticipantInput), checked, and stored with the affiliation of
the interview's day copied."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from evaluations.permissions import SYSTEM, Actor, author_of
from interviews.models import Interview, Participation
from interviews.services.checks import check_choice, check_length, ensure_can_log, refuse
from stakeholders import services as registry
from stakeholders.models import Country, Office, Organisation, Person, StakeholderGroup
from stakeholders.selectors import organisation_find, person_final

if TYPE_CHECKING:
    from evaluations.models import Evaluation


@dataclass
class ParticipantInput:
    """One participant as entered: a registry person, or an unnamed group.

    For a person, the affiliation that held on the interview date is copied; a field given
    here (not None) replaces the copied value. With copy_affiliation=False only the fields
    given here are stored. For a group, group_label is required; headcount None is unknown.
    """

    person: Person | None = None
    group_label: str = ""
    headcount: int | None = None
    stakeholder_group: StakeholderGroup | None = None
    organisation: Organisation | None = None
    organisation_name: str | None = None
    unit: str | None = None
    job_title: str | None = None
    office: Office | None = None
    country: Country | None = None
    copy_affiliation: bool = True
    original_text: str = ""


def person_current(person: Person | None, merged: set[int] | None = None) -> Person | None:
    """People merged away stand for the person they were merged into (as stored now, whatever
    the object in hand says); `merged`: the ids known to be merged, when already looked up."""
    if person is None:
        return None
    if merged is None:
        merged = merged_ids([person])
    return person_final(Person.objects.get(pk=person.pk)) if person.pk in merged else person


def merged_ids(people: Sequence[Person | None]) -> set[int]:
    ids = {p.pk for p in people if p is not None}
    if not ids:
        return set()
    return set(
        Person.objects.filter(pk__in=ids, merged_into__isnull=False).values_list("pk", flat=True)
    )


def _participant_label(index: int, item: ParticipantInput) -> str:
    name = str(item.person) if item.person is not None else item.group_label
    return _("Participant %(n)d (%(name)s)") % {"n": index, "name": name or "?"}


def participants_check(items: Sequence[ParticipantInput]) -> list[ParticipantInput]:
    if not items:
        raise refuse("participants", _("An interview needs at least one participant."))
    seen: dict[int, int] = {}
    checked = []
    merged = merged_ids([item.person for item in items])
    for index, given in enumerate(items, start=1):
        item = replace(given)  # the caller's list stays as it was
        label = _participant_label(index, item)
        item.person = person_current(item.person, merged)
        item.group_label = (item.group_label or "").strip()
        if item.person is None and not item.group_label:
            raise refuse(
                "participants",
                _("Participant %(n)d: choose a person or name the group.") % {"n": index},
            )
        if item.person is not None and item.group_label:
            raise refuse(
                "participants",
                _("%(who)s: a participant is a person or a group, not both.") % {"who": label},
            )
        if item.person is not None and item.headcount is not None:
            raise refuse(
                "participants",
                _("%(who)s: only a group has a number of people.") % {"who": label},
            )
        if item.headcount is not None and (
            isinstance(item.headcount, bool)
            or not isinstance(item.headcount, int)
            or item.headcount < 1
        ):
            raise refuse(
                "participants",
                _("%(who)s: the number of people must be at least 1, or left empty when not known.")
                % {"who": label},
            )
        if item.person is not None:
            if item.person.pk in seen:
                raise refuse(
                    "participants",
                    _("%(name)s is listed twice (participants %(first)d and %(second)d).")
                    % {"name": item.person, "first": seen[item.person.pk], "second": index},
                )
            seen[item.person.pk] = index
        for field in ("group_label", "organisation_name", "unit", "job_title", "original_text"):
            value = getattr(item, field)
            if value is not None:
                setattr(item, field, check_length(Participation, field, value, key="participants"))
        checked.append(item)
    return checked


def _given(value: Any, copied: Any) -> Any:
    return copied if value is None else value


def _participation_values(item: ParticipantInput, day: dt.date | None) -> dict[str, Any]:
    """The fields of one Participation: the person's affiliation of the day, overridden by
    what was given; or the group as given."""
    affiliation = (
        item.person.affiliation_on(day)
        if item.person is not None and item.copy_affiliation
        else None
    )
    organisation = _given(item.organisation, affiliation.organisation if affiliation else None)
    office = _given(item.office, affiliation.office if affiliation else None)
    group = _given(item.stakeholder_group, affiliation.stakeholder_group if affiliation else None)
    country = _given(item.country, affiliation.country if affiliation else None)
    return {
        "person": item.person,
        "group_label": item.group_label if item.person is None else "",
        "headcount": item.headcount if item.person is None else None,
        "organisation": organisation,
        "organisation_name": _given(
            item.organisation_name, organisation.name if organisation else ""
        ),
        "unit": _given(item.unit, affiliation.unit if affiliation else ""),
        "job_title": _given(item.job_title, affiliation.job_title if affiliation else ""),
        "office": office,
        "country": country or (office.country if office else None),
        "stakeholder_group": group or (organisation.stakeholder_group if organisation else None),
        "original_text": item.original_text or "",
    }


def participant_inputs(interview: Interview) -> list[ParticipantInput]:
    """Who took part in the interview, as inputs for editing it or following it up (who, group
    and headcount; participants_as_recorded adds what was recorded for them)."""
    return [
        ParticipantInput(
            person=p.person,
            group_label=p.group_label,
            headcount=p.headcount,
            stakeholder_group=p.stakeholder_group,
        )
        for p in interview.participations.select_related("person", "stakeholder_group")
    ]


def participants_as_recorded(
    items: Sequence[ParticipantInput], source: Interview
) -> list[ParticipantInput]:
    """Participants already on `source` (the interview being changed, or the one followed up)
    keep what was recorded for them — the affiliation of that day, a group's organisation —
    rather than today's registry; a field given (not None) still replaces the recorded one.
    New participants stay as given: they get the affiliation of the interview's day."""
    recorded = {
        (p.person_id, "" if p.person_id else p.group_label.casefold()): p
        for p in source.participations.select_related(
            "person", "stakeholder_group", "organisation", "office", "country"
        )
    }
    kept = []
    for item in items:
        person_id = item.person.pk if item.person is not None else None
        p = recorded.get((person_id, "" if person_id else (item.group_label or "").casefold()))
        if p is None:
            kept.append(item)
            continue
        kept.append(
            ParticipantInput(
                person=p.person,
                group_label=item.group_label if p.person is None else "",
                headcount=item.headcount if p.person is None else None,
                stakeholder_group=item.stakeholder_group
                if p.person is None
                else _given(item.stakeholder_group, p.stakeholder_group),
                organisation=_given(item.organisation, p.organisation),
                organisation_name=_given(item.organisation_name, p.organisation_name),
                unit=_given(item.unit, p.unit),
                job_title=_given(item.job_title, p.job_title),
                office=_given(item.office, p.office),
                country=_given(item.country, p.country),
                copy_affiliation=False,
                original_text=item.original_text or p.original_text,
            )
        )
    return kept


def participations_save(interview: Interview, items: Sequence[ParticipantInput]) -> None:
    """Store the participants in order. A person already there keeps their row (and id, which
    merge records refer to); rows of people no longer listed, and all groups, are replaced."""
    existing = {p.person_id: p for p in interview.participations.filter(person__isnull=False)}
    keep = {item.person.pk for item in items if item.person is not None}
    interview.participations.exclude(person_id__in=keep).delete()
    new = []
    for order, item in enumerate(items):
        values = _participation_values(item, interview.date)
        row = existing.get(item.person.pk) if item.person is not None else None
        if row is None:
            new.append(Participation(interview=interview, order=order, **values))
            continue
        for field, value in values.items():
            setattr(row, field, value)
        row.order = order
        row.save()
    for participation in new:  # one by one, so that each lands in the history
        participation.save()


def interview_kind(kind: str | None, items: Sequence[ParticipantInput]) -> str:
    group = len(items) > 1 or any(item.person is None for item in items)
    if kind is None:
        return Interview.Kind.GROUP if group else Interview.Kind.INDIVIDUAL
    check_choice("kind", kind, Interview.Kind, _("kind of interview"))
    if kind == Interview.Kind.INDIVIDUAL and group:
        raise refuse(
            "kind",
            _("An interview with several participants or a group is a group interview."),
        )
    return kind


def participant_person_create(
    *,
    evaluation: Evaluation,
    by: Actor,
    name: str,
    job_title: str = "",
    organisation_name: str = "",
    stakeholder_group: StakeholderGroup | None = None,
    email: str = "",
) -> Person:
    """Add someone to the registry while logging their interview: whoever may log interviews
    may add the people they interviewed (the registry's editors tidy up later). The
    organisation is found by name, acronym or alias, or added."""
    ensure_can_log(by, evaluation)
    # Created past the registry's own check (checked above as logging); the member who logged
    # them is still who added them.
    person = registry.person_create(by=SYSTEM, name=name, emails=[email] if email else [])
    person.created_by = author_of(by)
    person.save(update_fields=["created_by"])
    organisation = None
    organisation_name = (organisation_name or "").strip()
    if organisation_name:
        organisation = organisation_find(organisation_name) or registry.organisation_create(
            by=SYSTEM, name=organisation_name, stakeholder_group=stakeholder_group
        )
    if organisation or job_title or stakeholder_group:
        registry.affiliation_add(
            person=person,
            organisation=organisation,
            job_title=(job_title or "").strip(),
            stakeholder_group=stakeholder_group,
        )
    return person
