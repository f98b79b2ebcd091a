"""The plan of a people import: one pass decides, row by row, what the file means: a new
person, a person already in the registry or earlier in the file ("matched"), a possible
duplicate to review, or an error; and what each row adds to its person. The dry run reports
it; the commit (`stakeholders.importing.writer`) runs it again and carries it out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.names import normalise, similarity
from common.spreadsheets import Table
from stakeholders.importing.columns import column_indexes, mapping_validate
from stakeholders.importing.matching import Candidate, RegistryIndex
from stakeholders.importing.reader import Lookups, OrgRef, RowData, row_data
from stakeholders.models import Affiliation, Person, PersonAlias

NEW, MATCHED, DUPLICATE, ERROR = "new", "matched", "duplicate", "error"
STATUS_LABELS = {
    NEW: gettext_lazy("new"),
    MATCHED: gettext_lazy("matched"),
    DUPLICATE: gettext_lazy("possible duplicate"),
    ERROR: gettext_lazy("error"),
}
# What a row does at the commit.
CREATE, UPDATE, SKIP, NOTHING = "create", "update", "skip", "none"
# A reviewer's choice for a row: "merge:<person id>", "new" (keep separate) or "skip".
KEEP_SEPARATE, MERGE = "new", "merge:"

Target = tuple[str, int]  # ("person", registry id) or ("row", the row that creates the person)


@dataclass
class PersonState:
    """What a person holds (or will, after the rows above), to tell what a row adds."""

    key: str
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)
    affiliations: list[tuple] = field(default_factory=list)
    filled: dict[str, str] = field(default_factory=dict)
    tags: set[str] = field(default_factory=set)
    notes: str = ""


@dataclass
class Changes:
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    affiliation: bool = False
    fills: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    notes: str = ""

    def __bool__(self) -> bool:
        return bool(self.emails or self.phones or self.aliases or self.affiliation
                    or self.fills or self.tags or self.notes)  # fmt: skip

    def describe(self, data: RowData) -> list[str]:
        said = []
        if self.emails:
            said.append(_("e-mail %(emails)s") % {"emails": ", ".join(self.emails)})
        if self.phones:
            said.append(_("phone %(phones)s") % {"phones": ", ".join(self.phones)})
        if self.aliases:
            said.append(_("the spelling %(names)s") % {"names": ", ".join(self.aliases)})
        if self.affiliation:
            org = data.organisation.label if data.organisation else ""
            where = [
                data.job_title,
                data.unit,
                org,
                str(data.office or ""),
                str(data.country or ""),
            ]
            said.append(
                _("a new affiliation (%(where)s)") % {"where": ", ".join(w for w in where if w)}
            )
        for name, value in self.fills.items():
            label = Person._meta.get_field(name).verbose_name
            said.append(_("%(field)s %(value)s") % {"field": label, "value": value})
        if self.tags:
            said.append(_("tags %(tags)s") % {"tags": ", ".join(self.tags)})
        if self.notes:
            said.append(_("notes"))
        return said


@dataclass
class RowPlan:
    data: RowData
    status: str = NEW
    action: str = CREATE
    candidates: list[Candidate] = field(default_factory=list)
    person_id: int | None = None  # the registry person the row updates
    same_as: int | None = None  # the earlier row with the same person
    target: Target | None = None
    decision: str = ""
    bad_decision: bool = False
    messages: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)

    @property
    def number(self) -> int:
        return self.data.number

    def choices(self) -> list[str]:
        """The decisions this row accepts."""
        if self.data.problems:
            return []
        if self.same_as or (self.status == MATCHED and not self.candidates):
            return [SKIP]
        if self.status in (MATCHED, DUPLICATE):
            return [*(f"{MERGE}{c.person_id}" for c in self.candidates), KEEP_SEPARATE, SKIP]
        return [SKIP]

    def report(self) -> dict[str, object]:
        return {
            "row": self.number,
            "name": self.data.display or self.data.typed,
            "status": self.status,
            "message": " ".join(self.messages),
            "problems": [{"column": c, "message": m} for c, m in self.data.problems],
            "candidates": [c.as_dict() for c in self.candidates],
            "person_id": self.person_id,
            "same_as_row": self.same_as,
            "action": self.action,
            "decision": self.decision,
            "choices": self.choices(),
        }


@dataclass
class Analysis:
    plans: list[RowPlan]
    new_organisations: list[OrgRef]
    counts: dict[str, int]

    @property
    def report(self) -> list[dict[str, object]]:
        return [plan.report() for plan in self.plans]

    @property
    def error_rows(self) -> list[int]:
        return [plan.number for plan in self.plans if plan.status == ERROR]


def analyse(
    table: Table, mapping: Mapping[str, str], decisions: Mapping[str, str] | None = None
) -> Analysis:
    """What every row of the file will do: read only; the dry run and the commit share it."""
    mapping = mapping_validate(table.headers, mapping)
    decisions = decisions or {}
    columns = column_indexes(table.headers, mapping)
    lookups, index = Lookups(), RegistryIndex()
    plans = [RowPlan(data=row_data(row, columns, lookups)) for row in table.rows]
    seen: dict[str, int] = {}  # normalised name -> the first row that imports that person
    by_number: dict[int, RowPlan] = {}
    for plan in plans:
        by_number[plan.number] = plan
        if plan.data.problems:
            plan.status, plan.action = ERROR, NOTHING
            plan.messages = [f"{column}: {message}" for column, message in plan.data.problems]
            continue
        _classify(plan, index, seen)
        _decide(plan, decisions.get(str(plan.number), ""))
        if plan.action == UPDATE and plan.same_as:
            plan.target = by_number[plan.same_as].target
        elif plan.action == UPDATE:
            plan.target = ("person", plan.person_id)
        elif plan.action == CREATE:
            plan.target = ("row", plan.number)
        if plan.target:
            seen.setdefault(plan.data.key, plan.number)
    _plan_changes(plans)
    acting = [p for p in plans if p.action in (CREATE, UPDATE)]
    used = {id(p.data.organisation) for p in acting if p.data.organisation}
    new_orgs = [ref for ref in lookups.new_organisations() if id(ref) in used]
    counts = {
        "rows": len(plans),
        **{status: sum(p.status == status for p in plans) for status in STATUS_LABELS},
        "skipped": sum(p.action == SKIP for p in plans),
        "organisations": len(new_orgs),
    }
    return Analysis(plans=plans, new_organisations=new_orgs, counts=counts)


def _classify(plan: RowPlan, index: RegistryIndex, seen: dict[str, int]) -> None:
    """New, matched (in the registry or an earlier row) or possible duplicate, with candidates."""
    data = plan.data
    if data.key in seen:
        plan.status, plan.action, plan.same_as = MATCHED, UPDATE, seen[data.key]
        plan.messages.append(_("Same person as row %(row)s.") % {"row": plan.same_as})
        return
    exact = index.exact(data.key)
    if len(exact) > 1:  # several people have the name: an e-mail address may say which
        exact = {pk for pk in exact if pk in index.owners(data.emails)} or exact
    others = _conflicts(index, data.emails, exact)
    if len(exact) == 1 and not others:
        (pk,) = exact
        plan.status, plan.action, plan.person_id = MATCHED, UPDATE, pk
        plan.candidates = [Candidate(pk, index.names[pk], 100.0, _("same name"))]
        plan.messages.append(
            _("Already in the registry as “%(name)s”.") % {"name": index.names[pk]}
        )
        return
    found = {c.person_id: c for c in index.near(data.key)}
    for pk in exact:
        found[pk] = Candidate(pk, index.names[pk], 100.0, _("same name"))
    for pk in others:
        score = found[pk].score if pk in found else round(similarity(data.key, index.key_of[pk]), 1)
        found[pk] = Candidate(pk, index.names[pk], score, _("same e-mail address"))
    if not found:
        plan.messages.append(_("New person."))
        return
    plan.status = DUPLICATE
    plan.candidates = sorted(found.values(), key=lambda c: (-c.score, c.name))
    if len(exact) > 1:
        plan.messages.append(
            _("%(count)s people in the registry have this name.") % {"count": len(exact)}
        )
    for pk in others:
        plan.messages.append(
            _("Its e-mail address belongs to “%(name)s”.") % {"name": index.names[pk]}
        )
    plan.messages.append(
        _("Possibly the same as: %(names)s.")
        % {"names": "; ".join(f"{c.name} ({c.score:g})" for c in plan.candidates)}
    )


def _conflicts(index: RegistryIndex, emails: list[str], named: set[int]) -> set[int]:
    """Other people who hold one of the row's e-mail addresses that none of the people of
    that name holds."""
    found: set[int] = set()
    for email in emails:
        owners = index.owners([email])
        if not owners & named:
            found |= owners
    return found


def _decide(plan: RowPlan, decision: str) -> None:
    """Apply the reviewer's choice. Without one, a possible duplicate becomes a new person
    (as the choice "keep separate" does, except that nobody said they are different people)."""
    if not decision:
        return
    if decision not in plan.choices():
        plan.status, plan.action, plan.bad_decision = ERROR, NOTHING, True
        plan.messages.append(
            _("The choice “%(choice)s” does not fit this row (any more); choose again.")
            % {"choice": decision}
        )
        return
    plan.decision = decision
    if decision == SKIP:
        plan.action = SKIP
        plan.messages.append(_("Skipped."))
    elif decision == KEEP_SEPARATE:
        plan.action, plan.person_id = CREATE, None
        plan.messages.append(_("Kept separate: a new person."))
    else:
        plan.action, plan.person_id = UPDATE, int(decision.removeprefix(MERGE))
        name = next(c.name for c in plan.candidates if c.person_id == plan.person_id)
        plan.messages.append(_("Merged into “%(name)s”.") % {"name": name})


def _plan_changes(plans: list[RowPlan]) -> None:
    """What each row adds to its person, given what the registry and the rows above hold."""
    states = _registry_states({p.target[1] for p in plans if p.target and p.target[0] == "person"})
    announced: set[int] = set()
    for plan in plans:
        if plan.action not in (CREATE, UPDATE) or plan.target is None:
            continue
        org = plan.data.organisation
        if org and org.found is None and id(org) not in announced:
            announced.add(id(org))
            plan.messages.append(_("Creates the organisation “%(name)s”.") % {"name": org.name})
        if plan.action == CREATE:
            states[plan.target] = _state_of_row(plan.data)
            plan.changes.affiliation = plan.data.has_affiliation
            continue
        plan.changes = _changes(states[plan.target], plan.data)
        said = plan.changes.describe(plan.data)
        plan.messages.append(
            (_("Adds %(changes)s.") % {"changes": "; ".join(said)}) if said else _("Nothing new.")
        )


def _registry_states(ids: set[int]) -> dict[Target, PersonState]:
    states: dict[Target, PersonState] = {}
    for person in Person.objects.filter(pk__in=ids).prefetch_related("tags"):
        states[("person", person.pk)] = PersonState(
            key=person.normalised,
            emails={e.lower() for e in person.emails},
            phones=set(person.phones),
            filled={f: getattr(person, f) for f in ("honorific", "sex", "language")},
            tags={t.name.casefold() for t in person.tags.all()},
            notes=person.notes,
        )
    for pk, key in PersonAlias.objects.filter(person__in=ids).values_list("person", "normalised"):
        states[("person", pk)].aliases.add(key)
    for pk, org, unit, job, office in Affiliation.objects.filter(person__in=ids).values_list(
        "person", "organisation", "unit", "job_title", "office"
    ):
        org_key = ("org", org) if org else None
        states[("person", pk)].affiliations.append(
            (org_key, unit.casefold(), job.casefold(), office)
        )
    return states


def _state_of_row(data: RowData) -> PersonState:
    return PersonState(
        key=data.key,
        emails={e.lower() for e in data.emails},
        phones=set(data.phones),
        aliases={normalise(a) for a in data.aliases},
        affiliations=[data.affiliation] if data.has_affiliation else [],
        filled={"honorific": data.honorific, "sex": data.sex, "language": data.language},
        tags={t.casefold() for t in data.tags},
        notes=data.notes,
    )


def _changes(state: PersonState, data: RowData) -> Changes:
    """What the row adds to the person, and the person's state updated with it."""
    changes = Changes()
    changes.emails = [e for e in data.emails if e.lower() not in state.emails]
    changes.phones = [p for p in data.phones if p not in state.phones]
    for name in (data.display, *data.aliases):
        key = normalise(name)
        if key and key != state.key and key not in state.aliases:
            changes.aliases.append(name)
            state.aliases.add(key)
    given = [i for i, value in enumerate(data.affiliation) if value]
    if given:
        changes.affiliation = not any(
            all(known[i] == data.affiliation[i] for i in given) for known in state.affiliations
        )
    else:
        changes.affiliation = data.has_affiliation and not state.affiliations
    if changes.affiliation:
        state.affiliations.append(data.affiliation)
    for name, value in (("honorific", data.honorific), ("sex", data.sex),
                        ("language", data.language)):  # fmt: skip
        if value and not state.filled.get(name):
            changes.fills[name] = state.filled[name] = value
    changes.tags = [t for t in data.tags if t.casefold() not in state.tags]
    state.tags |= {t.casefold() for t in changes.tags}
    if data.notes and data.notes not in state.notes:
        changes.notes = data.notes
        state.notes = f"{state.notes}\n{data.notes}".strip()
    state.emails |= {e.lower() for e in changes.emails}
    state.phones |= set(changes.phones)
    return changes
