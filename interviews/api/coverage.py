"""API door into the coverage plan: the cells with planned vs reached, and setting many cells
at once (all or nothing), as the matrix page does."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from common.api_input import JSONParser
from common.errors import ValidationProblem
from common.revisions import CONFLICT, ETAG, IF_MATCH, revision_wanted
from evaluations.api import SLUG, EvaluationScoped
from evaluations.models import Evaluation
from evaluations.permissions import Action, can
from interviews.selectors.coverage_plan import coverage
from interviews.serializers.coverage import (
    CoverageCellInputSerializer,
    CoverageCellSerializer,
    cell_body,
)
from interviews.services.coverage import coverage_plan_set
from stakeholders.models import Country, Region, StakeholderGroup
from stakeholders.selectors import country_find, group_find

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

T = TypeVar("T")


class _Places:
    """Names in a request, resolved once each."""

    def __init__(self) -> None:
        self.regions = list(Region.objects.all())
        self.seen: dict[tuple[str, str], object] = {}

    def _memo(self, kind: str, text: str, find: Callable[[str], T]) -> T:
        key = (kind, text.strip().lower())
        if key not in self.seen:
            self.seen[key] = find(text)
        return self.seen[key]

    def group(self, text: str) -> StakeholderGroup | None:
        return self._memo("group", text, group_find)

    def country(self, text: str) -> Country | None:
        return self._memo("country", text, country_find)

    def region(self, text: str) -> Region | None:
        wanted = text.strip().lower()
        for region in self.regions:
            if wanted in {str(region.pk), region.code.lower(), region.name.lower()}:
                return region
        return None


def _resolve(index: int, data: dict[str, object], places: _Places) -> dict[str, object]:
    """One input cell as coverage_target_set's arguments; a ValidationProblem names the cell."""
    problems: dict[str, list[str]] = {}
    group = places.group(str(data["stakeholder_group"]))
    if group is None:
        problems[f"{index}.stakeholder_group"] = [
            _("“%(text)s” is not a known stakeholder group code or name.")
            % {"text": data["stakeholder_group"]}
        ]
    place: dict[str, object] = {}
    if data.get("country"):
        place["country"] = places.country(str(data["country"]))
        if place["country"] is None:
            problems[f"{index}.country"] = [
                _("“%(text)s” is not a known country code or name.") % {"text": data["country"]}
            ]
    else:
        place["region"] = places.region(str(data["region"]))
        if place["region"] is None:
            problems[f"{index}.region"] = [
                _("“%(text)s” is not a known region id, code or name.") % {"text": data["region"]}
            ]
    if problems:
        first = next(iter(problems.values()))[0]
        raise ValidationProblem(
            _("Cell %(index)d: %(problem)s") % {"index": index, "problem": first}, errors=problems
        )
    return {
        "stakeholder_group": group,
        "method": data["method"],
        "planned": data["planned"],
        **place,
    }


def plan_set(
    *,
    evaluation: Evaluation,
    by: User | AnonymousUser,
    cells: list[dict[str, object]],
    revision: int | None = None,
) -> None:
    """Set every cell or none: the first bad cell is refused with its index."""
    places = _Places()
    resolved = [_resolve(index, data, places) for index, data in enumerate(cells)]
    coverage_plan_set(
        evaluation=evaluation,
        by=by,
        cells=[(str(i), cell) for i, cell in enumerate(resolved)],
        revision=revision,
    )


WRITE_SCHEMA = {
    "parameters": [SLUG, IF_MATCH, ETAG],
    "request": CoverageCellInputSerializer(many=True),
    "responses": {
        200: CoverageCellSerializer(many=True),
        400: OpenApiResponse(
            description='A bad cell: {detail, errors: {"<index>.<field>": [...]}}; nothing saved.'
        ),
        403: OpenApiResponse(description="Only the lead evaluator and evaluators change the plan."),
        404: OpenApiResponse(description="No such evaluation for you."),
        409: CONFLICT,
    },
}


class CoverageView(EvaluationScoped, APIView):
    """The coverage plan of an evaluation: per stakeholder group, country or region and method,
    how many the team planned to reach and how many it reached. Members read it; the lead
    evaluator and evaluators set cells (PUT and POST do the same: the cells sent are set, the
    others stay; planned 0 removes a cell)."""

    parser_classes = [JSONParser]

    def _plan(self, request: Request, evaluation: Evaluation) -> ApiResponse:
        cells = coverage(evaluation=evaluation, user=request.user)
        body = CoverageCellSerializer([cell_body(c) for c in cells], many=True).data
        # The plan's revision, to send back as If-Match with a change.
        return ApiResponse(body, headers={"ETag": f'"{evaluation.coverage_revision}"'})

    @extend_schema(
        parameters=[SLUG, ETAG],
        responses={
            200: CoverageCellSerializer(many=True),
            404: OpenApiResponse(description="No such evaluation for you."),
        },
    )
    def get(self, request: Request, evaluation_slug: str) -> ApiResponse:
        return self._plan(request, self.evaluation(Action.VIEW_EVALUATION))

    def _write(self, request: Request, evaluation_slug: str) -> ApiResponse:
        evaluation = self.evaluation(Action.VIEW_EVALUATION)
        if not can(request.user, Action.MANAGE_RESPONDENTS, evaluation):
            raise PermissionDenied(
                _("Only the lead evaluator and evaluators can change the coverage plan.")
            )
        serializer = CoverageCellInputSerializer(data=request.data, many=True, allow_empty=False)
        serializer.is_valid(raise_exception=True)
        plan_set(
            evaluation=evaluation,
            by=request.user,
            cells=serializer.validated_data,
            revision=revision_wanted(None, request.headers.get("If-Match")),
        )
        return self._plan(request, evaluation)

    @extend_schema(**WRITE_SCHEMA)
    def put(self, request: Request, evaluation_slug: str) -> ApiResponse:
        return self._write(request, evaluation_slug)

    @extend_schema(**WRITE_SCHEMA)
    def post(self, request: Request, evaluation_slug: str) -> ApiResponse:
        return self._write(request, evaluation_slug)
