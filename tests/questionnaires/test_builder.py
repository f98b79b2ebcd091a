"""The builder: editing a draft through the pages, scales from the library, versions compared."""

from __future__ import annotations

import pytest
from django.test import Client

from questionnaires import builder
from questionnaires.instrument_format import instrument_parse
from questionnaires.models import Instrument, InstrumentVersion, Question, Scale
from questionnaires.selectors import version_spec
from tests.conftest import STAFF_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_client(team) -> Client:
    client = Client()
    client.force_login(team["lead"].user)
    return client


def edit_url(evaluation, key: str = "ilo-staff-questionnaire-2008") -> str:
    return f"/evaluations/{evaluation.slug}/instruments/{key}/edit/"


def keys(version: InstrumentVersion, section: str) -> list[str]:
    return list(
        version.questions.filter(section__key=section)
        .order_by("order")
        .values_list("key", flat=True)
    )


def test_new_instrument_then_sections_and_questions(lead_client, evaluation) -> None:
    response = lead_client.post(
        f"/evaluations/{evaluation.slug}/instruments/new/",
        {"key": "follow-up-2026", "kind": "questionnaire", "title": "Follow-up survey"},
    )
    assert response["Location"] == edit_url(evaluation, "follow-up-2026")
    url = edit_url(evaluation, "follow-up-2026")
    lead_client.post(
        url + "section/", {"key": "B", "label": "B)", "title_en": "Opinions", "introduction_en": ""}
    )
    lead_client.post(
        f"/evaluations/{evaluation.slug}/scales/",
        {
            "key": "agree3",
            "points": "3 = Agree\n2 = Neutral\n1 = Disagree",
            "outside": "NA = Not applicable",
        },
    )
    lead_client.post(
        url + "question/",
        {
            "section": "A",
            "key": "years",
            "label": "1.",
            "kind": "number",
            "text_en": "Years of service?",
            "min": "0",
            "max": "60",
        },
    )
    lead_client.post(
        url + "question/",
        {
            "section": "B",
            "key": "O1",
            "label": "1)",
            "kind": "likert",
            "scale": "agree3",
            "text_en": "Things improved.",
        },
    )
    lead_client.post(
        url + "question/",
        {
            "section": "B",
            "key": "unit",
            "kind": "single_choice",
            "text_en": "Unit?",
            "choices": "hq = Headquarters\n*other = Other",
        },
    )
    version = Instrument.objects.get(key="follow-up-2026").versions.get()
    spec = version_spec(version)
    assert [s["key"] for s in spec["sections"]] == ["A", "B"]
    assert spec["scales"][0]["outside"] == [{"code": "NA", "label": {"en": "Not applicable"}}]
    likert = spec["sections"][1]["questions"][0]
    assert (likert["scale"], likert["block"]) == ("agree3", "B")
    assert spec["sections"][1]["questions"][1]["choices"][1] == {
        "code": "other",
        "label": {"en": "Other"},
        "other": True,
    }
    assert spec["sections"][0]["questions"][0]["max"] == 60
    page = lead_client.get(url).content.decode()
    assert "Things improved." in page and "3 Agree" in page  # the preview


