"""What every report endpoint shares: the evaluation of the address, the distribution asked
for and field problems (query parameters: common.api.validated_query)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from common.errors import ValidationProblem
from evaluations.api import EvaluationScoped
from evaluations.permissions import Action, can
from questionnaires.models import Distribution

if TYPE_CHECKING:
    from evaluations.models import Evaluation

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


def field_problem(field: str, message: str) -> ValidationProblem:
    return ValidationProblem(message, errors={field: [message]})


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
            raise field_problem(
                "distribution",
                _("There is no distribution %(id)d in this evaluation. Use one of: %(known)s.")
                % {"id": distribution_id, "known": known},
            )
        return distribution
