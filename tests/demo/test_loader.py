from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import User
from analysis.models import Code, Coding
from evaluations.models import Evaluation, Membership
from interviews.models import CoverageTarget, Interview
from interviews.selectors import coverage, log_counts
from questionnaires.models import Distribution, Response

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
    # Juma's union is in Tanzania, which the plan does not choose: interviewed in Kenya, Kenya.
    assert reached[("workers", "KE")] == 1


def test_demo_dates_are_relative_to_the_day_it_is_loaded(monkeypatch) -> None:
    call_command("load_demo")
    today = timezone.localdate()
    evaluation = Evaluation.objects.get()
    staff = Distribution.objects.get(title="Staff questionnaire 2026")
    stakeholders = Distribution.objects.get(title="Country stakeholder questionnaire 2026")
    # The staff questionnaire is open, its deadline in two weeks; the other closed last month.
    assert staff.deadline.date() == today + dt.timedelta(days=14)
    assert staff.closes_at > timezone.now()
    assert today - dt.timedelta(days=45) < stakeholders.deadline.date() < today
    assert evaluation.collection_start < today < evaluation.collection_end
    # The interviews happened during the collection, none after today.
    dates = list(Interview.objects.filter(evaluation=evaluation).values_list("date", flat=True))
    assert len(dates) == 12
    assert all(evaluation.collection_start <= day <= today for day in dates)
    # The 28 staff replies came in over the weeks of the collection, not all on the load day.
    submitted = list(
        Response.objects.filter(distribution=staff, status=Response.Status.SUBMITTED).values_list(
            "submitted_at", flat=True
        )
    )
    assert len(submitted) == 28
    days = {moment.date() for moment in submitted}
    assert len(days) > 10 and today not in days
    assert all(evaluation.collection_start <= day <= today for day in days)
    returned = Response.objects.filter(distribution=stakeholders).values_list(
        "submitted_at", flat=True
    )
    assert all(moment <= stakeholders.deadline for moment in returned)

    # Loaded again on a later day: nothing is added or moved twice.
    later = today + dt.timedelta(days=40)
    monkeypatch.setattr(timezone, "localdate", lambda *args: later)
    call_command("load_demo")
    assert Interview.objects.filter(evaluation=evaluation).count() == 12
    assert sorted(Interview.objects.values_list("date", flat=True)) == sorted(dates)
    assert Distribution.objects.filter(evaluation=evaluation).count() == 2
    assert Response.objects.filter(distribution=staff).count() == 28


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
