"""Accounts services: who gets an account, and the invitation mail."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.services import invitation_send, user_get_or_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_invited_user_sets_a_password_from_the_invitation() -> None:
    lead = UserFactory(name="Lena O'Brien & Co")
    user, created = user_get_or_create(email="new@example.org", name="New  Person\nX")
    assert created and user.name == "New Person X"
    assert invitation_send(user=user, invited_by=lead, reason="the evaluation “X”") is None
    message = mail.outbox[0]
    assert message.subject == "Lena O'Brien & Co added you to an evaluation in Consulta"
    assert "Lena O'Brien & Co added you to the evaluation “X” in Consulta." in message.body
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
    client = Client()
    page = client.get(link, follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "invited-long-passphrase", "new_password2": "invited-long-passphrase"},
    )
    assert Client().login(email="new@example.org", password="invited-long-passphrase")
    # The link works once.
    assert "already been used or has expired" in Client().get(link, follow=True).content.decode()


def test_an_existing_account_is_never_renamed_by_someone_else() -> None:
    existing = UserFactory(email="admin@example.org", name="")
    user, created = user_get_or_create(email="admin@example.org", name="Totally Not Admin")
    assert (user, created) == (existing, False)
    existing.refresh_from_db()
    assert existing.name == ""


def test_a_mail_failure_is_reported_not_raised(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    user, _created = user_get_or_create(email="x@example.org", name="X")
    error = invitation_send(user=user, invited_by=UserFactory(), reason="the evaluation “X”")
    assert error is not None and "could not be sent" in error and "x@example.org" in error
