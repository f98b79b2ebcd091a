"""API shapes of the reports: the computed tables (reports.tables) as JSON, and the inputs of
layouts, rules, cells and exports. No side effects here."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.revisions import revision_field
from interviews.models import CategoryRule
from questionnaires.serializers import RateRowSerializer, TrackingCountrySerializer
from reports.charts import diverging_chart
from reports.models import ExportJob, LayoutCell, TableLayout
from reports.selectors.exports import export_ready
from reports.services.exports import TABLES
from reports.services.layouts import CELL_MAX

# Plain strings with the choices in the help text where a model's choices would give an enum
# name another app already uses (spectacular warns on the collision).
EXPORT_KINDS = list(ExportJob.Kind.values)
EXPORT_STATES = ", ".join(ExportJob.State.values)
EXPORT_KINDS_HELP = (
    "workbook: the evaluation workbook (Excel); csv: one table (see table); responses: the raw "
    "responses of one questionnaire (Excel, needs distribution; roles that read individual "
    "responses only)."
)


@extend_schema_field(
    {"type": "string", "enum": EXPORT_KINDS, "description": EXPORT_KINDS_HELP},
    component_name="ExportKind",
)
class ExportKindField(serializers.CharField):
    """The kind of an export: a string, in the schema an enum component of its own (named, so
    that it does not collide with the other apps' `kind` enums)."""


class KeyLabelSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


def key_labels(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"key": key, "label": label} for key, label in pairs]


# --- the overview of interviews -----------------------------------------------------------------


class OverviewCellSerializer(serializers.Serializer):
    computed = serializers.IntegerField(help_text="Computed from the log.")
    at_least = serializers.BooleanField(
        help_text="A group of unknown size is in it: the true number is at least `computed`."
    )
    shown = serializers.IntegerField(help_text="The override when there is one, else computed.")
    text = serializers.CharField(help_text="As printed: “12”, or “≥ 12”.")
    printed = serializers.IntegerField(allow_null=True, help_text="What a report printed.")
    difference = serializers.IntegerField(
        allow_null=True, help_text="Computed − printed; null when nothing was printed."
    )
    override = serializers.IntegerField(allow_null=True)
    override_reason = serializers.CharField(allow_blank=True)
    override_by = serializers.CharField(allow_blank=True, help_text="Who overrode the cell.")


class OverviewRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    category_id = serializers.IntegerField(
        allow_null=True, help_text="Null for “(no category)” and the Total row."
    )
    interviews = OverviewCellSerializer()
    participants = OverviewCellSerializer()
    extra = serializers.DictField(
        child=serializers.IntegerField(), help_text="The optional columns by key (see columns)."
    )
    is_total = serializers.BooleanField()


class ExcludedInterviewSerializer(serializers.Serializer):
    interview_id = serializers.IntegerField()
    date = serializers.DateField()
    label = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)


class RuleLineSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    text = serializers.CharField()
    matched = serializers.IntegerField(help_text="Interviews this rule decided (first match).")


class OverviewTableSerializer(serializers.Serializer):
    evaluation_id = serializers.IntegerField()
    layout_name = serializers.CharField(allow_blank=True, help_text="“” for the default.")
    title = serializers.CharField(allow_blank=True)
    columns = serializers.SerializerMethodField(
        help_text="The optional columns after interviews and participants."
    )
    rows = OverviewRowSerializer(many=True)
    total = OverviewRowSerializer(help_text="Distinct people over the whole table.")
    footnotes = serializers.ListField(child=serializers.CharField())
    rules = RuleLineSerializer(many=True)
    by_hand = serializers.IntegerField(help_text="Interviews whose category was set by hand.")
    excluded = ExcludedInterviewSerializer(many=True)
    has_printed = serializers.BooleanField()

    @extend_schema_field(KeyLabelSerializer(many=True))
    def get_columns(self, table: Any) -> list[dict[str, str]]:
        return key_labels(table.columns)


