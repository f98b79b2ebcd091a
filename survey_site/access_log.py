"""gunicorn's access log without personal links: gunicorn.conf.py names this logger class."""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from questionnaires.links import redact


class RedactingLogger(Logger):
    """gunicorn's logger, with every access-log field (request line, path, query, referrer,
    headers) passed through questionnaires.links.redact."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        return {
            key: redact(value) if isinstance(value, str) else value
            for key, value in super().atoms(resp, req, environ, request_time).items()
        }
