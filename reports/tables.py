"""The computed tables, as plain values: what selectors return and what pages, the API, CSV
and the workbook render. No queries here; every number is already computed.

A value that is suppressed (small cell) is None, never 0: a renderer shows it as "suppressed"
(the page: "–" with a note; CSV and the workbook: the text "<n" where n is the threshold)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from questionnaires.models import Response
from questionnaires.selectors.tracking import COUNTED

if TYPE_CHECKING:
    import datetime as dt

    from questionnaires.selectors.tracking import CountryRollup, RateRow

SUPPRESSED = None  # how a suppressed count or percent is carried


# --- who sees what -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportAccess:
    """What one user may see of an evaluation's reports (reports.selectors.access)."""

    role: str | None
    suppressed: bool  # small cells are suppressed in what this user sees
    threshold: int  # the evaluation's small-cell threshold
    names: bool  # names of people interviewed and of non-responders
    raw_answers: bool  # raw responses and open answers (those the user may read, per response)
    can_unsuppress: bool  # a lead member: may ask for the unsuppressed view


# --- the overview of interviews ----------------------------------------------------------------


@dataclass(frozen=True)
class OverviewCell:
    """One number of the overview: computed from the log, with what a report printed and a
    member's override (with the reason) when the layout holds them."""

    computed: int
    at_least: bool = False  # a group of unknown size is in it: shown "≥ computed"
    printed: int | None = None
    override: int | None = None
    override_reason: str = ""
    override_by: str = ""

    @property
    def shown(self) -> int:
        """What the table shows: the override when there is one, else the computed number."""
        return self.computed if self.override is None else self.override

    @property
    def difference(self) -> int | None:
        """Computed minus printed; None when nothing was printed."""
        return None if self.printed is None else self.computed - self.printed

    @property
    def text(self) -> str:
        """ "12", or "≥ 12" when a group of unknown size is in it (and not overridden)."""
        if self.at_least and self.override is None:
            return f"≥ {self.shown}"
        return str(self.shown)


@dataclass(frozen=True)
class OverviewRow:
    label: str
    category_id: int | None  # None for "(no category)" and for the Total row
    interviews: OverviewCell
    participants: OverviewCell
    # Optional columns by key, in OverviewTable.columns order: "group_interviews",
    # "follow_ups", "mode:<mode>", "sex:<F|M|X|>".
    extra: dict[str, int] = field(default_factory=dict)
    is_total: bool = False


@dataclass(frozen=True)
class ExcludedInterview:
    interview_id: int
    date: dt.date | None  # None: date unknown
    label: str  # what the log calls it: grouping / first participant
    reason: str


@dataclass(frozen=True)
class RuleLine:
    order: int
    text: str  # "a participant's stakeholder group is Government → Governments"
    matched: int  # interviews this rule decided (first match)


@dataclass(frozen=True)
class OverviewTable:
    evaluation_id: int
    layout_name: str  # "" for the default (no saved layout)
    title: str
    columns: list[tuple[str, str]]  # the optional columns (key, label), after the two main ones
    rows: list[OverviewRow]  # the categories in order, "(no category)" last when any
    total: OverviewRow  # distinct people over the whole table
    footnotes: list[str]
    rules: list[RuleLine]
    by_hand: int  # interviews whose category a member set by hand
    excluded: list[ExcludedInterview]
    has_printed: bool  # the layout holds printed numbers: show computed / printed / difference


# --- the annex ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnnexLine:
    name: str  # the person's name, a group label with its size, or (withheld) function only
    department: str  # unit / organisation / job title as recorded on the day
    date: str  # "12.3.2026" or "8.4.2026–10.4.2026"
    interviewers: str  # "LE & ES"


@dataclass(frozen=True)
class AnnexGroup:
    heading: str
    lines: list[AnnexLine]


@dataclass(frozen=True)
class Annex:
    by: str  # "grouping" or "category"
    names_withheld: bool
    groups: list[AnnexGroup]


# --- Likert summaries --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleColumn:
    code: str
    label: str
    value: int | None  # the code's number (4 … 1); None outside the scale
    in_scale: bool


