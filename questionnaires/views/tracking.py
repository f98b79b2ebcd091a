"""The tracking page of a distribution (who has answered, rates, countries) and its CSV."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from common.downloads import csv_download
from common.errors import ValidationProblem
from evaluations.models import Evaluation
from evaluations.permissions import Action
from evaluations.views import evaluation_view
from history.services import record_download
from questionnaires.models import Distribution, Response
from questionnaires.selectors.open_links import open_link_summary
from questionnaires.selectors.tracking import (
    DEFAULT_BREAKDOWN,
    STATUS_LABELS,
    breakdown_check,
    breakdown_choices,
    breakdown_name,
    channel_counts,
    country_rollup,
    csv_rows,
    response_rates,
    status_counts,
)


def _distribution(evaluation: Evaluation, pk: int) -> Distribution:
    return get_object_or_404(
        Distribution.objects.select_related("evaluation"), evaluation=evaluation, pk=pk
    )


@evaluation_view(Action.VIEW_INSTRUMENTS)
def tracking_page(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    distribution = _distribution(evaluation, pk)
    by = request.GET.get("by") or DEFAULT_BREAKDOWN
    error, status = "", 200
    try:
        rows = response_rates(distribution, by)
    except ValidationProblem as problem:
        error, status = problem.message, 400
        rows = response_rates(distribution, DEFAULT_BREAKDOWN)
        by = DEFAULT_BREAKDOWN
    counts = status_counts(distribution)
    channels = channel_counts(distribution)
    return render(
        request,
        "questionnaires/tracking.html",
        {
            "evaluation": evaluation,
            "distribution": distribution,
            "by": by,
            "by_label": breakdown_name(by),
            "choices": breakdown_choices(distribution),
            "error": error,
            "statuses": [(s, STATUS_LABELS[s], n) for s, n in counts.items()],
            "rows": rows[:-1],
            "total": rows[-1],
            "channels": [(label, channels[c]) for c, label in Response.Channel.choices],
            "rollup": country_rollup(distribution, user=request.user),
            "open_link": open_link_summary(distribution),
        },
        status=status,
    )


@evaluation_view(Action.VIEW_INSTRUMENTS)
def tracking_csv(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    """The rates table and, for those who may see names, each recipient; streamed."""
    distribution = _distribution(evaluation, pk)
    by = request.GET.get("by") or DEFAULT_BREAKDOWN
    try:
        breakdown_check(distribution, by)
    except ValidationProblem as problem:
        return HttpResponse(problem.message, status=400, content_type="text/plain; charset=utf-8")
    filename = f"distribution-{distribution.pk}-tracking-{by}.csv"
    record_download(distribution, what=filename, evaluation_id=evaluation.pk)
    return csv_download(csv_rows(distribution, by=by, user=request.user), filename)
