"""The coding page: the texts a member may code, sentences ticked by keyboard or offsets from
the selection, codings highlighted and removed; lead-only texts for the lead only; viewers
refused."""

from __future__ import annotations

import pytest

from analysis.coding_views import pieces, sentences
from analysis.models import Coding
from analysis.services.codings import coding_create
from evaluations.permissions import SYSTEM
from tests.analysis.builders import FUNDING_TEXT, answered, codes, noted, open_answers

pytestmark = pytest.mark.django_db


def _url(evaluation) -> str:
    return f"/evaluations/{evaluation.slug}/analysis/coding/"


def test_sentences_and_pieces_keep_offsets():
    text = "Funding was short.  The unions were not consulted.\nNext line"
    found = sentences(text)
    assert [(a, b) for a, b, _ in found] == [(0, 18), (20, 50), (51, 60)]
    assert all(text[a:b] == chunk for a, b, chunk in found)

    class Span:
        def __init__(self, start, end):
            self.start, self.end = start, end

    cut = pieces(text, [Span(4, 10), Span(8, 12)])  # type: ignore[list-item]
    assert "".join(p.text for p in cut) == text
    assert [(p.text, p.coded) for p in cut] == [
        ("Fund", False),
        ("ing ", True),
        ("wa", True),
        ("s ", True),
        (text[12:], False),
    ]


def test_evaluator_codes_ticked_sentences_and_removes_a_coding(client, evaluation, team):
    answer = open_answers(answered(evaluation, "team", "Government"))[0]
    book = codes(evaluation)
    client.force_login(team["evaluator"].user)
    listing = client.get(_url(evaluation))
    assert f"?answer={answer.pk}" in listing.content.decode()
    url = f"{_url(evaluation)}?answer={answer.pk}"
    client.post(url, {"segment": ["19:56"], "codes": [book["unions"].pk], "memo": "key point"})
    coding = Coding.objects.get()
    assert (coding.start, coding.end, coding.text) == (19, 56, FUNDING_TEXT[19:56])
    assert coding.text == "The unions were not consulted at all."
    assert coding.memo == "key point" and list(coding.codes.all()) == [book["unions"]]
    # Offsets (as the page's script fills them) win over ticked sentences.
    client.post(url, {"start": "0", "end": "7", "segment": ["19:56"],
                      "codes": [book["funding"].pk, book["short"].pk]})  # fmt: skip
    second = Coding.objects.latest("pk")
    assert second.text == "Funding" and second.codes.count() == 2
    page = client.get(url).content.decode()
    assert "<mark>Funding</mark>" in page
    assert "<mark>The unions were not consulted at all.</mark>" in page
    client.post(url, {"action": "delete", "coding": second.pk})
    assert list(Coding.objects.values_list("pk", flat=True)) == [coding.pk]
    nothing = client.post(url, {"codes": [book["unions"].pk]}, follow=True)
    assert "Select a passage" in nothing.content.decode()
    no_code = client.post(url, {"segment": ["0:18"]}, follow=True)
    assert "Apply at least one code." in no_code.content.decode()
    assert Coding.objects.count() == 1


def test_lead_only_texts_are_listed_and_coded_by_the_lead_only(client, evaluation, team):
    answer = open_answers(answered(evaluation, "lead", "Government"))[0]
    note = noted(evaluation, visibility="lead", by=team["lead"].user)
    team_note = noted(evaluation)
    book = codes(evaluation)
    client.force_login(team["evaluator"].user)
    listing = client.get(_url(evaluation)).content.decode()
    assert f"?answer={answer.pk}" not in listing and f"?note={note.pk}" not in listing
    assert f"?note={team_note.pk}" in listing
    assert client.get(f"{_url(evaluation)}?note={note.pk}").status_code == 404
    client.force_login(team["lead"].user)
    listing = client.get(_url(evaluation)).content.decode()
    assert f"?answer={answer.pk}" in listing and f"?note={note.pk}" in listing
    client.post(f"{_url(evaluation)}?note={note.pk}", {"segment": ["0:12"],
                                                       "codes": [book["funding"].pk]})  # fmt: skip
    coding = Coding.objects.get()
    assert coding.lead_only and coding.note == note and coding.text == "One official"


def test_viewer_may_not_open_the_coding_page(client, evaluation, team):
    answer = open_answers(answered(evaluation, "team", "Government"))[0]
    book = codes(evaluation)
    coding_create(evaluation=evaluation, by=SYSTEM, answer=answer, start=0, end=7,
                  codes=[book["funding"]])  # fmt: skip
    client.force_login(team["viewer"].user)
    assert client.get(_url(evaluation)).status_code == 403
    tabs = client.get(f"/evaluations/{evaluation.slug}/analysis/").content.decode()
    assert "Codebook" in tabs and "/analysis/coding/" not in tabs


def test_listing_marks_coded_texts_in_a_fixed_number_of_queries(
    client, evaluation, team, django_assert_max_num_queries
):
    answers = open_answers(answered(evaluation, "team", *["Government"] * 8))
    book = codes(evaluation)
    coding_create(evaluation=evaluation, by=SYSTEM, answer=answers[0], start=0, end=7,
                  codes=[book["funding"]])  # fmt: skip
    client.force_login(team["evaluator"].user)
    with django_assert_max_num_queries(12):
        page = client.get(_url(evaluation)).content.decode()
    assert page.count("(coded)") == 1
