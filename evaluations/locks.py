"""Locks on an evaluation's records and its legal hold: the checks every write asks before it
changes a locked interview log or a locked distribution's responses, and the sentences a
refusal says. The writes that set them live higher up (interviews.services.locks,
questionnaires.services.distributions): they are recorded in the history, which sits above
this app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common.errors import Locked
from evaluations.models import Evaluation
from evaluations.permissions import Action, Actor, can, is_system

LOG_LOCK_FIELDS = (
    "interview_log_locked_at",
    "interview_log_locked_by__name",
    "interview_log_locked_by__email",
    "interview_log_lock_reason",
)


def ensure_can_lock(by: Actor, evaluation: Evaluation) -> None:
    """Only the lead evaluator locks and unlocks records and sets the legal hold; SYSTEM is
    not checked."""
    if not is_system(by) and not can(by, Action.CHANGE_EVALUATION, evaluation):
        raise PermissionDenied(
            _("Only the lead evaluator can lock or unlock records, or set a legal hold.")
        )


def lock_sentence(what: str, at: dt.datetime, who: str, reason: str) -> str:
    """'The interview log was locked by Ana on 3 May 2025: report final.'"""
    reason = reason.strip()
    if reason and reason[-1] not in ".!?":
        reason += "."
    return _("%(what)s was locked by %(who)s on %(day)s: %(reason)s") % {
        "what": what,
        "who": who or _("the system"),
        "day": date_format(timezone.localtime(at), "j F Y"),
        "reason": reason,
    }


def _who(name: str | None, email: str | None) -> str:
    return name or email or ""


def log_lock_state(evaluation: Evaluation) -> str:
    """The sentence saying who locked the interview log, when and why; empty when it is not
    locked. Read from the database: an evaluation loaded earlier may not know of a lock."""
    row = Evaluation.objects.filter(pk=evaluation.pk).values(*LOG_LOCK_FIELDS).first()
    if row is None or row["interview_log_locked_at"] is None:
        return ""
    return lock_sentence(
        _("The interview log"),
        row["interview_log_locked_at"],
        _who(row["interview_log_locked_by__name"], row["interview_log_locked_by__email"]),
        row["interview_log_lock_reason"],
    )


def ensure_log_unlocked(evaluation: Evaluation) -> None:
    """Raise Locked, saying who locked the interview log, when and why, while it is locked."""
    sentence = log_lock_state(evaluation)
    if sentence:
        raise Locked(
            sentence + " " + _("Reads and exports go on; ask the lead evaluator to unlock it.")
        )


def erasure_blocked_by(evaluations: Iterable[Evaluation]) -> str | None:
    """Why nobody appearing in these evaluations may be erased now: a legal hold, a locked
    interview log or a distribution whose responses are locked; None when nothing stops it."""
    ids = [e.pk for e in evaluations]
    chosen = Evaluation.objects.filter(pk__in=ids).order_by("title")
    held = chosen.filter(legal_hold=True).first()
    if held is not None:
        return _("“%(title)s” is under a legal hold: %(reason)s") % {
            "title": held.title,
            "reason": held.legal_hold_reason or _("no reason given."),
        }
    log_locked = chosen.filter(interview_log_locked_at__isnull=False).first()
    if log_locked is not None:
        return _("In “%(title)s”: %(sentence)s") % {
            "title": log_locked.title,
            "sentence": log_lock_state(log_locked),
        }
    # Distributions sit above this app: read through the reverse relation, by name.
    locked = (
        chosen.filter(distributions__responses_locked_at__isnull=False)
        .values(
            "title",
            "distributions__title",
            "distributions__responses_locked_at",
            "distributions__responses_locked_by__name",
            "distributions__responses_locked_by__email",
            "distributions__responses_lock_reason",
        )
        .first()
    )
    if locked is not None:
        return _("In “%(title)s”: %(sentence)s") % {
            "title": locked["title"],
            "sentence": lock_sentence(
                _("The responses to “%(distribution)s”")
                % {"distribution": locked["distributions__title"]},
                locked["distributions__responses_locked_at"],
                _who(
                    locked["distributions__responses_locked_by__name"],
                    locked["distributions__responses_locked_by__email"],
                ),
                locked["distributions__responses_lock_reason"],
            ),
        }
    return None
