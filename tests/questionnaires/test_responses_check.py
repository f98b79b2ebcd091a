"""manage.py responses_check: each response's answers document against its answer rows; lists
what differs, exits with status 1, and repairs from the rows on request."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bench.synthetic import responses_add, synthetic_evaluation
from questionnaires.models import Response
from questionnaires.services import response_save, response_submit
from questionnaires.services.documents import documents_of_rows
from tests.conftest import COMPLETE
from tests.factories import EvaluationFactory

pytestmark = pytest.mark.django_db


def check(*args: str) -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("responses_check", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


@pytest.fixture
def responses(make_distribution, invite) -> list[Response]:
    distribution = make_distribution()
    submitted = response_submit(invitation=invite(distribution), answers=COMPLETE).response
    draft, _errors = response_save(invitation=invite(distribution, "Drafting"), answers={"B1": "x"})
    return [submitted, draft]


def test_documents_equal_to_their_rows_pass(responses) -> None:
    out, error = check()
    assert error is None
    assert "Checked 2 response(s): 0 document(s) differ from their answers." in out


def test_a_document_changed_behind_the_services_back_is_listed_and_repaired(responses) -> None:
    submitted, draft = responses
    wrong = {**submitted.document, "C1": "9", "B9": "never asked"}
    del wrong["A2"]
    Response.objects.filter(pk=submitted.pk).update(document=wrong)
    out, error = check()
    assert error is not None and error.returncode == 1
    assert "1 response document(s) differ" in str(error)
    assert f"response {submitted.pk}: A2, B9, C1" in out
    assert "Checked 2 response(s): 1 document(s) differ" in out
    assert draft.pk not in out

    out, error = check("--repair")
    assert error is None
    assert f"response {submitted.pk}: A2, B9, C1" in out
    assert "Repaired 1 document(s) from their answers." in out
    document = Response.objects.get(pk=submitted.pk).document
    assert document == documents_of_rows([submitted.pk])[submitted.pk]
    assert (document["C1"], document["A2"]) == (COMPLETE["C1"], COMPLETE["A2"])
    assert check()[1] is None


def test_a_document_that_is_not_an_object(responses) -> None:
    _submitted, draft = responses
    Response.objects.filter(pk=draft.pk).update(document=[])
    out, error = check()
    assert error is not None and f"response {draft.pk}: (not an object)" in out
    check("--repair")
    assert Response.objects.get(pk=draft.pk).document == {"B1": "x"}


def test_one_evaluation_only(responses) -> None:
    Response.objects.update(document={})
    other = EvaluationFactory()
    out, error = check("--evaluation", str(other.slug))
    assert error is None and "Checked 0 response(s)" in out
    out, error = check("--evaluation", str(responses[0].distribution.evaluation.slug))
    assert error is not None and "Checked 2 response(s): 2 document(s) differ" in out
    out, error = check("--evaluation", "no-such-evaluation")
    assert error is not None and "There is no evaluation “no-such-evaluation”." in str(error)


def test_synthetic_responses_carry_their_documents() -> None:
    """The benchmarks' bulk-inserted responses have the documents their rows give."""
    synthetic = synthetic_evaluation(slug="synthetic-check", likert=10, texts=3)
    responses_add(synthetic, start=1, stop=450)  # more than one page of the check
    out, error = check()
    assert error is None and "Checked 449 response(s): 0 document(s) differ" in out
    document = Response.objects.order_by("pk")[0].document
    assert len(document) == 13 and {"q1", "q13"} <= document.keys()


def test_the_demo_responses_carry_their_documents(settings, tmp_path) -> None:
    settings.VAR_DIR = tmp_path
    call_command("load_demo", stdout=StringIO())
    out, error = check()
    assert error is None, out
    assert Response.objects.exclude(document={}).count() > 10


def test_the_migration_fills_the_documents_of_responses_stored_before_it(responses) -> None:
    """Responses stored before the answers documents existed get theirs from their rows."""
    from importlib import import_module

    from django.apps import apps

    fill = import_module("questionnaires.migrations.0006_response_document").fill_documents
    expected = {r.pk: Response.objects.get(pk=r.pk).document for r in responses}
    assert all(expected.values())
    Response.objects.update(document={})
    fill(apps, None)
    assert {r.pk: r.document for r in Response.objects.all()} == expected
    out, error = check()
    assert error is None and "0 document(s) differ" in out
