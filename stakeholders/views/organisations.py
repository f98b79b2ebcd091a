"""The organisation pages: the searchable list, adding and editing."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from common.revisions import form_revision
from stakeholders.forms.registry import OrganisationForm, OrganisationSearchForm
from stakeholders.models import Organisation
from stakeholders.selectors.organisations import organisation_list
from stakeholders.services.organisations import organisation_create, organisation_update
from stakeholders.views.base import form_page, paginate, registry_view, render_registry


@registry_view()
def organisations_page(request: HttpRequest) -> HttpResponse:
    form = OrganisationSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, organisation_list(user=request.user, **filters))
    return render_registry(request, "organisations.html", {"form": form, "page": page})


def _organisation_save(request: HttpRequest, organisation: Organisation | None) -> Callable:
    def save(data: dict) -> Organisation:
        if organisation is None:
            return organisation_create(by=request.user, **data)
        return organisation_update(by=request.user, organisation=organisation, **data)

    return save


@registry_view(manage=True)
def organisation_create_page(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        OrganisationForm(request.POST or None),
        _organisation_save(request, None),
        done=lambda o: _("%(name)s added.") % {"name": o},
        then=lambda o: reverse("stakeholders:organisations"),
        context={
            "section": "organisations",
            "title": _("New organisation"),
            "back": reverse("stakeholders:organisations"),
        },
    )


@registry_view(manage=True)
def organisation_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    form = OrganisationForm(
        request.POST or None, initial=OrganisationForm.initial_for(organisation)
    )
    form.fields["parent"].queryset = form.fields["parent"].queryset.exclude(pk=organisation.pk)
    form_revision(form, organisation.revision)
    return form_page(
        request,
        form,
        _organisation_save(request, organisation),
        done=lambda o: _("Changes to %(name)s saved.") % {"name": o},
        then=lambda o: reverse("stakeholders:organisations"),
        context={
            "section": "organisations",
            "title": _("Edit %(name)s") % {"name": organisation},
            "back": reverse("stakeholders:organisations"),
        },
    )
