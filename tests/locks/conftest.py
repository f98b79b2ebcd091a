"""The lock tests' fixtures: the lead, an interview logged before the lock."""

from __future__ import annotations

import pytest

from interviews.models import Interview
from tests.interviews.builders import log, person


@pytest.fixture
def lead(team):
    return team["lead"].user


@pytest.fixture
def logged(evaluation) -> Interview:
    return log(evaluation, person("Anna Beispiel"), about="before the lock")
