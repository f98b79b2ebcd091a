"""Response tracking of a distribution: counts by status, response rates by a recipient
attribute, and the roll-up per country ("all responded except Country C").

Everything is counted in the database (one GROUP BY per table). An invitation has responded
when it is submitted or returned, whatever the channel: online, or keyed in by the team from
an e-mail, a phone interview or paper. The denominator ("invited") is every invitation except
those the team excluded or whose link it revoked; people who declined stay in it. Visitors of
the open link were never invited: they are in no denominator (selectors.open_links counts them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from common.attributes import attribute_label
from common.errors import ValidationProblem
from common.json_fields import json_object_keys
from common.moments import in_zone, zone_name
from common.spreadsheets import safe_cell
from evaluations.permissions import Action, actions_for
from questionnaires.instrument_format.vocabulary import STANDARD_ATTRIBUTES
from questionnaires.models import Distribution, Invitation, Response
from questionnaires.selectors.responses import day_of, day_only

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

Status = Invitation.Status
PLANNED_CHANNEL = "channel"
DEFAULT_BREAKDOWN = "region"
TEAM_CHANNELS = (Response.Channel.EMAIL, Response.Channel.PHONE, Response.Channel.PAPER)

PLANNED_CHANNEL_LABEL = gettext_lazy("Planned channel")


def breakdown_name(key: str) -> str:
    """What a breakdown key is called: an attribute's one label, or the planned channel."""
    return str(PLANNED_CHANNEL_LABEL) if key == PLANNED_CHANNEL else attribute_label(key)


# In tracking, "submitted" is the respondent's own online submission; the team's entries are
# "returned", whichever of the two statuses the invitation row carries.
STATUS_LABELS = {
    **dict(Status.choices),
    Status.SUBMITTED: gettext_lazy("Submitted online"),
    Status.RETURNED: gettext_lazy("Returned (entered by the team)"),
}

PERSONAL = ~Q(channel=Invitation.Channel.OPEN)  # invited by name, not through the open link
INVITED = ~Q(status__in=[Status.EXCLUDED, Status.REVOKED])
RESPONDED = Q(status__in=[Status.SUBMITTED, Status.RETURNED])
# Team entry may leave the invitation "submitted": its response's channel tells.
RETURNED = Q(status=Status.RETURNED) | Q(
    status=Status.SUBMITTED, response__channel__in=TEAM_CHANNELS
)
# An anonymous response is cut from its invitation, so its channel is unknown: counted online.
ONLINE = Q(status=Status.SUBMITTED) & (
    Q(response__isnull=True) | Q(response__channel=Response.Channel.WEB)
)
TRACKING_STATUS = Case(
    When(RETURNED, then=Value(Status.RETURNED.value)),
    default=F("status"),
    output_field=CharField(),
)
STATUS_FILTERS: dict[str, Q] = {Status.SUBMITTED: ONLINE, Status.RETURNED: RETURNED}


def not_recorded() -> str:
    return _("(not recorded)")


# --- who sees what -----------------------------------------------------------------------------


def may_see_names(user: User | AnonymousUser, distribution: Distribution) -> bool:
    """Recipients' names are for those who manage respondents or read responses."""
    allowed = actions_for(user, distribution.evaluation)
    return Action.MANAGE_RESPONDENTS in allowed or Action.VIEW_RESPONSES in allowed


# --- counts by status --------------------------------------------------------------------------


def status_counts(distribution: Distribution) -> dict[str, int]:
    """How many invitations are in each status, every status present (zero included)."""
    return Invitation.objects.filter(PERSONAL, distribution=distribution).aggregate(
        **{
            status: Count("pk", filter=STATUS_FILTERS.get(status, Q(status=status)))
            for status in Status.values
        }
    )


def channel_counts(distribution: Distribution) -> dict[str, int]:
    """Submitted responses by the channel they came through (web, e-mail, phone, paper);
    counted from the responses, so anonymous ones count too."""
    counted = dict(
        Response.objects.filter(distribution=distribution, status=Response.Status.SUBMITTED)
        .order_by()
        .values_list("channel")
        .annotate(n=Count("pk"))
    )
    return {channel: counted.get(channel, 0) for channel in Response.Channel.values}


# --- rates by attribute ------------------------------------------------------------------------


