"""Distributions of an instrument given as YAML text, one per confidentiality mode."""

from __future__ import annotations

from collections.abc import Callable

from evaluations.permissions import SYSTEM
from questionnaires.models import Distribution
from questionnaires.services import distribution_create, instrument_load


def distribution_maker(evaluation, lead, text: str, title: str) -> Callable[..., Distribution]:
    """make(confidentiality="team"): a new distribution of the instrument `text`."""
    version = instrument_load(evaluation=evaluation, text=text, by=SYSTEM).version

    def make(confidentiality: str = "team") -> Distribution:
        return distribution_create(
            evaluation=evaluation,
            by=lead,
            version=version,
            title=f"{title} ({confidentiality})",
            confidentiality=confidentiality,
        )

    return make
