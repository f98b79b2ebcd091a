"""Reads on the interview log, limited to what the user may see: the log with its counts, a
person's interviews, the notes of an interview, and the coverage plan against what was reached.

Counts are of distinct people: a person interviewed twice is one participant; groups add their
headcount, and groups of unknown size are counted apart (shown as "at least")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, Model, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.models import Evaluation, Membership
from evaluations.permissions import ROLE_ACTIONS, Action, Role, can, ensure_registry, role_of
from evaluations.selectors import evaluation_list
from interviews.guide import asked
from interviews.models import (
    CoverageTarget,
    Interview,
    Interviewer,
    InterviewNote,
    Participation,
    ReportingCategory,
)
from questionnaires.models import Invitation, Question
from stakeholders.models import Country, Person
from stakeholders.selectors import person_history_register

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


def _participations() -> QuerySet[Participation]:
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
        Prefetch("participations", queryset=_participations()),
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
        interviews=interviews_with_details(queryset).order_by("date", "pk"),
        counts=log_counts(queryset),
    )


def interview_get(*, user: User | AnonymousUser, evaluation: Evaluation, pk: int) -> Interview:
    """One interview of the evaluation, with its details; DoesNotExist when not there."""
    ensure_can_read(user, evaluation)
    return interviews_with_details(Interview.objects.filter(evaluation=evaluation)).get(pk=pk)


def person_interviews(*, user: User | AnonymousUser, person: Person) -> QuerySet[Participation]:
    """The person's participations (interview, and the affiliation of that day), newest first,
    in the evaluations where the user may read the log."""
    if not user.is_authenticated or not user.is_active:
        return Participation.objects.none()
    readable = Membership.objects.filter(
        evaluation=OuterRef("interview__evaluation"), user=user, role__in=READ_ROLES
    )
    return (
        _participations()
        .filter(person=person)
        .filter(Exists(readable))
        .select_related(
            "interview__evaluation",
            "interview__country",
            "interview__category",
            "interview__follow_up_of",
        )
        .prefetch_related(
            Prefetch(
                "interview__interviewers",
                queryset=Interviewer.objects.select_related("membership__user"),
            )
        )
        .order_by("-interview__date", "-interview__pk")
    )


# --- notes ------------------------------------------------------------------------------------


@dataclass
class PersonEvaluation:
    evaluation: Evaluation
    invitations: list[Invitation] = field(default_factory=list)
    participations: list[Participation] = field(default_factory=list)  # interviews, newest first


@person_history_register
def person_evaluations(
    *, user: User | AnonymousUser, person: Person
) -> tuple[list[PersonEvaluation], int]:
    """The evaluations the person took part in: those the user is a member of, with what the
    person was invited to and the interviews they took part in (where the user may read the
    interview log); and how many others (not named)."""
    ensure_registry(user)
    visible = set(evaluation_list(user=user).values_list("pk", flat=True))
    shown: dict[int, PersonEvaluation] = {}
    hidden: set[int] = set()
    for participation in person_interviews(user=user, person=person):
        evaluation = participation.interview.evaluation
        shown.setdefault(evaluation.pk, PersonEvaluation(evaluation)).participations.append(
            participation
        )
    interviewed_in = set(
        Participation.objects.filter(person=person).values_list("interview__evaluation", flat=True)
    )
    hidden.update(interviewed_in - visible)
    invitations = (
        Invitation.objects.filter(person=person)
        .select_related("distribution__evaluation")
        .order_by("-distribution__evaluation__created_at", "distribution__title", "pk")
    )
    for invitation in invitations:
        evaluation = invitation.distribution.evaluation
        if evaluation.pk in visible:
            shown.setdefault(evaluation.pk, PersonEvaluation(evaluation)).invitations.append(
                invitation
            )
        else:
            hidden.add(evaluation.pk)
    return list(shown.values()), len(hidden)


def notes_for(*, user: User | AnonymousUser, interview: Interview) -> list[InterviewNote]:
    """The notes the user may read, by guide question (in the guide's order), free notes last.
    Notes for the lead only are shown to the lead evaluator and to whoever wrote them."""
    ensure_can_read(user, interview.evaluation)
    notes = InterviewNote.objects.filter(interview=interview)
    if role_of(user, interview.evaluation) != Role.LEAD:
        notes = notes.filter(Q(visibility=InterviewNote.Visibility.TEAM) | Q(created_by=user.pk))
    return list(
        notes.select_related("question__section", "created_by").order_by(
            F("question__section__order").asc(nulls_last=True),
            F("question__order").asc(nulls_last=True),
            "created_at",
            "pk",
        )
    )


def guide_questions(*, interview: Interview) -> list[Question]:
    """The questions of the interview's guide that apply to its interviewee (the guide's
    conditions on its declared attributes, e.g. "only to MIGRANT colleagues working with the
    GMG"), in order; none without a guide. When the interviewee's type is not recorded, all
    the guide's questions are offered."""
    if interview.guide_version_id is None:
        return []
    questions = (
        Question.objects.filter(version=interview.guide_version_id)
        .select_related("section")
        .order_by("section__order", "order")
    )
    attributes = interview.guide_attributes or {}
    return [q for q in questions if asked(q, attributes)]


# --- coverage ---------------------------------------------------------------------------------

# Which interview modes reach people by each method of the plan. E-mail exchanges and phone
# calls are interviews; a debrief presents findings and reaches no one new.
METHOD_MODES: dict[str, tuple[str, ...]] = {
    CoverageTarget.Method.INTERVIEW: (
        Interview.Mode.IN_PERSON,
        Interview.Mode.VIDEO,
        Interview.Mode.PHONE,
        Interview.Mode.EMAIL,
    ),
    CoverageTarget.Method.FOCUS_GROUP: (Interview.Mode.FOCUS_GROUP,),
    CoverageTarget.Method.FIELD_VISIT: (Interview.Mode.FIELD_VISIT,),
}


@dataclass(frozen=True)
class CoverageCell:
    target: CoverageTarget
    planned: int
    reached: int

    @property
    def gap(self) -> int:
        """How many are still to reach (0 when the plan is met or exceeded)."""
        return max(self.planned - self.reached, 0)


def _interview_place(target: CoverageTarget) -> Q:
    """A participant's place: their own (copied) country, else the interview's."""
    if target.country_id:
        return Q(participations__country=target.country_id) | Q(
            participations__country__isnull=True, country=target.country_id
        )
    return Q(participations__country__region=target.region_id) | Q(
        participations__country__isnull=True, region=target.region_id
    )


def _interview_counts(evaluation: Evaluation, targets: list[CoverageTarget]) -> dict[int, int]:
    """Per target, the interviews (not excluded, not in the future) by the target's method with
    a participant of its group and place: one query."""
    wanted = [t for t in targets if t.method in METHOD_MODES]
    if not wanted:
        return {}
    counts = {
        f"t{t.pk}": Count(
            "pk",
            distinct=True,
            filter=Q(mode__in=METHOD_MODES[t.method])
            & Q(participations__stakeholder_group=t.stakeholder_group_id)
            & _interview_place(t),
        )
        for t in wanted
    }
    found = Interview.objects.filter(
        evaluation=evaluation, excluded=False, date__lte=timezone.localdate()
    ).aggregate(**counts)
    return {t.pk: found[f"t{t.pk}"] for t in wanted}


def _questionnaire_place(target: CoverageTarget, countries: dict[int, list[str]]) -> Q:
    if target.country_id:
        return Q(attributes__country__iexact=target.country.name)
    # Snapshots name the region; those that name only the country count for its region.
    names = countries.get(target.region_id, [])
    return (
        Q(attributes__region__iexact=target.region.name)
        | Q(attributes__country__in=names)
        | Q(country_lower__in=[name.lower() for name in names])
    )


def _questionnaire_counts(evaluation: Evaluation, targets: list[CoverageTarget]) -> dict[int, int]:
    """Per target, the questionnaires submitted or returned by someone of its group and place
    (by the attributes snapshot on the invitation): one query, and one for region names."""
    wanted = [t for t in targets if t.method == CoverageTarget.Method.QUESTIONNAIRE]
    if not wanted:
        return {}
    countries: dict[int, list[str]] = {}
    regions = {t.region_id for t in wanted if t.region_id}
    if regions:
        for region_id, name in Country.objects.filter(region__in=regions).values_list(
            "region_id", "name"
        ):
            countries.setdefault(region_id, []).append(name)
    counts = {
        f"t{t.pk}": Count(
            "pk",
            filter=Q(attributes__stakeholder_group__iexact=t.stakeholder_group.name)
            & _questionnaire_place(t, countries),
        )
        for t in wanted
    }
    found = (
        Invitation.objects.filter(
            distribution__evaluation=evaluation, status__in=Invitation.RESPONDED
        )
        .alias(country_lower=Lower(KT("attributes__country")))
        .aggregate(**counts)
    )
    return {t.pk: found[f"t{t.pk}"] for t in wanted}


def coverage(
    *, evaluation: Evaluation, user: User | AnonymousUser | None = None
) -> list[CoverageCell]:
    """The coverage plan, planned against reached, per target (in the plan's order).

    Reached: interviews (by mode, see METHOD_MODES) with a participant whose copied group and
    country (or the interview's, when the participant's is not known) match; questionnaires
    submitted or returned whose respondent attributes name the group and country or region.
    With a user, refused unless they are a member (these are counts, not names)."""
    if user is not None and not can(user, Action.VIEW_EVALUATION, evaluation):
        raise PermissionDenied(_("You are not a member of this evaluation."))
    targets = list(
        CoverageTarget.objects.filter(evaluation=evaluation)
        .select_related("stakeholder_group", "country", "region")
        .order_by("stakeholder_group__order", "country__name", "region__order", "method", "pk")
    )
    reached = _interview_counts(evaluation, targets) | _questionnaire_counts(evaluation, targets)
    return [CoverageCell(t, t.planned, reached.get(t.pk, 0)) for t in targets]


COVERAGE_HEADER = ("stakeholder_group", "country", "region", "method", "planned", "reached", "gap")


def coverage_rows(
    *, evaluation: Evaluation, user: User | AnonymousUser | None = None
) -> Iterator[list[object]]:
    """The header, then one line per target: what was planned, reached and is still to reach
    (the coverage CSV of the page, the API's export and the report's)."""
    yield list(COVERAGE_HEADER)
    for cell in coverage(evaluation=evaluation, user=user):
        target = cell.target
        yield [
            target.stakeholder_group.name,
            target.country.name if target.country else "",
            target.region.name if target.region else "",
            str(target.get_method_display()),
            cell.planned,
            cell.reached,
            cell.gap,
        ]


def reporting_categories(*, evaluation: Evaluation) -> QuerySet[ReportingCategory]:
    return ReportingCategory.objects.filter(evaluation=evaluation).order_by("order", "name")


# --- the coverage plan as a matrix ------------------------------------------------------------

if TYPE_CHECKING:
    from collections.abc import Iterable

    from stakeholders.models import Region, StakeholderGroup

# Where a country without a region goes: after every region.
_NO_REGION_ORDER = 1_000_000


@dataclass(frozen=True)
class MatrixCell:
    """Planned, reached and still to reach; in totals the gap adds the cells' gaps (reaching
    more in one cell does not fill another)."""

    planned: int
    reached: int
    gap: int


@dataclass(frozen=True)
class CoveragePlace:
    """A row of the matrix: a country or a region. `key` names it in forms ("c-VN", "r-3")."""

    key: str
    label: str
    country: Country | None
    region: Region | None
    sort: tuple[int, str, int, str]


@dataclass(frozen=True)
class MatrixRow:
    place: CoveragePlace
    cells: list[MatrixCell | None]  # one per column; None where nothing is planned
    total: MatrixCell


@dataclass(frozen=True)
class MethodMatrix:
    method: str
    label: str
    groups: list[StakeholderGroup]  # the columns: StakeholderGroup, in the list's order
    rows: list[MatrixRow]
    totals: list[MatrixCell]  # one per column
    total: MatrixCell


@dataclass(frozen=True)
class CoverageMatrix:
    tables: list[MethodMatrix]
    places: list[CoveragePlace]  # every row of the plan (and the extra places asked for)
    groups: list[StakeholderGroup]


def coverage_place(place: Country | Region) -> CoveragePlace:
    """The matrix row of a Country (with its region loaded) or a Region: regions in their
    order, each region's own row before its countries, then by name."""
    if isinstance(place, Country):
        region = place.region
        sort = (
            (region.order, region.name.lower(), 1, place.name.lower())
            if region
            else (_NO_REGION_ORDER, "", 1, place.name.lower())
        )
        return CoveragePlace(f"c-{place.code}", place.name, place, None, sort)
    return CoveragePlace(
        f"r-{place.pk}", place.name, None, place, (place.order, place.name.lower(), 0, "")
    )


def _matrix_sum(cells: list[MatrixCell | None]) -> MatrixCell:
    present = [cell for cell in cells if cell is not None]
    return MatrixCell(
        sum(c.planned for c in present),
        sum(c.reached for c in present),
        sum(c.gap for c in present),
    )


def _method_matrix(
    method: str,
    cells: dict[tuple[str, int], MatrixCell],
    places: list[CoveragePlace],
    groups: list[StakeholderGroup],
) -> MethodMatrix:
    rows = []
    for place in places:
        row = [cells.get((place.key, group.pk)) for group in groups]
        rows.append(MatrixRow(place, row, _matrix_sum(row)))
    totals = [_matrix_sum([row.cells[i] for row in rows]) for i in range(len(groups))]
    return MethodMatrix(
        method,
        str(CoverageTarget.Method(method).label),
        groups,
        rows,
        totals,
        _matrix_sum([row.total for row in rows]),
    )


def _ordered_places(*sources: dict[str, CoveragePlace]) -> list[CoveragePlace]:
    merged = {key: place for source in sources for key, place in source.items()}
    return sorted(merged.values(), key=lambda place: place.sort)


def _ordered_groups(*sources: dict[int, StakeholderGroup]) -> list[StakeholderGroup]:
    merged = {pk: group for source in sources for pk, group in source.items()}
    return sorted(merged.values(), key=lambda group: (group.order, group.name.lower()))


def coverage_matrix(
    *,
    evaluation: Evaluation,
    user: User | AnonymousUser | None,
    method: str | None = None,
    edit: bool = False,
    places: Iterable[Country | Region] = (),
) -> CoverageMatrix:
    """The plan as one table per method: rows are places, columns stakeholder groups, cells
    planned vs reached (from coverage(), no query per cell).

    Shown, a table has the places and groups of its own targets. For editing (`edit`), every
    method has a table and every table the same rows (the plan's places and `places`) and
    columns (the groups in use and those of the plan)."""
    from stakeholders.models import StakeholderGroup

    found = coverage(evaluation=evaluation, user=user)
    countries = Country.objects.select_related("region").in_bulk(
        {cell.target.country_id for cell in found if cell.target.country_id}
    )
    cells: dict[str, dict[tuple[str, int], MatrixCell]] = {}
    plan_places: dict[str, dict[str, CoveragePlace]] = {}
    plan_groups: dict[str, dict[int, StakeholderGroup]] = {}
    for cell in found:
        target = cell.target
        place = coverage_place(countries[target.country_id] if target.country_id else target.region)
        group = target.stakeholder_group
        cells.setdefault(target.method, {})[(place.key, group.pk)] = MatrixCell(
            cell.planned, cell.reached, cell.gap
        )
        plan_places.setdefault(target.method, {})[place.key] = place
        plan_groups.setdefault(target.method, {})[group.pk] = group

    every_place = _ordered_places(
        *plan_places.values(), {p.key: p for p in map(coverage_place, places)}
    )
    in_use = StakeholderGroup.objects.filter(active=True) if edit else []
    every_group = _ordered_groups(*plan_groups.values(), {g.pk: g for g in in_use})
    tables = []
    for m in CoverageTarget.Method.values:
        if method not in (None, m) or not (edit or m in cells):
            continue
        if edit:
            tables.append(_method_matrix(m, cells.get(m, {}), every_place, every_group))
        else:
            rows, columns = _ordered_places(plan_places[m]), _ordered_groups(plan_groups[m])
            tables.append(_method_matrix(m, cells[m], rows, columns))
    return CoverageMatrix(tables, every_place, every_group)
