"""Fixtures for the whole suite. Test-only settings overrides live here, nowhere else."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from evaluations.models import Evaluation, Membership
from evaluations.permissions import SYSTEM
from questionnaires.models import Distribution, Invitation
from questionnaires.services import distribution_create, instrument_load, invitation_create
from stakeholders.models import Country, Region, StakeholderGroup
from stakeholders.reference import reference_load
from survey_site.celery import app
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
    # Without a broker given (REDIS_URL in CI) tasks run in-process, in the test's transaction;
    # tests that start a worker subprocess give it the broker they want.
    if not (os.environ.get("REDIS_URL") or os.environ.get("CELERY_BROKER_URL")):
        app.conf.update(
            task_always_eager=True,
            broker_url="memory://",
            broker_transport=None,  # not the embedded broker's file transport (settings)
            result_backend="cache+memory://",
        )
        settings.CELERY_TASK_ALWAYS_EAGER = True
        settings.CELERY_BROKER_URL = "memory://"
        settings.CELERY_RESULT_BACKEND = "cache+memory://"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate limits and throttles count in the cache: each test starts from zero."""
    cache.clear()


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
def as_role(api_client, team):
    """as_role("viewer") -> the API client, signed in as the team member of that role."""

    def login(role: str) -> APIClient:
        api_client.force_authenticate(team[role].user)
        return api_client

    return login


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests (live server, real worker) empty every table after them, the
    reference data the migrations loaded (regions, countries, groups) included: put it back,
    as the migration would, for the tests that come after."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "live_server" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    reference_load(Region, Country, StakeholderGroup)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_keepdb, django_db_blocker) -> None:
    """A test database kept from the last run (`--reuse-db` on PostgreSQL) is as that run left
    it: emptied, reference data included, if it ended with transactional tests. Migrations
    already applied do not run again, so put the reference data back here."""
    if django_db_keepdb:
        with django_db_blocker.unblock():
            reference_load(Region, Country, StakeholderGroup)


@pytest.fixture(autouse=True)
def _tasks_in_process(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tasks run in the test's own transaction, except in tests that start a real worker
    (`celery_worker`), which go through the configured broker."""
    if "celery_worker" in request.fixturenames:
        yield
        return
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def celery_worker() -> Iterator[object]:
    """A real worker thread on the configured broker; None when tasks run eagerly (no REDIS_URL)."""
    if app.conf.task_always_eager:
        yield None
        return
    from celery.contrib.testing.worker import start_worker

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING") as worker:
        yield worker


def browser_path() -> str:
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


STAFF_FILE = Path(settings.BASE_DIR) / "seeds" / "instruments" / "ilo_staff_questionnaire_2008.yaml"


@pytest.fixture
def staff_version(evaluation):
    return instrument_load(evaluation=evaluation, text=STAFF_FILE.read_text(), by=SYSTEM).version


@pytest.fixture
def make_distribution(evaluation, team, staff_version):
    """A distribution of the staff questionnaire. Dates in the past (refused by the service)
    are set after creation, as if time had passed since."""

    def make(confidentiality: str = "team", **kwargs: object) -> Distribution:
        now = timezone.now()
        passed = {k: kwargs.pop(k) for k in ("deadline", "closes_at") if k in kwargs}
        distribution = distribution_create(
            evaluation=evaluation,
            by=team["lead"].user,
            version=staff_version,
            title=f"Staff questionnaire ({confidentiality})",
            confidentiality=confidentiality,
            **{k: v for k, v in passed.items() if v is None or v > now},
            **kwargs,
        )
        if any(v is not None and v <= now for v in passed.values()):
            for name, value in passed.items():
                setattr(distribution, name, value)
            distribution.save(update_fields=list(passed))
        return distribution

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


LOCALE = Path(settings.BASE_DIR) / "locale"


def gettext_tools_missing(*tools: str) -> str:
    """Why the GNU gettext programs a test needs are missing ('' when they are there)."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    return f"GNU gettext ({', '.join(missing)}) is not installed" if missing else ""


def skip_without_gettext(*tools: str) -> None:
    """Skip (fail in CI, where `make test` installs gettext) when the programs are missing."""
    reason = gettext_tools_missing(*tools)
    if reason and os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must check the translations", pytrace=False)
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def _compiled_catalogues(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The French and Spanish catalogues as committed, compiled apart from the source tree (a
    stale or missing locale/*.mo, when `make messages` has not run, does not count)."""
    skip_without_gettext("msgfmt")
    compiled = tmp_path_factory.mktemp("locale")
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
        target = compiled / po.relative_to(LOCALE).with_suffix(".mo")
        target.parent.mkdir(parents=True)
        subprocess.run(
            ["msgfmt", "--check", "-o", str(target), str(po)], check=True, capture_output=True
        )
    return compiled


@pytest.fixture
def translated(settings, _compiled_catalogues: Path) -> None:
    """Pages and e-mails in French and Spanish from the committed catalogues."""
    settings.LOCALE_PATHS = [_compiled_catalogues]
