"""Account pages: login and logout, passwords and their reset, the API token, the name."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.services import token_regenerate, user_get_or_create
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_with_email_in_any_case_then_logout() -> None:
    UserFactory(email="ana@example.org")
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "ANA@Example.org", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/evaluations/"
    assert response.context["user"].email == "ana@example.org"
    assert client.get("/accounts/logout/").status_code == 405  # logging out is a POST
    client.post("/accounts/logout/")
    assert client.get("/evaluations/").status_code == 302


def test_wrong_password_says_what_to_check() -> None:
    UserFactory(email="ana@example.org")
    response = Client().post(
        "/accounts/login/", {"username": "ana@example.org", "password": "wrong"}
    )
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert 'value="ana@example.org"' in response.content.decode()


def test_emails_are_unique_whatever_the_case() -> None:
    UserFactory(email="ana@example.org")
    with pytest.raises(Exception):  # noqa: B017 - the database refuses it
        User.objects.create_user(email="ANA@example.org", password="x")


def test_password_change_keeps_the_session() -> None:
    user = UserFactory()
    client = Client()
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
        follow=True,
    )
    assert "Your password was changed." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("a-new-long-passphrase")


def test_password_reset_mails_a_working_link() -> None:
    UserFactory(email="ana@example.org")
    client = Client()
    client.post("/accounts/password/reset/", {"email": "ana@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(
        r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body
    ).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "another-long-passphrase", "new_password2": "another-long-passphrase"},
        follow=True,
    )
    assert "Your password is set" in done.content.decode()
    assert Client().login(email="ana@example.org", password="another-long-passphrase")


def test_an_invited_person_who_lost_the_mail_can_reset() -> None:
    user, _created = user_get_or_create(email="lost@example.org", name="Lost Mail")
    assert not user.has_usable_password()
    Client().post("/accounts/password/reset/", {"email": "LOST@example.org"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lost@example.org"]


def test_a_new_password_retires_the_api_token() -> None:
    user = UserFactory()
    token_regenerate(user=user)
    client = Client()
    client.force_login(user)
    client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert not Token.objects.filter(user=user).exists()


def test_login_attempts_are_limited_per_address(settings) -> None:
    settings.LOGIN_RATE_LIMIT = 3
    UserFactory(email="ana@example.org")
    client = Client(REMOTE_ADDR="10.1.2.3")
    codes = [
        client.post(
            "/accounts/login/", {"username": "ana@example.org", "password": "x"}
        ).status_code
        for _ in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]
    assert (
        "Too many attempts"
        in client.post(
            "/accounts/login/", {"username": "ana@example.org", "password": PASSWORD}
        ).content.decode()
    )


def test_login_next_pointing_at_login_does_not_loop() -> None:
    client = Client()
    client.force_login(UserFactory())
    response = client.get("/accounts/login/?next=/accounts/login/")
    assert response.status_code == 302 and response["Location"] == "/evaluations/"


def test_account_page_creates_and_replaces_the_api_token() -> None:
    user = UserFactory()
    client = Client()
    client.force_login(user)
    assert "You have no API token yet." in client.get("/accounts/").content.decode()
    client.post("/accounts/token/")
    first = Token.objects.get(user=user).key
    page = client.get("/accounts/").content.decode()
    assert first in page
    client.post("/accounts/token/")
    assert Token.objects.get(user=user).key != first


def test_account_page_saves_the_name() -> None:
    user = UserFactory(name="Old")
    client = Client()
    client.force_login(user)
    client.post("/accounts/", {"name": "Ana García-López"})
    user.refresh_from_db()
    assert user.name == "Ana García-López"
