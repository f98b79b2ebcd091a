"""What retention would erase now in one evaluation: the people who appear in it and only in
evaluations whose retention period is over (report date + months), none of them on legal hold
or locked. Nothing is erased here, nor ever automatically (privacy.services.retention)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta

from evaluations.locks import erasure_blocked_by
from evaluations.models import Evaluation
from interviews.models import Interview, Participation
from questionnaires.models import Invitation
from stakeholders.models import Person


def retention_ends(evaluation: Evaluation) -> dt.date | None:
    """The day personal data may be erased: report date + retention months (None: not set)."""
    if evaluation.report_date is None or not evaluation.retention_months:
        return None
    return evaluation.report_date + relativedelta(months=evaluation.retention_months)


@dataclass
class DuePerson:
    person: Person
    evaluations: int
    interviews: int
    invitations: int


@dataclass
class RetentionPlan:
    evaluation: Evaluation
    ends: dt.date | None
    today: dt.date
    blocked: str | None = None  # why nobody of this evaluation may be erased now
    due: list[DuePerson] = field(default_factory=list)
    kept_elsewhere: int = 0  # also in an evaluation whose period is not over (or not set)
    held_elsewhere: int = 0  # also in an evaluation on legal hold or locked

    @property
    def over(self) -> bool:
        return self.ends is not None and self.ends <= self.today

    @property
    def counts(self) -> dict[str, int]:
        return {
            "people": len(self.due),
            "interviews": sum(d.interviews for d in self.due),
            "invitations": sum(d.invitations for d in self.due),
            "kept_elsewhere": self.kept_elsewhere,
            "held_elsewhere": self.held_elsewhere,
        }


def retention_plan(*, evaluation: Evaluation, today: dt.date | None = None) -> RetentionPlan:
    """Who in `evaluation` would be erased now, with counts; empty before the period is over."""
    today = today or dt.date.today()
    plan = RetentionPlan(evaluation=evaluation, ends=retention_ends(evaluation), today=today)
    if not plan.over:
        return plan
    plan.blocked = erasure_blocked_by([evaluation])
    if plan.blocked:
        return plan
    interviews: dict[int, set[int]] = defaultdict(set)  # person -> interviews in this evaluation
    invitations: dict[int, set[int]] = defaultdict(set)
    appears: dict[int, set[int]] = defaultdict(set)  # person -> every evaluation
    here = set(
        Participation.objects.filter(
            interview__evaluation=evaluation, person__isnull=False
        ).values_list("person_id", flat=True)
    )
    here |= set(
        Interview.objects.filter(evaluation=evaluation, referred_by__isnull=False).values_list(
            "referred_by_id", flat=True
        )
    )
    here |= set(
        Invitation.objects.filter(
            distribution__evaluation=evaluation, person__isnull=False
        ).values_list("person_id", flat=True)
    )
    for person_id, evaluation_id, interview_id in Participation.objects.filter(
        person__in=here
    ).values_list("person_id", "interview__evaluation_id", "interview_id"):
        appears[person_id].add(evaluation_id)
        if evaluation_id == evaluation.pk:
            interviews[person_id].add(interview_id)
    for person_id, evaluation_id in Interview.objects.filter(referred_by__in=here).values_list(
        "referred_by_id", "evaluation_id"
    ):
        appears[person_id].add(evaluation_id)
    for person_id, evaluation_id, invitation_id in Invitation.objects.filter(
        person__in=here
    ).values_list("person_id", "distribution__evaluation_id", "pk"):
        appears[person_id].add(evaluation_id)
        if evaluation_id == evaluation.pk:
            invitations[person_id].add(invitation_id)
    others = Evaluation.objects.filter(pk__in=set().union(*appears.values()) if appears else [])
    over = {e.pk for e in others if (ends := retention_ends(e)) is not None and ends <= today}
    held = {e.pk for e in others if e.pk in over and erasure_blocked_by([e])}
    people = Person.objects.filter(pk__in=here, erased_at__isnull=True, merged_into__isnull=True)
    for person in people.order_by("display_name", "pk"):
        theirs = appears[person.pk]
        if theirs - over:
            plan.kept_elsewhere += 1
        elif theirs & held:
            plan.held_elsewhere += 1
        else:
            plan.due.append(
                DuePerson(
                    person,
                    len(theirs),
                    len(interviews[person.pk]),
                    len(invitations[person.pk]),
                )
            )
    return plan
