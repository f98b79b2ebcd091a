"""A returning respondent: "Continue" opens the first page with a required question still
unanswered (else the first with any question unanswered, else the review), and the start
page says how many of the questions are answered."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from questionnaires.models import Question
from questionnaires.services import response_save

pytestmark = pytest.mark.django_db


def _continue(client: Client, token: str) -> tuple[str, str]:
    page = client.get(f"/r/{token}/").content.decode()
    link = re.search(r'<a class="button primary" id="continue" href="([^"]+)"', page)
    progress = re.search(r'<p id="progress">([^<]+)</p>', page)
    assert link and progress, page
    return link.group(1), " ".join(progress.group(1).split())


def test_continue_lands_on_the_first_page_with_a_required_question_unanswered(
    make_distribution, invite
) -> None:
    distribution = make_distribution()
    Question.objects.filter(key__in=["B3", "C2"]).update(required=True)
    invitation = invite(distribution)
    client = Client()
    start = client.get(f"/r/{invitation.token}/").content.decode()
    assert ">Start</a>" in start and 'id="progress"' not in start  # nothing saved yet

    answers = {f"A{n}": "x" for n in range(1, 6)} | {"B1": "x", "B2": "x", "C1": "3"}
    response_save(invitation=invitation, answers=answers)
    # Page 1 (A) is complete; page 2 (B) has B3, required, unanswered.
    assert _continue(client, invitation.token) == (
        f"/r/{invitation.token}/page/2/",
        "You have answered 8 of 19 questions.",
    )

    response_save(invitation=invitation, answers={"B3": "x"})
    # Every B required is in; C2 (page 3) is required, so page 3, though B4… are empty.
    assert _continue(client, invitation.token) == (
        f"/r/{invitation.token}/page/3/",
        "You have answered 9 of 19 questions.",
    )

    response_save(invitation=invitation, answers={"C2": "4"})
    # No required question left: the first page with any question unanswered.
    assert _continue(client, invitation.token)[0] == f"/r/{invitation.token}/page/2/"

    rest = {f"B{n}": "x" for n in range(4, 9)} | {f"C{n}": "2" for n in range(3, 7)}
    response_save(invitation=invitation, answers=rest)
    assert _continue(client, invitation.token) == (
        f"/r/{invitation.token}/review/",
        "You have answered 19 of 19 questions.",
    )
