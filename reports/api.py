"""API doors into the reports, under /api/v1/evaluations/{slug}/reports/: the overview of
interviews and its layouts, rules and cells; the annex; Likert summaries with their charts;
open answers; response rates; and export jobs (start, poll, cancel, retry, download).

Every member reads the aggregates (viewers with small cells suppressed); the selectors decide
what each user sees, the services who may change what."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.downloads import CSV_TYPE, XLSX_TYPE, safe_filename
from common.errors import ValidationProblem
from evaluations.api import SLUG, EvaluationScoped
from evaluations.permissions import Action, can
from interviews.models import CategoryRule, ReportingCategory
from interviews.services.categories import category_rules_set
from questionnaires.models import Distribution
from reports.models import ExportJob, TableLayout
from reports.selectors.access import report_access
from reports.serializers import (
    AnnexSerializer,
    CellWriteSerializer,
    EvaluationRatesSerializer,
    ExportJobSerializer,
    ExportRequestSerializer,
    LayoutSerializer,
    LayoutWriteSerializer,
    LikertTableSerializer,
    OpenQuestionSerializer,
    OverviewTableSerializer,
    RuleSerializer,
    RuleWriteSerializer,
)

if TYPE_CHECKING:
    from evaluations.models import Evaluation

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


def _problem(field: str, message: str) -> ValidationProblem:
    return ValidationProblem(message, errors={field: [message]})


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The query parameters, validated (a bad one is a 400 naming it)."""
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


class ReportScoped(EvaluationScoped):
    """The evaluation of the address, for any member; loaded once per request."""

    def members_evaluation(self) -> Evaluation:
        if not hasattr(self, "_members_evaluation"):
            self._members_evaluation = self.evaluation(Action.VIEW_EVALUATION)
        return self._members_evaluation

    def editable_evaluation(self) -> Evaluation:
        """The evaluation, for the members who shape the report tables."""
        evaluation = self.members_evaluation()
        if not can(self.request.user, Action.MANAGE_RESPONDENTS, evaluation):
            raise PermissionDenied(
                _("Only the lead evaluator and evaluators can change the report tables.")
            )
        return evaluation

    def distribution(self, distribution_id: int) -> Distribution:
        """A distribution of the evaluation; a 400 naming the known ones otherwise."""
        evaluation = self.members_evaluation()
        found = Distribution.objects.filter(evaluation=evaluation).order_by("created_at", "pk")
        distribution = found.filter(pk=distribution_id).select_related("evaluation").first()
        if distribution is None:
            known = ", ".join(f"{d.pk} ({d.title})" for d in found) or _("none yet")
            raise _problem(
                "distribution",
                _("There is no distribution %(id)d in this evaluation. Use one of: %(known)s.")
                % {"id": distribution_id, "known": known},
            )
        return distribution


# --- the overview of interviews -------------------------------------------------------------------


class OverviewQuery(serializers.Serializer):
    layout = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="A layout's name (case ignored) or id; default: the first layout by name.",
    )


def _layout_wanted(evaluation: Evaluation, wanted: str) -> TableLayout | str:
    """A layout's id as the layout; a name is left to the selector (which names the known)."""
    if wanted.strip().isdigit():
        found = TableLayout.objects.filter(evaluation=evaluation, pk=int(wanted)).first()
        if found is not None:
            return found
    return wanted


class OverviewView(ReportScoped, APIView):
    """The overview of interviews: per reporting category, interviews and participants
    (computed, printed, difference, overrides), the optional columns, the Total row, the
    footnotes, the rules that sorted the interviews and the excluded interviews."""

    @extend_schema(
        parameters=[SLUG, OverviewQuery],
        responses={
            200: OverviewTableSerializer,
            400: OpenApiResponse(description="Unknown layout: {detail, errors: {layout}}."),
            404: OpenApiResponse(description="No such evaluation for you."),
        },
    )
    def get(self, request: Request, evaluation_slug: str) -> Response:
        from reports.selectors.overview import interview_overview

        evaluation = self.members_evaluation()
        wanted = _query(OverviewQuery, request).get("layout", "")
        layout = _layout_wanted(evaluation, wanted) if wanted.strip() else None
        table = interview_overview(evaluation=evaluation, user=request.user, layout=layout)
        return Response(OverviewTableSerializer(table).data)


# --- layouts and their cells ----------------------------------------------------------------------


def _cell_errors(problem: ValidationProblem) -> ValidationProblem:
    """The service names the model's fields; the caller sent `reason` and `override`."""
    names = {"override_reason": "reason", "value": "override"}
    errors = {names.get(key, key): messages for key, messages in problem.errors.items()}
    return ValidationProblem(problem.message, errors=errors)


