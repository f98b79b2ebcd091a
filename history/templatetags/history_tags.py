"""`{% if request.user|reads_history_of:evaluation %}`: whether to show a History link or the
Activity tab (the same rule the pages apply, history.selectors.access)."""

from __future__ import annotations

from django import template

from evaluations.models import Evaluation
from evaluations.permissions import can_manage_registry
from history.selectors import can_view_history

register = template.Library()


@register.filter
def reads_history_of(user: object, evaluation: Evaluation | None) -> bool:
    """The user may read the evaluation's history; with no evaluation, the registry's."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if evaluation is None or evaluation == "":
        return can_manage_registry(user)
    return can_view_history(user, evaluation)
