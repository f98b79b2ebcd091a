"""The people and follow-up passes of an import: who each participant is (a registry person,
one chosen by the reviewer, one listed earlier in the file, or new; near matches to review),
and which interview each follow-up follows, in the file or in the log."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils.translation import gettext as _

from common.names import normalise_text
from evaluations.models import Evaluation
from interviews.importing.plan import (
    NEW_PERSON,
    USE_PERSON,
    Identity,
    NearMatch,
    Participant,
    Planned,
    ReaderState,
    day_label,
    when_label,
)
from interviews.models import Interview, Participation
from stakeholders.importing.matching import RegistryIndex
from stakeholders.models import Affiliation


class PeopleMatching(ReaderState):
    """The Reader's passes over the people of the plan and the follow-ups (see reader.py)."""

    # --- people ---

    def match_people(self) -> None:
        index = self.registry()
        seen: dict[str, tuple[Identity, int]] = {}
        for plan in self.plans:
            errors = len(self.errors)
            for participant in plan.participants:
                if participant.cell.is_group:
                    participant.identity = ("group", participant.key)
                elif plan.new:
                    self._match(participant, index, seen)
                else:
                    participant.identity = _quiet_match(participant, index, seen)
            self._listed_twice(plan)
            plan.bad = plan.bad or len(self.errors) > errors

    def _match(self, p: Participant, index: RegistryIndex, seen: dict) -> None:
        """Who a named participant is: a chosen, matched or earlier-listed person, or new."""
        decision, key = self.decisions.get(p.row, ""), p.key
        if decision.startswith(USE_PERSON):
            pk = _as_int(decision.removeprefix(USE_PERSON))
            if pk not in index.names:
                message = _("the chosen person (%(choice)s) is not in the registry (any more).")
                self._error(p.line, message % {"choice": decision})
                return
            p.identity, p.said = ("person", pk), _("chosen: %(who)s") % {"who": index.names[pk]}
        elif key in seen and decision != NEW_PERSON:
            p.identity = seen[key][0]
            p.said = _("same person as row %(row)s") % {"row": seen[key][1]}
            return
        else:
            exact = _narrowed(index.exact(key), p.department) if decision != NEW_PERSON else set()
            if len(exact) == 1:
                (pk,) = exact
                p.identity = ("person", pk)
                p.said = _("matched: %(who)s") % {"who": _label(pk, index.names[pk])}
            else:
                p.identity = ("new", key if key not in seen else f"{key}#{p.row}")
                p.said = _("new person")
                if decision != NEW_PERSON:
                    self._near(p, index, exact)
        seen.setdefault(key, (p.identity, p.row))

    def _near(self, p: Participant, index: RegistryIndex, exact: set[int]) -> None:
        if exact:
            found = [(pk, 100.0) for pk in sorted(exact)]
        else:
            found = [(c.person_id, c.score) for c in index.near(p.key)]
        if not found:
            return
        candidates = [(pk, _label(pk, index.names[pk]), round(score)) for pk, score in found]
        self.near.append(NearMatch(row=p.row, name=p.cell.display, candidates=candidates))
        listed = "; ".join(f"{label} ({score})" for _pk, label, score in candidates)
        if self.stop:
            message = _(
                "“%(name)s” may be someone already in the registry: %(people)s. Choose who it "
                "is (or that it is a new person) before importing."
            )
            self._error(p.line, message % {"name": p.cell.display, "people": listed})
        else:
            message = _(
                "“%(name)s” is close to people in the registry: %(people)s. A new person is "
                "created unless you choose one of them."
            )
            p.line.warnings.append(message % {"name": p.cell.display, "people": listed})

    def _listed_twice(self, plan: Planned) -> None:
        first: dict[Identity, int] = {}
        for p in plan.participants:
            if p.identity is None or p.identity[0] == "group":
                continue
            if p.identity in first:
                message = _("%(name)s is listed twice in interview %(n)s (rows %(a)s and %(b)s).")
                values = {"name": p.cell.display, "n": plan.number, "a": first[p.identity]}
                self._error(p.line, message % {**values, "b": p.row})
            first.setdefault(p.identity, p.row)

    # --- follow-ups ---

    def link_follow_ups(self) -> None:
        log = _LogIndex(self.evaluation, exclude={p.existing.pk for p in self.plans if p.existing})
        for plan in self.plans:
            if not plan.new or plan.undated:  # without a date, which came first is not known
                continue
            marked = next((p for p in plan.participants if p.cell.follow_up), None)
            if marked is not None:
                self._follow_up(plan, marked, log)
            else:
                self._likely_follow_ups(plan, log)

    def _follow_up(self, plan: Planned, marked: Participant, log: _LogIndex) -> None:
        """The marked participant's latest interview before this one, in the file or the log."""
        found: list[tuple[dt.date, int, Planned | Interview]] = []
        for other in self.plans:
            if (
                other is plan
                or other.bad
                or other.undated
                or not _takes_part(other, marked.identity)
            ):
                continue
            earlier = other.row < plan.row and other.date <= plan.date
            if earlier or other.date < plan.date:
                found.append((other.date, other.row if other.row < plan.row else -1, other))
        found += [
            (i.date, -2, i)
            for i in log.interviews(marked.identity)
            if i.date is not None and i.date <= plan.date
        ]
        if not found:
            message = _(
                "%(name)s is marked as interviewed again, but no earlier interview of theirs "
                "is in this file or the log: imported as a first interview."
            )
            plan.line.warnings.append(message % {"name": marked.cell.display})
            return
        target = max(found, key=lambda item: item[:2])[2]
        if isinstance(target, Planned):
            target = target.same_as or target
            plan.of_log, plan.of_plan = target.existing, None if target.existing else target
        else:
            plan.of_log = target

    def _likely_follow_ups(self, plan: Planned, log: _LogIndex) -> None:
        for p in plan.participants:
            if p.identity is None or p.identity[0] == "group":
                continue
            earlier = next(
                (o for o in self.plans if o.row < plan.row and not o.bad and not o.undated
                 and o.date != plan.date and _takes_part(o, p.identity)),
                None,
            )  # fmt: skip
            if earlier is not None:
                message = _(
                    "%(name)s was also interviewed on %(date)s (row %(row)s): likely a "
                    "follow-up of row %(row)s. Add (2nd) to the name to record it as one."
                )
                values = {
                    "name": p.cell.display,
                    "date": when_label(earlier.dates),
                    "row": earlier.row,
                }
                p.line.warnings.append(message % values)
                continue
            other = next(
                (i for i in log.interviews(p.identity) if i.date and i.date != plan.date), None
            )
            if other is not None:
                message = _(
                    "%(name)s was also interviewed on %(date)s (already in the log): likely a "
                    "follow-up. Add (2nd) to the name to record it as one."
                )
                p.line.warnings.append(
                    message % {"name": p.cell.display, "date": day_label(other.date)}
                )


