"""Reading STORAGE_URL into the default storage's settings (survey_site/settings.py)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ImproperlyConfigured


def s3_storage(url: str) -> dict:
    """The default storage on S3-compatible object storage, from STORAGE_URL:
    s3://BUCKET[/PREFIX][?endpoint_url=http://host:9000&region=eu-west-1]. Credentials come
    from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the machine's role). Objects are
    private; downloads go through Consulta's permission check (README, "Configuration")."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    unknown = set(query) - {"endpoint_url", "region"}
    if parts.scheme != "s3" or not parts.hostname or unknown or "@" in parts.netloc:
        raise ImproperlyConfigured(  # never echoing a key or secret written before an @
            "STORAGE_URL must look like s3://bucket/prefix?endpoint_url=...&region=... (keys in "
            f"AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), not {parts.scheme}://"
            f"{parts.netloc.rpartition('@')[2]}{parts.path}"
            + (f" (unknown: {', '.join(sorted(unknown))})" if unknown else "")
        )
    endpoint = query.get("endpoint_url") or None
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": parts.netloc,
            "location": parts.path.strip("/"),
            "endpoint_url": endpoint,
            "region_name": query.get("region") or None,
            # A custom endpoint (MinIO, a test server) is reached by path, not by host name.
            "addressing_style": "path" if endpoint else None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            # Two uploads of "answers.pdf" in one month are two objects, never one replacing
            # the other.
            "file_overwrite": False,
            # A download is fetched from the bucket into a temp file before it is streamed
            # out: in memory up to this size, on the temp disk beyond (0 would keep it all in
            # memory).
            "max_memory_size": 8 * 1024 * 1024,
        },
    }
