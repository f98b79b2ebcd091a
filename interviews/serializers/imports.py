"""API shapes of the interview list import: the job with its dry run (lines, near matches,
counts), the upload and the review decisions."""

from __future__ import annotations

from rest_framework import serializers

from interviews.models import InterviewImportJob


class InterviewImportLineSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row number as the spreadsheet shows it.")
    kind = serializers.ChoiceField(choices=["heading", "interview", "co_participant", "blank"])
    text = serializers.CharField(help_text="What the row becomes, as the dry run says it.")
    warnings = serializers.ListField(child=serializers.CharField())
    interview = serializers.IntegerField(
        allow_null=True, help_text="The number of the interview (in the file) the row belongs to."
    )
    reading = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Lists without dates (layout undated): location (a location heading), unit "
        '(a unit or organisation heading), person, group (of N: see text) or skip; "" for a '
        "blank line and in the columns layout.",
    )


class InterviewImportCandidateSerializer(serializers.Serializer):
    person_id = serializers.IntegerField()
    label = serializers.CharField()
    score = serializers.IntegerField()


class InterviewImportNearMatchSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    name = serializers.CharField()
    candidates = InterviewImportCandidateSerializer(many=True)
    decision = serializers.CharField(
        required=False, help_text='The choice made for the row, "" while none is.'
    )


COUNTS_HELP = (
    "interviews, participants, people_new, people_matched, groups, follow_ups, already_imported"
)


class InterviewImportSummarySerializer(serializers.ModelSerializer):
    # A plain string: a "state" enum would collide with the other jobs' (spectacular warns).
    state = serializers.CharField(
        read_only=True, help_text="uploaded, checked (dry run), committed, failed"
    )
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        source="report.counts",
        read_only=True,
        help_text=COUNTS_HELP,
    )
    errors = serializers.ListField(
        child=serializers.CharField(),
        source="report.errors",
        read_only=True,
        help_text="Problems that stop the import, each naming its row.",
    )
    already_imported = serializers.BooleanField(
        source="report.already_imported",
        read_only=True,
        help_text="Every interview of the file is already in the log: nothing new to import.",
    )
    sheets = serializers.ListField(
        child=serializers.CharField(), source="report.sheets", read_only=True
    )
    decisions = serializers.DictField(
        child=serializers.CharField(),
        read_only=True,
        help_text='Row -> "person:<id>" | "new" | "group" | "person"; layout undated also '
        '"location" | "unit" | "skip".',
    )
    layout = serializers.CharField(
        read_only=True,
        help_text="columns (Name, Department, Date, Interviewers …) or undated (a one-column "
        "list without dates: headings, then one person a line).",
    )

    class Meta:
        model = InterviewImportJob
        fields = [
            "id", "filename", "layout", "sheet", "sheets", "month_first", "state", "error",
            "counts", "errors", "already_imported", "decisions", "created_at", "committed_at",
        ]  # fmt: skip
        read_only_fields = fields


class InterviewImportSerializer(InterviewImportSummarySerializer):
    lines = InterviewImportLineSerializer(many=True, source="report.lines", read_only=True)
    near_matches = InterviewImportNearMatchSerializer(
        many=True, source="report.near_matches", read_only=True
    )

    class Meta(InterviewImportSummarySerializer.Meta):
        fields = [*InterviewImportSummarySerializer.Meta.fields, "lines", "near_matches"]
        read_only_fields = fields


class InterviewImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="A .csv or .xlsx list of persons interviewed, at most SPREADSHEET_MAX_MB "
        "(5 MB by default).",
    )
    sheet = serializers.CharField(required=False, allow_blank=True, max_length=100)
    month_first = serializers.BooleanField(
        required=False, default=False, help_text="Dates are month first (3/15/2013)."
    )
    layout = serializers.ChoiceField(
        choices=InterviewImportJob.Layout.choices,
        required=False,
        default="columns",
        help_text="columns: a table with Name, Department, Date, Interviewers …; undated: a "
        "one-column list without dates (.txt, .csv or .xlsx), location and unit headings, then "
        "one person a line. Each person line is an interview whose date is unknown.",
    )


class InterviewImportDecisionsSerializer(serializers.Serializer):
    decisions = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text='{"<row>": "person:<id>" | "new" | "group" | "person" | "" (drop the choice)}; '
        'layout undated: also "location" | "unit" | "skip" (how the line reads).',
    )