def _label(person_id: int, name: str) -> str:
    """'Name — organisation' for a candidate, from their current affiliation."""
    affiliation = Affiliation.objects.filter(person_id=person_id, end__isnull=True).select_related(
        "organisation"
    )
    org = next((a.organisation.name for a in affiliation.order_by("-pk") if a.organisation), "")
    return f"{name} — {org}" if org else name


def _as_int(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


def _narrowed(people: set[int], department: str) -> set[int]:
    """Among several people of one name, those whose organisation or unit the row names."""
    if len(people) < 2 or not department:
        return people
    key = normalise_text(department)
    fitting = {
        pk
        for pk, org, unit in Affiliation.objects.filter(person__in=people).values_list(
            "person", "organisation__name", "unit"
        )
        if key and key in {normalise_text(org or ""), normalise_text(unit or "")}
    }
    return fitting if len(fitting) == 1 else people


def _quiet_match(p: Participant, index: RegistryIndex, seen: dict) -> Identity:
    """Who a participant of an interview imported before is, to link later rows to it."""
    if p.key in seen:
        return seen[p.key][0]
    exact = index.exact(p.key)
    identity: Identity = ("person", next(iter(exact))) if len(exact) == 1 else ("new", p.key)
    seen[p.key] = (identity, p.row)
    return identity


def _takes_part(plan: Planned, identity: Identity | None) -> bool:
    return identity is not None and any(p.identity == identity for p in plan.participants)


class _LogIndex:
    """The evaluation's interviews by person and by group label (those of this file left out)."""

    def __init__(self, evaluation: Evaluation, *, exclude: set[int]) -> None:
        self.by: dict[Identity, list[Interview]] = {}
        rows = (
            Participation.objects.filter(interview__evaluation=evaluation)
            .exclude(interview__in=exclude)
            .select_related("interview")
            .order_by(F("interview__date").asc(nulls_last=True), "interview__pk")
        )
        for participation in rows:
            if participation.person_id:
                identity: Identity = ("person", participation.person_id)
            else:
                identity = ("group", f"group:{normalise_text(participation.group_label)}")
            self.by.setdefault(identity, []).append(participation.interview)

    def interviews(self, identity: Identity | None) -> list[Interview]:
        return self.by.get(identity, []) if identity else []
