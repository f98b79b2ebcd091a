"""Fixtures for the whole suite. Test-only settings overrides live here, nowhere else."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from evaluations.models import Evaluation, Membership
from tests.factories import EvaluationFactory, MembershipFactory, UserFactory

Role = Membership.Role


def pytest_configure(config: pytest.Config) -> None:
    # Plain static storage: the manifest needs collectstatic, which tests do not run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Hashing passwords properly costs ~0.3 s each; tests need the behaviour, not the cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def evaluation(db) -> Evaluation:
    return EvaluationFactory()


@pytest.fixture
def team(evaluation: Evaluation) -> dict[str, Membership]:
    """One member per role in `evaluation`, keyed by role."""
    return {
        role: MembershipFactory(evaluation=evaluation, role=role, initials=role[:2].upper())
        for role in Role.values
    }


@pytest.fixture
def outsider(db):
    """A logged-in-capable user who belongs to no evaluation."""
    return UserFactory()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def celery_worker() -> Iterator[object]:
    """A real worker thread on the configured broker; None when tasks run eagerly (no REDIS_URL)."""
    from survey_site.celery import app

    if app.conf.task_always_eager:
        yield None
        return
    from celery.contrib.testing.worker import start_worker

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING") as worker:
        yield worker


def browser_path() -> str:
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
