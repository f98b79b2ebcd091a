"""Writes on accounts: accounts for invited people, invitations by e-mail, API tokens."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import BadHeaderError, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.models import User

logger = logging.getLogger(__name__)


def password_set_url(*, user: User) -> str:
    """An absolute, single-use link where the user chooses a password (valid for three days)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


def clean_name(name: str) -> str:
    """One line, single spaces: a name goes into e-mail headers and page titles."""
    return " ".join(name.split())


@transaction.atomic
def user_get_or_create(*, email: str, name: str) -> tuple[User, bool]:
    """The account of an e-mail address, or a new one without a password (to be invited).

    An existing account is never changed from someone else's request.
    """
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    user = User(email=email, name=clean_name(name))
    user.set_unusable_password()
    user.save()
    return user, True


def needs_invitation(user: User) -> bool:
    """An active account whose owner has not chosen a password yet."""
    return user.is_active and not user.has_usable_password()


def invitation_send(*, user: User, invited_by: User, reason: str) -> str | None:
    """E-mail a set-password link. None when sent; otherwise what went wrong, for the team.

    `reason` completes the sentence "<invited_by> added you to …". Called after the
    membership is committed, so a mail failure never undoes it: the lead can send again.
    """
    context = {
        "user": user,
        "invited_by": invited_by,
        "reason": reason,
        "url": password_set_url(user=user),
        "site_name": settings.SITE_NAME,
    }
    subject = clean_name(render_to_string("accounts/email/invitation_subject.txt", context))
    body = render_to_string("accounts/email/invitation_body.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except (smtplib.SMTPException, OSError, BadHeaderError) as exc:
        logger.warning("invitation to user %s not sent: %r", user.pk, exc)
        return _(
            "The invitation e-mail to %(email)s could not be sent (%(error)s). The member is "
            "added; send the invitation again from the team page once mail works."
        ) % {"email": user.email, "error": type(exc).__name__}
    return None


def tokens_revoke(*, user: User) -> None:
    """Forget the user's API token (after a password change or reset)."""
    Token.objects.filter(user=user).delete()


@transaction.atomic
def token_regenerate(*, user: User) -> Token:
    """Replace the user's API token with a new one; the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)
