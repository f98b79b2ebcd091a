"""The team's pages for a distribution's open link: its settings, rotating and closing it.
The distribution page shows it with its counts (questionnaires.selectors.open_links)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import ValidationProblem, form_add_problem
from evaluations.models import Evaluation
from evaluations.permissions import Action, actions_for
from evaluations.views import evaluation_view
from questionnaires.forms.open_links import OpenLinkForm
from questionnaires.models import Distribution, OpenLink
from questionnaires.selectors.open_links import open_link_summary
from questionnaires.services.open_links import open_link_close, open_link_rotate, open_link_save


def _distribution(evaluation: Evaluation, pk: int) -> Distribution:
    return get_object_or_404(
        Distribution.objects.select_related("version__instrument", "evaluation"),
        evaluation=evaluation,
        pk=pk,
    )


def open_link_initial(link: OpenLink | None, distribution: Distribution) -> dict:
    """The form's values: the link's settings, its close as a local time in the zone."""
    if link is None:
        return {"email_capture": OpenLink.EmailCapture.OFF, "one_per_browser": True}
    zone = ZoneInfo(distribution.time_zone or "UTC")
    closes = link.closes_at and link.closes_at.astimezone(zone).replace(tzinfo=None)
    return {
        "quota": link.quota,
        "closes_at": closes,
        "email_capture": link.email_capture,
        "one_per_browser": link.one_per_browser,
    }


def open_link_context(request: HttpRequest, distribution: Distribution, form=None) -> dict:
    """What the open link's card shows: the link, its address, counts and settings form."""
    summary = open_link_summary(distribution)
    link = summary.link
    return {
        "open_link": summary,
        "open_link_url": (
            request.build_absolute_uri(reverse("open_link:entry", args=[link.token]))
            if link
            else ""
        ),
        "open_link_form": form
        or OpenLinkForm(initial=open_link_initial(link, distribution), zone=distribution.time_zone),
    }


def _back(evaluation: Evaluation, distribution: Distribution) -> HttpResponse:
    response = redirect("questionnaires:distribution", slug=evaluation.slug, pk=distribution.pk)
    response["Location"] += "#open-link"
    return response


@evaluation_view(Action.MANAGE_RESPONDENTS)
def open_link_page(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    """Make the open link or change its settings (a page of its own shows what to correct)."""
    distribution = _distribution(evaluation, pk)
    form = OpenLinkForm(request.POST or None, zone=distribution.time_zone)
    if request.method == "POST" and form.is_valid():
        try:
            open_link_save(distribution=distribution, by=request.user, **form.cleaned_data)
        except ValidationProblem as problem:
            form_add_problem(form, problem)
        else:
            messages.success(request, _("Open link saved."))
            return _back(evaluation, distribution)
    allowed = actions_for(request.user, evaluation)
    context = {"evaluation": evaluation, "distribution": distribution, "allowed": allowed}
    context |= open_link_context(request, distribution, form if request.method == "POST" else None)
    status = 400 if request.method == "POST" else 200
    return render(request, "questionnaires/open_link.html", context, status=status)


def _act(request: HttpRequest, evaluation: Evaluation, pk: int, act) -> HttpResponse:
    distribution = _distribution(evaluation, pk)
    try:
        message = act(distribution)
    except ValidationProblem as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, message)
    return _back(evaluation, distribution)


@require_POST
@evaluation_view(Action.MANAGE_RESPONDENTS)
def open_link_rotate_view(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    def act(distribution: Distribution) -> str:
        open_link_rotate(distribution=distribution, by=request.user)
        return _("A new open link was made; the old one now says it was replaced.")

    return _act(request, evaluation, pk, act)


@require_POST
@evaluation_view(Action.MANAGE_RESPONDENTS)
def open_link_close_view(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    closing = request.POST.get("closed", "1") != "0"

    def act(distribution: Distribution) -> str:
        open_link_close(distribution=distribution, by=request.user, closed=closing)
        if closing:
            return _("The open link is closed: nobody new can start through it.")
        return _("The open link is open again.")

    return _act(request, evaluation, pk, act)