def test_reorder_edit_and_delete(lead_client, evaluation, staff_version) -> None:
    url = edit_url(evaluation)
    lead_client.post(url + "arrange/", {"question": "C2", "op": "up"})
    assert keys(staff_version, "C")[:2] == ["C2", "C1"]
    lead_client.post(url + "arrange/", {"section": "C", "op": "up"})
    assert [s["key"] for s in version_spec(staff_version)["sections"]] == ["A", "C", "B"]
    form = lead_client.get(url + "question/A1/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["text_en"] = "What is your full name?"
    lead_client.post(url + "question/A1/", data)
    assert Question.objects.get(version=staff_version, key="A1").text == {
        "en": "What is your full name?"
    }
    lead_client.post(url + "arrange/", {"question": "B8", "op": "delete"})
    assert "B8" not in keys(staff_version, "B")


def test_a_bad_edit_is_refused_and_changes_nothing(lead_client, evaluation, staff_version) -> None:
    url = edit_url(evaluation)
    before = version_spec(staff_version)
    response = lead_client.post(
        url + "question/",
        {"section": "A", "key": "A1", "kind": "short_text", "text_en": "Duplicate key"},
        follow=True,
    )
    assert "duplicate question key(s): A1" in response.content.decode()
    response = lead_client.post(
        url + "question/", {"section": "C", "key": "C7", "kind": "likert", "text_en": "No scale"}
    )
    assert "A Likert item needs a scale." in response.content.decode()
    assert version_spec(staff_version) == before


def test_a_frozen_version_is_copied_into_the_next_draft(
    lead_client, evaluation, make_distribution
) -> None:
    distribution = make_distribution()
    url = edit_url(evaluation)
    page = lead_client.get(url).content.decode()
    assert "Version 1 is frozen" in page and "Make version 2 to edit" in page
    lead_client.post(
        url + "question/",
        {"section": "C", "key": "C7", "kind": "likert", "scale": "agree4", "text_en": "X"},
    )
    assert InstrumentVersion.objects.count() == 1  # nothing to edit until the draft exists
    lead_client.post(url)
    second = InstrumentVersion.objects.get(number=2)
    assert version_spec(second)["sections"] == version_spec(distribution.version)["sections"]
    lead_client.post(
        url + "question/",
        {
            "section": "C",
            "key": "C7",
            "label": "7)",
            "kind": "likert",
            "scale": "agree4",
            "block": "survey",
            "text_en": "A seventh statement.",
        },
    )
    assert keys(second, "C")[-1] == "C7"
    assert keys(distribution.version, "C") == ["C1", "C2", "C3", "C4", "C5", "C6"]
    diff = lead_client.get(
        f"/evaluations/{evaluation.slug}/instruments/ilo-staff-questionnaire-2008/diff/?a=1&b=2"
    ).content.decode()
    assert "1 difference." in diff
    assert "A seventh statement." in diff and 'class="diff-added"' in diff


@pytest.mark.parametrize("role", ["evaluator", "data_entry", "viewer"])
def test_only_the_lead_edits(team, evaluation, staff_version, role) -> None:
    client = Client()
    client.force_login(team[role].user)
    assert client.get(edit_url(evaluation)).status_code == 403
    assert (
        client.post(
            edit_url(evaluation) + "arrange/", {"question": "C1", "op": "delete"}
        ).status_code
        == 403
    )
    assert Question.objects.filter(key="C1").exists()


def test_scale_library_refuses_a_changed_scale_under_a_known_key(
    lead_client, evaluation, staff_version
) -> None:
    response = lead_client.post(
        f"/evaluations/{evaluation.slug}/scales/",
        {"key": "agree4", "points": "4 = Agree a lot\n1 = Not"},
    )
    assert response.status_code == 400
    assert "Scales never change once made" in response.content.decode()
    response = lead_client.post(
        f"/evaluations/{evaluation.slug}/scales/", {"key": "x", "points": "high = High"}
    )
    assert "expected a whole number = label" in response.content.decode()
    assert list(Scale.objects.values_list("key", flat=True)) == ["agree4"]


def test_version_diff_rows() -> None:

    old = instrument_parse(STAFF_FILE.read_text())
    new = builder.question_put(
        old, "B", {"key": "B1", "label": "1)", "text": {"en": "Changed."}}, key="B1"
    )
    new = builder.remove(new, question="A5")
    rows = {row.key: row for row in builder.version_diff(old, new)}
    assert rows["B1"].change == "changed" and rows["B1"].new.endswith("Changed.")
    assert rows["A5"].change == "removed"
    assert rows["C1"].change == "same"


def test_instrument_texts_are_edited_in_the_builder(lead_client, evaluation, staff_version) -> None:
    url = edit_url(evaluation) + "texts/"
    form = lead_client.get(url).context["form"]
    assert form.initial["deadline_date"] is None  # the distribution's {deadline} stands in the text
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["deadline_text_en"] = "Please submit replies by Friday 30 May 2008"
    data["deadline_date"] = "2008-05-30"
    lead_client.post(url, data)
    spec = version_spec(staff_version)
    assert spec["deadline"] == {
        "date": "2008-05-30",
        "text": {"en": "Please submit replies by Friday 30 May 2008"},
    }
    assert spec["introduction"]["en"].startswith("ILO is conducting an evaluation")
    response = lead_client.post(url, {**data, "title_en": ""})
    assert "This field is required." in response.content.decode()


def test_browser_line_breaks_are_stored_as_written(lead_client, evaluation, staff_version) -> None:
    url = edit_url(evaluation) + "section/B/"
    form = lead_client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["introduction_en"] = "First paragraph.\r\n\r\nSecond paragraph."
    lead_client.post(url, data)
    sections = {s["key"]: s for s in version_spec(staff_version)["sections"]}
    assert sections["B"]["introduction"] == {"en": "First paragraph.\n\nSecond paragraph."}
