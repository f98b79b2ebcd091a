"""A person's data page (everything Consulta holds about them, and its JSON download) and the
erase page, under /registry/people/<id>/."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from common.errors import ValidationProblem, form_add_problem
from history.services import record_download
from privacy.forms.erase import EraseForm, confirmation_word
from privacy.selectors.access import ensure_erase_allowed, export_reader
from privacy.selectors.export import person_export, person_history_rows
from privacy.services.erasure import person_erase
from stakeholders.models import Person


def export_filename(person: Person) -> str:
    return f"person-{person.pk}.json"


def export_json(export: dict) -> str:
    return json.dumps(export, ensure_ascii=False, indent=2)


@login_required
def person_data_page(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    reader = export_reader(by=request.user, person=person)
    export = person_export(reader=reader, person=person)
    rows = person_history_rows(reader=reader, person=person)
    return render(
        request, "privacy/person_data.html", {"person": person, "export": export, "rows": rows}
    )


@login_required
def person_data_download(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    export = person_export(reader=export_reader(by=request.user, person=person), person=person)
    record_download(person, what=export_filename(person), evaluation_id=None)
    response = HttpResponse(export_json(export), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(person)}"'
    return response


@login_required
def person_erase_page(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    ensure_erase_allowed(by=request.user, person=person)
    form = EraseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                erasure = person_erase(
                    by=request.user, person=person, reason=form.cleaned_data["reason"]
                )
            except ValidationProblem as problem:
                form_add_problem(form, problem)
            else:
                messages.success(
                    request,
                    _("Person no. %(id)s was erased: they are now “%(placeholder)s”.")
                    % {"id": person.pk, "placeholder": erasure.placeholder},
                )
                return redirect(person.get_absolute_url())
    context = {"person": person, "form": form, "word": confirmation_word()}
    return render(request, "privacy/person_erase.html", context, status=status)
