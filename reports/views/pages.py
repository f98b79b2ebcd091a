"""The report tables as pages, under /evaluations/<slug>/reports/: the overview of interviews
(with its rules, printed numbers and overrides), the annex, questionnaire results, open answers
and response rates, each with its CSV download.

Every page reads through reports.selectors (which apply who may see what) and writes through
reports.services; the CSV downloads take the same rows as the workbook."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.downloads import csv_download, query_flag
from common.errors import ValidationProblem
from common.revisions import EditConflict, form_add_conflict, form_revision
from evaluations.models import Evaluation
from evaluations.permissions import Action
from evaluations.views import evaluation_view
from history.services import record_download
from interviews.models import ReportingCategory
from interviews.services import categories as category_services
from questionnaires.models import Distribution
from questionnaires.selectors.tracking import breakdown_choices
from reports import charts
from reports.forms import CategoriesForm, LayoutCellForm, LayoutForm, RulesForm
from reports.models import TableLayout
from reports.selectors import annex as annex_selectors
from reports.selectors import likert, open_answers, overview, rates
from reports.selectors.access import report_access
from reports.services import exports, layouts
from reports.views.base import refused, report_context, unsuppressed_choice


def _csv(request: HttpRequest, rows, filename: str) -> HttpResponse:
    """A table as CSV (UTF-8; with a BOM for Excel unless `?bom=0`)."""
    return csv_download(rows, filename, bom=request.GET.get("bom", "1") != "0")


def _layout(evaluation: Evaluation, request: HttpRequest) -> TableLayout | None:
    name = request.GET.get("layout") or request.POST.get("layout") or ""
    found = TableLayout.objects.filter(evaluation=evaluation)
    if name:
        layout = found.filter(name__iexact=name).first()
        if layout is None:
            raise Http404(_("There is no table layout called “%(name)s”.") % {"name": name})
        return layout
    return found.order_by("name").first()


# --- the overview of interviews ----------------------------------------------------------------


@evaluation_view(Action.VIEW_EVALUATION)
def overview_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    return _overview(request, evaluation, _layout(evaluation, request))


def _overview(
    request: HttpRequest,
    evaluation: Evaluation,
    layout: TableLayout | None,
    bound: dict[str, object] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The overview; `bound`: forms (and revisions) as posted, after an edit conflict."""
    table = overview.interview_overview(evaluation=evaluation, user=request.user, layout=layout)
    categories = list(ReportingCategory.objects.filter(evaluation=evaluation).order_by("order"))
    context = report_context(
        request,
        evaluation,
        "overview",
        table=table,
        layout=layout,
        layouts=TableLayout.objects.filter(evaluation=evaluation).order_by("name"),
    )
    if context["can_edit"]:
        context |= {
            "cell_form": LayoutCellForm(categories=categories),
            "rules_form": RulesForm(evaluation=evaluation),
            "layout_form": LayoutForm(instance=layout),
            "categories_form": CategoriesForm(categories=categories),
            "rules_revision": evaluation.rules_revision,
        }
        if layout is not None:
            form_revision(context["layout_form"], layout.revision)
            form_revision(context["cell_form"], layout.revision)  # cells share it
        context |= bound or {}
    return render(request, "reports/overview.html", context, status=status)


def _back_to_overview(evaluation: Evaluation, layout: TableLayout | None) -> HttpResponse:
    response = redirect("reports:overview", evaluation.slug)
    if layout is not None:
        response["Location"] += "?" + urlencode({"layout": layout.name})
    return response


@require_POST
@evaluation_view(Action.MANAGE_RESPONDENTS)
def overview_edit(request: HttpRequest, evaluation: Evaluation, what: str) -> HttpResponse:
    """One change to the overview's layout: its options, a printed number or an override, the
    rules, the categories. Refused changes keep nothing and say why."""
    layout = _layout(evaluation, request)
    categories = list(ReportingCategory.objects.filter(evaluation=evaluation).order_by("order"))
    try:
        with transaction.atomic():  # a refused change keeps nothing, a new layout neither
            layout = _apply_edit(request, evaluation, layout, categories, what)
    except ValidationProblem as problem:
        refused(request, problem)
    except EditConflict as conflict:
        return _conflict(request, evaluation, layout, what, conflict)
    return _back_to_overview(evaluation, layout)


