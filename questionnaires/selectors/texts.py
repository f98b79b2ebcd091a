"""The words an instrument leaves to each distribution: the placeholders its texts may hold
({deadline}, {team_names}, {lead_name}, {lead_email}, {contact}, besides the recipient's own
attributes such as {country}), their values, and what is still wrong in the texts before
sending — a placeholder nothing fills, a blank left as printed ("<external evaluator name>"),
a fixed date already past ("Friday 23 May 2008")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.moments import in_zone
from evaluations.models import Membership
from questionnaires.instrument_format.vocabulary import STANDARD_ATTRIBUTES
from questionnaires.message_texts import deadline_text
from questionnaires.models import Distribution, InstrumentVersion, Invitation
from questionnaires.presentation import PLACEHOLDER_RE
from questionnaires.selectors.instruments import version_content
from questionnaires.selectors.tracking import attribute_text

# The distribution's own placeholders, as the instrument file's README lists them.
PLACEHOLDERS = {
    "deadline": gettext_lazy("the distribution's deadline, in its time zone"),
    "team_names": gettext_lazy("the evaluation team: names and roles"),
    "lead_name": gettext_lazy("the lead evaluator's name"),
    "lead_email": gettext_lazy("the lead evaluator's e-mail address"),
    "contact": gettext_lazy("the reply-to address of the distribution, else the lead's"),
}
TEAM_ROLES = (Membership.Role.LEAD, Membership.Role.EVALUATOR, Membership.Role.DATA_ENTRY)
# A blank printed for the sender to fill: "<external evaluator name>" (words, not markup).
BLANK_RE = re.compile(r"<([A-Za-z][^<>\n]{0,60}\s[^<>\n]{0,60})>")
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH = r"(" + "|".join(MONTHS) + r"|" + "|".join(m[:3] for m in MONTHS) + r")\.?"
DATE_PATTERNS = (
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+(\d{{4}})\b", re.I), "dmy"),
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I), "mdy"),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "iso"),
    (re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b"), "dotted"),
)


def _and(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def distribution_variables(distribution: Distribution) -> dict[str, str]:
    """The values of the distribution's placeholders, as respondents read them."""
    members = list(
        Membership.objects.filter(evaluation_id=distribution.evaluation_id, role__in=TEAM_ROLES)
        .select_related("user")
        .order_by("pk")
    )
    members.sort(key=lambda m: TEAM_ROLES.index(m.role))
    lead = next((m.user for m in members if m.role == Membership.Role.LEAD), None)
    team = [f"{m.user.display_name} ({m.get_role_display().lower()})" for m in members]
    lead_email = lead.email if lead else ""
    values = {
        "deadline": deadline_text(distribution),
        "team_names": _and(team),
        "lead_name": lead.display_name if lead else "",
        "lead_email": lead_email,
        "contact": distribution.reply_to or lead_email,
    }
    return {key: value for key, value in values.items() if value}


def respondent_values(invitation: Invitation) -> dict[str, object]:
    """What fills a recipient's form: their attributes ({country}) and the distribution's
    placeholders ({deadline}, {team_names} …)."""
    return {**invitation.attributes, **distribution_variables(invitation.distribution)}


@dataclass(frozen=True)
class TextProblem:
    where: str  # "Introduction", "Question A3", "Deadline as printed"
    problem: str  # what is wrong, quoting the text


def _texts(version: InstrumentVersion) -> Iterator[tuple[str, dict]]:
    """(where, {language: text}) for every text a respondent reads."""
    yield _("Title"), version.title
    yield _("Subtitle"), version.subtitle
    yield _("Introduction"), version.introduction
    yield _("Deadline as printed"), version.deadline_text
    yield _("Confidentiality"), version.confidentiality_text
    yield _("Closing"), version.closing
    yield _("Privacy notice"), (version.consent or {}).get("notice") or {}
    yield _("Consent checkbox"), (version.consent or {}).get("checkbox") or {}
    for section in version.sections.all():
        where = _("Section %(key)s") % {"key": section.key}
        yield where, section.title
        yield where, section.introduction
    for q in version.questions.all():
        where = _("Question %(key)s") % {"key": q.key}
        for value in (q.text, q.help_text, *(n["text"] for n in q.notes)):
            yield where, value
        for choice in q.choices.all():
            yield where, choice.label


def _past_dates(text: str, today: dt.date) -> Iterator[str]:
    for pattern, order in DATE_PATTERNS:
        for found in pattern.finditer(text):
            parts = found.groups()
            try:
                if order == "dmy":
                    day = dt.date(int(parts[2]), _month(parts[1]), int(parts[0]))
                elif order == "mdy":
                    day = dt.date(int(parts[2]), _month(parts[0]), int(parts[1]))
                elif order == "iso":
                    day = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
                else:
                    day = dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
            except ValueError:
                continue
            if day < today:
                yield found.group(0)


def _month(name: str) -> int:
    return [m[:3] for m in MONTHS].index(name[:3].lower()) + 1


def text_problems(distribution: Distribution, now: dt.datetime | None = None) -> list[TextProblem]:
    """What respondents would read wrong in the distribution's questionnaire: placeholders
    that nothing fills (for some recipients, or for all), blanks left as printed, fixed dates
    already past. Empty when the texts are ready to send."""
    version = version_content(distribution.version)
    today = in_zone(now or timezone.now(), distribution).date()
    filled = set(distribution_variables(distribution))
    attributes = set(STANDARD_ATTRIBUTES) | set(version.attributes)
    problems: list[TextProblem] = []
    seen: set[tuple[str, str]] = set()

    def add(where: str, problem: str) -> None:
        if (where, problem) not in seen:
            seen.add((where, problem))
            problems.append(TextProblem(where, problem))

    for where, value in _texts(version):
        for text in (value or {}).values():
            for name in PLACEHOLDER_RE.findall(text):
                if name in attributes:
                    missing = _recipients_without(distribution, name)
                    if missing:
                        add(
                            where,
                            _(
                                "{%(name)s} has no value for %(n)d recipient(s): they "
                                "would read “{%(name)s}”."
                            )
                            % {"name": name, "n": missing},
                        )
                elif name not in filled:
                    add(where, _("{%(name)s} is filled by nothing: respondents would read "
                                 "“{%(name)s}”.") % {"name": name})  # fmt: skip
            for blank in BLANK_RE.findall(text):
                add(where, _("A blank left as printed: “<%(blank)s>”.") % {"blank": blank})
            for date in _past_dates(text, today):
                add(where, _("A date already past: “%(date)s”.") % {"date": date})
    if version.deadline_date and version.deadline_date < today:
        add(_("Deadline as printed"), _("The instrument's own deadline, %(date)s, has passed.")
            % {"date": version.deadline_date.isoformat()})  # fmt: skip
    return problems


def _recipients_without(distribution: Distribution, name: str) -> int:
    """How many recipients have no value for the attribute `name`."""
    return (
        Invitation.objects.filter(distribution=distribution)
        .annotate(value=attribute_text(name))
        .filter(Q(value__isnull=True) | Q(value=""))
        .count()
    )
