"""Issue 16, several machines: the two-web two-worker smoke run (`make smoke-cluster`; CI runs it
on PostgreSQL with `make test`).

Two gunicorn web processes and two Celery workers run as separate processes, each with its own
var, media and temp folders (as if on four machines), against the same PostgreSQL database (the
test database: the test commits its rows), the same Redis (a server of the test's own) and the
same S3 server (moto in server mode; STORAGE_URL and AWS credentials in their environment).
Over plain HTTP (urllib with a cookie jar):

1. a respondent saves a draft on web A and submits on web B;
2. a lead logs in on web A, asks for the evaluation workbook on web B, a worker builds it into
   the bucket, and it is downloaded from web A and opened with openpyxl;
3. a worker is killed (SIGKILL) while it builds an export; Redis hands the unacknowledged task
   to the other worker, which takes the stalled job over and finishes it;
4. backup and restore as README "Running in production" says: pg_dump, createdb, pg_restore,
   `manage.py migrate` on the fresh database, the rows checked there, the database dropped.

Every process is stopped at the end; a summary of what ran where is printed (`-s`)."""

from __future__ import annotations

import io
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from openpyxl import load_workbook

from evaluations.models import Evaluation
from evaluations.permissions import SYSTEM
from questionnaires.models import Answer, Invitation, Response
from questionnaires.services import invitation_create
from reports.models import ExportJob
from tests.operations import s3_server as s3
from tests.operations.cluster import Browser, Page, Web, files_under, machine_dirs
from tests.operations.s3_server import s3_server, s3_storage  # noqa: F401 (fixtures)
from tests.reliability.celery_worker import Worker, database_url
from tests.reliability.conftest import require
from tests.reliability.redis_server import RedisServer, redis_server  # noqa: F401 (a fixture)
from tests.reports.builders import staff_survey

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

State = ExportJob.State
SLOW_EXPORT_SECONDS = 6  # each export takes this long (tests/reliability/slow_export.py)
VISIBILITY_SECONDS = 10  # longer than a healthy export: only a killed one is handed on
STALE_SECONDS = 3  # builders beat every 0.5 s; a job silent for 3 s is taken over
PASSWORD = "smoke-" + secrets.token_urlsafe(12)
DRAFT_TEXT = "Typed on web A, kept as a draft"
RECEIVED = re.compile(r"Task reports\.export_build\[([^\]]+)\] received")


def wait_for(condition: Callable[[], object], what: str, timeout: float = 60) -> float:
    """Seconds it took for `condition` to hold; fails after `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout:g} s waiting for {what}")


def job_now(job_id: int) -> ExportJob:
    return ExportJob.objects.get(pk=job_id)


def received(worker: Worker) -> list[str]:
    """The ids of the export tasks the worker has been handed, in order."""
    return RECEIVED.findall(worker.output())


def common_env(redis: RedisServer, bucket: s3.Bucket, secret: str, site_url: str) -> dict[str, str]:
    """The settings every machine shares (README "Running in production")."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name
        not in {
            "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CELERY_TASK_ALWAYS_EAGER",
            "EXPORT_BUILD_DIR", "STATIC_ROOT", "AWS_SESSION_TOKEN", "AWS_PROFILE",
            "SLOW_EXPORT_SECONDS", "CELERY_WORKER_QUEUES",
        }
    }  # fmt: skip
    return env | {
        "DJANGO_SETTINGS_MODULE": "survey_site.settings",
        "PYTHONPATH": str(django_settings.BASE_DIR),
        "DEBUG": "0",
        "SECRET_KEY": secret,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": site_url,
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis.url,
        "STORAGE_URL": bucket.url,
        "AWS_ACCESS_KEY_ID": s3.ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": s3.SECRET_KEY,
        "LOG_LEVEL": "INFO",
        "EXPORT_STALE_SECONDS": str(STALE_SECONDS),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS),
        "CELERY_REDELIVERY_CHECK_SECONDS": "1",
        "SLOW_EXPORT_SECONDS": str(SLOW_EXPORT_SECONDS),
    }


def log_in(browser: Browser, web: Web, email: str) -> None:
    form = browser.get(f"{web.url}/accounts/login/")
    assert form.status == 200, form.text[:500]
    answer = browser.post(
        f"{web.url}/accounts/login/", {"username": email, "password": PASSWORD}, form
    )
    assert answer.status == 302, f"login refused on {web.name}: {answer.text[:1000]}"


