"""What the lock tests share besides fixtures: the reason given, a client signed in."""

from __future__ import annotations

from django.test import Client

REASON = "Report final, sent to the donor"


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
