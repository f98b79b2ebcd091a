"""Who is acting, and why, for the history entries written while it holds.

One context variable per request or task, set by `history.middleware.HistoryMiddleware` for
pages and the API (the user, or the respondent door for /r/ links) and by `acting` in tasks and
commands. Nothing set means the system: a Celery task, a command, the demo loader.

auditlog's own `set_actor` is not used: it does not restore the outer value when a nested one
ends. This one does (ContextVar tokens), so `because("…")` inside a request keeps the user.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest


class Kind:
    """Who did it, in words the history shows."""

    USER = "user"
    SYSTEM = "system"
    RESPONDENT = "respondent"

    choices = (
        (USER, "user"),
        (SYSTEM, "system"),
        (RESPONDENT, "respondent"),
    )


@dataclass(frozen=True)
class Acting:
    user: Any = None  # accounts.User, or None
    kind: str = Kind.SYSTEM
    reason: str = ""
    request: HttpRequest | None = None
    remote_addr: str | None = None

    def resolved(self) -> tuple[Any, str]:
        """(user, kind), reading the request's user when it was authenticated late (DRF's
        token authentication sets request.user in the view, after the middleware).
        The respondent door never names a user: a member signed in while answering their own
        questionnaire is a respondent there (an anonymous one must stay anonymous)."""
        if self.kind == Kind.RESPONDENT:
            return None, Kind.RESPONDENT
        if self.request is not None:
            user = getattr(self.request, "user", None)
            if user is not None and user.is_authenticated:
                return user, Kind.USER
            return None, self.kind
        return self.user, self.kind


SYSTEM_ACTING = Acting()  # frozen: safe to share
_current: ContextVar[Acting] = ContextVar("history_acting")


def current() -> Acting:
    return _current.get(SYSTEM_ACTING)


@contextlib.contextmanager
def _set(value: Acting) -> Iterator[Acting]:
    token = _current.set(value)
    try:
        yield value
    finally:
        _current.reset(token)


def acting(user: Any = None, *, reason: str = "") -> contextlib.AbstractContextManager[Acting]:
    """Entries written inside are by `user` (a User), or by the system when user is None or
    SYSTEM: for tasks and commands that act on a member's behalf (an import they uploaded)."""
    real = user if getattr(user, "pk", None) is not None else None
    return _set(Acting(user=real, kind=Kind.USER if real else Kind.SYSTEM, reason=reason))


def because(reason: str) -> contextlib.AbstractContextManager[Acting]:
    """Entries written inside carry this reason (an override, an exclusion, a merge …),
    keeping who acts."""
    return _set(replace(current(), reason=(reason or "")[:2000]))


def for_request(
    request: HttpRequest, *, respondent: bool
) -> contextlib.AbstractContextManager[Acting]:
    forwarded = request.META.get("REMOTE_ADDR") or None
    return _set(
        Acting(
            kind=Kind.RESPONDENT if respondent else Kind.SYSTEM,
            request=request,
            remote_addr=forwarded,
        )
    )