def _conflict(
    request: HttpRequest,
    evaluation: Evaluation,
    layout: TableLayout | None,
    what: str,
    conflict: EditConflict,
) -> HttpResponse:
    """An edit based on an old revision: the page again with what changed meanwhile, what was
    typed kept, and the current revision so that saving again passes."""
    evaluation.refresh_from_db()
    categories = list(ReportingCategory.objects.filter(evaluation=evaluation).order_by("order"))
    if what in ("layout", "cell") and layout is not None:  # the cells share its revision
        form = (
            LayoutForm(request.POST, instance=TableLayout.objects.get(pk=layout.pk))
            if what == "layout"
            else LayoutCellForm(request.POST, categories=categories)
        )
        form_revision(form, conflict.revision)
        form.is_valid()
        form_add_conflict(form, conflict)
        return _overview(request, evaluation, layout, {f"{what}_form": form}, status=409)
    for text in [conflict.message, *(c.sentence() for c in conflict.changes)]:
        messages.error(request, text)
    bound: dict[str, object] = {"rules_revision": conflict.revision}
    if what == "rules":
        bound["rules_form"] = RulesForm(request.POST, evaluation=evaluation)
    else:
        bound["categories_form"] = CategoriesForm(request.POST, categories=categories)
    return _overview(request, evaluation, layout, bound, status=409)


def _posted_revision(request: HttpRequest) -> int | None:
    value = request.POST.get("revision", "")
    return int(value) if value.isdigit() and int(value) > 0 else None


def _apply_edit(
    request: HttpRequest,
    evaluation: Evaluation,
    layout: TableLayout | None,
    categories: list[ReportingCategory],
    what: str,
) -> TableLayout | None:
    user = request.user
    if what == "layout":
        form = LayoutForm(request.POST, instance=layout)
        options = form.cleaned_options()
        if layout is None or request.POST.get("as_new"):
            layout = layouts.layout_create(evaluation=evaluation, by=user, **options)
            messages.success(request, _("Layout “%(name)s” created.") % {"name": layout.name})
        else:
            layout = layouts.layout_update(
                layout=layout, by=user, revision=_posted_revision(request), **options
            )
            messages.success(request, _("Layout saved."))
    elif what == "cell":
        if layout is None:
            layout = layouts.layout_create(evaluation=evaluation, by=user, name=_("As printed"))
        form = LayoutCellForm(request.POST, categories=categories)
        cell = form.cleaned_cell()
        base = _posted_revision(request)
        if cell["action"] == "override":
            layouts.override_set(layout=layout, by=user, revision=base, **cell["fields"])
            messages.success(request, _("Override saved, with its reason."))
        elif cell["action"] == "clear_override":
            layouts.override_clear(layout=layout, by=user, revision=base, **cell["target"])
            messages.success(request, _("Override removed: the computed number is shown."))
        else:
            layouts.printed_set(layout=layout, by=user, revision=base, **cell["fields"])
            messages.success(request, _("Printed number saved."))
    elif what == "rules":
        rules = RulesForm(request.POST, evaluation=evaluation).cleaned_rules()
        category_services.category_rules_set(
            evaluation=evaluation, by=user, rules=rules, revision=_posted_revision(request)
        )
        messages.success(request, _("Rules saved and applied to the log."))
    elif what == "categories":
        form = CategoriesForm(request.POST, categories=categories)
        category_services.categories_save(
            evaluation=evaluation,
            by=user,
            revision=_posted_revision(request),
            **form.cleaned_changes(),
        )
        messages.success(request, _("Categories saved."))
    else:
        raise Http404
    return layout