@dataclass(frozen=True)
class LikertCount:
    count: int | None  # None: suppressed
    percent: float | None  # of n (in-scale points) or, outside the scale, of all answers


@dataclass(frozen=True)
class LikertRow:
    """One item, overall or for one value of the breakdown."""

    question_key: str
    question_label: str  # as printed: "1)", "(a)"
    question_text: str
    group: str  # the breakdown value; "" in the overall table
    group_label: str  # "(not recorded)" for a blank value, "All respondents" overall
    n: int | None  # answers on the scale (None: suppressed)
    points: list[LikertCount]  # one per in-scale point, in the scale's order
    outside: list[LikertCount]  # one per point outside the scale (Don't know, N/A)
    agree_percent: float | None  # the top two points, of n
    mean: float | None
    sd: float | None  # sample standard deviation (n − 1); None under 2 answers
    suppressed: bool = False  # some number in this row is suppressed
    # The item's overall row. `group` alone does not tell: the blank value of a breakdown
    # ("(not recorded)") has group "" too.
    is_overall: bool = False
    # How lists and exports name the item: "C1" (section and number), else its key.
    question_ref: str = ""


@dataclass(frozen=True)
class LikertTable:
    """One Likert block of one distribution: an overall row per item, then (with a breakdown)
    the item's rows per value of the attribute, every value shown."""

    distribution_id: int
    distribution_title: str
    block_key: str
    block_title: str  # the section's title
    points: list[ScaleColumn]  # in-scale points in the scale's order (4 → 1), then outside
    by: str  # "" overall only; else the snapshot attribute (region, country …)
    by_label: str
    rows: list[LikertRow]
    threshold: int
    suppressed_view: bool  # suppression applied (False: a lead's unsuppressed view, marked)
    respondents: int  # submitted responses counted
    suppressed_cells: int = 0

    @property
    def in_scale(self) -> list[ScaleColumn]:
        return [p for p in self.points if p.in_scale]

    @property
    def outside(self) -> list[ScaleColumn]:
        return [p for p in self.points if not p.in_scale]


@dataclass(frozen=True)
class ChartSeries:
    """One scale point's bar segments for a diverging chart: percents per category (item),
    negative for the disagree side."""

    code: str
    label: str
    color: str  # "#RRGGBB"
    values: list[float | None]


@dataclass(frozen=True)
class DivergingChart:
    title: str
    categories: list[str]  # the items (bottom to top as drawn)
    series: list[ChartSeries]  # disagree side first (nearest zero first), then agree side


# --- open answers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenAnswerGroup:
    value: str  # the attribute value; "" when not broken down
    label: str
    answers: list[str]


@dataclass(frozen=True)
class OpenQuestion:
    distribution_id: int
    question_key: str
    question_label: str
    question_text: str
    groups: list[OpenAnswerGroup]
    withheld: int  # answers the user may not read (lead-only), counted, never shown
    question_ref: str = ""  # "B1" (section and number), else the key: see Question.ref


# --- response rates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DistributionRates:
    distribution_id: int
    title: str
    by: str
    by_label: str
    rows: list[RateRow]  # questionnaires.selectors.tracking.RateRow, the Total row last
    channels: dict[str, int | None]  # submitted responses by channel; None where suppressed
    rollup: CountryRollup  # per country, with non-responders' names when allowed
    threshold: int | None = None  # set when small cells are suppressed (None in the counts)

    @property
    def channel_labels(self) -> list[tuple[str, int | None]]:
        """`channels` by their labels: the one set (Response.Channel) pages and files use."""
        labels = dict(Response.Channel.choices)
        return [(str(labels.get(code, code)), count) for code, count in self.channels.items()]

    def cells(self, row: RateRow) -> list[object]:
        """A row's label, counts and rate (%), a suppressed count as "<threshold"."""
        values = [getattr(row, name) for name in COUNTED] + [row.percent]
        if row.responded is not None:  # a row shown whole
            return [row.label, *values]
        return [row.label, *(f"<{self.threshold}" if v is None else v for v in values)]
