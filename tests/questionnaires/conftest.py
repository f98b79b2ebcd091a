from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from questionnaires.models import Distribution, Invitation
from questionnaires.services import distribution_create, instrument_load, invitation_create

STAFF_FILE = Path(settings.BASE_DIR) / "seeds" / "instruments" / "ilo_staff_questionnaire_2008.yaml"


@pytest.fixture
def staff_version(evaluation):
    return instrument_load(evaluation=evaluation, text=STAFF_FILE.read_text()).version


@pytest.fixture
def make_distribution(evaluation, team, staff_version):
    def make(confidentiality: str = "team", **kwargs: object) -> Distribution:
        return distribution_create(
            evaluation=evaluation,
            by=team["lead"].user,
            version=staff_version,
            title=f"Staff questionnaire ({confidentiality})",
            confidentiality=confidentiality,
            **kwargs,
        )

    return make


@pytest.fixture
def invite(team):
    def make(
        distribution: Distribution, name: str = "Sam Respondent", **kwargs: object
    ) -> Invitation:
        return invitation_create(
            distribution=distribution, by=team["evaluator"].user, name=name, **kwargs
        )

    return make


COMPLETE = {
    **{f"A{n}": f"Background answer {n}" for n in range(1, 6)},
    **{f"B{n}": f"Open answer {n}" for n in range(1, 9)},
    **{f"C{n}": str(5 - (n % 4 or 4)) for n in range(1, 7)},
}