@evaluation_view(Action.VIEW_EVALUATION)
def overview_csv(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    table = overview.interview_overview(
        evaluation=evaluation, user=request.user, layout=_layout(evaluation, request)
    )
    return _csv(request, overview.overview_rows(table), f"{evaluation.slug}-interview-overview.csv")


# --- the annex ---------------------------------------------------------------------------------


def _annex(request: HttpRequest, evaluation: Evaluation):
    by = request.GET.get("by", "grouping")
    if by not in ("grouping", "category"):
        by = "grouping"
    return annex_selectors.annex(
        evaluation=evaluation,
        user=request.user,
        by=by,
        withhold_names=query_flag(request, "withhold_names"),
    )


@evaluation_view(Action.VIEW_EVALUATION)
def annex_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    annex = _annex(request, evaluation)
    return render(
        request, "reports/annex.html", report_context(request, evaluation, "annex", annex=annex)
    )


@evaluation_view(Action.VIEW_EVALUATION)
def annex_csv(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    rows = annex_selectors.annex_rows(_annex(request, evaluation))
    filename = f"{evaluation.slug}-persons-interviewed.csv"
    record_download(evaluation, what=filename, evaluation_id=evaluation.pk)
    return _csv(request, rows, filename)


# --- questionnaire results ---------------------------------------------------------------------


def _distributions(evaluation: Evaluation):
    return Distribution.objects.filter(evaluation=evaluation).order_by("created_at", "pk")


def _distribution(request: HttpRequest, evaluation: Evaluation) -> Distribution | None:
    found = _distributions(evaluation)
    wanted = request.GET.get("distribution", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404(_("There is no such distribution."))
        return get_object_or_404(found, pk=int(wanted))
    return found.first()


def _likert_choice(request: HttpRequest, evaluation: Evaluation):
    """The user's access, the distribution asked for and the breakdown asked for."""
    access = report_access(
        request.user, evaluation, unsuppressed=unsuppressed_choice(request, evaluation)
    )
    return access, _distribution(request, evaluation), request.GET.get("by", "")


@evaluation_view(Action.VIEW_EVALUATION)
def likert_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    access, distribution, by = _likert_choice(request, evaluation)
    tables, breakdowns = [], []
    if distribution is not None:
        breakdowns = likert.likert_breakdowns(distribution, access)
        try:
            tables = likert.likert_summary(
                user=request.user,
                distribution=distribution,
                by=by,
                unsuppressed=not access.suppressed,
            )
        except ValidationProblem as problem:  # a breakdown the user may not make
            refused(request, problem)
            return redirect(request.path + f"?distribution={distribution.pk}")
    shown = [
        (table, mark_safe(charts.diverging_svg(charts.diverging_chart(table))))  # noqa: S308 - escaped
        for table in tables
    ]
    group_charts = [
        [mark_safe(svg) for svg in charts.group_svgs(table)]  # noqa: S308 - escaped
        for table in tables
    ]
    context = report_context(
        request,
        evaluation,
        "likert",
        access=access,
        distribution=distribution,
        distributions=_distributions(evaluation),
        breakdowns=breakdowns,
        by=by,
        tables=shown,
        group_charts=dict(zip([t.block_key for t in tables], group_charts, strict=True)),
    )
    return render(request, "reports/likert.html", context)


@evaluation_view(Action.VIEW_EVALUATION)
def likert_csv(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    access, distribution, by = _likert_choice(request, evaluation)
    if distribution is None:
        raise Http404(_("This evaluation has no distribution yet."))
    try:  # refused before the download starts, not in the middle of it
        likert.breakdown_label(distribution, by, access)
    except ValidationProblem as problem:
        return HttpResponseBadRequest(problem.message, content_type="text/plain; charset=utf-8")
    parameters = {
        "distribution": distribution.pk,
        "by": by,
        "unsuppressed": not access.suppressed,
    }
    rows = exports.TABLES["likert"](evaluation, request.user, parameters)
    filename = f"{evaluation.slug}-likert-{distribution.pk}.csv"
    record_download(distribution, what=filename, evaluation_id=evaluation.pk)  # has answers
    return _csv(request, rows, filename)


# --- open answers ------------------------------------------------------------------------------


@evaluation_view(Action.VIEW_RESPONSES)
def open_answers_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    distribution = _distribution(request, evaluation)
    by = request.GET.get("by", "")
    questions = []
    breakdowns = []
    if distribution is not None:
        breakdowns = likert.likert_breakdowns(distribution)
        try:
            questions = open_answers.open_answers(
                user=request.user, distribution=distribution, by=by
            )
        except ValidationProblem as problem:  # an attribute the responses do not record
            refused(request, problem)
            return redirect(request.path + f"?distribution={distribution.pk}")
    context = report_context(
        request,
        evaluation,
        "open",
        distribution=distribution,
        distributions=_distributions(evaluation),
        breakdowns=breakdowns,
        by=by,
        questions=questions,
    )
    return render(request, "reports/open_answers.html", context)


# --- response rates ----------------------------------------------------------------------------


def _rates(request: HttpRequest, evaluation: Evaluation):
    by = request.GET.get("by", "region") or "region"
    found = rates.evaluation_rates(
        user=request.user,
        evaluation=evaluation,
        by=by,
        unsuppressed=unsuppressed_choice(request, evaluation),
    )
    return by, found


@evaluation_view(Action.VIEW_EVALUATION)
def rates_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    try:
        by, found = _rates(request, evaluation)
    except ValidationProblem as problem:
        refused(request, problem)
        return redirect("reports:rates", evaluation.slug)
    choices: dict[str, str] = {}
    for distribution in _distributions(evaluation):
        choices.update(breakdown_choices(distribution))
    context = report_context(
        request,
        evaluation,
        "rates",
        access=report_access(
            request.user, evaluation, unsuppressed=unsuppressed_choice(request, evaluation)
        ),
        by=by,
        distributions=found,
        rate_charts={
            item.distribution_id: mark_safe(charts.rates_svg(item.title, item.rows))  # noqa: S308
            for item in found
        },
        breakdown_choices=list(choices.items()) or [("region", _("Region"))],
    )
    return render(request, "reports/rates.html", context)


@evaluation_view(Action.VIEW_EVALUATION)
def rates_csv(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    try:
        by, _found = _rates(request, evaluation)
    except ValidationProblem as problem:
        return HttpResponseBadRequest(problem.message, content_type="text/plain; charset=utf-8")
    parameters = {"by": by, "unsuppressed": unsuppressed_choice(request, evaluation)}
    rows = exports.TABLES["rates"](evaluation, request.user, parameters)
    return _csv(request, rows, f"{evaluation.slug}-response-rates.csv")