# --- layouts, cells and rules ---------------------------------------------------------------------


class LayoutCellSerializer(serializers.ModelSerializer):
    category_name = serializers.SerializerMethodField()
    override_by = serializers.SerializerMethodField()

    class Meta:
        model = LayoutCell
        fields = [
            "category", "category_name", "column", "printed", "override", "override_reason",
            "override_by", "override_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_category_name(self, cell: LayoutCell) -> str:
        return cell.category.name if cell.category_id else _("Total")

    def get_override_by(self, cell: LayoutCell) -> str:
        user = cell.override_by
        return (getattr(user, "name", "") or getattr(user, "email", "")) if user else ""


class LayoutSerializer(serializers.ModelSerializer):
    cells = LayoutCellSerializer(many=True, read_only=True)

    class Meta:
        model = TableLayout
        fields = [
            "id", "name", "title", "show_group_interviews", "show_follow_ups", "show_modes",
            "show_sex", "cells", "revision", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "cells", "revision", "created_at", "updated_at"]


class LayoutWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    show_group_interviews = serializers.BooleanField(required=False)
    show_follow_ups = serializers.BooleanField(required=False)
    show_modes = serializers.BooleanField(required=False)
    show_sex = serializers.BooleanField(required=False)
    revision = revision_field()


class CellWriteSerializer(serializers.Serializer):
    category = serializers.IntegerField(
        allow_null=True, help_text="A reporting category's id; null for the Total row."
    )
    column = serializers.ChoiceField(choices=LayoutCell.Column.choices)
    printed = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=CELL_MAX,
        help_text="What a report printed; null clears.",
    )
    override = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=CELL_MAX,
        help_text="The number to show instead of the computed one; null clears the override.",
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Why the cell is overridden (required)."
    )
    revision = revision_field()  # the layout's: its cells share it

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "printed" not in attrs and "override" not in attrs:
            raise serializers.ValidationError(
                {"printed": _("Give a printed number, an override, or both.")}
            )
        if attrs.get("override") is not None and not attrs.get("reason", "").strip():
            raise serializers.ValidationError(
                {"reason": _("Say why the cell is overridden: an override needs a reason.")}
            )
        return attrs


class RuleSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True)
    text = serializers.CharField(source="__str__", read_only=True)
    field = serializers.CharField(help_text="When: " + ", ".join(CategoryRule.Field.values) + ".")

    class Meta:
        model = CategoryRule
        fields = ["id", "order", "field", "value", "category", "category_name", "text"]
        read_only_fields = fields


class RuleWriteSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="When: " + ", ".join(CategoryRule.Field.values) + ".")
    value = serializers.CharField(required=False, allow_blank=True, max_length=200)
    category = serializers.IntegerField(help_text="The reporting category's id.")

    def validate_field(self, value: str) -> str:
        if value not in CategoryRule.Field.values:
            raise serializers.ValidationError(
                _("“%(value)s” is not a rule field. Use one of: %(known)s.")
                % {"value": value, "known": ", ".join(CategoryRule.Field.values)}
            )
        return value


# --- the annex ------------------------------------------------------------------------------------


class AnnexLineSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    department = serializers.CharField(allow_blank=True)
    date = serializers.CharField()
    interviewers = serializers.CharField(allow_blank=True)


class AnnexGroupSerializer(serializers.Serializer):
    heading = serializers.CharField(allow_blank=True)
    lines = AnnexLineSerializer(many=True)


class AnnexSerializer(serializers.Serializer):
    by = serializers.CharField()
    names_withheld = serializers.BooleanField()
    groups = AnnexGroupSerializer(many=True)


# --- Likert summaries and charts ------------------------------------------------------------------


class ScaleColumnSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    value = serializers.IntegerField(allow_null=True)
    in_scale = serializers.BooleanField()


