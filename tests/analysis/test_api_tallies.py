"""Tallies and share words through the API."""

from __future__ import annotations

import pytest

from analysis.services.codings import coding_create
from evaluations.permissions import SYSTEM
from tests.analysis.builders import answered, codes, open_answers

pytestmark = pytest.mark.django_db


def test_tallies_for_a_viewer_are_suppressed_and_the_lead_may_lift_it(as_role, evaluation):
    answers = open_answers(answered(evaluation, "team", *["Government"] * 6, "Donor"))
    book = codes(evaluation)
    for answer in answers[:4]:
        coding_create(evaluation=evaluation, by=SYSTEM, answer=answer, start=0, end=7,
                      codes=[book["funding"]])  # fmt: skip
    url = f"/api/v1/evaluations/{evaluation.slug}/analysis/tallies/?by=stakeholder_group"
    seen = as_role("viewer").get(url)
    assert seen.status_code == 200, seen.content
    body = seen.json()
    assert body["suppressed"] is True
    funding = next(r for r in body["rows"] if r["code"] == "Funding")
    assert [c["count"] for c in funding["cells"]] == [None, None]  # a lone small group: both
    assert funding["total"] == {
        "count": 4,
        "at_least": False,
        "words": "a majority of the 7 respondents",
    }
    assert as_role("viewer").get(url + "&unsuppressed=true").status_code == 403
    lead = as_role("lead").get(url + "&unsuppressed=true").json()
    funding = next(r for r in lead["rows"] if r["code"] == "Funding")
    assert [c["count"] for c in funding["cells"]] == [0, 4]
    assert as_role("lead").get(url.replace("stakeholder_group", "shoe_size")).status_code == 400


def test_share_words_are_read_by_members_and_set_by_the_lead(as_role, evaluation):
    url = f"/api/v1/evaluations/{evaluation.slug}/analysis/share-words/"
    assert as_role("viewer").get(url).json() == {
        "few_below": 20, "quarter_below": 30, "third_below": 42, "most_from": 75
    }  # fmt: skip
    new = {"few_below": 10, "quarter_below": 30, "third_below": 40, "most_from": 80}
    assert as_role("evaluator").put(url, new, format="json").status_code == 403
    done = as_role("lead").put(url, new, format="json")
    assert done.status_code == 200, done.content
    assert as_role("viewer").get(url).json() == new
    bad = as_role("lead").put(url, {**new, "most_from": 40}, format="json")
    assert bad.status_code == 400
    assert "must rise" in bad.json()["detail"]
    # A PUT replaces the four limits: one left out is named (it was a 500, found by the fuzzer).
    partial = as_role("lead").put(url, {"few_below": 10}, format="json")
    assert partial.status_code == 400
    assert set(partial.json()["errors"]) == {"quarter_below", "third_below", "most_from"}
