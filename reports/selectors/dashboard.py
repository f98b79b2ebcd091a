"""The evaluation's first page: where each questionnaire stands, the interviews of the week,
coverage gaps, downloads ready, recent activity and what needs attention.

Every panel is counted in the database, and the page costs a fixed number of queries whatever
the number of distributions, invitations or interviews (tests/reports/test_dashboard.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.scheduler import scheduler_silence
from common.suppression import suppress
from evaluations.permissions import Action, actions_for
from evaluations.selectors import dashboard_register
from history.selectors.access import can_view_history
from history.selectors.entries import evaluation_activity
from history.selectors.rendering import EntryRow, entry_rows
from interviews.models import Interview
from interviews.selectors.coverage_plan import CoverageCell, coverage
from questionnaires.models import Distribution, Invitation, Message
from questionnaires.selectors.distributions import next_reminder
from reports.models import ExportJob
from reports.selectors.exports import export_list

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from evaluations.models import Evaluation

Status = Invitation.Status
OPEN = Invitation.Channel.OPEN
RECENT_ACTIVITY = 6
GAPS_SHOWN = 5
EXPORTS_SHOWN = 5


@dataclass(frozen=True)
class DistributionLine:
    """One questionnaire sent (or to send): its invitations by where they stand now."""

    distribution: Distribution
    invited: int
    not_opened: int  # created, sent or failed: no sign of the recipient yet
    unsent: int  # created, to go by e-mail, not sent
    opened: int
    started: int
    submitted: int
    declined: int
    failed_messages: int
    next_reminder: dt.datetime | None
    open_link: int = 0  # submitted through the open link: in no denominator, shown apart
    # For those who see aggregates only: below the threshold, the respondents' counts are
    # hidden together (one could be worked out from the others and the invited).
    hidden_below: int | None = None

    def share(self, count: int) -> float:
        """Percent of the invited, for the width of a segment of the bar."""
        return round(100 * count / self.invited, 1) if self.invited else 0.0

    @property
    def segments(self) -> list[tuple[str, str, int, float, float]]:
        """(css class, label, count, x, width) of the stacked bar in percent, responded first."""
        parts = [
            ("submitted", _("submitted"), self.submitted),
            ("started", _("started"), self.started),
            ("opened", _("opened"), self.opened),
            ("declined", _("declined"), self.declined),
            ("waiting", _("not opened"), self.not_opened),
        ]
        shown, x = [], 0.0
        for css, label, n in parts:
            if n:
                shown.append((css, label, n, x, self.share(n)))
                x += self.share(n)
        return shown

    @property
    def shown(self) -> dict[str, int | None]:
        """Each respondents' count as the user may see it: None where suppressed (below the
        threshold, and one more where the hidden one could be worked out from the invited)."""
        counts = {
            "waiting": self.not_opened,
            "opened": self.opened,
            "started": self.started,
            "submitted": self.submitted,
            "declined": self.declined,
        }
        if self.hidden_below is None:
            return dict(counts)
        column, _hidden = suppress(
            [[n] for n in counts.values()], self.hidden_below, row_totals=False
        )
        return {name: row[0] for name, row in zip(counts, column, strict=True)}

    @property
    def open_link_shown(self) -> int | None:
        """The open link's responses as the user may see them: None below the threshold."""
        if self.hidden_below is not None and 0 < self.open_link < self.hidden_below:
            return None
        return self.open_link

    @property
    def counts_hidden(self) -> bool:
        return any(n is None for n in self.shown.values())

    @property
    def deadline_passed(self) -> bool:
        deadline = self.distribution.deadline
        return deadline is not None and deadline <= timezone.now()

    @property
    def is_open(self) -> bool:
        d = self.distribution
        now = timezone.now()
        return (
            d.sent_at is not None
            and d.responses_locked_at is None
            and (d.closes_at is None or d.closes_at > now)
        )


@dataclass(frozen=True)
class Attention:
    text: str
    url: str = ""


@dataclass
class Dashboard:
    distributions: list[DistributionLine] = field(default_factory=list)
    interviews_total: int | None = None  # None: the user does not read the interview log
    interviews_week: int = 0
    categories: list[tuple[str, int]] = field(default_factory=list)
    gaps: list[CoverageCell] = field(default_factory=list)
    gaps_total: int = 0
    targets_total: int = 0
    exports: list[ExportJob] = field(default_factory=list)
    activity: list[EntryRow] | None = None
    attention: list[Attention] = field(default_factory=list)


def _distribution_lines(
    evaluation: Evaluation, hidden_below: int | None = None
) -> list[DistributionLine]:
    """Two queries: the invitations counted per distribution, the failed e-mails."""
    personal = ~Q(invitations__channel=OPEN)  # the open link's visitors are counted apart
    rows = (
        Distribution.objects.filter(evaluation=evaluation)
        .select_related("version__instrument")
        .annotate(
            n_invited=Count(
                "invitations",
                filter=personal & ~Q(invitations__status__in=[Status.EXCLUDED, Status.REVOKED]),
            ),
            n_waiting=Count(
                "invitations",
                filter=personal
                & Q(invitations__status__in=[Status.CREATED, Status.SENT, Status.FAILED]),
            ),
            n_unsent=Count(
                "invitations",
                filter=Q(invitations__status=Status.CREATED)
                & ~Q(invitations__channel=Invitation.Channel.PHONE)
                & personal,
            ),
            n_opened=Count("invitations", filter=personal & Q(invitations__status=Status.OPENED)),
            n_started=Count("invitations", filter=personal & Q(invitations__status=Status.STARTED)),
            n_submitted=Count(
                "invitations", filter=personal & Q(invitations__status__in=Invitation.RESPONDED)
            ),
            n_declined=Count(
                "invitations", filter=personal & Q(invitations__status=Status.DECLINED)
            ),
            n_open_link=Count(
                "invitations",
                filter=Q(invitations__channel=OPEN, invitations__status__in=Invitation.RESPONDED),
            ),
        )
        .order_by("-created_at", "-pk")
    )
    failed = dict(
        Message.objects.filter(distribution__evaluation=evaluation, status=Message.Status.FAILED)
        .order_by()
        .values_list("distribution")
        .annotate(n=Count("pk"))
    )
    return [
        DistributionLine(
            distribution=d,
            invited=d.n_invited,
            not_opened=d.n_waiting,
            unsent=d.n_unsent,
            opened=d.n_opened,
            started=d.n_started,
            submitted=d.n_submitted,
            declined=d.n_declined,
            open_link=d.n_open_link,
            failed_messages=failed.get(d.pk, 0),
            next_reminder=next_reminder(d),
            hidden_below=hidden_below,
        )
        for d in rows
    ]


