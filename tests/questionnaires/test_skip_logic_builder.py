"""The builder sets a simple show_if on a question and shows conditions in words, on its page
and in the version diff, never as a raw mapping."""

from __future__ import annotations

import pytest
from django.test import Client

from evaluations.permissions import SYSTEM
from questionnaires import builder
from questionnaires.instrument_format import instrument_parse
from questionnaires.models import Question
from questionnaires.services import instrument_load
from tests.questionnaires.skip_form import SKIP_FORM

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_client(team) -> Client:
    client = Client()
    client.force_login(team["lead"].user)
    return client


@pytest.fixture
def draft(evaluation):
    return instrument_load(evaluation=evaluation, text=SKIP_FORM, by=SYSTEM).version


def _url(evaluation) -> str:
    return f"/evaluations/{evaluation.slug}/instruments/travel/edit/"


def test_the_builder_shows_conditions_in_words(lead_client, evaluation, draft) -> None:
    page = lead_client.get(_url(evaluation)).content.decode()
    assert "Shown only if A1 is “Yes”" in page
    assert "This section is asked only if A1 is “Yes”." in page
    assert "Shown only if A1 is not answered or not (B1 is “Disagree” or “Don&#x27;t know”)" in page
    assert "{&#x27;question&#x27;" not in page and "{'question'" not in page


def test_the_lead_sets_and_removes_a_simple_condition(lead_client, evaluation, draft) -> None:
    url = _url(evaluation) + "question/b3/"
    form = lead_client.get(url).context["form"]
    # Only the questions before b3 may be read.
    offered = [key for key, _label in form.fields["show_if_question"].choices]
    assert offered == ["", "travel", "trips", "b1", "b2"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {"show_if_question": "trips", "show_if_operator": "gte", "show_if_value": "2"}
    saved = lead_client.post(url, data)
    assert saved.status_code == 302
    assert Question.objects.get(version=draft, key="b3").show_if == {"question": "trips", "gte": 2}
    again = lead_client.get(url).context["form"].initial
    assert (again["show_if_question"], again["show_if_operator"], again["show_if_value"]) == (
        "trips",
        "gte",
        "2",
    )
    # A code the question does not have is refused with the file's words, nothing changed.
    data |= {"show_if_question": "travel", "show_if_operator": "in", "show_if_value": "yes, maybe"}
    refused = lead_client.post(url, data, follow=True).content.decode()
    assert "unknown code(s) maybe of question “travel”" in refused
    assert Question.objects.get(version=draft, key="b3").show_if == {"question": "trips", "gte": 2}
    data |= {"show_if_operator": "gt", "show_if_value": "many", "show_if_question": "trips"}
    assert "Give a number, like 3 or 2.5." in lead_client.post(url, data).content.decode()
    data |= {"show_if_question": ""}
    assert lead_client.post(url, data).status_code == 302
    assert Question.objects.get(version=draft, key="b3").show_if is None


def test_a_combined_condition_is_kept_when_the_form_leaves_it(lead_client, evaluation, draft):
    url = _url(evaluation) + "question/c1/"
    form = lead_client.get(url).context["form"]
    assert "Now shown only if travel is not answered" in form.fields["show_if_question"].help_text
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["text_en"] = "Anything more?"
    assert lead_client.post(url, data).status_code == 302
    assert "any" in Question.objects.get(version=draft, key="c1").show_if


def test_the_version_diff_says_conditions_in_words() -> None:
    old = instrument_parse(SKIP_FORM)
    new = builder.question_put(old, "B", {"show_if": {"question": "trips", "lt": 10}}, key="b2")
    rows = {row.key: row for row in builder.version_diff(old, new)}
    assert rows["b2"].change == "changed"
    assert rows["b2"].old.endswith("[shown if A2 is more than 2]")
    assert rows["b2"].new.endswith("[shown if A2 is less than 10]")
    assert rows["section B"].new.endswith("[shown if A1 is “Yes”]")
