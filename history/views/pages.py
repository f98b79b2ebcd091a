"""History pages: who changed what, newest first, 50 to a page.

The objects a page is about (an interview, a person …) live in apps above this one; they are
looked up by model label (as history/tracked.py does), for their name and to answer 404 for an
address that never existed. An object since deleted still shows its history.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from evaluations.models import Evaluation
from evaluations.permissions import Action
from evaluations.views import evaluation_view
from history.models import Entry
from history.selectors import (
    distribution_history,
    ensure_history,
    ensure_registry_history,
    entry_rows,
    evaluation_activity,
    history_subject,
    interview_history,
    person_history,
    version_history,
    version_of,
)
from history.views.filters import ActivityFilterForm

PAGE_SIZE = 50


def _page(request: HttpRequest, entries: QuerySet[Entry], evaluation: Evaluation | None):
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return page, entry_rows(page.object_list, evaluation=evaluation)


def _history_page(
    request: HttpRequest,
    *,
    entries: QuerySet[Entry],
    evaluation: Evaluation | None,
    title: str,
    back: str,
    section: str,
) -> HttpResponse:
    page, rows = _page(request, entries, evaluation)
    return render(
        request,
        "history/history.html",
        {
            "evaluation": evaluation,
            "page": page,
            "rows": rows,
            "title": title,
            "back": back,
            "section": section,
            "can_manage": True,  # the registry's sub-navigation: only managers read history
        },
    )


@evaluation_view(Action.VIEW_EVALUATION)
def activity_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    ensure_history(request.user, evaluation)
    form = ActivityFilterForm(request.GET or None, evaluation=evaluation)
    valid = form.is_valid() if form.is_bound else True
    entries = evaluation_activity(user=request.user, evaluation=evaluation, filters=form.filters())
    page, rows = _page(request, entries, evaluation)
    return render(
        request,
        "history/activity.html",
        {"evaluation": evaluation, "form": form, "page": page, "rows": rows},
        status=200 if valid else 400,
    )


@evaluation_view(Action.VIEW_EVALUATION)
def interview_history_page(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    entries = interview_history(user=request.user, evaluation=evaluation, interview_id=pk)
    interview = history_subject("interviews.Interview", entries, evaluation=evaluation, pk=pk)
    return _history_page(
        request,
        entries=entries,
        evaluation=evaluation,
        title=str(interview) if interview else _("Interview %(id)s (deleted)") % {"id": pk},
        back=reverse("interviews:interview", args=[evaluation.slug, pk]) if interview else "",
        section="interviews",
    )


@evaluation_view(Action.VIEW_EVALUATION)
def distribution_history_page(
    request: HttpRequest, evaluation: Evaluation, pk: int
) -> HttpResponse:
    entries = distribution_history(user=request.user, evaluation=evaluation, distribution_id=pk)
    found = history_subject("questionnaires.Distribution", entries, evaluation=evaluation, pk=pk)
    return _history_page(
        request,
        entries=entries,
        evaluation=evaluation,
        title=str(found) if found else _("Distribution %(id)s (deleted)") % {"id": pk},
        back=reverse("questionnaires:distribution", args=[evaluation.slug, pk]) if found else "",
        section="questionnaires",
    )


@evaluation_view(Action.VIEW_EVALUATION)
def version_history_page(
    request: HttpRequest, evaluation: Evaluation, key: str, number: int
) -> HttpResponse:
    ensure_history(request.user, evaluation)
    version = version_of(evaluation=evaluation, key=key, number=number)
    entries = version_history(
        user=request.user,
        evaluation=evaluation,
        version_id=version.pk,
        instrument_id=version.instrument_id,
    )
    return _history_page(
        request,
        entries=entries,
        evaluation=evaluation,
        title=_("%(key)s version %(number)s") % {"key": key, "number": number},
        back=reverse("questionnaires:version", args=[evaluation.slug, key, number]),
        section="questionnaires",
    )


@login_required
def person_history_page(request: HttpRequest, pk: int) -> HttpResponse:
    ensure_registry_history(request.user)
    entries = person_history(user=request.user, person_id=pk)
    person = history_subject("stakeholders.Person", entries, pk=pk)
    return _history_page(
        request,
        entries=entries,
        evaluation=None,
        title=str(person) if person else _("Person %(id)s (deleted)") % {"id": pk},
        back=reverse("stakeholders:person", args=[pk]) if person else "",
        section="people",
    )