@dataclass(frozen=True)
class RateRow:
    """One line of the response-rate table; `value` is "" where nothing was recorded. The
    respondents' counts are None where a report suppresses them (reports.selectors.rates)."""

    value: str
    label: str
    invited: int = 0
    excluded: int = 0
    declined: int | None = 0
    opened: int | None = 0
    started: int | None = 0
    submitted_online: int | None = 0
    returned: int | None = 0
    responded: int | None = 0
    is_total: bool = field(default=False, kw_only=True)

    @classmethod
    def of(
        cls, value: str, label: str, counts: Mapping[str, int], *, is_total: bool = False
    ) -> RateRow:
        """A row from its counts by name (every one of COUNTED)."""
        return cls(value, label, *(counts[name] for name in COUNTED), is_total=is_total)

    @property
    def rate(self) -> float | None:
        """Responded / invited, None when nobody is invited."""
        if not self.invited or self.responded is None:  # nobody invited, or suppressed
            return None
        return self.responded / self.invited

    @property
    def percent(self) -> float | None:
        return None if self.rate is None else round(self.rate * 100, 1)


# The counted columns, in the table's order.
COUNTED = tuple(f.name for f in fields(RateRow) if f.name not in ("value", "label", "is_total"))


def _row_counts() -> dict[str, Count]:
    return {
        "invited": Count("pk", filter=INVITED),
        "excluded": Count("pk", filter=Q(status=Status.EXCLUDED)),
        "declined": Count("pk", filter=Q(status=Status.DECLINED)),
        "opened": Count("pk", filter=Q(status=Status.OPENED)),
        "started": Count("pk", filter=Q(status=Status.STARTED)),
        "submitted_online": Count("pk", filter=ONLINE),
        "returned": Count("pk", filter=RETURNED),
        "responded": Count("pk", filter=RESPONDED),
    }


def attribute_text(key: str, field: str = "attributes") -> Coalesce:
    """The snapshot value under `key` (of the JSON `field`) as text, "" when missing or null."""
    return Coalesce(KeyTextTransform(key, field), Value(""), output_field=CharField())


def _merged(
    groups: Iterable[Mapping[str, Any]], key: str, names: Sequence[str]
) -> list[tuple[str, dict[str, int]]]:
    """Grouped counts keyed by their value as trimmed text ("5" and 5 in JSON are one value),
    sorted by it, the blank value last."""
    merged: dict[str, dict[str, int]] = {}
    for group in groups:
        totals = merged.setdefault(bucket_text(group[key]), dict.fromkeys(names, 0))
        for name in names:
            totals[name] += group[name]
    return sorted(merged.items(), key=lambda item: group_order(item[0]))


def bucket_text(value: object) -> str:
    """A snapshot value as the trimmed text it is grouped by ("5" and 5 in JSON are one)."""
    return "" if value is None else str(value).strip()


def group_order(value: str) -> tuple[bool, str]:
    """Values sorted by text, the blank one ("(not recorded)") last."""
    return value == "", value.casefold()


def attribute_keys(distribution: Distribution) -> list[str]:
    """Keys present in the recipients' snapshots: the standard ones first, then the others."""
    return standard_first(json_object_keys(Invitation, "attributes", distribution=distribution.pk))


def standard_first(keys: set[str]) -> list[str]:
    """Attribute keys, the standard ones first in their order, then the others by name."""
    standard = [key for key in STANDARD_ATTRIBUTES if key in keys]
    return standard + sorted(keys - set(STANDARD_ATTRIBUTES), key=str.casefold)


def breakdown_choices(distribution: Distribution) -> list[tuple[str, str]]:
    """What the rates can be broken down by: the standard attributes, any other key in the
    snapshots, and the planned channel; as (key, label)."""
    extra = [k for k in attribute_keys(distribution) if k not in STANDARD_ATTRIBUTES]
    keys = [*STANDARD_ATTRIBUTES, *(k for k in extra if k != PLANNED_CHANNEL), PLANNED_CHANNEL]
    return [(key, breakdown_name(key)) for key in keys]


def breakdown_check(distribution: Distribution, by: str) -> list[tuple[str, str]]:
    """The choices, or a ValidationProblem naming the unknown key and the known ones."""
    choices = breakdown_choices(distribution)
    if by not in dict(choices):
        known = ", ".join(key for key, _label in choices)
        message = _(
            "“%(by)s” is not recorded for the recipients of this distribution. "
            "Break the rates down by one of: %(known)s."
        ) % {"by": by, "known": known}
        raise ValidationProblem(message, errors={"by": [message]})
    return choices


