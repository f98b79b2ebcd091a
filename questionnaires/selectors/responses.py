"""Reads on responses: the rows the team sees, and who may read which answers."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from evaluations.permissions import Action, can_read_answers, ensure
from questionnaires.models import (
    Answer,
    Correction,
    Distribution,
    Invitation,
    InvitationEvent,
    Response,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


# --- anonymous distributions: no order nor time finer than the day ------------------------------
# At submission an anonymous response is cut from its invitation, gets a new random id and
# keeps only the day (services.responses._complete). What anyone reads must not link them
# back: responses are listed by that random id, never by submission, and the times of the
# respondent's own steps on the invitation (opened, started, submitted …) are shown as a day.

RESPONDENT_STEPS = frozenset(
    {
        Invitation.Status.OPENED,
        Invitation.Status.STARTED,
        Invitation.Status.SUBMITTED,
        Invitation.Status.RETURNED,
        Invitation.Status.DECLINED,
    }
)


def day_only(distribution: Distribution) -> bool:
    """Whether the distribution's respondents' times are shown as a day only (anonymous)."""
    return distribution.confidentiality == Distribution.Confidentiality.ANONYMOUS


def response_order(distribution: Distribution, *, prefix: str = "") -> tuple[str, ...]:
    """How the distribution's responses are listed (order_by fields, on Response or with
    `prefix` "response__" on Answer): by submission, except anonymous ones: by their random
    id, unrelated to who submitted when."""
    if day_only(distribution):
        return (f"{prefix}id",)
    return (f"{prefix}submitted_at", f"{prefix}id")


def day_of(value: dt.datetime | None) -> dt.date | None:
    """The (UTC) day of a time: anonymous submissions are stored as their UTC day."""
    return None if value is None else value.astimezone(dt.UTC).date()


@dataclass(frozen=True)
class HistoryLine:
    """One step of an invitation's history as shown; `day` is set where only the day is."""

    status: str
    at: dt.datetime
    by: User | None
    note: str
    day: dt.date | None = None


def invitation_history(
    events: Iterable[InvitationEvent], *, distribution: Distribution
) -> list[HistoryLine]:
    """One invitation's events (oldest first; give them with their `by`) as shown. For an
    anonymous distribution the respondent's own steps keep their day only (`at` at 00:00 UTC)
    and the steps are listed in the order they were recorded."""
    if not day_only(distribution):
        return [HistoryLine(e.status, e.at, e.by, e.note) for e in events]
    lines = []
    for event in sorted(events, key=lambda event: event.pk):
        day = day_of(event.at) if event.status in RESPONDENT_STEPS else None
        at = event.at if day is None else dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
        lines.append(HistoryLine(event.status, at, event.by, event.note, day))
    return lines


def response_rows(*, user: User, distribution: Distribution) -> list[dict]:
    """The distribution's responses as the user may see them: who (unless anonymous), status,
    channel, times, and whether the user may open the answers."""
    ensure(user, Action.VIEW_RESPONSES, distribution.evaluation)
    # Reopened, or asked to be: the answers shown and counted are those submitted before.
    corrections = dict(
        Correction.objects.filter(
            response__distribution=distribution, status__in=Correction.ACTIVE
        ).values_list("response_id", "status")
    )
    rows = []
    for response in (
        # Drafts stay with their respondents: the team sees what was submitted.
        Response.objects.filter(distribution=distribution, status=Response.Status.SUBMITTED)
        .select_related("invitation", "entered_by", "distribution")
        .order_by(*response_order(distribution))
    ):
        rows.append(
            {
                "response": response,
                "who": response.invitation.name if response.invitation else "",
                "readable": answers_refusal(user=user, response=response) is None,
                "correction": corrections.get(response.pk, ""),
            }
        )
    return rows


def answers_refusal(*, user: User, response: Response) -> str | None:
    """Why the user may not read the response's answers; None when they may."""
    if response.status != Response.Status.SUBMITTED:
        return _("This response is a draft: it stays with its respondent.")
    if can_read_answers(
        user,
        response.distribution.evaluation,
        confidentiality=response.confidentiality,
        entered_by_id=response.entered_by_id,
    ):
        return None
    if response.confidentiality == "lead":
        return _("These answers are for the lead evaluator only.")
    return _("Your role does not include reading individual answers.")


def readable_responses_filter(
    user: User | AnonymousUser, distribution: Distribution, *, prefix: str = ""
) -> Q | None:
    """The submitted responses of the distribution whose answers the user may read, as one
    filter on Response (on Answer with prefix "response__"); None when they may read none.

    Derived from can_read_answers, the rule answers_refusal applies to one response, asked
    once per confidentiality a response of this distribution can have, so a page, the API and
    an export filtering many responses at once cannot disagree with it."""
    mine = Q(**{f"{prefix}distribution_id": distribution.pk, f"{prefix}status": "submitted"})
    mode = distribution.confidentiality
    if mode == Distribution.Confidentiality.RESPONDENT:
        # The respondent's choice decides; no choice recorded is the lead only.
        team = Q(**{f"{prefix}route": Distribution.Confidentiality.TEAM})
        cases = [(Distribution.Confidentiality.TEAM, mine & team), ("lead", mine & ~team)]
    else:
        cases = [(mode, mine)]
    allowed = []
    for confidentiality, where in cases:

        def reads(entered_by_id: int | None, confidentiality: str = confidentiality) -> bool:
            return can_read_answers(
                user,
                distribution.evaluation,
                confidentiality=confidentiality,
                entered_by_id=entered_by_id,
            )

        if reads(None) and reads(-1):  # whoever keyed it in
            allowed.append(where)
        elif user.pk is not None and reads(user.pk):  # only what this user keyed in
            allowed.append(where & Q(**{f"{prefix}entered_by_id": user.pk}))
    if not allowed:
        return None
    return reduce(operator.or_, allowed)


def response_answers(*, user: User, response: Response) -> list[Answer]:
    """The response's answers, for a user allowed to read them (PermissionDenied otherwise)."""
    refusal = answers_refusal(user=user, response=response)
    if refusal:
        raise PermissionDenied(refusal)
    return list(Answer.objects.filter(response=response).select_related("question"))
