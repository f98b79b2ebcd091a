"""An S3-compatible server of the tests' own: moto in server mode, on a free port, in a thread.

    from tests.operations.s3_server import s3_server, s3_storage  # noqa: F401 (fixtures)

    def test_x(s3_storage):            # STORAGES["default"] is S3Storage on a fresh bucket
        s3_storage.keys()              # what the bucket holds, read with boto3
        s3_storage.anonymous_get(key)  # a plain GET of the object's address, no credentials

The storage is configured the way production is: settings.s3_storage(STORAGE_URL) with the
credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, so the settings code is tested too.
"""

from __future__ import annotations

import logging
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
from moto.server import ThreadedMotoServer

from survey_site.storage import s3_storage as storage_from_url
from tests.reliability.redis_server import free_port

REGION = "eu-west-1"
ACCESS_KEY = "consulta-test"
SECRET_KEY = "consulta-test-secret"


@dataclass
class Bucket:
    endpoint: str
    name: str
    url: str  # STORAGE_URL

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def keys(self) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def body(self, key: str) -> bytes:
        return self.client().get_object(Bucket=self.name, Key=key)["Body"].read()

    def anonymous_get(self, key: str) -> int:
        """The HTTP status of an unsigned GET of the object's address (what anyone could do)."""
        address = f"{self.endpoint}/{self.name}/{key}"  # always http://127.0.0.1:<port>
        try:
            with urllib.request.urlopen(address, timeout=5) as got:  # noqa: S310
                return got.status
        except urllib.error.HTTPError as refused:
            return refused.code


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """The endpoint address of a moto S3 server running for the whole session."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_storage(s3_server: str, settings, monkeypatch) -> Bucket:
    """A new private bucket, made Django's default storage for the test."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    bucket = Bucket(
        endpoint=s3_server,
        name=f"consulta-{secrets.token_hex(4)}",
        url="",
    )
    bucket.url = f"s3://{bucket.name}/media?endpoint_url={s3_server}&region={REGION}"
    bucket.client().create_bucket(
        Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(bucket.url)}
    return bucket