def response_rates(distribution: Distribution, by: str) -> list[RateRow]:
    """The response-rate table by a snapshot attribute (or "channel", the planned channel),
    a row per value ("(not recorded)" last), then the Total row."""
    breakdown_check(distribution, by)
    group = F("channel") if by == PLANNED_CHANNEL else attribute_text(by)
    grouped = (
        Invitation.objects.filter(PERSONAL, distribution=distribution)
        .annotate(bucket=group)
        .order_by()
        .values("bucket")
        .annotate(**_row_counts())
    )
    labels = dict(Invitation.Channel.choices) if by == PLANNED_CHANNEL else {}
    rows = [
        RateRow.of(value, str(labels.get(value, value)) or not_recorded(), counts)
        for value, counts in _merged(grouped, "bucket", COUNTED)
    ]
    total = {name: sum(getattr(row, name) for row in rows) for name in COUNTED}
    return [*rows, RateRow.of("", _("Total"), total, is_total=True)]


# --- per country -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountryRow:
    country: str
    label: str
    recipients: int
    responded_recipients: int | None  # None where a report suppresses it (never a zero)
    non_responders: list[str] | None  # None where the user may not see names

    @property
    def responded(self) -> bool:
        """A country has responded when at least one of its recipients has (a suppressed
        count is never zero: zeros are shown). Recipients without a country are no country:
        never one that responded."""
        if not self.country:
            return False
        return self.responded_recipients is None or self.responded_recipients > 0


@dataclass(frozen=True)
class CountryRollup:
    rows: list[CountryRow]
    summary: str
    names_shown: bool


def country_rollup(distribution: Distribution, *, user: User | AnonymousUser) -> CountryRollup:
    """Per country: recipients, how many responded, who did not (names only for those who may
    see them), and the sentence for the report."""
    invited = Invitation.objects.filter(INVITED, PERSONAL, distribution=distribution).annotate(
        country_value=attribute_text("country")
    )
    counts = (
        invited.order_by()
        .values("country_value")
        .annotate(recipients=Count("pk"), responded=Count("pk", filter=RESPONDED))
    )
    names_shown = may_see_names(user, distribution)
    missing: dict[str, list[str]] = {}
    if names_shown:
        for country, name in (
            invited.exclude(RESPONDED)
            .order_by("country_value", "name")
            .values_list("country_value", "name")
        ):
            missing.setdefault(str(country or "").strip(), []).append(name)
    rows = [
        CountryRow(
            country=country,
            label=country or not_recorded(),
            recipients=totals["recipients"],
            responded_recipients=totals["responded"],
            non_responders=missing.get(country, []) if names_shown else None,
        )
        for country, totals in _merged(counts, "country_value", ("recipients", "responded"))
    ]
    return CountryRollup(rows=rows, summary=rollup_summary(rows), names_shown=names_shown)


