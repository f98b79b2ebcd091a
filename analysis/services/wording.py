"""The thresholds of the words for shares ("few", "about a third", "most"), per evaluation."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from analysis.models import ShareWords
from common.errors import ValidationProblem
from evaluations.models import Evaluation
from evaluations.permissions import Action, Actor, ensure


@transaction.atomic
def share_words_set(
    *,
    evaluation: Evaluation,
    by: Actor,
    few_below: int,
    quarter_below: int,
    third_below: int,
    most_from: int,
) -> ShareWords:
    """Set where the words change, in percent of n: few < quarter < third ≤ 50 < most ≤ 100."""
    ensure(by, Action.CHANGE_EVALUATION, evaluation)
    if not 0 <= few_below <= quarter_below <= third_below <= 50 < most_from <= 100:
        message = _(
            "The thresholds must rise: 0 ≤ few ≤ about a quarter ≤ about a third ≤ 50 < most "
            "≤ 100 (percent of n)."
        )
        raise ValidationProblem(message, errors={"most_from": [message]})
    words, _created = ShareWords.objects.update_or_create(
        evaluation=evaluation,
        defaults={
            "few_below": few_below,
            "quarter_below": quarter_below,
            "third_below": third_below,
            "most_from": most_from,
        },
    )
    return words
