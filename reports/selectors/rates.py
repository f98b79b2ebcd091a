"""Response rates across an evaluation's distributions, as questionnaires.selectors.tracking
counts them: per distribution the rates by an attribute, submitted responses by channel, and the
roll-up per country (non-responders' names only for those who may see them). In a suppressed
view all three go through the one suppression step."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef

from common.suppression import Breakdown, suppress_breakdown
from questionnaires.models import Distribution, Invitation
from questionnaires.selectors.tracking import (
    DEFAULT_BREAKDOWN,
    breakdown_check,
    breakdown_choices,
    channel_counts,
    country_rollup,
    response_rates,
    rollup_summary,
)
from reports.selectors.access import report_access
from reports.tables import DistributionRates

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from evaluations.models import Evaluation
    from questionnaires.selectors.tracking import CountryRollup, RateRow
    from reports.tables import ReportAccess


def rate_breakdown(choices: dict[str, str], by: str) -> tuple[str, str]:
    """`by` where the distribution records it, else the region; (key, label)."""
    key = by if by in choices else DEFAULT_BREAKDOWN
    return key, choices.get(key, key)


def evaluation_rates(
    *,
    user: User | AnonymousUser,
    evaluation: Evaluation,
    by: str = DEFAULT_BREAKDOWN,
    unsuppressed: bool = False,
) -> list[DistributionRates]:
    """Every distribution of the evaluation that has invitations, oldest first. A `by` that
    no distribution records is refused (tracking's message); one that some do falls back to
    the region in the others."""
    access = report_access(user, evaluation, unsuppressed=unsuppressed)
    distributions = list(
        Distribution.objects.filter(evaluation=evaluation)
        .filter(Exists(Invitation.objects.filter(distribution=OuterRef("pk"))))
        .order_by("created_at", "pk")
    )
    choices = {d.pk: dict(breakdown_choices(d)) for d in distributions}
    if distributions and not any(by in known for known in choices.values()):
        breakdown_check(distributions[0], by)  # raises, naming the known keys
    rates = []
    for distribution in distributions:
        distribution.evaluation = evaluation  # who may see names is asked of it
        key, label = rate_breakdown(choices[distribution.pk], by)
        # The three tables share the Total: where one of them cannot show it, none does.
        channels, channels_total = _channels_shown(channel_counts(distribution), access)
        computed = country_rollup(distribution, user=user)
        rollup, rollup_total = _rollup_shown(computed, access)
        rows = _shown(response_rates(distribution, key), access, channels_total and rollup_total)
        if rows[-1].responded is None:  # the Total is hidden: so is it in the sentence
            rollup = replace(rollup, summary=rollup_summary(computed.rows, with_total=False))
        rates.append(
            DistributionRates(
                distribution_id=distribution.pk,
                title=distribution.title,
                by=key,
                by_label=label,
                rows=rows,
                channels=channels,
                rollup=rollup,
                threshold=access.threshold if access.suppressed else None,
            )
        )
    return rates


def _without_respondents(row: RateRow) -> RateRow:
    """What a row shows of its respondents, hidden together when the row is suppressed."""
    return replace(
        row,
        declined=None,
        opened=None,
        started=None,
        submitted_online=None,
        returned=None,
        responded=None,
    )


def _shown(rows: list[RateRow], access: ReportAccess, total: bool = True) -> list[RateRow]:
    """The rate rows as the user may see them: in a suppressed view, through the one step
    (suppression.suppress_breakdown) — a group with fewer respondents than the threshold
    shows none of its respondents' counts, nor does one more group where that one could be
    worked out from the Total, and the Total hides its own when it would give back a group
    that is hidden alone (the only group of the table)."""
    if not access.suppressed:
        return rows
    groups = [row for row in rows if not row.is_total]
    shown = _counts_shown([row.responded or 0 for row in groups], access.threshold)
    lines = [
        _without_respondents(row) if whole else row
        for row, whole in zip(groups, shown.whole, strict=True)
    ]
    total = total and shown.overall
    totals = [row if total else _without_respondents(row) for row in rows if row.is_total]
    return lines + totals


def _counts_shown(counts: list[int], threshold: int) -> Breakdown:
    """One count of respondents per group, under a total that is shown elsewhere (the rates'
    Total): the one suppression step, groups hidden whole."""
    return suppress_breakdown(
        [[count] for count in counts],
        threshold,
        sizes=[[count] for count in counts],
        overall_sizes=[],
        cells=False,
    )


def _rollup_shown(rollup: CountryRollup, access: ReportAccess) -> tuple[CountryRollup, bool]:
    """The roll-up per country as the user may see it: in a suppressed view a country with
    fewer respondents than the threshold (or one more, where it could be worked out from the
    Total) shows no count of them; and whether the Total may still be shown."""
    if not access.suppressed:
        return rollup, True
    counts = [row.responded_recipients or 0 for row in rollup.rows]
    shown = _counts_shown(counts, access.threshold)
    rows = [
        replace(row, responded_recipients=None) if hidden else row
        for row, hidden in zip(rollup.rows, shown.whole, strict=True)
    ]
    return replace(rollup, rows=rows), shown.overall


def _channels_shown(
    channels: dict[str, int], access: ReportAccess
) -> tuple[dict[str, int | None], bool]:
    """Submitted responses by channel as the user may see them, suppressed like the groups;
    and whether the Total may still be shown."""
    if not access.suppressed:
        return dict(channels), True
    shown = _counts_shown(list(channels.values()), access.threshold)
    counts = {
        channel: None if hidden else count
        for (channel, count), hidden in zip(channels.items(), shown.whole, strict=True)
    }
    return counts, shown.overall
