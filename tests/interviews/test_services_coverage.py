"""The coverage plan: a cell set, updated and removed (0); refusals name the cell."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from common.errors import ValidationProblem
from interviews import services
from interviews.models import (
    CoverageTarget,
)
from stakeholders.models import Region
from tests.interviews.builders import country, group

pytestmark = pytest.mark.django_db


def test_coverage_target_set_updates_and_zero_removes(evaluation, team) -> None:
    lead = team["lead"].user
    cell = {
        "evaluation": evaluation,
        "stakeholder_group": group("government"),
        "method": "interview",
    }
    target = services.coverage_target_set(by=lead, country=country("VN"), planned=3, **cell)
    again = services.coverage_target_set(by=lead, country=country("VN"), planned=5, **cell)
    region = services.coverage_target_set(
        by=lead, region=Region.objects.get(code="africa"), planned=2, **cell
    )
    assert again.pk == target.pk and again.planned == 5 and region.pk != target.pk
    assert CoverageTarget.objects.count() == 2
    assert services.coverage_target_set(by=lead, country=country("VN"), planned=0, **cell) is None
    assert list(CoverageTarget.objects.values_list("region__code", flat=True)) == ["africa"]

    for kwargs, field in [
        ({"country": country("VN"), "region": Region.objects.get(code="africa")}, "country"),
        ({}, "country"),
        ({"country": country("VN"), "planned": -1}, "planned"),
        ({"country": country("VN"), "method": "carrier pigeon"}, "method"),
    ]:
        with pytest.raises(ValidationProblem) as refusal:
            services.coverage_target_set(by=lead, **{**cell, "planned": 1, **kwargs})
        assert field in refusal.value.errors
    with pytest.raises(PermissionDenied, match="coverage plan"):
        services.coverage_target_set(
            by=team["data_entry"].user, country=country("VN"), planned=1, **cell
        )
    assert CoverageTarget.objects.count() == 1
