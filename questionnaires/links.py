"""Personal links: the one place that makes, checks and hides them.

A link's token is a public selector (the lookup key, stored) followed by a secret that is never
stored: it is an HMAC of the selector under SECRET_KEY, like Django's password-reset tokens. So
the server can print a link again (for a reminder, or for the team to copy) while a dump of the
database alone holds nothing that opens a form. A key listed in SECRET_KEY_FALLBACKS still
opens the links it made. Links made before this scheme stored their whole token; the migration
replaced it by its SHA-256 (legacy_token_hash), so those links still open the form.

redact() and RedactLinks keep tokens out of log lines (settings.LOGGING, gunicorn.conf.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from questionnaires.models import Invitation, OpenLink

SELECTOR_LENGTH = 11  # 8 random bytes, url-safe
SECRET_LENGTH = 32  # 192 bits of the HMAC
MAX_TOKEN_LENGTH = 64
_SALT = "questionnaires.links.invitation"
_OPEN_SALT = "questionnaires.links.open"


def new_selector() -> str:
    return secrets.token_urlsafe(8)[:SELECTOR_LENGTH]


def _secret(selector: str, key: str | bytes, salt: str = _SALT) -> str:
    digest = salted_hmac(salt, selector, secret=key, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:SECRET_LENGTH]


def link_token(selector: str) -> str:
    """The token of the link whose selector this is (what /r/<token>/ carries)."""
    return selector + _secret(selector, settings.SECRET_KEY)


def open_link_token(selector: str) -> str:
    """The token of a distribution's open link (what /o/<token>/ carries); another salt than
    personal links', so neither opens the other's door."""
    return selector + _secret(selector, settings.SECRET_KEY, _OPEN_SALT)


def open_link_of(open_links: QuerySet[OpenLink], token: object) -> OpenLink | None:
    """The open link among these whose token this is (replaced ones included: the caller
    says they were replaced), checked in constant time; None for anything else."""
    selector = selector_of(token)
    if selector is None:
        return None
    found = open_links.filter(selector=selector).first()
    if found is None:
        return None
    given = str(token)[SELECTOR_LENGTH:].encode()
    matched = False
    for key in (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])):
        matched |= hmac.compare_digest(_secret(found.selector, key, _OPEN_SALT).encode(), given)
    return found if matched else None


def legacy_hash(token: str) -> str:
    """What is stored of a token made before selectors had derived secrets."""
    return hashlib.sha256(token.encode()).hexdigest()


def selector_of(token: object) -> str | None:
    """The lookup part of a token of a plausible shape, else None."""
    if not isinstance(token, str) or not SELECTOR_LENGTH < len(token) <= MAX_TOKEN_LENGTH:
        return None
    return token[:SELECTOR_LENGTH]


def invitation_of(invitations: QuerySet[Invitation], token: object) -> Invitation | None:
    """The invitation among these whose link the token is (found by its selector, checked in
    constant time); None for anything else."""
    selector = selector_of(token)
    if selector is None:
        return None
    found = invitations.filter(selector=selector).first()
    if found is None or not token_matches(found, str(token)):
        return None
    return found


def token_matches(invitation: Invitation, token: str) -> bool:
    """Whether the token opens this invitation (found by its selector), in constant time."""
    given = token[SELECTOR_LENGTH:].encode()
    matched = False
    for key in (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])):
        matched |= hmac.compare_digest(_secret(invitation.selector, key).encode(), given)
    if invitation.legacy_token_hash:
        matched |= hmac.compare_digest(invitation.legacy_token_hash, legacy_hash(token))
    return matched


def link_url(invitation: Invitation, name: str = "respondent:start") -> str:
    """The absolute address of one of the link's pages, for e-mails and the team."""
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[link_token(invitation.selector)])


# A token in a respondent path (/r/<token>/…, /o/<token>/, /api/v1/respond/<token>/), or alone
# with a token's length (11 + 32 url-safe characters).
_IN_PATH = re.compile(r"(/r/|/o/|/respond/)[^/?#\s\"']+")
_ALONE = re.compile(r"(?<![\w-])[\w-]{43}(?![\w-])")
REDACTED = "[link]"


def redact(text: str) -> str:
    """The text with every personal-link token replaced by [link]."""
    if "/" not in text and len(text) < 43:
        return text
    return _ALONE.sub(REDACTED, _IN_PATH.sub(lambda m: m.group(1) + REDACTED, text))


class RedactLinks(logging.Filter):
    """A logging filter (on every handler of settings.LOGGING) that rewrites the record's
    message, arguments and traceback text without personal-link tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: keep its pieces, redacted
            message = f"{record.msg} {record.args}"
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
