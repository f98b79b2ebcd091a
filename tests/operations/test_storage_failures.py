"""Files on shared storage when things go wrong, and what a download sends: e-mail attachments
read from the bucket (and a bucket out of reach failing the message for a retry, not leaving it
"sending"); an erasure whose first file cannot be deleted still deleting the others; each export
machine removing its own killed builds' folders; a STORAGE_URL with credentials refused without
echoing them; downloads from the bucket with their type, length and attachment name."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import time

import pytest
from botocore.exceptions import EndpointConnectionError
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from storages.backends.s3 import S3Storage

from privacy.services.erasure import person_erase
from questionnaires.models import Message
from questionnaires.services import attachment_create, distribution_send, response_enter
from questionnaires.services.messaging import messages_deliver
from questionnaires.tasks import messages_send
from reports.models import ExportJob
from reports.services import exports
from reports.services.exports import export_build, export_request
from stakeholders.importing.jobs import import_job_create
from survey_site.storage import s3_storage as storage_from_url
from tests.conftest import COMPLETE
from tests.operations.s3_server import s3_server, s3_storage  # noqa: F401 (fixtures)
from tests.privacy.conftest import NAME, world  # noqa: F401 (fixture)
from tests.reports.builders import staff_survey

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def with_attachment(make_distribution, invite, team, s3_storage):  # noqa: F811
    """A distribution whose invitations carry a file kept in the bucket, two recipients."""
    distribution = make_distribution(deadline=timezone.now() + dt.timedelta(days=10))
    attachment_create(
        distribution=distribution,
        by=team["lead"].user,
        file=ContentFile(b"%PDF terms of reference", name="Terms of reference.pdf"),
    )
    for n in range(2):
        invite(distribution, name=f"Recipient {n}", email=f"r{n}@example.org")
    return distribution


def test_attachments_are_read_from_the_bucket_into_each_email(
    with_attachment,
    team,
    s3_storage,  # noqa: F811
    django_capture_on_commit_callbacks,
) -> None:
    [key] = s3_storage.keys()
    assert key.startswith("media/attachments/")

    with django_capture_on_commit_callbacks(execute=True):
        distribution_send(distribution=with_attachment, by=team["lead"].user)

    assert sorted(m.to[0] for m in mail.outbox) == ["r0@example.org", "r1@example.org"]
    for sent in mail.outbox:
        assert sent.attachments == [
            ("Terms of reference.pdf", b"%PDF terms of reference", "application/pdf")
        ]


def test_a_bucket_out_of_reach_fails_the_messages_for_a_retry(
    with_attachment, team, monkeypatch
) -> None:
    monkeypatch.setattr(messages_send, "delay", lambda ids: None)  # delivered below
    distribution_send(distribution=with_attachment, by=team["lead"].user)
    ids = list(Message.objects.order_by("pk").values_list("pk", flat=True))

    def unreachable(self, name, mode="rb"):
        raise EndpointConnectionError(endpoint_url="http://minio:9000/consulta")

    monkeypatch.setattr(S3Storage, "_open", unreachable)
    outcome = messages_deliver(ids)  # the whole batch is tried: none raises out of it

    assert outcome["failed"] == ids and mail.outbox == []
    for message in Message.objects.filter(pk__in=ids):
        assert message.status == Message.Status.FAILED  # not left "sending"
        assert message.next_attempt_at is not None  # retried by the sweep
        assert "Terms of reference.pdf could not be read from the file storage" in message.error
        assert "EndpointConnectionError" in message.error


def test_one_file_that_cannot_be_deleted_keeps_none_of_the_others(
    world,  # noqa: F811
    team,
    s3_storage,  # noqa: F811
    monkeypatch,
    caplog,
    django_capture_on_commit_callbacks,
) -> None:
    jobs = [
        import_job_create(
            by=team["lead"].user,
            file=io.BytesIO(f"Name,Email\n{NAME},z{n}@example.org\n".encode()),
            filename=f"list-{n}.csv",
        )
        for n in range(2)
    ]
    stuck = jobs[0].file.name
    delete = S3Storage.delete

    def flaky(self, name):
        if name == stuck:
            raise EndpointConnectionError(endpoint_url="http://minio:9000/consulta")
        return delete(self, name)

    monkeypatch.setattr(S3Storage, "delete", flaky)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        person_erase(by=team["lead"].user, person=world.person, reason="She asked")

    assert s3_storage.keys() == [f"media/{stuck}"]  # the other one went
    assert f"File {stuck} of an erasure could not be deleted" in caplog.text
    for job in jobs:
        job.refresh_from_db()
        assert job.file.name == ""


def test_every_build_removes_this_machines_killed_build_folders(
    evaluation, team, settings, tmp_path
) -> None:
    settings.EXPORT_BUILD_DIR = str(tmp_path)
    staff_survey(evaluation, [{"attributes": {"region": "Africa"}, "answers": {"C1": "4"}}])
    live = export_request(evaluation=evaluation, by=team["lead"].user, kind="workbook")
    ExportJob.objects.filter(pk=live.pk).update(
        state=ExportJob.State.RUNNING, heartbeat_at=timezone.now()
    )
    killed, running, other = tmp_path / "job-999999", tmp_path / f"job-{live.pk}", tmp_path / "x"
    for folder in (killed, running, other):
        folder.mkdir()
        (folder / "export.part").write_bytes(b"partial")
        old = time.time() - 3600
        os.utime(folder, (old, old))
    job = export_request(evaluation=evaluation, by=team["evaluator"].user, kind="workbook")

    export_build(job_id=job.pk)  # the sweep ran elsewhere: this machine cleans its own

    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE, job.error
    assert not killed.exists()
    assert running.exists() and other.exists()  # a live build's, and no build folder at all


def test_a_folder_removed_meanwhile_by_another_build_is_no_failure(
    evaluation, team, settings, tmp_path, monkeypatch
) -> None:
    settings.EXPORT_BUILD_DIR = str(tmp_path)
    listed = os.listdir
    monkeypatch.setattr(exports.os, "listdir", lambda root: [*listed(root), "job-424242"])
    job = export_request(evaluation=evaluation, by=team["lead"].user, kind="workbook")

    export_build(job_id=job.pk)

    job.refresh_from_db()
    assert (job.state, job.error) == (ExportJob.State.DONE, "")


def test_a_storage_url_with_credentials_is_refused_without_echoing_them() -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        storage_from_url("s3://AKIAEXAMPLE:s3cr3t-value@consulta/media?region=eu-west-1")

    message = str(refused.value)
    assert "AWS_ACCESS_KEY_ID" in message and "s3://consulta/media" in message
    assert "s3cr3t-value" not in message and "AKIAEXAMPLE" not in message


def test_downloads_from_the_bucket_say_their_type_length_and_name(
    evaluation,
    team,
    make_distribution,
    s3_storage,  # noqa: F811
) -> None:
    staff_survey(evaluation, [{"attributes": {"region": "Africa"}, "answers": {"C1": "4"}}])
    job = export_request(evaluation=evaluation, by=team["lead"].user, kind="workbook")
    export_build(job_id=job.pk)
    job.refresh_from_db()
    distribution = make_distribution("team")
    response = response_enter(
        distribution=distribution,
        by=team["lead"].user,
        name="Scanned",
        answers=COMPLETE,
        channel="paper",
        returned_file=SimpleUploadedFile("scan.pdf", b"%PDF scanned pages"),
    )
    lead = signed_in(team["lead"].user)
    slug = evaluation.slug

    page = lead.get(f"/evaluations/{slug}/reports/downloads/{job.pk}/file/")
    api = lead.get(f"/api/v1/evaluations/{slug}/reports/exports/{job.pk}/download/")
    scan = lead.get(
        f"/evaluations/{slug}/distributions/{distribution.pk}/responses/{response.pk}/file/"
    )

    for answer in (page, api):
        assert answer.streaming and answer["Content-Type"] == XLSX
        assert answer["Content-Length"] == str(job.size)
        assert answer["Content-Disposition"] == f'attachment; filename="{job.filename}"'
        assert len(b"".join(answer.streaming_content)) == job.size
    assert scan.streaming and scan["Content-Type"] == "application/pdf"
    assert scan["Content-Length"] == str(len(b"%PDF scanned pages"))
    assert scan["Content-Disposition"].startswith('attachment; filename="scan')
    assert b"".join(scan.streaming_content) == b"%PDF scanned pages"
