"""What the team sees of a distribution's open link: the link, and its visitors counted
apart from the invited (they have no denominator: no response rate is made of them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from questionnaires.models import Distribution, Invitation, OpenLink, Response

OPEN = Invitation.Channel.OPEN


@dataclass(frozen=True)
class OpenLinkSummary:
    link: OpenLink | None  # the current one, closed or not; None before one is made
    in_progress: int  # visitors who started and have not submitted
    submitted: int  # responses submitted through the link

    @property
    def remaining(self) -> int | None:
        """Responses the quota still takes; None without a quota."""
        if self.link is None or self.link.quota is None:
            return None
        return max(self.link.quota - self.submitted, 0)


def open_link_summary(distribution: Distribution) -> OpenLinkSummary:
    """The current open link and its counts (two queries)."""
    link = (
        OpenLink.objects.filter(distribution=distribution, replaced_at__isnull=True)
        .select_related("closed_by")
        .first()
    )
    waiting = [Invitation.Status.OPENED, Invitation.Status.STARTED]
    counts = Invitation.objects.filter(distribution=distribution, channel=OPEN).aggregate(
        in_progress=Count("pk", filter=Q(status__in=waiting))
    )
    submitted = Response.objects.filter(
        distribution=distribution, channel=Response.Channel.OPEN, status=Response.Status.SUBMITTED
    ).count()
    return OpenLinkSummary(link=link, in_progress=counts["in_progress"], submitted=submitted)
