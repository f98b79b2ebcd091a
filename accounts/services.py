"""Writes on accounts: inviting a person by e-mail, API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.authtoken.models import Token

from accounts.models import User


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


@transaction.atomic
def user_get_or_invite(
    *, email: str, name: str, invited_by: User, reason: str
) -> tuple[User, bool]:
    """Find the account for an e-mail address, or create one and e-mail a set-password link.

    `reason` completes the sentence "<invited_by> added you to …" in the invitation.
    Returns (user, created).
    """
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        if name and not user.name:
            user.name = name
            user.save(update_fields=["name"])
        return user, False
    user = User(email=email, name=name.strip())
    user.set_unusable_password()
    user.save()
    context = {
        "user": user,
        "invited_by": invited_by,
        "reason": reason,
        "url": password_set_url(user=user),
        "site_name": settings.SITE_NAME,
    }
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation_body.txt", context)
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    )
    return user, True


@transaction.atomic
def token_regenerate(*, user: User) -> Token:
    """Replace the user's API token with a new one; the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)
