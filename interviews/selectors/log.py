"""Reads on the interview log, limited to what the user may see: the log with its counts and
filters, one interview, the reporting categories.

Counts are of distinct people: a person interviewed twice is one participant; groups add their
headcount, and groups of unknown size are counted apart (shown as "at least")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, Model, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from evaluations.models import Evaluation, Membership
from evaluations.permissions import ROLE_ACTIONS, Action, can
from interviews.models import Interview, Interviewer, Participation, ReportingCategory

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# Who reads the log (names of the people interviewed) and the notes: the roles that read
# individual responses. Viewers see aggregates only (the Reports tables).
READ_ACTION = Action.VIEW_RESPONSES
READ_ROLES = frozenset(role for role, actions in ROLE_ACTIONS.items() if READ_ACTION in actions)

Ref = int | Model


def _pk(ref: Ref | None) -> int | None:
    return ref.pk if isinstance(ref, Model) else ref


def ensure_can_read(user: User | AnonymousUser, evaluation: Evaluation) -> None:
    if not can(user, READ_ACTION, evaluation):
        raise PermissionDenied(_("Your role does not include the interview log."))


# --- the log ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogCounts:
    """The numbers under the log, for the interviews not excluded from the tables."""

    interviews: int
    excluded: int
    persons: int  # distinct named people
    group_people: int  # the sum of known group headcounts
    groups_unknown_size: int  # groups whose size is not known: the total is "at least"

    @property
    def participants(self) -> int:
        return self.persons + self.group_people

    @property
    def at_least(self) -> bool:
        return self.groups_unknown_size > 0


@dataclass(frozen=True)
class InterviewLog:
    interviews: QuerySet[Interview]  # with participants and interviewers prefetched
    counts: LogCounts


def participations_with_details() -> QuerySet[Participation]:
    return Participation.objects.select_related(
        "person", "organisation", "office", "country", "stakeholder_group"
    )


def interviews_with_details(queryset: QuerySet[Interview]) -> QuerySet[Interview]:
    """Everything a row of the log shows, in a fixed number of queries."""
    return queryset.select_related(
        "country",
        "region",
        "category",
        "follow_up_of",
        "referred_by",
        "guide_version__instrument",
    ).prefetch_related(
        Prefetch("participations", queryset=participations_with_details()),
        Prefetch("interviewers", queryset=Interviewer.objects.select_related("membership__user")),
    )


def _log_filter(
    queryset: QuerySet[Interview],
    *,
    date_from: dt.date | None,
    date_to: dt.date | None,
    region: Ref | None,
    category: Ref | None,
    grouping: str | None,
    interviewer: Membership | str | None,
    mode: str | None,
    kind: str | None,
) -> QuerySet[Interview]:
    if date_from is not None:
        queryset = queryset.filter(Q(date__gte=date_from) | Q(date_end__gte=date_from))
    if date_to is not None:
        queryset = queryset.filter(date__lte=date_to)
    if region is not None:
        queryset = queryset.filter(region=_pk(region))
    if category is not None:
        queryset = queryset.filter(category=_pk(category))
    if grouping:
        queryset = queryset.filter(grouping__iexact=grouping.strip())
    if mode:
        queryset = queryset.filter(mode=mode)
    if kind:
        queryset = queryset.filter(kind=kind)
    if isinstance(interviewer, Membership):
        by = Q(membership=interviewer)
    elif interviewer:
        text = interviewer.strip()
        by = Q(initials__iexact=text) | Q(membership__initials__iexact=text)
    else:
        return queryset
    return queryset.filter(Exists(Interviewer.objects.filter(by, interview=OuterRef("pk"))))


def group_met_before() -> QuerySet[Participation]:
    """For a group participation (OuterRef), the same group in the interview it follows up.

    A group met again in a follow-up (same label as in the interview it follows) is the same
    people: counted once, like a person interviewed twice."""
    return Participation.objects.filter(
        interview=OuterRef("interview__follow_up_of"),
        interview__excluded=False,
        person__isnull=True,
        group_label__iexact=OuterRef("group_label"),
    )


def log_counts(queryset: QuerySet[Interview]) -> LogCounts:
    """Interviews, distinct people and group sizes of a set of interviews (two queries)."""
    interviews = queryset.aggregate(
        counted=Count("pk", filter=Q(excluded=False)), excluded=Count("pk", filter=Q(excluded=True))
    )
    met_before = group_met_before()
    new_group = Q(person__isnull=True, again=False)
    people = (
        Participation.objects.filter(interview__in=queryset.filter(excluded=False).values("pk"))
        .alias(again=Exists(met_before))
        .aggregate(
            persons=Count("person", distinct=True),
            group_people=Sum("headcount", filter=new_group, default=0),
            unknown=Count("pk", filter=new_group & Q(headcount__isnull=True)),
        )
    )
    return LogCounts(
        interviews=interviews["counted"],
        excluded=interviews["excluded"],
        persons=people["persons"],
        group_people=people["group_people"],
        groups_unknown_size=people["unknown"],
    )


def interview_list(
    *,
    user: User | AnonymousUser,
    evaluation: Evaluation,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    region: Ref | None = None,
    category: Ref | None = None,
    grouping: str | None = None,
    interviewer: Membership | str | None = None,
    mode: str | None = None,
    kind: str | None = None,
) -> InterviewLog:
    """The evaluation's interviews (excluded ones too, marked), filtered, by date, with the
    counts of those not excluded. A period filter keeps interviews that overlap it."""
    ensure_can_read(user, evaluation)
    queryset = _log_filter(
        Interview.objects.filter(evaluation=evaluation),
        date_from=date_from,
        date_to=date_to,
        region=region,
        category=category,
        grouping=grouping,
        interviewer=interviewer,
        mode=mode,
        kind=kind,
    )
    return InterviewLog(
        interviews=interviews_with_details(queryset).order_by(F("date").asc(nulls_last=True), "pk"),
        counts=log_counts(queryset),
    )


def interview_get(*, user: User | AnonymousUser, evaluation: Evaluation, pk: int) -> Interview:
    """One interview of the evaluation, with its details; DoesNotExist when not there."""
    ensure_can_read(user, evaluation)
    return interviews_with_details(Interview.objects.filter(evaluation=evaluation)).get(pk=pk)


def reporting_categories(*, evaluation: Evaluation) -> QuerySet[ReportingCategory]:
    return ReportingCategory.objects.filter(evaluation=evaluation).order_by("order", "name")
