"""The words a report uses for a share of people ("a majority of the 28 respondents", "about a
third of the 12 participants", "few of the 40 people"), from a count and its n. Pure: the
thresholds (percent of n) come from the evaluation's ShareWords, or the defaults."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


@dataclass(frozen=True)
class Thresholds:
    few_below: int = 20
    quarter_below: int = 30
    third_below: int = 42
    most_from: int = 75


def noun_of(respondents: bool, participants: bool) -> str:
    """Who the people counted are: respondents, interview participants, or both."""
    if respondents and not participants:
        return pgettext("counted", "respondents")
    if participants and not respondents:
        return pgettext("counted", "participants")
    return pgettext("counted", "people")


def share_words(count: int, n: int, noun: str, limits: Thresholds = Thresholds()) -> str:
    """The share `count` of `n` in words, with n; "" when there is no n."""
    if n <= 0 or count < 0:
        return ""
    values = {"n": n, "noun": noun}
    if count == 0:
        return _("none of the %(n)s %(noun)s") % values
    if count >= n:
        return _("all %(n)s %(noun)s") % values
    if count == 1:
        return _("one of the %(n)s %(noun)s") % values
    percent = 100 * count / n
    if percent > 50:
        if percent >= limits.most_from:
            return _("most of the %(n)s %(noun)s") % values
        return _("a majority of the %(n)s %(noun)s") % values
    if percent < limits.few_below:
        return _("few of the %(n)s %(noun)s") % values
    if percent < limits.quarter_below:
        return _("about a quarter of the %(n)s %(noun)s") % values
    if percent < limits.third_below:
        return _("about a third of the %(n)s %(noun)s") % values
    return _("about half of the %(n)s %(noun)s") % values
