"""Fixtures of the interview log's tests: registry people with an affiliation to copy."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.interviews.builders import person


@pytest.fixture
def anna(db):
    return person(
        "Ms. Anna Beispiel",
        organisation="Ministry of Labour",
        job_title="Director",
        unit="Migration",
        group_code="government",
        country_code="VN",
        start=dt.date(2010, 1, 1),
    )


@pytest.fixture
def bob(db):
    return person("Bob Example", organisation="Trade Union Centre", group_code="workers")