def _and_list(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def rollup_summary(rows: list[CountryRow], *, with_total: bool = True) -> str:
    """The sentence beside the table, from its own numbers: how many of the recipients
    responded (where the Total may be shown), then the countries without a response. Those
    without a recorded country are never a country, responded or not.

    "2 of 5 recipients responded. No response yet from Country C (D. Demo, E. Fictional)."
    """
    if not rows:
        return _("Nobody has been invited yet.")
    recipients = sum(row.recipients for row in rows)
    responded = sum(row.responded_recipients or 0 for row in rows)
    everyone = all(row.responded_recipients == row.recipients for row in rows)
    sentences = []
    if with_total:
        sentences.append(
            ngettext("The only recipient responded.", "All %(n)d recipients responded.", recipients)
            % {"n": recipients}
            if everyone
            else ngettext(
                "%(responded)d of %(n)d recipient responded.",
                "%(responded)d of %(n)d recipients responded.",
                recipients,
            )
            % {"responded": responded, "n": recipients}
        )
    if not everyone:
        sentences.extend(_countries_waiting(rows, with_total=with_total))
    return " ".join(sentences)


def _named(label: str, names: list[str] | None) -> str:
    return f"{label} ({', '.join(names)})" if names else label


def _countries_waiting(rows: list[CountryRow], *, with_total: bool) -> list[str]:
    countries = [row for row in rows if row.country]
    silent = [row for row in countries if not row.responded]
    sentences = []
    if countries and len(silent) == len(countries):
        sentences.append(_("No country has responded yet."))
    elif silent:
        parts = [_named(row.country, row.non_responders) for row in silent]
        sentences.append(_("No response yet from %(countries)s.") % {"countries": _and_list(parts)})
    elif countries:
        sentences.append(_("Every country has at least one response."))
    unplaced = next((row for row in rows if not row.country), None)
    waiting = unplaced.recipients - (unplaced.responded_recipients or 0) if unplaced else 0
    if unplaced is not None and waiting:
        # Counted only where the Total is shown: in a view that hides it, this count and the
        # recipients would give back a suppressed number of respondents.
        sentence = (
            ngettext(
                "%(n)d recipient without a recorded country has not responded",
                "%(n)d recipients without a recorded country have not responded",
                waiting,
            )
            % {"n": waiting}
            if with_total
            else _("Some recipients without a recorded country have not responded")
        )
        sentences.append(_named(sentence, unplaced.non_responders) + ".")
    return sentences


# --- one line per invitation -------------------------------------------------------------------


INVITATION_COLUMNS = (
    "name",
    "country",
    "region",
    "stakeholder_group",
    "channel",
    "tracking_status",
    "replied_by",
    "sent_at",
    "opened_at",
    "submitted_at",
    "reminders_sent",
)


def invitation_rows(
    distribution: Distribution, *, user: User | AnonymousUser
) -> QuerySet[Invitation, dict]:
    """Each recipient with their status and dates, by country then name; names are shown to
    those who may see them only (PermissionDenied otherwise)."""
    if not may_see_names(user, distribution):
        raise PermissionDenied(_("Your role does not include the recipients' names."))
    return (
        Invitation.objects.filter(distribution=distribution)
        .annotate(
            country=attribute_text("country"),
            region=attribute_text("region"),
            stakeholder_group=attribute_text("stakeholder_group"),
            tracking_status=TRACKING_STATUS,
            replied_by=Case(
                When(RESPONDED, then=F("response__channel")),
                default=Value(""),
                output_field=CharField(),
            ),
        )
        .order_by("country", "name", "pk")
        .values(*INVITATION_COLUMNS)
    )


def local_time(value: dt.datetime | None, distribution: Distribution) -> str:
    """A timestamp in the distribution's time zone, to the minute; "" for none."""
    if value is None:
        return ""
    return in_zone(value, distribution).strftime("%Y-%m-%d %H:%M")


# --- CSV ---------------------------------------------------------------------------------------


def rate_cells(row: RateRow) -> list[object]:
    percent = "" if row.percent is None else f"{row.percent:.1f}%"
    return [row.label, *(getattr(row, name) for name in COUNTED), percent]


RATE_HEADER = ("value", *COUNTED, "rate")


def invitation_header() -> list[str]:
    """The recipients' columns as the pages name them."""
    people = [attribute_label(key) for key in ("name", "country", "region", "stakeholder_group")]
    return [
        *people,
        str(PLANNED_CHANNEL_LABEL),
        _("Status"),
        _("Replied by"),
        _("Sent at"),
        _("Opened at"),
        _("Submitted at"),
        _("Reminders sent"),
    ]


def csv_rows(
    distribution: Distribution, *, by: str, user: User | AnonymousUser
) -> Iterator[list[object]]:
    """The rates table, then (for those who may see names) one line per recipient."""
    yield [breakdown_name(by), *RATE_HEADER[1:]]
    for row in response_rates(distribution, by):
        yield [safe_cell(cell) for cell in rate_cells(row)]
    if not may_see_names(user, distribution):
        return
    channels = dict(Invitation.Channel.choices)
    replies = dict(Response.Channel.choices)
    day = day_only(distribution)  # anonymous: the respondent's own times as a day only

    def when(value: dt.datetime | None) -> str:
        return str(day_of(value) or "") if day else local_time(value, distribution)

    yield []
    zone = zone_name(distribution)  # the times' zone, named once in their headers
    times = {_("Sent at"), _("Opened at"), _("Submitted at")}
    yield [f"{name} ({zone})" if name in times else name for name in invitation_header()]
    for line in invitation_rows(distribution, user=user).iterator(chunk_size=1000):
        cells = [
            line["name"],
            line["country"],
            line["region"],
            line["stakeholder_group"],
            str(channels.get(line["channel"], line["channel"])),
            str(STATUS_LABELS.get(line["tracking_status"], line["tracking_status"])),
            str(replies.get(line["replied_by"], line["replied_by"] or "")),
            local_time(line["sent_at"], distribution),
            when(line["opened_at"]),
            when(line["submitted_at"]),
            line["reminders_sent"],
        ]
        yield [safe_cell(cell) for cell in cells]
