"""Files on object storage (STORAGE_URL=s3://…), against a real S3-compatible server (moto in
server mode): exports built, downloaded with the permission check and expired; returned
questionnaires and import uploads stored and read back; erasure deleting from the bucket;
nothing readable without credentials."""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from storages.backends.s3 import S3Storage

from common.imports import job_table
from privacy.services.erasure import person_erase
from questionnaires.models import Response
from questionnaires.services import response_enter
from reports.models import ExportJob
from reports.services import exports
from reports.services.exports import export_build, export_request, exports_expire
from stakeholders.importing.jobs import import_job_create
from survey_site.storage import s3_storage as storage_from_url
from tests.conftest import COMPLETE
from tests.operations.s3_server import s3_server, s3_storage  # noqa: F401 (fixtures)
from tests.privacy.conftest import NAME, world  # noqa: F401 (fixture)
from tests.reports.builders import staff_survey

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def local_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def lead_workbook(evaluation, team, s3_storage) -> ExportJob:  # noqa: F811
    staff_survey(
        evaluation,
        [
            {"attributes": {"region": "Africa"}, "answers": {"C1": "4", "B1": "Useful"}},
            {"attributes": {"region": "Asia"}, "answers": {"C1": "2", "B1": "Slow"}},
        ],
    )
    job = export_request(evaluation=evaluation, by=team["lead"].user, kind="workbook")
    export_build(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE, job.error
    return job


def test_export_is_built_into_the_bucket_and_nowhere_on_disk(
    lead_workbook,
    s3_storage,  # noqa: F811
    settings,
) -> None:
    job = lead_workbook
    assert isinstance(job.file.storage._wrapped, S3Storage)
    # The object sits under the URL's prefix, named by the job; its size is the job's.
    assert s3_storage.keys() == [f"media/{job.file.name}"]
    assert job.file.name.startswith(f"exports/{job.evaluation_id}/")
    body = s3_storage.body(f"media/{job.file.name}")
    assert len(body) == job.size > 0
    sheets = load_workbook(io.BytesIO(body)).sheetnames
    assert "Likert" in sheets and any(s.startswith("Raw – ") for s in sheets)  # the lead's
    # Built in this machine's temp folder, which is cleaned; nothing under MEDIA_ROOT.
    assert exports.build_dir() == os.path.join(tempfile.gettempdir(), "consulta-exports")
    assert not os.path.exists(os.path.join(exports.build_dir(), f"job-{job.pk}"))
    assert local_files(settings) == []


def test_export_download_checks_permission_then_streams_from_the_bucket(
    lead_workbook,
    team,
    evaluation,
    s3_storage,  # noqa: F811
) -> None:
    job = lead_workbook
    body = s3_storage.body(f"media/{job.file.name}")
    api = f"/api/v1/evaluations/{evaluation.slug}/reports/exports/{job.pk}/download/"
    page = f"/evaluations/{evaluation.slug}/reports/downloads/{job.pk}/file/"

    viewer = signed_in(team["viewer"].user)
    refused_api, refused_page = viewer.get(api), viewer.get(page)
    lead = signed_in(team["lead"].user)
    by_api, by_page = lead.get(api), lead.get(page)

    assert refused_api.status_code == 403
    assert "another member" in refused_api.json()["detail"]
    assert refused_page.status_code == 403
    assert by_api.status_code == 200 and b"".join(by_api.streaming_content) == body
    assert by_page.status_code == 200 and b"".join(by_page.streaming_content) == body
    assert job.filename in by_page["Content-Disposition"]


def test_nothing_in_the_bucket_is_readable_without_credentials(
    lead_workbook,
    s3_storage,  # noqa: F811
) -> None:
    key = f"media/{lead_workbook.file.name}"
    client = s3_storage.client()
    acl = client.get_object_acl(Bucket=s3_storage.name, Key=key)
    public = [g for g in acl["Grants"] if g["Grantee"].get("URI", "").endswith("/AllUsers")]

    assert s3_storage.anonymous_get(key) == 403
    assert public == []
    # The check can tell: an object made public on purpose is served to anyone.
    client.put_object(Bucket=s3_storage.name, Key="public.txt", Body=b"hi", ACL="public-read")
    assert s3_storage.anonymous_get("public.txt") == 200


def test_expiry_deletes_the_object_from_the_bucket(lead_workbook, s3_storage) -> None:  # noqa: F811
    deleted = exports_expire(now=timezone.now() + dt.timedelta(days=30))

    lead_workbook.refresh_from_db()
    assert deleted == 1
    assert (lead_workbook.file.name, lead_workbook.size) == ("", 0)
    assert s3_storage.keys() == []


def test_returned_questionnaire_is_kept_in_the_bucket_and_read_by_those_allowed(
    team,
    evaluation,
    make_distribution,
    s3_storage,  # noqa: F811
    settings,
) -> None:
    distribution = make_distribution("lead")
    entered = [
        response_enter(
            distribution=distribution,
            by=team["lead"].user,
            name=name,
            answers=COMPLETE,
            channel="email",
            returned_file=SimpleUploadedFile("reply.pdf", content),
        )
        for name, content in (("First", b"%PDF first scan"), ("Second", b"%PDF second scan"))
    ]
    names = [Response.objects.get(pk=r.pk).returned_file.name for r in entered]
    url = (
        f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}"
        f"/responses/{entered[0].pk}/file/"
    )

    lead = signed_in(team["lead"].user).get(url)
    viewer = signed_in(team["viewer"].user).get(url)

    # Two uploads named alike are two objects: the second never replaces the first.
    assert names[0] != names[1] and all(n.startswith("returned/") for n in names)
    assert s3_storage.keys() == sorted(f"media/{n}" for n in names)
    assert s3_storage.body(f"media/{names[1]}") == b"%PDF second scan"
    assert lead.status_code == 200 and b"".join(lead.streaming_content) == b"%PDF first scan"
    assert viewer.status_code == 403
    assert s3_storage.anonymous_get(f"media/{names[0]}") == 403
    assert local_files(settings) == []


