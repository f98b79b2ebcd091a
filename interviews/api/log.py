"""API doors into the interview log, under /api/v1/evaluations/{slug}/. The same rules as the
pages: the selectors refuse the log to roles that do not read names, the services refuse
writes to roles that do not log or decide; outsiders do not find the evaluation (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common.api_input import validated_query
from common.api_schema import CONFLICT_OR_LOCKED, LOCKED
from common.errors import Locked, ValidationProblem
from common.revisions import IF_MATCH, api_revision
from evaluations.api import SLUG, EvaluationScoped
from evaluations.models import Evaluation
from evaluations.permissions import Action
from interviews.guide import condition_text
from interviews.models import Interview, ReportingCategory
from interviews.selectors.log import (
    InterviewLog,
    ensure_can_read,
    interview_get,
    interview_list,
    interviews_with_details,
    reporting_categories,
)
from interviews.selectors.notes import guide_questions, notes_for
from interviews.serializers.log import (
    CategorySerializer,
    ExcludeSerializer,
    FollowUpSerializer,
    GuideQuestionSerializer,
    InterviewFilterSerializer,
    InterviewSerializer,
    InterviewWriteSerializer,
    LogCountsSerializer,
    NoteSerializer,
    NoteWriteSerializer,
)
from interviews.services.categories import reporting_category_get_or_create
from interviews.services.checks import ensure_can_decide, ensure_can_log
from interviews.services.interviews import (
    EXCLUDE_REFUSED,
    follow_up_create,
    interview_create,
    interview_delete,
    interview_exclude,
    interview_include,
    interview_update,
)
from interviews.services.notes import note_add
from interviews.services.participants import ParticipantInput
from questionnaires.models import Question, localized

INTERVIEW_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)

# Write fields that become ParticipantInput / interview_create arguments as they are.
PARTICIPANT_FIELDS = (
    "person",
    "group_label",
    "headcount",
    "stakeholder_group",
    "organisation",
    "organisation_name",
    "unit",
    "job_title",
    "office",
    "country",
)


def _service_arguments(data: dict[str, Any]) -> dict[str, Any]:
    """Validated input as the services take it: participants as ParticipantInput."""
    arguments = dict(data)
    if "participants" in arguments:
        arguments["participants"] = [
            ParticipantInput(**{k: v for k, v in item.items() if k in PARTICIPANT_FIELDS})
            for item in arguments["participants"]
        ]
    return arguments


def _with_follow_ups(queryset: QuerySet[Interview]) -> QuerySet[Interview]:
    return queryset.prefetch_related(
        Prefetch("follow_ups", queryset=Interview.objects.only("pk", "follow_up_of").order_by("pk"))
    )


@extend_schema_view(
    list=extend_schema(parameters=[InterviewFilterSerializer]),
    create=extend_schema(
        request=InterviewWriteSerializer, responses={201: InterviewSerializer, 409: LOCKED}
    ),
    retrieve=extend_schema(parameters=[INTERVIEW_ID]),
    partial_update=extend_schema(
        parameters=[INTERVIEW_ID, IF_MATCH],
        request=InterviewWriteSerializer,
        responses={200: InterviewSerializer, 409: CONFLICT_OR_LOCKED},
    ),
    destroy=extend_schema(parameters=[INTERVIEW_ID], responses={204: None, 409: LOCKED}),
)
@extend_schema(parameters=[SLUG])
class InterviewViewSet(EvaluationScoped, viewsets.GenericViewSet):
    """The interview log: interviews with their participants (and the affiliation of the day),
    interviewers, follow-ups and notes. Names are for the roles that read responses."""

    serializer_class = InterviewSerializer
    queryset = Interview.objects.none()

    def _evaluation(self) -> Evaluation:
        """The evaluation, for any member (the selectors and services check the role)."""
        if not hasattr(self, "_evaluation_cached"):
            self._evaluation_cached = self.evaluation(Action.VIEW_EVALUATION)
        return self._evaluation_cached

    def _context(self) -> dict[str, Any]:
        return {"evaluation": self._evaluation(), "request": self.request}

    def _interview(self) -> Interview:
        """The interview of the address, for a user who may read the log."""
        try:
            return interview_get(
                user=self.request.user, evaluation=self._evaluation(), pk=int(self.kwargs["pk"])
            )
        except Interview.DoesNotExist:
            raise Http404(_("There is no interview with this id in this evaluation.")) from None

    def _body(self, interview: Interview) -> dict[str, Any]:
        """The interview as stored now, read back through the selector."""
        fresh = _with_follow_ups(
            interviews_with_details(Interview.objects.filter(pk=interview.pk))
        ).get()
        return InterviewSerializer(fresh).data

    def _log(self) -> InterviewLog:
        """The filtered log. The role is checked before the filters: a role without the log
        gets the same 403 whatever it asks (never a list of the categories)."""
        ensure_can_read(self.request.user, self._evaluation())
        params = validated_query(InterviewFilterSerializer, self.request, self._context())
        filters = {k: v for k, v in params.items() if v not in (None, "")}
        return interview_list(user=self.request.user, evaluation=self._evaluation(), **filters)

    def list(self, request: Request, evaluation_slug: str) -> Response:
        """The log, by date, excluded interviews included (marked); filtered."""
        interviews = _with_follow_ups(self._log().interviews)
        page = self.paginate_queryset(interviews)
        return self.get_paginated_response(InterviewSerializer(page, many=True).data)

    @extend_schema(parameters=[InterviewFilterSerializer], responses=LogCountsSerializer)
    @action(detail=False, methods=["get"])
    def counts(self, request: Request, evaluation_slug: str) -> Response:
        """Interviews and distinct people of the filtered log (excluded interviews apart)."""
        counts = self._log().counts
        return Response(LogCountsSerializer(counts).data)

    def create(self, request: Request, evaluation_slug: str) -> Response:
        """Log an interview: participants from the registry or unnamed groups."""
        evaluation = self._evaluation()
        ensure_can_log(request.user, evaluation)
        data = InterviewWriteSerializer(data=request.data, context=self._context())
        data.is_valid(raise_exception=True)
        data.validated_data.pop("revision", None)
        interview = interview_create(
            evaluation=evaluation, by=request.user, **_service_arguments(data.validated_data)
        )
        return Response(self._body(interview), status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        return Response(InterviewSerializer(self._interview()).data)

    def partial_update(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        """Change what is given; `participants` and `interviewers` replace the lists."""
        interview = self._interview()
        ensure_can_log(request.user, interview.evaluation)
        data = InterviewWriteSerializer(data=request.data, partial=True, context=self._context())
        data.is_valid(raise_exception=True)
        revision = api_revision(request, data.validated_data)
        interview = interview_update(
            interview=interview,
            by=request.user,
            revision=revision,
            **_service_arguments(data.validated_data),
        )
        return Response(self._body(interview))

    def destroy(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        """Delete the interview with its participants and notes; its follow-ups stay."""
        interview_delete(interview=self._interview(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[INTERVIEW_ID],
        request=ExcludeSerializer,
        responses={200: InterviewSerializer, 409: LOCKED},
    )
    @action(detail=True, methods=["post"])
    def exclude(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        """Leave the interview out of the tables and counts, saying why."""
        interview = self._interview()
        ensure_can_decide(request.user, interview.evaluation, str(EXCLUDE_REFUSED))
        data = ExcludeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            interview_exclude(
                interview=interview, by=request.user, reason=data.validated_data["reason"]
            )
        except Locked:
            raise  # 409 with who locked the log and why, as it is
        except ValidationProblem as problem:
            # The service names the model's field; the caller sent `reason`.
            errors = {
                ("reason" if key == "excluded_reason" else key): messages
                for key, messages in problem.errors.items()
            }
            raise ValidationProblem(problem.message, errors=errors) from None
        return Response(self._body(interview))

    @extend_schema(
        parameters=[INTERVIEW_ID], request=None, responses={200: InterviewSerializer, 409: LOCKED}
    )
    @action(detail=True, methods=["post"])
    def include(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        """Count an excluded interview again."""
        interview = interview_include(interview=self._interview(), by=request.user)
        return Response(self._body(interview))

    @extend_schema(
        parameters=[INTERVIEW_ID],
        request=FollowUpSerializer,
        responses={201: InterviewSerializer, 409: LOCKED},
    )
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        """Log a follow-up: the same participants, interviewers, mode and place unless given."""
        interview = self._interview()
        ensure_can_log(request.user, interview.evaluation)
        data = FollowUpSerializer(data=request.data, context=self._context())
        data.is_valid(raise_exception=True)
        follow_up = follow_up_create(
            of=interview, by=request.user, **_service_arguments(data.validated_data)
        )
        return Response(self._body(follow_up), status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], parameters=[INTERVIEW_ID], responses=NoteSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        parameters=[INTERVIEW_ID],
        request=NoteWriteSerializer,
        responses={201: NoteSerializer, 409: LOCKED},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def notes(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        """The notes you may read, by guide question; a new note on a question or free."""
        interview = self._interview()
        if request.method == "GET":
            notes = notes_for(user=request.user, interview=interview)
            return Response(NoteSerializer(notes, many=True).data)
        ensure_can_log(request.user, interview.evaluation)
        data = NoteWriteSerializer(data=request.data, context=self._context())
        data.is_valid(raise_exception=True)
        note = note_add(interview=interview, by=request.user, **data.validated_data)
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[INTERVIEW_ID], responses=GuideQuestionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def questions(self, request: Request, evaluation_slug: str, pk: str) -> Response:
        """The questions of the interview's guide asked of its interviewee, in order."""
        interview = self._interview()
        questions = guide_questions(interview=interview)
        return Response(
            GuideQuestionSerializer([_question(q, interview) for q in questions], many=True).data
        )


