"""Response rates across an evaluation's distributions, as questionnaires.tracking counts
them: per distribution the rates by an attribute, submitted responses by channel, and the
roll-up per country (non-responders' names only for those who may see them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef

from questionnaires.models import Distribution, Invitation
from questionnaires.tracking import (
    DEFAULT_BREAKDOWN,
    breakdown_check,
    breakdown_choices,
    channel_counts,
    country_rollup,
    response_rates,
)
from reports.selectors.access import report_access
from reports.tables import DistributionRates

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from evaluations.models import Evaluation


def rate_breakdown(choices: dict[str, str], by: str) -> tuple[str, str]:
    """`by` where the distribution records it, else the region; (key, label)."""
    key = by if by in choices else DEFAULT_BREAKDOWN
    return key, choices.get(key, key)


def evaluation_rates(
    *, user: User | AnonymousUser, evaluation: Evaluation, by: str = DEFAULT_BREAKDOWN
) -> list[DistributionRates]:
    """Every distribution of the evaluation that has invitations, oldest first. A `by` that
    no distribution records is refused (tracking's message); one that some do falls back to
    the region in the others."""
    report_access(user, evaluation)
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
        rates.append(
            DistributionRates(
                distribution_id=distribution.pk,
                title=distribution.title,
                by=key,
                by_label=label,
                rows=response_rates(distribution, key),  # checks `key` again: tracking's rule
                channels=channel_counts(distribution),
                rollup=country_rollup(distribution, user=user),
            )
        )
    return rates