def ask_for_workbook(browser: Browser, web: Web, slug: str, **options: str) -> int:
    """The lead presses "Prepare the workbook" on the downloads page: the new job's id."""
    downloads = f"{web.url}/evaluations/{slug}/reports/downloads/"
    form = browser.get(downloads)
    assert form.status == 200, form.text[:1000]
    answer = browser.post(downloads, options, form)
    assert answer.status == 302, answer.text[:1000]
    found = re.search(r"#job-(\d+)$", answer.headers["Location"])
    assert found, answer.headers["Location"]
    return int(found.group(1))


def download(browser: Browser, web: Web, slug: str, job_id: int) -> tuple[Page, list[str]]:
    """The job's row as the page polls it, then its file, opened as a workbook."""
    row = browser.get(f"{web.url}/evaluations/{slug}/reports/downloads/{job_id}/")
    assert row.status == 200 and 'data-state="done"' in row.text, row.text[:1000]
    link = f"/evaluations/{slug}/reports/downloads/{job_id}/file/"
    assert f'href="{link}"' in row.text
    got = browser.get(web.url + link)
    assert got.status == 200, got.text[:1000]
    assert "attachment" in got.headers["Content-Disposition"]
    return got, load_workbook(io.BytesIO(got.body)).sheetnames


def cells(body: bytes) -> set[str]:
    book = load_workbook(io.BytesIO(body), read_only=True)
    return {
        str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row
    }


# --- 1. a respondent: draft on A, submit on B -------------------------------------------------


def respondent_journey(web_a: Web, web_b: Web, invitation: Invitation) -> str:
    browser = Browser()
    link = f"/r/{invitation.token}"
    start = browser.get(web_a.url + link + "/")
    assert start.status == 200 and f"{link}/page/1/" in start.text, start.text[:1000]
    page1 = browser.get(f"{web_a.url}{link}/page/1/")
    answers_a = {f"q-A{n}": f"Background {n} (web A)" for n in range(1, 6)}
    saved = browser.post(f"{web_a.url}{link}/page/1/", {**answers_a, "action": "next"}, page1)
    assert saved.status == 302 and saved.headers["Location"].endswith("/page/2/"), saved.text[:800]
    page2 = browser.get(f"{web_a.url}{link}/page/2/")
    answers_b = {"q-B1": DRAFT_TEXT} | {f"q-B{n}": f"Open {n}" for n in range(2, 9)}
    saved = browser.post(f"{web_a.url}{link}/page/2/", {**answers_b, "action": "next"}, page2)
    assert saved.status == 302, saved.text[:800]
    draft = Response.objects.get(invitation=invitation)
    assert draft.status == Response.Status.DRAFT
    assert Answer.objects.filter(response=draft).exclude(text="").count() == 13

    page3 = browser.get(f"{web_b.url}{link}/page/3/")
    assert DRAFT_TEXT not in page3.text  # page 3 is the Likert page; the draft is on the server
    likert = {f"q-C{n}": str(1 + n % 4) for n in range(1, 7)}
    saved = browser.post(f"{web_b.url}{link}/page/3/", {**likert, "action": "review"}, page3)
    assert saved.status == 302 and saved.headers["Location"].endswith("/review/"), saved.text[:800]
    review = browser.get(f"{web_b.url}{link}/review/")
    assert DRAFT_TEXT in review.text  # saved through web A, read back through web B
    done = browser.post(f"{web_b.url}{link}/review/", {}, review)
    assert done.status == 302 and done.headers["Location"].endswith("/done/"), done.text[:800]

    submitted = Response.objects.filter(invitation=invitation)
    assert [r.status for r in submitted] == [Response.Status.SUBMITTED]  # exactly one
    stored = {
        a.question.key: a.choice or a.text
        for a in Answer.objects.filter(response=submitted[0]).select_related("question")
    }
    assert stored == {k[2:]: v for k, v in (answers_a | answers_b | likert).items()}
    return (
        f"respondent: pages 1-2 saved on {web_a.name} (draft, 13 answers), page 3 and submit on "
        f"{web_b.name}: 1 submitted response, {len(stored)} answers stored"
    )


# --- 2. the lead's workbook: asked on B, built by a worker, downloaded from A -----------------


def workbook_journey(
    web_a: Web, web_b: Web, workers: dict[str, Worker], lead: Browser, slug: str
) -> tuple[int, str]:
    before = {name: received(w) for name, w in workers.items()}
    job_id = ask_for_workbook(lead, web_b, slug)
    took = wait_for(
        lambda: job_now(job_id).state in (State.DONE, State.FAILED),
        what="a worker to build the workbook:\n"
        + "\n".join(w.output()[-1500:] for w in workers.values()),
    )
    job = job_now(job_id)
    assert (job.state, job.error, job.attempts) == (State.DONE, "", 1)
    builder = next(name for name, w in workers.items() if len(received(w)) > len(before[name]))
    got, sheets = download(lead, web_a, slug, job_id)
    assert "Likert" in sheets and any(s.startswith("Raw – ") for s in sheets), sheets
    assert DRAFT_TEXT in cells(got.body)  # the answer the respondent gave through web A
    return job_id, (
        f"workbook: asked on {web_b.name} (job {job_id}), built by {builder} in "
        f"{took:.1f} s, downloaded from {web_a.name}: {len(got.body):,} bytes, "
        f"{len(sheets)} sheets ({', '.join(sheets[:3])}, …)"
    )