def _question(question: Question, interview: Interview) -> dict[str, Any]:
    return {
        "id": question.pk,
        "key": question.key,
        "label": question.label,
        "text": localized(question.text, "en"),
        "condition": (
            condition_text(question, interview.guide_version) if question.applies_to else None
        ),
    }


@extend_schema_view(
    create=extend_schema(
        request=CategorySerializer,
        responses={201: CategorySerializer, 200: CategorySerializer, 409: LOCKED},
    )
)
@extend_schema(parameters=[SLUG])
class ReportingCategoryViewSet(EvaluationScoped, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The rows of the evaluation's overview table that interviews are counted under."""

    serializer_class = CategorySerializer
    queryset = ReportingCategory.objects.none()

    def get_queryset(self) -> QuerySet[ReportingCategory]:
        if getattr(self, "swagger_fake_view", False):
            return ReportingCategory.objects.none()
        evaluation = self.evaluation(Action.VIEW_EVALUATION)
        return reporting_categories(evaluation=evaluation)

    def create(self, request: Request, evaluation_slug: str) -> Response:
        """Add a category (case ignored: an existing one of that name answers 200)."""
        evaluation = self.evaluation(Action.VIEW_EVALUATION)
        ensure_can_log(request.user, evaluation)
        data = CategorySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        name = data.validated_data["name"]
        existed = reporting_categories(evaluation=evaluation).filter(name__iexact=name.strip())
        code = status.HTTP_200_OK if existed.exists() else status.HTTP_201_CREATED
        category = reporting_category_get_or_create(evaluation=evaluation, name=name)
        return Response(CategorySerializer(category).data, status=code)
