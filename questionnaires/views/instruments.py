"""The team's pages for instruments: the list and upload, a version's preview (and sending it
out), its YAML and XLSForm."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from common.errors import ValidationProblem, form_add_problem
from evaluations.models import Evaluation
from evaluations.permissions import Action, actions_for, ensure
from evaluations.views import evaluation_view
from questionnaires.consent import consent_texts
from questionnaires.forms.distribution import DistributionForm
from questionnaires.forms.instruments import InstrumentUploadForm
from questionnaires.instrument_format.dumper import instrument_dump
from questionnaires.instrument_format.xlsform import (
    XLSX_MEDIA_TYPE,
    xlsform_to_yaml,
    xlsform_write,
)
from questionnaires.models import InstrumentVersion
from questionnaires.presentation import build_form
from questionnaires.selectors.distributions import distribution_list
from questionnaires.selectors.instruments import instruments_by_title, version_spec
from questionnaires.services.distributions import distribution_create
from questionnaires.services.instruments import instrument_load


def _version(evaluation: Evaluation, key: str, number: int) -> InstrumentVersion:
    return get_object_or_404(
        InstrumentVersion.objects.select_related("instrument"),
        instrument__evaluation=evaluation,
        instrument__key=key,
        number=number,
    )


@evaluation_view(Action.VIEW_INSTRUMENTS)
def instrument_list_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    allowed = actions_for(request.user, evaluation)
    form = InstrumentUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        ensure(request.user, Action.MANAGE_INSTRUMENTS, evaluation)
        if form.is_valid():
            try:
                upload = form.cleaned_data["file"]  # YAML text, or an XLSForm's bytes
                text = upload if isinstance(upload, str) else xlsform_to_yaml(upload)
                result = instrument_load(evaluation=evaluation, text=text, by=request.user)
            except ValidationProblem as problem:
                form_add_problem(form, problem)
            else:
                done = _("Loaded %(summary)s.") if result.changed else "%(summary)s."
                messages.success(request, done % {"summary": result.summary()})
                return redirect("questionnaires:instruments", slug=evaluation.slug)
        status = 400
    return render(
        request,
        "questionnaires/instruments.html",
        {
            "evaluation": evaluation,
            "instruments": instruments_by_title(evaluation=evaluation),
            "distributions": distribution_list(evaluation=evaluation),
            "form": form,
            "allowed": allowed,
        },
        status=status,
    )


@evaluation_view(Action.VIEW_INSTRUMENTS)
def version_page(
    request: HttpRequest, evaluation: Evaluation, key: str, number: int
) -> HttpResponse:
    """The preview, exactly as a respondent sees it; and sending the version out."""
    version = _version(evaluation, key, number)
    language = request.GET.get("lang") if request.GET.get("lang") in version.languages else "en"
    form = DistributionForm(
        request.POST or None,
        initial={"title": build_form(version, "en").title, "confidentiality": "team"},
    )
    if request.method == "POST":
        ensure(request.user, Action.MANAGE_INSTRUMENTS, evaluation)
        if form.is_valid():
            try:
                distribution = distribution_create(
                    evaluation=evaluation, by=request.user, version=version, **form.cleaned_data
                )
            except ValidationProblem as problem:
                form_add_problem(form, problem)
            else:
                messages.success(
                    request,
                    _("Version %(n)d is frozen and ready: add respondents to get their links.")
                    % {"n": version.number},
                )
                return redirect(
                    "questionnaires:distribution", slug=evaluation.slug, pk=distribution.pk
                )
    return render(
        request,
        "questionnaires/version.html",
        {
            "evaluation": evaluation,
            "version": version,
            "preview": build_form(version, language),
            "consent": consent_texts(version, language),
            "language": language,
            "form": form,
            "allowed": actions_for(request.user, evaluation),
            "versions": version.instrument.versions.order_by("number"),
        },
    )


@evaluation_view(Action.VIEW_INSTRUMENTS)
def version_yaml(
    request: HttpRequest, evaluation: Evaluation, key: str, number: int
) -> HttpResponse:
    version = _version(evaluation, key, number)
    response = HttpResponse(
        instrument_dump(version_spec(version)), content_type="application/yaml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{key}-v{number}.yaml"'
    return response


@evaluation_view(Action.VIEW_INSTRUMENTS)
def version_xlsform(
    request: HttpRequest, evaluation: Evaluation, key: str, number: int
) -> HttpResponse:
    """The version as an XLSForm workbook, for KoboToolbox, ODK or SurveyCTO."""
    version = _version(evaluation, key, number)
    response = HttpResponse(
        xlsform_write(version_spec(version), version=version.number), content_type=XLSX_MEDIA_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{key}-v{number}.xlsx"'
    return response
