"""The 2008 choice: the respondent sends the answers to the lead evaluator only, or the team."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from common.errors import ValidationProblem
from questionnaires.models import Response
from questionnaires.services import response_submit
from tests.conftest import COMPLETE

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_choice_is_required_and_kept(make_distribution, invite) -> None:
    invitation = invite(make_distribution("respondent"))
    with pytest.raises(ValidationProblem, match="Choose who reads your answers"):
        response_submit(invitation=invitation, answers=COMPLETE)
    assert not Response.objects.exists()
    response = response_submit(invitation=invitation, answers=COMPLETE, route="lead").response
    assert (response.route, response.confidentiality) == ("lead", "lead")


@pytest.mark.parametrize(("route", "evaluator_reads"), [("lead", False), ("team", True)])
def test_the_choice_decides_who_reads(
    team, evaluation, make_distribution, invite, route, evaluator_reads
) -> None:
    distribution = make_distribution("respondent")
    response = response_submit(
        invitation=invite(distribution), answers={**COMPLETE, "B8": "Routed remark"}, route=route
    ).response
    detail = client_for(team["evaluator"].user).get(
        f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/responses/{response.pk}/"
    )
    assert detail.status_code == (200 if evaluator_reads else 403)
    api = APIClient()
    api.force_authenticate(team["evaluator"].user)
    body = api.get(
        f"/api/v1/evaluations/{evaluation.slug}/distributions/{distribution.pk}/responses/"
    ).content.decode()
    assert ("Routed remark" in body) is evaluator_reads
    lead = client_for(team["lead"].user).get(
        f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/responses/{response.pk}/"
    )
    assert "Routed remark" in lead.content.decode()


def test_the_review_page_asks_before_submitting(make_distribution, invite) -> None:
    invitation = invite(make_distribution("respondent"))
    client = Client()
    start = client.get(f"/r/{invitation.token}/").content.decode()
    assert "you choose, before you submit" in start
    review = client.get(f"/r/{invitation.token}/review/").content.decode()
    assert "Who should read your answers?" in review
    refused = client.post(f"/r/{invitation.token}/review/")
    assert refused.status_code == 400
    assert "Choose who reads your answers" in refused.content.decode()
    done = client.post(f"/r/{invitation.token}/review/", {"route": "team"})
    assert done["Location"].endswith("/done/")
    assert Response.objects.get().route == "team"


def test_the_api_takes_the_choice(make_distribution, invite) -> None:
    invitation = invite(make_distribution("respondent"))
    api = APIClient()
    missing = api.post(f"/api/v1/respond/{invitation.token}/", {"answers": COMPLETE}, format="json")
    assert missing.status_code == 400 and "route" in missing.json()["errors"]
    ok = api.post(
        f"/api/v1/respond/{invitation.token}/",
        {"answers": COMPLETE, "route": "lead"},
        format="json",
    )
    assert ok.status_code == 201
    assert Response.objects.get().route == "lead"


def test_links_stay_with_the_lead_where_respondents_choose(
    team, evaluation, make_distribution, invite
) -> None:
    invitation = invite(make_distribution("respondent"))
    page = client_for(team["evaluator"].user).get(
        f"/evaluations/{evaluation.slug}/distributions/{invitation.distribution_id}/"
    )
    assert invitation.token not in page.content.decode()
    assert (
        invitation.token
        in client_for(team["lead"].user)
        .get(f"/evaluations/{evaluation.slug}/distributions/{invitation.distribution_id}/")
        .content.decode()
    )


def test_the_team_records_the_route_of_a_returned_questionnaire(
    team, evaluation, make_distribution
) -> None:
    respondent_mode = make_distribution("respondent")
    client = client_for(team["data_entry"].user)
    url = f"/evaluations/{evaluation.slug}/distributions/{respondent_mode.pk}/enter/"
    assert "Sent to" in client.get(url).content.decode()
    client.post(
        url,
        {
            "name": "Mailed In",
            "channel": "email",
            "route": "lead",
            **{f"q-{k}": v for k, v in COMPLETE.items()},
        },
    )
    assert Response.objects.get().route == "lead"
    team_mode = make_distribution("team")
    assert (
        "Sent to"
        not in client.get(
            f"/evaluations/{evaluation.slug}/distributions/{team_mode.pk}/enter/"
        ).content.decode()
    )


def test_the_receipt_says_who_reads_the_answers(make_distribution, invite) -> None:
    invitation = invite(make_distribution("respondent"))
    client = Client()
    done = client.post(f"/r/{invitation.token}/review/", {"route": "lead"}, follow=True)
    assert "Who reads your answers: the lead evaluator only." in done.content.decode()
    team_link = invite(make_distribution("team"), "Bo")
    client.post(f"/r/{team_link.token}/review/")
    receipt = client.get(f"/r/{team_link.token}/done/").content.decode()
    assert "Who reads your answers: the whole evaluation team." in receipt


def test_a_second_tab_choosing_another_reader_is_told_what_was_kept(
    make_distribution, invite
) -> None:
    """Two tabs on the review page: the first submit (lead) is kept; the second (team) is
    not applied, and the respondent is told so instead of silently shown the receipt."""
    invitation = invite(make_distribution("respondent"))
    first, second = Client(), Client()
    second.get(f"/r/{invitation.token}/review/")  # the second tab, open before the first sends
    first.post(f"/r/{invitation.token}/review/", {"route": "lead"})
    page = second.post(f"/r/{invitation.token}/review/", {"route": "team"}, follow=True)
    body = page.content.decode()
    assert page.redirect_chain[-1][0].endswith("/done/")
    assert (
        "Your answers had already been sent, for the lead evaluator only. This second sending, "
        "for the whole evaluation team, was not applied: nothing was changed."
    ) in body
    assert "Who reads your answers: the lead evaluator only." in body
    assert Response.objects.get().route == "lead"
    # The same choice again is no conflict: only the receipt.
    again = second.post(f"/r/{invitation.token}/review/", {"route": "lead"}, follow=True)
    assert "was not applied" not in again.content.decode()
