"""The ordered rules that put interviews in reporting categories."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api_input import JSONParser
from common.api_schema import CONFLICT_OR_LOCKED
from common.revisions import ETAG, IF_MATCH, revision_wanted
from evaluations.api import SLUG
from interviews.models import CategoryRule, ReportingCategory
from interviews.services.categories import category_rules_set
from reports.api.base import ReportScoped, field_problem
from reports.serializers import RuleSerializer, RuleWriteSerializer

if TYPE_CHECKING:
    from evaluations.models import Evaluation


RULES_SCHEMA = {
    "parameters": [SLUG, IF_MATCH, ETAG],
    "request": RuleWriteSerializer(many=True),
    "responses": {
        200: RuleSerializer(many=True),
        400: OpenApiResponse(description='A bad rule: {detail, errors: {"rule <n>": [...]}}.'),
        403: OpenApiResponse(description="Only the lead evaluator and evaluators set rules."),
        409: CONFLICT_OR_LOCKED,  # the rules re-categorise the log: a lock refuses them
    },
}


class RulesView(ReportScoped, APIView):
    """The ordered rules that put interviews in reporting categories (first match wins; a
    category set by hand stays). PUT replaces them all, or none, and applies them."""

    parser_classes = [JSONParser]

    def _rules(self, evaluation: Evaluation) -> Response:
        rules = CategoryRule.objects.filter(evaluation=evaluation).select_related("category")
        # The rules' revision (categories and rules as a whole), to send back as If-Match.
        headers = {"ETag": f'"{evaluation.rules_revision}"'}
        return Response(RuleSerializer(rules, many=True).data, headers=headers)

    @extend_schema(parameters=[SLUG, ETAG], responses=RuleSerializer(many=True))
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
                raise field_problem(
                    f"rule {number}",
                    _("Rule %(n)d: there is no reporting category %(id)d in this evaluation.")
                    % {"n": number, "id": rule["category"]},
                )
            rules.append(
                {"field": rule["field"], "value": rule.get("value", ""), "category": category}
            )
        category_rules_set(
            evaluation=evaluation,
            by=request.user,
            rules=rules,
            revision=revision_wanted(None, request.headers.get("If-Match")),
        )
        return self._rules(evaluation)