@extend_schema(parameters=[SLUG])
class LayoutViewSet(ReportScoped, viewsets.GenericViewSet):
    """Saved ways of printing the overview: columns shown, and the numbers a report printed
    with the overrides (each with its reason). Members read; the lead evaluator and
    evaluators change them."""

    serializer_class = LayoutSerializer
    queryset = TableLayout.objects.none()
    lookup_value_regex = r"\d+"
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TableLayout.objects.none()
        return (
            TableLayout.objects.filter(evaluation=self.members_evaluation())
            .prefetch_related(
                "cells__category", "cells__override_by"
            )  # the cells come with every layout
            .order_by("name")
        )

    def _layout(self) -> TableLayout:
        found = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise Http404(_("There is no table layout with this id in this evaluation."))
        return found

    def _body(self, layout: TableLayout, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=layout.pk)
        return Response(LayoutSerializer(fresh).data, status=code)

    def list(self, request: Request, evaluation_slug: str) -> Response:
        return Response(LayoutSerializer(self.get_queryset(), many=True).data)

    def retrieve(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        return Response(LayoutSerializer(self._layout()).data)

    @extend_schema(request=LayoutWriteSerializer, responses={201: LayoutSerializer})
    def create(self, request: Request, evaluation_slug: str) -> Response:
        from reports.services.layouts import layout_create

        evaluation = self.editable_evaluation()
        data = LayoutWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        layout = layout_create(evaluation=evaluation, by=request.user, **data.validated_data)
        return self._body(layout, status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID], request=LayoutWriteSerializer, responses=LayoutSerializer)
    def partial_update(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        from reports.services.layouts import layout_update

        self.editable_evaluation()
        layout = self._layout()
        data = LayoutWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        layout = layout_update(layout=layout, by=request.user, **data.validated_data)
        return self._body(layout)

    @extend_schema(parameters=[ID], responses={204: None})
    def destroy(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        from reports.services.layouts import layout_delete

        self.editable_evaluation()
        layout_delete(layout=self._layout(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[ID], request=CellWriteSerializer, responses=LayoutSerializer)
    @action(detail=True, methods=["post"])
    def cells(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        """Set a cell's printed number and/or override it (a reason is required); null clears."""
        evaluation = self.editable_evaluation()
        layout = self._layout()
        data = CellWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        from reports.services.layouts import layout_cell_set

        changes = data.validated_data
        try:
            layout_cell_set(
                layout=layout,
                by=request.user,
                category=_category(evaluation, changes["category"]),
                column=changes["column"],
                changes=changes,
            )
        except ValidationProblem as problem:
            raise _cell_errors(problem) from None
        return self._body(layout)


def _category(evaluation: Evaluation, wanted: int | None) -> ReportingCategory | None:
    """The evaluation's category of that id; None for the Total row."""
    if wanted is None:
        return None
    category = ReportingCategory.objects.filter(evaluation=evaluation, pk=wanted).first()
    if category is None:
        raise _problem(
            "category",
            _("There is no reporting category %(id)d in this evaluation.") % {"id": wanted},
        )
    return category


# --- the category rules ---------------------------------------------------------------------------


RULES_SCHEMA = {
    "parameters": [SLUG],
    "request": RuleWriteSerializer(many=True),
    "responses": {
        200: RuleSerializer(many=True),
        400: OpenApiResponse(description='A bad rule: {detail, errors: {"rule <n>": [...]}}.'),
        403: OpenApiResponse(description="Only the lead evaluator and evaluators set rules."),
    },
}


class RulesView(ReportScoped, APIView):
    """The ordered rules that put interviews in reporting categories (first match wins; a
    category set by hand stays). PUT replaces them all, or none, and applies them."""

    parser_classes = [JSONParser]

    def _rules(self, evaluation: Evaluation) -> Response:
        rules = CategoryRule.objects.filter(evaluation=evaluation).select_related("category")
        return Response(RuleSerializer(rules, many=True).data)

    @extend_schema(parameters=[SLUG], responses=RuleSerializer(many=True))
    def get(self, request: Request, evaluation_slug: str) -> Response:
        return self._rules(self.members_evaluation())

    @extend_schema(**RULES_SCHEMA)
    def put(self, request: Request, evaluation_slug: str) -> Response:
        evaluation = self.editable_evaluation()
        data = RuleWriteSerializer(data=request.data, many=True)
        data.is_valid(raise_exception=True)
        categories = ReportingCategory.objects.filter(evaluation=evaluation).in_bulk()
        rules = []
        for number, rule in enumerate(data.validated_data, start=1):
            category = categories.get(rule["category"])
            if category is None:
                raise _problem(
                    f"rule {number}",
                    _("Rule %(n)d: there is no reporting category %(id)d in this evaluation.")
                    % {"n": number, "id": rule["category"]},
                )
            rules.append(
                {"field": rule["field"], "value": rule.get("value", ""), "category": category}
            )
        category_rules_set(evaluation=evaluation, by=request.user, rules=rules)
        return self._rules(evaluation)


# --- the annex ------------------------------------------------------------------------------------


class AnnexQuery(serializers.Serializer):
    by = serializers.CharField(
        required=False, default="grouping", help_text="grouping (default) or category."
    )
    withhold_names = serializers.BooleanField(
        required=False, default=False, help_text="Organisation and function only, no names."
    )

    def validate_by(self, value: str) -> str:
        if value not in ("grouping", "category"):
            raise serializers.ValidationError(_("Group the annex by grouping or by category."))
        return value


class AnnexView(ReportScoped, APIView):
    """The list of persons interviewed, grouped by grouping or by reporting category. Names
    are withheld on request, and always for roles that may not see them."""

    @extend_schema(parameters=[SLUG, AnnexQuery], responses=AnnexSerializer)
    def get(self, request: Request, evaluation_slug: str) -> Response:
        from reports.selectors.annex import annex

        params = _query(AnnexQuery, request)
        found = annex(evaluation=self.members_evaluation(), user=request.user, **params)
        return Response(AnnexSerializer(found).data)


# --- Likert summaries, open answers, rates --------------------------------------------------------


class LikertQuery(serializers.Serializer):
    distribution = serializers.IntegerField(help_text="The distribution's id.")
    block = serializers.CharField(
        required=False, allow_blank=True, help_text="One Likert block's key; default: all."
    )
    by = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="A snapshot attribute to break down by (region, country …); default: none.",
    )
    unsuppressed = serializers.BooleanField(
        required=False, default=False, help_text="Lead evaluator only: small cells shown."
    )


class LikertView(ReportScoped, APIView):
    """Likert summaries of a distribution: per item n, counts and percents per point in scale
    order (null where suppressed), agreeing, mean, standard deviation; with a breakdown, the
    rows per value; and the diverging chart's series."""

    @extend_schema(
        parameters=[SLUG, LikertQuery],
        responses={
            200: LikertTableSerializer(many=True),
            400: OpenApiResponse(description="Unknown distribution, block or attribute."),
            403: OpenApiResponse(description="Unsuppressed asked by someone not the lead."),
        },
    )
    def get(self, request: Request, evaluation_slug: str) -> Response:
        from reports.selectors.likert import likert_blocks, likert_summary

        params = _query(LikertQuery, request)
        evaluation = self.members_evaluation()
        report_access(request.user, evaluation, unsuppressed=params["unsuppressed"])
        distribution = self.distribution(params["distribution"])
        block = None
        if params.get("block"):
            blocks = {b.key: b for b in likert_blocks(distribution)}
            block = blocks.get(params["block"])
            if block is None:
                known = ", ".join(blocks) or _("none")
                message = _("There is no Likert block “%(key)s” in this questionnaire.") % {
                    "key": params["block"]
                }
                raise _problem("block", f"{message} {_('Use one of: %s.') % known}")
        by = params.get("by", "")
        tables = likert_summary(
            user=request.user,
            distribution=distribution,
            block=block,
            by=by,
            unsuppressed=params["unsuppressed"],
        )
        return Response(LikertTableSerializer(tables, many=True).data)


class OpenAnswersQuery(serializers.Serializer):
    distribution = serializers.IntegerField(help_text="The distribution's id.")
    by = serializers.CharField(
        required=False, allow_blank=True, help_text="A snapshot attribute to group answers by."
    )


class OpenAnswersView(ReportScoped, APIView):
    """The open answers of a distribution per question, grouped by an attribute; only for
    roles that read responses, and lead-only answers only for the lead (counted otherwise)."""

    @extend_schema(
        parameters=[SLUG, OpenAnswersQuery],
        responses={
            200: OpenQuestionSerializer(many=True),
            403: OpenApiResponse(description="Your role does not read individual answers."),
        },
    )
    def get(self, request: Request, evaluation_slug: str) -> Response:
        from reports.selectors.open_answers import open_answers

        params = _query(OpenAnswersQuery, request)
        access = report_access(request.user, self.members_evaluation())
        if not access.raw_answers:
            raise PermissionDenied(_("Your role does not include individual answers."))
        distribution = self.distribution(params["distribution"])
        by = params.get("by", "")
        questions = open_answers(user=request.user, distribution=distribution, by=by)
        return Response(OpenQuestionSerializer(questions, many=True).data)


class RatesQuery(serializers.Serializer):
    by = serializers.CharField(
        required=False, default="region", help_text="A recipient attribute; default: region."
    )
    unsuppressed = serializers.BooleanField(
        required=False, default=False, help_text="Lead evaluator only: small groups shown."
    )


class RatesView(ReportScoped, APIView):
    """Response rates of every distribution with invitations, by an attribute, with the
    submitted responses by channel and the non-responders per country."""

    @extend_schema(
        parameters=[SLUG, RatesQuery],
        responses={
            200: EvaluationRatesSerializer(many=True),
            400: OpenApiResponse(description="Unknown attribute: {detail, errors: {by}}."),
        },
    )
    def get(self, request: Request, evaluation_slug: str) -> Response:
        from reports.selectors.rates import evaluation_rates

        query = _query(RatesQuery, request)
        found = evaluation_rates(
            user=request.user,
            evaluation=self.members_evaluation(),
            by=query["by"],
            unsuppressed=query["unsuppressed"],
        )
        return Response(EvaluationRatesSerializer(found, many=True).data)


# --- exports --------------------------------------------------------------------------------------

EXPORT_PARAMETERS = ("table", "unsuppressed", "labels", "layout", "distribution", "by", "bom")


@extend_schema(parameters=[SLUG])
class ExportViewSet(ReportScoped, viewsets.GenericViewSet):
    """Export jobs: the evaluation workbook, or one table as CSV, built in the background.
    Start one (202), poll it, cancel or retry it, download the file once done. You see your
    own jobs; the lead evaluator sees everyone's."""

    serializer_class = ExportJobSerializer
    queryset = ExportJob.objects.none()
    lookup_value_regex = r"\d+"

    def get_serializer_context(self) -> dict[str, Any]:
        request = self.request

        def download_url(job: ExportJob) -> str:
            return request.build_absolute_uri(
                reverse(
                    "api:report-export-download",
                    kwargs={"evaluation_slug": self.kwargs["evaluation_slug"], "pk": job.pk},
                )
            )

        return {**super().get_serializer_context(), "download_url": download_url}

    def _job(self) -> ExportJob:
        """The job of the address, for its requester or a lead; others are refused."""
        from reports.selectors.exports import export_get

        return export_get(
            evaluation=self.members_evaluation(), user=self.request.user, pk=self.kwargs["pk"]
        )

    def _body(self, job: ExportJob, code: int = status.HTTP_200_OK) -> Response:
        job.refresh_from_db()
        return Response(self.get_serializer(job).data, status=code)

    def list(self, request: Request, evaluation_slug: str) -> Response:
        from reports.selectors.exports import export_list

        jobs = export_list(evaluation=self.members_evaluation(), user=request.user)
        page = self.paginate_queryset(jobs.select_related("requested_by"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=ExportRequestSerializer,
        responses={
            202: ExportJobSerializer,
            400: OpenApiResponse(description="Unknown kind or table: {detail, errors}."),
            403: OpenApiResponse(description="Unsuppressed asked by someone not the lead."),
        },
    )
    def create(self, request: Request, evaluation_slug: str) -> Response:
        from reports.services.exports import export_request

        evaluation = self.members_evaluation()
        data = ExportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        report_access(request.user, evaluation, unsuppressed=fields["unsuppressed"])
        if "distribution" in fields:
            self.distribution(fields["distribution"])  # one of this evaluation's, or a 400
        parameters = {name: fields[name] for name in EXPORT_PARAMETERS if name in fields}
        job = export_request(
            evaluation=evaluation, by=request.user, kind=fields["kind"], parameters=parameters
        )
        return self._body(job, status.HTTP_202_ACCEPTED)

    @extend_schema(parameters=[ID])
    def retrieve(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        """State, progress, step, error; the download address once done."""
        return self._body(self._job())

    @extend_schema(parameters=[ID], request=None, responses=ExportJobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        """Stop a queued or running export."""
        from reports.services.exports import export_cancel

        job = self._job()
        export_cancel(job=job, by=request.user)
        return self._body(job)

    @extend_schema(parameters=[ID], request=None, responses={202: ExportJobSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        """Start a failed or cancelled export again."""
        from reports.services.exports import export_retry

        job = export_retry(job=self._job(), by=request.user)
        return self._body(job, status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[ID],
        responses={
            (200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The workbook."),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The CSV."),
            404: OpenApiResponse(description="Not finished, expired, or no such export."),
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, evaluation_slug: str, pk: str) -> FileResponse:
        """The file of a finished export (its requester or the lead evaluator)."""
        from reports.selectors.exports import export_file

        job = self._job()
        opened = export_file(job=job, user=request.user)
        kind = XLSX_TYPE if job.kind == ExportJob.Kind.WORKBOOK else CSV_TYPE
        return FileResponse(
            opened,
            as_attachment=True,
            filename=safe_filename(job.filename or job.file.name.rsplit("/", 1)[-1]),
            content_type=kind,
        )