def test_a_returned_file_missing_from_the_bucket_is_a_404(
    team,
    evaluation,
    make_distribution,
    s3_storage,  # noqa: F811
) -> None:
    distribution = make_distribution("team")
    response = response_enter(
        distribution=distribution,
        by=team["lead"].user,
        name="Gone",
        answers=COMPLETE,
        channel="paper",
        returned_file=SimpleUploadedFile("scan.pdf", b"%PDF"),
    )
    s3_storage.client().delete_object(
        Bucket=s3_storage.name, Key=f"media/{response.returned_file.name}"
    )
    base = f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}"

    missing = signed_in(team["lead"].user).get(f"{base}/responses/{response.pk}/file/")

    assert missing.status_code == 404
    assert "no longer kept" in missing.content.decode()


def test_import_upload_is_kept_in_the_bucket_and_read_back(
    team,
    s3_storage,  # noqa: F811
    settings,
) -> None:
    csv = b"Name,Email\nAmina Okafor,amina@example.org\n"
    job = import_job_create(by=team["lead"].user, file=io.BytesIO(csv), filename="people.csv")

    assert s3_storage.keys() == [f"media/{job.file.name}"]
    assert s3_storage.body(f"media/{job.file.name}") == csv
    table = job_table(job)
    assert [row.values[0] for row in table.rows] == ["Amina Okafor"]
    assert local_files(settings) == []


def test_erasure_deletes_the_import_file_from_the_bucket(
    world,  # noqa: F811
    team,
    s3_storage,  # noqa: F811
    django_capture_on_commit_callbacks,
) -> None:
    naming = import_job_create(
        by=team["lead"].user,
        file=io.BytesIO(f"Name,Email\n{NAME},z@example.org\n".encode()),
        filename="names-her.csv",
    )
    other = import_job_create(
        by=team["lead"].user,
        file=io.BytesIO(b"Name,Email\nSomeone Else,s@example.org\n"),
        filename="other.csv",
    )
    assert len(s3_storage.keys()) == 2

    with django_capture_on_commit_callbacks(execute=True):
        person_erase(by=team["lead"].user, person=world.person, reason="She asked")

    naming.refresh_from_db()
    assert naming.file.name == ""
    assert s3_storage.keys() == [f"media/{other.file.name}"]


@pytest.mark.parametrize(
    "url",
    [
        "https://bucket.example.org/x",
        "s3://",
        "s3://bucket?endpoint=http://127.0.0.1:9000",
    ],
)
def test_a_malformed_storage_url_is_refused_with_its_shape(url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="STORAGE_URL must look like s3://bucket"):
        storage_from_url(url)


def test_storage_url_sets_a_private_bucket_reached_by_path() -> None:
    options = storage_from_url("s3://files/consulta?endpoint_url=http://minio:9000&region=eu")[
        "OPTIONS"
    ]

    assert (options["bucket_name"], options["location"]) == ("files", "consulta")
    assert (options["endpoint_url"], options["region_name"]) == ("http://minio:9000", "eu")
    assert options["addressing_style"] == "path"
    assert (options["default_acl"], options["querystring_auth"]) == ("private", True)
    assert options["file_overwrite"] is False
