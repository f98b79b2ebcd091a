"""The page to lock and unlock a distribution's responses (lead only): a reason and a
confirmation."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from evaluations.locks import ensure_can_lock
from evaluations.models import Evaluation
from evaluations.permissions import Action
from evaluations.views import evaluation_view, lock_confirm_page
from questionnaires.models import Distribution
from questionnaires.services.distributions import (
    distribution_responses_lock,
    distribution_responses_unlock,
    responses_lock_state,
)


@evaluation_view(Action.VIEW_INSTRUMENTS)
def distribution_lock_page(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    distribution = get_object_or_404(Distribution, evaluation=evaluation, pk=pk)
    ensure_can_lock(request.user, evaluation)
    locked = distribution.responses_locked_at is not None
    service = distribution_responses_unlock if locked else distribution_responses_lock
    heading = (
        _("Unlock the responses to “%(title)s”")
        if locked
        else _("Lock the responses to “%(title)s”")
    )
    return lock_confirm_page(
        request,
        evaluation,
        locked=locked,
        switch=lambda reason: service(distribution=distribution, by=request.user, reason=reason),
        done=_("The responses are open again.")
        if locked
        else _("The responses are locked: they can be read and exported, not changed."),
        back=reverse("questionnaires:distribution", args=[evaluation.slug, pk]),
        context={
            "state": responses_lock_state(distribution),
            "heading": heading % {"title": distribution.title},
            "explain": _(
                "While locked, the form is closed to respondents, no invitation or reminder is "
                "sent, no response can be entered and no recipient added, changed, excluded or "
                "restored; the responses and their exports can still be read."
            ),
            "section": "questionnaires",
        },
    )
