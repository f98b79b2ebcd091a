from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from analysis.models import Code, Coding
from evaluations.models import Evaluation, Membership
from interviews.models import CoverageTarget, Interview
from interviews.selectors import coverage, log_counts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path) -> None:
    settings.VAR_DIR = tmp_path


def test_load_demo_twice_duplicates_nothing_and_prints_working_logins(capsys, settings) -> None:
    call_command("load_demo")
    first = capsys.readouterr().out
    call_command("load_demo")
    second = capsys.readouterr().out
    assert first == second
    assert Evaluation.objects.count() == 1
    assert User.objects.count() == 4
    evaluation = Evaluation.objects.get()
    assert sorted(evaluation.memberships.values_list("role", flat=True)) == sorted(
        Membership.Role.values
    )

    logins = json.loads((settings.VAR_DIR / "demo-logins.json").read_text())
    for email, password in logins.items():
        assert f"{email}" in first and password in first
        assert Client().login(email=email, password=password), email
    lead = User.objects.get(email="lena.lead@example.org")
    assert lead.has_perm("evaluations.add_evaluation")


def test_demo_password_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-for-tests")
    call_command("load_demo")
    assert Client().login(email="victor.viewer@example.org", password="demo-pass-for-tests")


def test_demo_loads_its_interview_log_and_coverage_plan_once() -> None:
    call_command("load_demo")
    call_command("load_demo")
    evaluation = Evaluation.objects.get()
    interviews = Interview.objects.filter(evaluation=evaluation)
    counts = log_counts(interviews)
    # 12 interviews; Ana twice is one person; Bruno joins the first; two groups, one unknown.
    assert (counts.interviews, counts.persons, counts.group_people) == (12, 9, 8)
    assert counts.groups_unknown_size == 1
    follow_up = interviews.get(follow_up_of__isnull=False)
    assert follow_up.follow_up_of.participations.filter(person__display_name="Ana Example").exists()
    first = follow_up.follow_up_of
    assert sorted(first.participations.values_list("person__display_name", flat=True)) == [
        "Ana Example",
        "Bruno Sample",
    ]
    assert CoverageTarget.objects.filter(evaluation=evaluation).count() == 6
    reached = {
        (c.target.stakeholder_group.code, c.target.country_id and c.target.country.code): c.reached
        for c in coverage(evaluation=evaluation)
    }
    assert reached[("government", "KE")] == 1


def test_demo_loads_its_analysis_once() -> None:
    call_command("load_demo")
    call_command("load_demo")
    evaluation = Evaluation.objects.get()
    assert list(evaluation.criteria.values_list("label", flat=True)) == [
        "Relevance",
        "Effectiveness",
    ]
    assert evaluation.codes.count() == 4
    assert Code.objects.get(evaluation=evaluation, name="Late funding").parent.name == "Resources"
    codings = Coding.objects.filter(evaluation=evaluation)
    assert codings.count() == 10  # the three phrases, each coded once wherever it was written
    assert set(codings.filter(codes__name="Late funding").values_list("text", flat=True)) == {
        "Funding for the field came late"
    }
