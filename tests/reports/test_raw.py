"""Raw responses: one row per response the user may read, a column per question, codes or
labels, streamed without a query per response."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluations.permissions import SYSTEM
from questionnaires.models import Distribution
from questionnaires.services import instrument_load
from reports.selectors.raw import raw_columns, raw_response_count, raw_response_rows
from tests.reports.builders import respond, survey

pytestmark = pytest.mark.django_db

KINDS_YAML = """\
consulta_instrument: 1
key: every-kind
kind: questionnaire
languages: [en]
title: Every kind of answer
scales:
- key: agree4
  name: Agreement
  points:
  - {code: 4, label: Strongly agree}
  - {code: 3, label: Agree}
  - {code: 2, label: Disagree}
  - {code: 1, label: Strongly disagree}
sections:
- key: S
  title: All of them
  questions:
  - {key: note, kind: instruction, text: Read this first}
  - key: colour
    kind: single_choice
    text: Favourite colour?
    choices:
    - {code: r, label: Red}
    - {code: o, label: Other, other: true}
  - key: tools
    kind: multiple_choice
    text: Tools used?
    choices:
    - {code: mail, label: E-mail}
    - {code: tel, label: Telephone}
    - {code: x, label: Something else, other: true}
  - {key: staff, kind: number, text: "How many staff?"}
  - {key: since, kind: date, text: "Since when?"}
  - {key: views, kind: long_text, text: Your views}
  - {key: L1, kind: likert, text: It works, scale: agree4, block: b}
"""


# One answer of every kind to KINDS_YAML (a formula-looking text among them).
KINDS_ANSWERS = {
    "colour": "o",
    "colour__other": "Teal",
    "tools": ["mail", "x"],
    "tools__other": "Fax",
    "staff": "12.5",
    "since": "2020-01-31",
    "views": "=1+1",
    "L1": "4",
}


@pytest.fixture
def kinds(evaluation, team):
    version = instrument_load(evaluation=evaluation, text=KINDS_YAML, by=SYSTEM).version
    return survey(
        evaluation,
        version,
        [
            {
                "attributes": {"region": "Africa", "country": "Kenya", "unit": "Field"},
                "answers": KINDS_ANSWERS,
            }
        ],
    )


def test_columns_are_response_time_channel_attributes_then_questions(kinds) -> None:
    codes = [code for code, _label in raw_columns(kinds)]
    assert codes == [
        "response",
        "submitted_at",
        "channel",
        "attribute:region",
        "attribute:country",
        "attribute:unit",
        "colour",
        "tools",
        "staff",
        "since",
        "views",
        "L1",
    ]
    labels = dict(raw_columns(kinds))
    assert labels["tools"] == "Tools used?" and labels["attribute:region"] == "Region"


def test_answers_as_codes_by_default_and_labels_on_request(kinds, team) -> None:
    lead = team["lead"].user
    (row,) = raw_response_rows(user=lead, distribution=kinds)
    assert isinstance(row[1], dt.datetime) and row[1].tzinfo is None
    assert row[2:] == [
        "web",
        "Africa",
        "Kenya",
        "Field",
        "o — Teal",
        "mail; x; Fax",
        Decimal("12.5"),
        dt.date(2020, 1, 31),
        "=1+1",
        4,
    ]
    (labelled,) = raw_response_rows(user=lead, distribution=kinds, labels=True)
    assert labelled[2] == "Online form"
    assert labelled[6:8] == ["Other — Teal", "E-mail; Something else; Fax"]
    assert labelled[-1] == "Strongly agree"


def test_lead_only_answers_reach_only_the_lead(evaluation, team) -> None:
    version = instrument_load(evaluation=evaluation, text=KINDS_YAML, by=SYSTEM).version
    distribution = survey(
        evaluation,
        version,
        [
            {"answers": {"views": "For the lead only"}, "route": "lead"},
            {"answers": {"views": "For the team"}, "route": "team"},
            {"answers": {"views": "Keyed in by data entry"}, "route": "team", "channel": "email"},
        ],
        confidentiality=Distribution.Confidentiality.RESPONDENT,
        entered_by=team["data_entry"].user,
    )

    def views(role: str) -> set[str]:
        rows = raw_response_rows(user=team[role].user, distribution=distribution)
        return {row[-2] for row in rows}

    assert views("lead") == {"For the lead only", "For the team", "Keyed in by data entry"}
    assert views("evaluator") == {"For the team", "Keyed in by data entry"}
    assert views("data_entry") == {"Keyed in by data entry"}
    assert raw_response_count(user=team["evaluator"].user, distribution=distribution) == 2
    with pytest.raises(PermissionDenied):
        list(raw_response_rows(user=team["viewer"].user, distribution=distribution))


def test_a_lead_distribution_gives_evaluators_no_rows_at_all(evaluation, team) -> None:
    version = instrument_load(evaluation=evaluation, text=KINDS_YAML, by=SYSTEM).version
    distribution = survey(
        evaluation,
        version,
        [{"answers": {"views": "secret"}}],
        confidentiality=Distribution.Confidentiality.LEAD,
    )
    assert list(raw_response_rows(user=team["evaluator"].user, distribution=distribution)) == []
    assert len(list(raw_response_rows(user=team["lead"].user, distribution=distribution))) == 1


def test_drafts_are_left_out_and_unanswered_questions_are_blank(kinds, team) -> None:
    respond(kinds, [{"answers": {"views": "draft"}, "status": "draft"}, {"answers": {"L1": "2"}}])
    rows = list(raw_response_rows(user=team["lead"].user, distribution=kinds))
    assert len(rows) == 2
    sparse = next(row for row in rows if row[-1] == 2)
    assert sparse[3:-1] == [None] * 8


def test_streaming_reads_a_batch_a_query_never_a_query_a_response(kinds, team) -> None:
    lead = team["lead"].user

    def queries(chunk_size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = list(raw_response_rows(user=lead, distribution=kinds, chunk_size=chunk_size))
        assert rows
        return len(captured.captured_queries)

    queries(2)  # the first read fills the process's caches (the version's questions)
    one = queries(2)  # one response: one batch
    respond(kinds, [{"answers": {"L1": str(1 + n % 4), "views": f"v{n}"}} for n in range(6)])
    assert queries(2) == one + 3  # seven responses, two a batch: four batches
    assert queries(2000) == one  # one batch holds them all