class LikertCountSerializer(serializers.Serializer):
    count = serializers.IntegerField(allow_null=True, help_text="Null: suppressed.")
    percent = serializers.FloatField(allow_null=True, help_text="Null: suppressed.")


class LikertRowSerializer(serializers.Serializer):
    question_key = serializers.CharField()
    question_label = serializers.CharField(allow_blank=True, help_text="As printed: “1)”, “•”.")
    question_ref = serializers.CharField(help_text="Section and number (“B1”), else the key.")
    question_text = serializers.CharField(allow_blank=True)
    group = serializers.CharField(allow_blank=True, help_text="“” in the overall rows.")
    group_label = serializers.CharField()
    n = serializers.IntegerField(allow_null=True, help_text="Answers on the scale.")
    points = LikertCountSerializer(many=True, help_text="One per in-scale point, in order.")
    outside = LikertCountSerializer(many=True, help_text="One per point outside the scale.")
    agree_percent = serializers.FloatField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    sd = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField(help_text="Some number of this row is suppressed.")


class ChartSeriesSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    color = serializers.CharField()
    values = serializers.ListField(child=serializers.FloatField(allow_null=True))


class DivergingChartSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True)
    categories = serializers.ListField(child=serializers.CharField())
    series = ChartSeriesSerializer(many=True)


class LikertTableSerializer(serializers.Serializer):
    distribution_id = serializers.IntegerField()
    distribution_title = serializers.CharField()
    block_key = serializers.CharField()
    block_title = serializers.CharField(allow_blank=True)
    points = ScaleColumnSerializer(many=True)
    by = serializers.CharField(allow_blank=True)
    by_label = serializers.CharField(allow_blank=True)
    rows = LikertRowSerializer(many=True)
    threshold = serializers.IntegerField()
    suppressed_view = serializers.BooleanField(
        help_text="False: the lead's unsuppressed view (mark it as such)."
    )
    respondents = serializers.IntegerField()
    suppressed_cells = serializers.IntegerField()
    chart = serializers.SerializerMethodField()

    @extend_schema_field(DivergingChartSerializer)
    def get_chart(self, table: Any) -> dict[str, Any]:
        return DivergingChartSerializer(diverging_chart(table)).data


# --- open answers and rates -----------------------------------------------------------------------


class OpenAnswerGroupSerializer(serializers.Serializer):
    value = serializers.CharField(allow_blank=True)
    label = serializers.CharField(allow_blank=True)
    answers = serializers.ListField(child=serializers.CharField(allow_blank=True))


class OpenQuestionSerializer(serializers.Serializer):
    distribution_id = serializers.IntegerField()
    question_key = serializers.CharField()
    question_label = serializers.CharField(allow_blank=True, help_text="As printed: “1)”, “•”.")
    question_ref = serializers.CharField(help_text="Section and number (“B1”), else the key.")
    question_text = serializers.CharField(allow_blank=True)
    groups = OpenAnswerGroupSerializer(many=True)
    withheld = serializers.IntegerField(help_text="Answers you may not read, counted only.")


class CountryRollupSerializer(serializers.Serializer):
    rows = TrackingCountrySerializer(many=True)
    summary = serializers.CharField(allow_blank=True)
    names_shown = serializers.BooleanField()


def _suppressible(help_text: str = "") -> serializers.IntegerField:
    return serializers.IntegerField(
        allow_null=True, help_text=(help_text + " Null where suppressed.").strip()
    )


class ReportRateRowSerializer(RateRowSerializer):
    """A rate row as a report shows it: a group's respondent counts null where suppressed."""

    declined = _suppressible()
    opened = _suppressible("Link opened, not started.")
    started = _suppressible("Started, not submitted.")
    submitted_online = _suppressible()
    returned = _suppressible("Keyed in by the team (e-mail, phone, paper).")
    responded = _suppressible("Submitted online + returned.")


