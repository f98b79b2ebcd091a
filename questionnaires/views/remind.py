"""Reminders sent now by a lead or evaluator: a preview of who and the message, then a
confirmation (the scheduled ones go by themselves, services/reminders.py)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import ngettext

from common.errors import ValidationProblem
from evaluations.models import Evaluation
from evaluations.permissions import Action, can_see_links
from evaluations.views import evaluation_view
from questionnaires.models import Distribution
from questionnaires.services.reminders import reminders_preview, reminders_send_now


def _moment(text: str) -> dt.datetime | None:
    try:
        moment = parse_datetime(text)
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


@evaluation_view(Action.MANAGE_RESPONDENTS)
def remind_page(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    """GET: who would be reminded and the message; POST: send it to them now."""
    distribution = get_object_or_404(
        Distribution.objects.select_related("evaluation", "created_by"),
        evaluation=evaluation,
        pk=pk,
    )
    back = redirect("questionnaires:distribution", slug=evaluation.slug, pk=pk)
    try:
        if request.method == "POST":
            # Exactly those the preview listed, and none reminded since (a double submit).
            count = reminders_send_now(
                distribution=distribution,
                by=request.user,
                recipients=[int(i) for i in request.POST.getlist("recipient") if i.isdigit()]
                or None,
                previewed_at=_moment(request.POST.get("previewed_at", "")),
            )
            text = ngettext(
                "%(count)d reminder queued for sending. The outbox shows it.",
                "%(count)d reminders queued for sending. The outbox shows each one.",
                count,
            )
            messages.success(request, text % {"count": count})
            return back
        preview = reminders_preview(distribution=distribution, by=request.user)
    except ValidationProblem as problem:
        messages.error(request, problem.message)
        return back
    return render(
        request,
        "questionnaires/remind.html",
        {
            "evaluation": evaluation,
            "distribution": distribution,
            "preview": preview,
            "show_links": can_see_links(
                request.user, evaluation, confidentiality=distribution.confidentiality
            ),
        },
    )
