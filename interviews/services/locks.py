"""Locking the interview log once the report is final, and the evaluation's legal hold.

Both are columns of the evaluation, written here rather than in evaluations.services because
each change is recorded in the history with its reason (the history sits above evaluations).
The checks that refuse writes are evaluations.locks."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from evaluations.locks import ensure_can_lock, log_lock_state
from evaluations.models import Evaluation
from evaluations.permissions import Actor
from history.services import lock_switch, reason_given, record


@transaction.atomic
def interview_log_lock(*, evaluation: Evaluation, by: Actor, reason: str) -> Evaluation:
    """Lock the interview log (lead only): reads and exports go on, writes are refused with
    the reason."""
    ensure_can_lock(by, evaluation)
    reason = reason_given(reason, doing=_("lock the interview log"))
    refused = _("The interview log is already locked. %(state)s") % {
        "state": log_lock_state(evaluation)
    }
    lock_switch(evaluation, "interview_log", lock=True, by=by, reason=reason, refused=refused)
    return evaluation


@transaction.atomic
def interview_log_unlock(*, evaluation: Evaluation, by: Actor, reason: str) -> Evaluation:
    """Unlock the interview log (lead only), saying why; the history keeps who and why."""
    ensure_can_lock(by, evaluation)
    reason = reason_given(reason, doing=_("unlock the interview log"))
    refused = _("The interview log is not locked.")
    lock_switch(evaluation, "interview_log", lock=False, by=by, reason=reason, refused=refused)
    return evaluation


@transaction.atomic
def legal_hold_set(*, evaluation: Evaluation, by: Actor, on: bool, reason: str) -> Evaluation:
    """Put the evaluation on legal hold, or lift it (lead only), saying why: while it holds,
    nobody who appears in the evaluation may be erased."""
    ensure_can_lock(by, evaluation)
    doing = _("put the evaluation on legal hold") if on else _("lift the legal hold")
    reason = reason_given(reason, doing=doing)
    current = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if current.legal_hold == on:
        raise ValidationProblem(
            _("The evaluation is already on legal hold.")
            if on
            else _("The evaluation is not on legal hold.")
        )
    kept = reason if on else ""
    Evaluation.objects.filter(pk=evaluation.pk).update(legal_hold=on, legal_hold_reason=kept)
    evaluation.refresh_from_db()
    record(
        evaluation,
        verb="legal hold" if on else "legal hold lifted",
        changes={
            "legal_hold": [current.legal_hold, on],
            "legal_hold_reason": [current.legal_hold_reason, kept],
        },
        reason=reason,
        by=by,
    )
    return evaluation
