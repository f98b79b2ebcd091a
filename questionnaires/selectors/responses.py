"""Reads on responses: the rows the team sees, and who may read which answers."""

from __future__ import annotations

import operator
from functools import reduce
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from evaluations.permissions import Action, can_read_answers, ensure
from questionnaires.models import Answer, Distribution, Response

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def response_rows(*, user: User, distribution: Distribution) -> list[dict]:
    """The distribution's responses as the user may see them: who (unless anonymous), status,
    channel, times, and whether the user may open the answers."""
    ensure(user, Action.VIEW_RESPONSES, distribution.evaluation)
    rows = []
    for response in (
        # Drafts stay with their respondents: the team sees what was submitted.
        Response.objects.filter(distribution=distribution, status=Response.Status.SUBMITTED)
        .select_related("invitation", "entered_by", "distribution")
        .order_by("status", "submitted_at")
    ):
        rows.append(
            {
                "response": response,
                "who": response.invitation.name if response.invitation else "",
                "readable": answers_refusal(user=user, response=response) is None,
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
