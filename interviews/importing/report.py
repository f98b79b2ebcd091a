"""The report of an import: what every row of the file became, with its warnings, and the
counts; the dry run shows it, and the import returns it."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.names import fold
from evaluations.models import Membership
from interviews.cells import initials_key
from interviews.importing.plan import (
    COUNT_KEYS,
    Identity,
    InterviewImport,
    Participant,
    Planned,
    ReaderState,
    about_text,
    day_label,
    plan_when,
    when_label,
)
from interviews.models import Interview, ReportingCategory


class Report(ReaderState):
    """The Reader's last pass: the dry-run lines and the counts (see reader.py)."""

    # --- the report ---

    def describe(self) -> None:
        team = {
            initials_key(i)
            for i in Membership.objects.filter(evaluation=self.evaluation).values_list(
                "initials", flat=True
            )
            if i
        }
        categories = {
            fold(name)
            for name in ReportingCategory.objects.filter(evaluation=self.evaluation).values_list(
                "name", flat=True
            )
        }
        warned: set[str] = set()
        for plan in self.plans:
            if plan.bad:
                self._describe_refused(plan)
                continue
            self._describe(plan, categories)
            if plan.new and not plan.undated:
                self._warn_outside_collection(plan)
            for initials in plan.interviewers:
                key = initials_key(initials)
                if plan.new and key not in team and key not in warned:
                    warned.add(key)
                    message = _("No team member has the initials “%(initials)s”: kept as written.")
                    plan.line.warnings.append(message % {"initials": initials})

    def _warn_outside_collection(self, plan: Planned) -> None:
        """A date outside the evaluation's data-collection period is likely a typo or an
        interview of another evaluation: imported as written, but said."""
        start, end = self.evaluation.collection_start, self.evaluation.collection_end
        first, last = plan.dates
        if (start and first < start) or (end and last > end):
            period = " – ".join(day_label(day) if day else "…" for day in (start, end))
            message = _(
                "Dated %(when)s, outside the evaluation's data collection (%(period)s): "
                "check the date."
            )
            plan.line.warnings.append(message % {"when": when_label(plan.dates), "period": period})

    def _describe_refused(self, plan: Planned) -> None:
        for line in [plan.line, *(p.line for p in plan.participants)]:
            if not line.text:
                line.text = _(
                    "Row %(row)s: interview %(n)s — not imported: see the errors of its rows"
                ) % {"row": line.row, "n": plan.number}

    def _describe(self, plan: Planned, categories: set[str]) -> None:
        head = _("Row %(row)s: interview %(n)s — ") % {"row": plan.row, "n": plan.number}
        first, *others = plan.participants
        if plan.same_as is not None:
            plan.line.text = head + _(
                "the same interview as row %(row)s (same names, date and interviewers): "
                "imported once"
            ) % {"row": plan.same_as.row}
        elif plan.existing is not None:
            plan.line.text = head + _("already imported (%(who)s; %(when)s)") % {
                "who": first.cell.display,
                "when": plan_when(plan),
            }
        else:
            parts = [_participant_text(first), plan_when(plan), plan.grouping]
            if plan.interviewers:
                parts.append(_("by %(who)s") % {"who": ", ".join(plan.interviewers)})
            if plan.mode != Interview.Mode.IN_PERSON:
                parts.append(str(Interview.Mode(plan.mode).label))
            if plan.country and plan.country.name != plan.grouping:
                parts.append(plan.country.name)
            if plan.category:
                new = fold(plan.category) not in categories
                categories.add(fold(plan.category))
                text = _("category “%(name)s”") % {"name": plan.category}
                parts.append(text + (_(" (new)") if new else ""))
            if about := about_text(plan):
                parts.append(_("about “%(about)s”") % {"about": about})
            parts.append(_follow_up_text(plan))
            plan.line.text = head + "; ".join(part for part in parts if part)
        for p in others:
            who = (
                _participant_text(p) if plan.new else f"{p.cell.display} ({_('already imported')})"
            )
            p.line.text = _("Row %(row)s: interview %(n)s — co-participant %(who)s") % {
                "row": p.row,
                "n": plan.number,
                "who": who,
            }

    def result(self) -> InterviewImport:
        counts = dict.fromkeys(COUNT_KEYS, 0)
        new_people: set[Identity] = set()
        matched: set[Identity] = set()
        for plan in self.plans:
            if plan.existing is not None:
                counts["already_imported"] += 1
            if not plan.new:
                continue
            counts["interviews"] += 1
            counts["follow_ups"] += bool(plan.of_plan or plan.of_log)
            for p in plan.participants:
                counts["participants"] += 1
                counts["groups"] += p.cell.is_group
                if p.identity and p.identity[0] == "new":
                    new_people.add(p.identity)
                elif p.identity and p.identity[0] == "person":
                    matched.add(p.identity)
        counts["people_new"], counts["people_matched"] = len(new_people), len(matched)
        unique = [plan for plan in self.plans if not plan.bad and plan.same_as is None]
        return InterviewImport(
            lines=self.lines,
            errors=self.errors,
            near_matches=self.near,
            counts=counts,
            already_imported=not self.errors
            and bool(unique)
            and all(plan.existing for plan in unique),
        )


def _participant_text(p: Participant) -> str:
    if p.cell.is_group:
        size = (
            ngettext("%(n)s person", "%(n)s people", p.cell.headcount) % {"n": p.cell.headcount}
            if p.cell.headcount
            else _("size unknown")
        )
        text = _("group “%(name)s”, %(size)s") % {"name": p.cell.display, "size": size}
    else:
        text = f"{p.cell.display} ({p.said})"
    return f"{text}, {p.department}" if p.department else text


def _follow_up_text(plan: Planned) -> str:
    if plan.of_plan is not None:
        return _("follow-up of interview %(n)s (row %(row)s)") % {
            "n": plan.of_plan.number,
            "row": plan.of_plan.row,
        }
    if plan.of_log is not None:
        return _("follow-up of the interview of %(date)s") % {"date": day_label(plan.of_log.date)}
    return ""
