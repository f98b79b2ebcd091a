"""The evaluation list (with role and team size) and the team page's queries.

Baseline: the bare membership join with no annotations. Target: the selector costs at most
3x the bare join, and the team page's query count does not grow with the team. `make bench`
runs 400 evaluations and a team of 60; `--smoke` 40 and 10.
"""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from bench.harness import Result, median_seconds
from evaluations.models import Evaluation, Membership
from evaluations.selectors import evaluation_list

EVALUATIONS, MEMBERS, REPEAT = 400, 60, 15
SMOKE = (40, 10, 1)


def _team_page_queries(client: Client, slug: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/evaluations/{slug}/members/").status_code == 200
    return len(queries)


def run(*, smoke: bool = False) -> list[Result]:
    count, members, repeat = SMOKE if smoke else (EVALUATIONS, MEMBERS, REPEAT)
    user = User.objects.create_user(email="bench@example.org", password=None, name="Bench User")
    others = User.objects.bulk_create(
        [User(email=f"m{i}@example.org", name=f"Member {i}") for i in range(members)]
    )
    evaluations = Evaluation.objects.bulk_create(
        [Evaluation(title=f"Evaluation {i}", slug=f"evaluation-{i}") for i in range(count)]
    )
    memberships = [Membership(evaluation=e, user=user, role="lead") for e in evaluations[::2]]
    memberships += [
        Membership(evaluation=e, user=o, role="viewer")
        for e in evaluations[: count // 8]
        for o in others[:5]
    ]
    Membership.objects.bulk_create(memberships)

    def baseline() -> None:
        list(Evaluation.objects.filter(memberships__user=user))

    def selector() -> None:
        list(evaluation_list(user=user))

    ratio = median_seconds(selector, repeat=repeat) / median_seconds(baseline, repeat=repeat)

    client = Client()
    client.force_login(user)
    # small: led by the user alone (an even index past the viewers); large: the whole team.
    small, large = evaluations[count // 4], evaluations[0]
    Membership.objects.bulk_create(
        [Membership(evaluation=large, user=o, role="evaluator") for o in others[5:]]
    )
    q_small = _team_page_queries(client, small.slug)
    q_large = _team_page_queries(client, large.slug)
    return [
        Result(
            "evaluation_list vs bare membership join",
            ratio,
            3.0,
            f"{len(evaluations[::2])} of {count} evaluations",
        ),
        Result(
            "team page queries, whole team vs 1 member",
            q_large / q_small,
            1.0,
            f"{q_large} vs {q_small} queries, {members + 1} members",
        ),
    ]
