"""The outbox: every e-mail of an evaluation, one message, and retrying a failed one."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from evaluations.models import Evaluation
from evaluations.permissions import Action, can_see_links
from evaluations.views import evaluation_view
from questionnaires.models import Distribution, Message
from questionnaires.services.messaging import message_retry


def _may_read_body(request: HttpRequest, message: Message) -> bool:
    """A message holds the personal link: only who may see the links reads it."""
    return can_see_links(
        request.user,
        message.distribution.evaluation,
        confidentiality=message.distribution.confidentiality,
    )


@evaluation_view(Action.MANAGE_RESPONDENTS)
def outbox_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """Every message, newest first; filtered by questionnaire, status and recipient (name or
    address, any part of it)."""
    distributions = list(
        Distribution.objects.filter(evaluation=evaluation).order_by("created_at", "pk")
    )
    found = Message.objects.filter(distribution__evaluation=evaluation).select_related(
        "distribution", "invitation"
    )
    problems = []
    status = request.GET.get("status", "")
    if status in Message.Status.values:
        found = found.filter(status=status)
    elif status:
        problems.append(_("Status: “%(value)s” is not a status of a message.") % {"value": status})
    wanted = request.GET.get("distribution", "")
    chosen = next((d for d in distributions if str(d.pk) == wanted), None)
    if chosen is not None:
        found = found.filter(distribution=chosen)
    elif wanted:
        problems.append(_("Questionnaire: there is no such questionnaire in this evaluation."))
    q = request.GET.get("q", "").strip()
    if q:
        found = found.filter(Q(recipient__icontains=q) | Q(invitation__name__icontains=q))
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "questionnaires/outbox.html",
        {
            "evaluation": evaluation,
            "page": page,
            "status": status,
            "statuses": Message.Status.choices,
            "distributions": distributions,
            "chosen": chosen,
            "q": q,
            "problems": problems,
            "to_files": settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"),
        },
        status=400 if problems else 200,
    )


@evaluation_view(Action.MANAGE_RESPONDENTS)
def message_page(request: HttpRequest, evaluation: Evaluation, message: int) -> HttpResponse:
    item = get_object_or_404(
        Message.objects.select_related("distribution__evaluation", "invitation"),
        distribution__evaluation=evaluation,
        pk=message,
    )
    if request.method == "POST":
        try:
            message_retry(message=item, by=request.user)
        except ValidationProblem as problem:
            messages.error(request, problem.message)
        else:
            messages.success(request, _("Queued again."))
        return redirect("questionnaires:message", slug=evaluation.slug, message=item.pk)
    readable = _may_read_body(request, item)
    if not readable and request.GET.get("raw"):
        raise PermissionDenied(_("This message holds a personal link your role may not see."))
    return render(
        request,
        "questionnaires/message.html",
        {"evaluation": evaluation, "message": item, "readable": readable},
    )
