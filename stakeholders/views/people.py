"""The people pages: the searchable list, a person's page, adding and editing people and
their affiliations."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import ValidationProblem
from common.revisions import form_revision
from stakeholders.forms.registry import (
    AffiliationEndForm,
    AffiliationForm,
    PersonForm,
    PersonSearchForm,
)
from stakeholders.models import Affiliation, Person, PersonAlias
from stakeholders.selectors.duplicates import person_duplicates
from stakeholders.selectors.merges import person_final, person_merges
from stakeholders.selectors.people import (
    current_affiliation,
    people_group_counts,
    people_search,
    person_evaluations,
    person_get,
)
from stakeholders.services.people import (
    affiliation_add,
    affiliation_end,
    affiliation_update,
    person_create,
    person_update,
)
from stakeholders.views.base import form_page, paginate, registry_view, render_registry
from stakeholders.views.merges import moved_summary


@registry_view()
def people_page(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    # A filter that is not valid is shown with its error; the valid ones still apply.
    valid = form.is_valid()
    filters = form.cleaned_data if form.is_bound else {}
    people = people_search(user=request.user, **filters)
    page = paginate(request, people)
    return render_registry(
        request,
        "people.html",
        {
            "form": form,
            "page": page,
            "rows": [(p, current_affiliation(p)) for p in page.object_list],
            "group_counts": people_group_counts(people),
            "filtered": any(v for v in filters.values()),
            "total": Person.objects.filter(merged_into__isnull=True).count(),
        },
        status=200 if valid or not form.is_bound else 400,
    )


@registry_view()
def person_page(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get(user=request.user, pk=pk)
    if person.merged_into_id:
        kept = person_final(person)
        messages.info(
            request,
            _("%(name)s was merged into %(kept)s.")
            % {"name": person.display_name, "kept": kept.display_name},
        )
        return redirect(kept)
    evaluations, hidden = person_evaluations(user=request.user, person=person)
    merges = person_merges(person=person)
    return render_registry(
        request,
        "person.html",
        {
            "person": person,
            "affiliations": person.affiliations.all(),
            "evaluations": evaluations,
            "hidden_evaluations": hidden,
            "candidates": person_duplicates(person=person),
            "merges": [(m, moved_summary(m)) for m in merges],
            "end_form": AffiliationEndForm(),
        },
    )


@registry_view(manage=True)
def person_create_page(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: person_create(by=request.user, alias_source=PersonAlias.Source.MANUAL, **data),
        done=lambda p: _("%(name)s added to the registry.") % {"name": p.display_name},
        then=lambda p: p.get_absolute_url(),
        context={
            "section": "people",
            "title": _("New person"),
            "back": reverse("stakeholders:people"),
        },
    )


def _live_person(request: HttpRequest, pk: int) -> Person | HttpResponse:
    """The person to change; a merged one sends the user to the person kept."""
    person = person_get(user=request.user, pk=pk)
    if person.merged_into_id:
        kept = person_final(person)
        messages.error(
            request,
            _("%(name)s was merged into %(kept)s: change %(kept)s instead.")
            % {"name": person.display_name, "kept": kept.display_name},
        )
        return redirect(kept)
    return person


@registry_view(manage=True)
def person_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    person = _live_person(request, pk)
    if isinstance(person, HttpResponse):
        return person
    form = PersonForm(request.POST or None, initial=PersonForm.initial_for(person))
    form_revision(form, person.revision)
    return form_page(
        request,
        form,
        lambda data: person_update(by=request.user, person=person, **data),
        done=lambda p: _("Changes to %(name)s saved.") % {"name": p.display_name},
        then=lambda p: p.get_absolute_url(),
        context={
            "section": "people",
            "title": _("Edit %(name)s") % {"name": person.display_name},
            "back": person.get_absolute_url(),
        },
        aliases={"display_name": "name"},
    )


@registry_view(manage=True)
def affiliation_create_page(request: HttpRequest, pk: int) -> HttpResponse:
    person = _live_person(request, pk)
    if isinstance(person, HttpResponse):
        return person
    form = AffiliationForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: affiliation_add(person=person, **data),
        done=lambda a: _("Affiliation added: %(what)s.") % {"what": a},
        then=lambda a: person.get_absolute_url(),
        context={
            "section": "people",
            "title": _("New affiliation of %(name)s") % {"name": person.display_name},
            "back": person.get_absolute_url(),
        },
    )


def _affiliation(person: Person, pk: int) -> Affiliation:
    return get_object_or_404(Affiliation, person=person, pk=pk)


@registry_view(manage=True)
def affiliation_edit_page(request: HttpRequest, pk: int, affiliation: int) -> HttpResponse:
    person = _live_person(request, pk)
    if isinstance(person, HttpResponse):
        return person
    current = _affiliation(person, affiliation)
    form = AffiliationForm(request.POST or None, affiliation=current)
    form_revision(form, current.revision)
    return form_page(
        request,
        form,
        lambda data: affiliation_update(by=request.user, affiliation=current, **data),
        done=lambda a: _("Affiliation saved: %(what)s.") % {"what": a},
        then=lambda a: person.get_absolute_url(),
        context={
            "section": "people",
            "title": _("Affiliation of %(name)s") % {"name": person.display_name},
            "back": person.get_absolute_url(),
        },
    )


@require_POST
@registry_view(manage=True)
def affiliation_end_page(request: HttpRequest, pk: int, affiliation: int) -> HttpResponse:
    person = _live_person(request, pk)
    if isinstance(person, HttpResponse):
        return person
    current = _affiliation(person, affiliation)
    form = AffiliationEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the person left, e.g. 2024-06-30."))
    else:
        try:
            affiliation_end(by=request.user, affiliation=current, end=form.cleaned_data["end"])
        except ValidationProblem as problem:
            messages.error(request, problem.message)
        else:
            messages.success(request, _("Affiliation ended: %(what)s.") % {"what": current})
    return redirect(person)
