"""A small fixed-window rate limit on the cache (local memory, or Redis when configured).

Both limits here fail open: with the cache down (Redis stopped), requests are let through and
a warning is logged, so respondents can still answer; the limits come back with the cache.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.throttling import ScopedRateThrottle as DrfScopedRateThrottle

logger = logging.getLogger(__name__)

# While the cache is down every request would log the same line: log once a minute per process,
# with how many requests were let through since.
QUIET_SECONDS = 60
_quiet: dict[str, float] = {"until": 0.0, "passed": 0}


def _let_through(scope: str, exc: Exception) -> None:
    now = time.monotonic()
    _quiet["passed"] += 1
    if now < _quiet["until"]:
        return
    logger.warning(
        "Rate limit %r not checked, the cache is unreachable (%d request(s) let through "
        "unchecked in the last minute): %r",
        scope,
        _quiet["passed"],
        exc,
    )
    _quiet["until"], _quiet["passed"] = now + QUIET_SECONDS, 0


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def _count(key: str, window: int) -> int:
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def over_limit(request: HttpRequest, scope: str, limit: int, window: int = 60) -> bool:
    """Count one hit for the client in `scope`; True once it passed `limit` in this window.
    False (not limited) when the cache cannot be reached."""
    if limit <= 0:
        return False
    bucket = int(time.time() // window)
    key = f"ratelimit:{scope}:{client_address(request)}:{bucket}"
    try:
        hits = _count(key, window)
    except Exception as exc:  # the cache is down: let the request through
        _let_through(scope, exc)
        return False
    return hits > limit


class ScopedRateThrottle(DrfScopedRateThrottle):
    """DRF's scoped throttle, failing open (logged) when the cache cannot be reached."""

    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # the cache is down: let the request through
            _let_through(f"api:{getattr(view, 'throttle_scope', '')}", exc)
            return True