# --- 3. a worker killed mid-export, the other finishes ----------------------------------------


def killed_worker_journey(
    web_a: Web, web_b: Web, workers: dict[str, Worker], lead: Browser, slug: str
) -> tuple[int, str]:
    before = {name: received(w) for name, w in workers.items()}
    job_id = ask_for_workbook(lead, web_a, slug, labels="on")
    wait_for(
        lambda: job_now(job_id).state == State.RUNNING and job_now(job_id).rows_done > 0,
        what="a worker to start the export:\n"
        + "\n".join(w.output()[-1500:] for w in workers.values()),
    )
    builder = next(name for name, w in workers.items() if len(received(w)) > len(before[name]))
    other = next(name for name in workers if name != builder)
    at = job_now(job_id).progress
    workers[builder].kill()
    assert workers[builder].process.returncode == -9
    took = wait_for(
        lambda: job_now(job_id).state in (State.DONE, State.FAILED),
        what=f"{other} to finish the export:\n{workers[other].output()[-2500:]}",
    )
    job = job_now(job_id)
    assert (job.state, job.error, job.attempts) == (State.DONE, "", 2)
    # The very task the killed worker had taken, handed on by Redis (not a new one).
    assert received(workers[builder])[-1] in received(workers[other])[len(before[other]) :]
    _got, sheets = download(lead, web_b, slug, job_id)
    assert "Likert" in sheets
    return job_id, (
        f"killed: job {job_id} asked on {web_a.name}; {builder} killed (SIGKILL) at "
        f"{at}%; {other} took the task over (attempt 2) and finished {took:.1f} s later; "
        f"downloaded from {web_b.name}"
    )


# --- 4. backup and restore ---------------------------------------------------------------------


def run(command: list[str], env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=django_settings.BASE_DIR,
        env=env,
        check=False,
    )
    assert done.returncode == 0, f"{' '.join(command[:2])} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def backup_and_restore(
    tmp_path: Path, env: dict[str, str], evaluation: Evaluation, invitation: Invitation,
    job_ids: list[int], bucket: s3.Bucket,
) -> str:  # fmt: skip
    """README "Running in production": Backups, then Restore onto a fresh database."""
    source = database_url()
    restored = f"{connection.settings_dict['NAME']}_restored"
    restored_url = with_database(source, restored)
    maintenance = f"--maintenance-db={with_database(source, 'postgres')}"
    dump = tmp_path / "consulta.dump"
    run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source])
    run(["dropdb", "--if-exists", "--force", maintenance, restored])  # a crashed run's
    run(["createdb", maintenance, restored])
    try:
        run(["pg_restore", "--no-owner", f"--dbname={restored_url}", str(dump)])
        migrated = run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            env=env | {"DATABASE_URL": restored_url},
        )
        assert "No migrations to apply." in migrated, migrated
        response_table = Response._meta.db_table
        with psycopg.connect(restored_url) as db:
            slug = db.execute(
                f"SELECT slug FROM {Evaluation._meta.db_table} WHERE id = %s",  # noqa: S608
                [evaluation.pk],
            ).fetchone()
            statuses = db.execute(
                f"SELECT status FROM {response_table} WHERE invitation_id = %s",  # noqa: S608
                [invitation.pk],
            ).fetchall()
            answers = db.execute(
                f"SELECT count(*) FROM {Answer._meta.db_table} a JOIN {response_table} r "  # noqa: S608
                "ON a.response_id = r.id WHERE r.invitation_id = %s",
                [invitation.pk],
            ).fetchone()
            jobs = db.execute(
                f"SELECT id, state, file FROM {ExportJob._meta.db_table} WHERE id = ANY(%s) "  # noqa: S608
                "ORDER BY id",
                [job_ids],
            ).fetchall()
    finally:
        run(["dropdb", "--if-exists", "--force", maintenance, restored])
    assert slug == (evaluation.slug,)
    assert statuses == [(Response.Status.SUBMITTED,)]
    assert answers == (19,)
    assert [(pk, state) for pk, state, _file in jobs] == [(pk, State.DONE) for pk in job_ids]
    in_bucket = set(bucket.keys())
    for _pk, _state, name in jobs:
        assert f"media/{name}" in in_bucket  # each restored row's file is in the bucket
    return (
        f"restore: pg_dump ({dump.stat().st_size:,} bytes) → createdb {restored} → pg_restore → "
        f"migrate (no migrations to apply): evaluation, the submitted response ({answers[0]} "
        f"answers) and {len(jobs)} export jobs found, their files in the bucket; dropped"
    )


