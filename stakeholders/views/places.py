"""The office and country pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from stakeholders.forms.registry import CountryForm, OfficeForm
from stakeholders.models import Country, Office
from stakeholders.selectors.places import country_list, office_list
from stakeholders.services.places import country_update, office_create, office_update
from stakeholders.views.base import form_page, registry_view, render_registry


@registry_view()
def offices_page(request: HttpRequest) -> HttpResponse:
    return render_registry(request, "offices.html", {"offices": office_list(user=request.user)})


@registry_view(manage=True)
def office_create_page(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        OfficeForm(request.POST or None),
        lambda data: office_create(by=request.user, **data),
        done=lambda o: _("%(name)s added.") % {"name": o},
        then=lambda o: reverse("stakeholders:offices"),
        context={
            "section": "offices",
            "title": _("New office"),
            "back": reverse("stakeholders:offices"),
        },
    )


@registry_view(manage=True)
def office_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    office = get_object_or_404(Office, pk=pk)
    return form_page(
        request,
        OfficeForm(request.POST or None, initial=OfficeForm.initial_for(office)),
        lambda data: office_update(by=request.user, office=office, **data),
        done=lambda o: _("Changes to %(name)s saved.") % {"name": o},
        then=lambda o: reverse("stakeholders:offices"),
        context={
            "section": "offices",
            "title": _("Edit %(name)s") % {"name": office},
            "back": reverse("stakeholders:offices"),
        },
    )


@registry_view()
def countries_page(request: HttpRequest) -> HttpResponse:
    return render_registry(
        request, "countries.html", {"countries": country_list(user=request.user)}
    )


@registry_view(manage=True)
def country_edit_page(request: HttpRequest, code: str) -> HttpResponse:
    country = get_object_or_404(Country, code=code.upper())
    form = CountryForm(
        request.POST or None, initial={"region": country.region_id, "aliases": country.aliases}
    )
    return form_page(
        request,
        form,
        lambda data: country_update(by=request.user, country=country, **data),
        done=lambda c: _("Changes to %(name)s saved.") % {"name": c},
        then=lambda c: reverse("stakeholders:countries") + f"#country-{c.code}",
        context={
            "section": "countries",
            "title": _("%(name)s (%(code)s)") % {"name": country.name, "code": country.code},
            "back": reverse("stakeholders:countries"),
        },
    )