def _interviews(dashboard: Dashboard, evaluation: Evaluation, today: dt.date) -> None:
    """How many interviews, how many logged since Monday, and how many per category."""
    week_start = today - dt.timedelta(days=today.weekday())
    zone = timezone.get_current_timezone()
    since = dt.datetime.combine(week_start, dt.time.min, tzinfo=zone)
    interviews = Interview.objects.filter(evaluation=evaluation)
    counted = interviews.aggregate(
        total=Count("pk"), week=Count("pk", filter=Q(created_at__gte=since))
    )
    dashboard.interviews_total = counted["total"]
    dashboard.interviews_week = counted["week"]
    per_category = (
        interviews.filter(excluded=False)
        .order_by("category__order", "category__name")
        .values_list("category__name")
        .annotate(n=Count("pk"))
    )
    dashboard.categories = [(name or _("(no category)"), n) for name, n in per_category]


def _coverage(dashboard: Dashboard, evaluation: Evaluation, user: User | AnonymousUser) -> None:
    cells = coverage(evaluation=evaluation, user=user)
    gaps = [c for c in cells if c.gap]
    gaps.sort(key=lambda c: -(c.gap or 0))
    dashboard.targets_total = len(cells)
    dashboard.gaps_total = len(gaps)
    dashboard.gaps = gaps[:GAPS_SHOWN]


def _attention(dashboard: Dashboard, evaluation: Evaluation) -> None:
    """Bounced e-mails, invitations never sent, and a scheduler that is not running while a
    questionnaire is open (its reminders would not go out)."""
    for line in dashboard.distributions:
        url = reverse("questionnaires:distribution", args=[evaluation.slug, line.distribution.pk])
        if line.failed_messages:
            dashboard.attention.append(
                Attention(
                    ngettext(
                        "%(count)d e-mail for “%(title)s” could not be delivered.",
                        "%(count)d e-mails for “%(title)s” could not be delivered.",
                        line.failed_messages,
                    )
                    % {"count": line.failed_messages, "title": line.distribution.title},
                    reverse("questionnaires:outbox", args=[evaluation.slug])
                    + f"?distribution={line.distribution.pk}&status=failed",
                )
            )
        if line.unsent and not line.distribution.responses_locked_at:
            dashboard.attention.append(
                Attention(
                    ngettext(
                        "%(count)d invitation to “%(title)s” is ready but not sent.",
                        "%(count)d invitations to “%(title)s” are ready but not sent.",
                        line.unsent,
                    )
                    % {"count": line.unsent, "title": line.distribution.title},
                    url + "#send",
                )
            )
    if any(line.is_open for line in dashboard.distributions):
        silence = scheduler_silence()
        if silence:
            dashboard.attention.append(
                Attention(
                    _("%(silence)s: reminders will not go out while it is not running.")
                    % {"silence": silence}
                )
            )


def evaluation_dashboard(*, user: User | AnonymousUser, evaluation: Evaluation) -> Dashboard:
    """The panels of the evaluation's first page that the user may see."""
    allowed = actions_for(user, evaluation)
    dashboard = Dashboard()
    if Action.VIEW_EVALUATION not in allowed:
        return dashboard
    # As the reports show them: small counts hidden from those who see aggregates only.
    aggregates_only = Action.VIEW_RESPONSES not in allowed
    dashboard.distributions = _distribution_lines(
        evaluation, evaluation.small_cell_threshold if aggregates_only else None
    )
    if Action.VIEW_RESPONSES in allowed:
        _interviews(dashboard, evaluation, timezone.localdate())
    _coverage(dashboard, evaluation, user)
    jobs = export_list(evaluation=evaluation, user=user).filter(state=ExportJob.State.DONE)
    dashboard.exports = [job for job in jobs[: EXPORTS_SHOWN * 2] if job.file and not job.expired][
        :EXPORTS_SHOWN
    ]
    if can_view_history(user, evaluation):
        entries = evaluation_activity(user=user, evaluation=evaluation)[:RECENT_ACTIVITY]
        dashboard.activity = entry_rows(entries, evaluation=evaluation)
    if Action.MANAGE_RESPONDENTS in allowed:
        _attention(dashboard, evaluation)
    return dashboard


@dashboard_register
def dashboard_panels(
    *, user: User | AnonymousUser, evaluation: Evaluation
) -> tuple[str, dict[str, object]]:
    """The evaluation page's dashboard: its template and context."""
    return "reports/_dashboard.html", {
        "dashboard": evaluation_dashboard(user=user, evaluation=evaluation)
    }