# --- the run -------------------------------------------------------------------------------------


def test_two_webs_and_two_workers_share_the_database_redis_and_bucket(
    postgresql,
    redis_server,  # noqa: F811
    s3_storage,  # noqa: F811
    evaluation,
    team,
    settings,
    tmp_path,
) -> None:
    for program in ("pg_dump", "pg_restore", "createdb", "dropdb"):
        require(
            shutil.which(program) is not None,
            f"needs {program} (apt-get install postgresql-client)",
        )
    secret = secrets.token_urlsafe(50)
    settings.SECRET_KEY = secret  # the personal link below is signed as the web machines sign it
    lead = team["lead"].user
    hasher = PBKDF2PasswordHasher()  # the web machines' hasher (the tests' is MD5)
    lead.password = hasher.encode(PASSWORD, hasher.salt())
    lead.save(update_fields=["password"])
    distribution = staff_survey(
        evaluation, [{"attributes": {"region": "Africa"}, "answers": {"C1": "4", "B1": "Before"}}]
    )
    invitation = invitation_create(distribution=distribution, by=SYSTEM, name="Smoke Respondent")

    machines = tmp_path / "machines"
    image_static = tmp_path / "image-static"  # built once, as in the image, read by both webs
    started = time.monotonic()
    webs: list[Web] = []
    workers: dict[str, Worker] = {}
    summary = [
        f"smoke-cluster: PostgreSQL {connection.settings_dict['NAME']}, Redis {redis_server.url} "
        f"(the test's own), S3 {s3_storage.endpoint} bucket {s3_storage.name} (moto server)"
    ]
    collect = None
    try:
        base = common_env(redis_server, s3_storage, secret, site_url="http://127.0.0.1")
        collect = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=django_settings.BASE_DIR,
            env=base | machine_dirs(machines, "build") | {"STATIC_ROOT": str(image_static)},
        )
        for name, queues in (("worker-a", "exports,default"), ("worker-b", "mail,default,exports")):
            env = base | machine_dirs(machines, name) | {"CELERY_WORKER_QUEUES": queues}
            workers[name] = Worker(name, env, machines / f"{name}.log")
            summary.append(f"  {name}: celery worker -Q {queues}, pid {workers[name].process.pid}")
        assert collect.wait(timeout=120) == 0
        for name in ("web-a", "web-b"):
            env = base | machine_dirs(machines, name) | {"STATIC_ROOT": str(image_static)}
            webs.append(Web(name, env, machines))
            summary.append(f"  {name}: gunicorn {webs[-1].url}, pid {webs[-1].process.pid}")
        for worker in workers.values():
            worker.wait_ready()
        for web in webs:
            web.wait_ready()
        web_a, web_b = webs

        summary.append("  " + respondent_journey(web_a, web_b, invitation))
        browser = Browser()
        log_in(browser, web_a, lead.email)
        home = browser.get(f"{web_b.url}/evaluations/{evaluation.slug}/")  # the session, on B
        assert home.status == 200 and evaluation.title in home.text, home.text[:800]
        summary.append(
            f"  lead: logged in on {web_a.name}, the same session served by {web_b.name}"
        )
        first, line = workbook_journey(web_a, web_b, workers, browser, evaluation.slug)
        summary.append("  " + line)
        second, line = killed_worker_journey(web_a, web_b, workers, browser, evaluation.slug)
        summary.append("  " + line)

        # Nothing went through a machine's own disk: every file is in the bucket.
        for name in ("web-a", "web-b", "worker-a", "worker-b"):
            assert files_under(str(machines / name / "media")) == [], name
        stored = s3_storage.keys()
        exports_in_bucket = [key for key in stored if key.startswith("media/exports/")]
        assert len(exports_in_bucket) == 2, exports_in_bucket
        for web in webs:
            assert "Internal Server Error" not in web.output(), web.output()[-3000:]

        summary.append("  " + backup_and_restore(
            tmp_path, base, evaluation, invitation, [first, second], s3_storage
        ))  # fmt: skip
    finally:
        if collect is not None and collect.poll() is None:
            collect.kill()
            collect.wait(timeout=10)
        for web in webs:
            web.stop()
        for worker in workers.values():
            worker.stop()
    summary.append(f"  all processes stopped; {time.monotonic() - started:.0f} s in all")
    print("\n" + "\n".join(summary))