class EvaluationRatesSerializer(serializers.Serializer):
    distribution_id = serializers.IntegerField()
    title = serializers.CharField()
    by = serializers.CharField()
    by_label = serializers.CharField(allow_blank=True)
    rows = ReportRateRowSerializer(
        many=True, help_text="Per value of the attribute, the Total last."
    )
    channels = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    rollup = CountryRollupSerializer()
    threshold = serializers.IntegerField(
        allow_null=True, help_text="The small-cell threshold applied; null when unsuppressed."
    )


# --- exports --------------------------------------------------------------------------------------

# The files of kind responses: the workbook, SPSS, Stata, CSV + R script + codebook, codebook.
RAW_RESPONSES_FORMATS = ["xlsx", "sav", "dta", "r", "codebook"]


class ExportRequestSerializer(serializers.Serializer):
    kind = ExportKindField(help_text=EXPORT_KINDS_HELP)
    table = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="For csv: overview, annex, likert, rates, coverage or responses (the raw "
        "responses of one questionnaire: needs distribution).",
    )
    unsuppressed = serializers.BooleanField(
        required=False, default=False, help_text="Lead only: small cells not suppressed."
    )
    labels = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Raw responses with the choices' labels instead of codes (in csv responses, "
        "the column headers too).",
    )
    layout = serializers.CharField(
        required=False, allow_blank=True, help_text="csv overview: the layout's name."
    )
    distribution = serializers.IntegerField(
        required=False,
        help_text="The id of one of the evaluation's distributions (questionnaires sent): "
        "required for kind responses and csv table responses; csv likert: that one only "
        "(default: all). Another evaluation's or an unknown id is a 400 naming this field.",
    )
    by = serializers.CharField(
        required=False, allow_blank=True, help_text="The breakdown (likert, rates, annex)."
    )
    bom = serializers.BooleanField(
        required=False, default=True, help_text="csv: start with a BOM so Excel reads UTF-8."
    )
    format = serializers.ChoiceField(
        choices=RAW_RESPONSES_FORMATS,
        required=False,
        default="xlsx",
        help_text="For kind responses: xlsx (the workbook, default), sav (SPSS), dta (Stata), "
        "r (a .zip: the CSV, an R script that reads it with the labels, and the codebook) or "
        "codebook (the codebook as CSV: each variable, its labels, values, missing-value "
        "codes, when it applies, n answered).",
    )

    def validate_kind(self, value: str) -> str:
        if value not in EXPORT_KINDS:
            raise serializers.ValidationError(
                _("“%(value)s” is not a kind of export. Use one of: %(known)s.")
                % {"value": value, "known": ", ".join(EXPORT_KINDS)}
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        table = attrs.get("table", "")
        if attrs["kind"] == ExportJob.Kind.CSV and table not in TABLES:
            raise serializers.ValidationError(
                {
                    "table": _("Choose the table to export as CSV: %(known)s.")
                    % {"known": ", ".join(TABLES)}
                }
            )
        return attrs


class ExportJobSerializer(serializers.ModelSerializer):
    kind = ExportKindField(help_text=EXPORT_KINDS_HELP)
    state = serializers.CharField(help_text=EXPORT_STATES)
    requested_by = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField(
        help_text="The file's address once done (until it expires); null before."
    )

    class Meta:
        model = ExportJob
        fields = [
            "id", "kind", "parameters", "state", "progress", "rows_done", "rows_total", "step",
            "error", "requested_by", "filename", "size", "created_at", "started_at",
            "finished_at", "expires_at", "download",
        ]  # fmt: skip
        read_only_fields = fields

    def get_requested_by(self, job: ExportJob) -> str:
        user = job.requested_by
        return (getattr(user, "name", "") or getattr(user, "email", "")) if user else ""

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download(self, job: ExportJob) -> str | None:
        url = self.context.get("download_url")
        return url(job) if url is not None and export_ready(job) else None
