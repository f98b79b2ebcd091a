"""The reports through the API: the overview with its layouts, rules and cells; the annex;
Likert summaries with suppression; open answers; rates; export jobs from start to download;
and who may see and do what."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from evaluations.permissions import SYSTEM
from interviews import services as interview_services
from interviews.models import CategoryRule
from questionnaires.services import response_submit
from reports.models import ExportJob, TableLayout
from tests.conftest import COMPLETE
from tests.interviews.builders import log, person, unnamed

pytestmark = pytest.mark.django_db


def url(evaluation, path: str) -> str:
    return f"/api/v1/evaluations/{evaluation.slug}/reports/{path}"


# --- builders -------------------------------------------------------------------------------------


@pytest.fixture
def interviews(evaluation):
    """Two categories sorted by rules: Governments (one official, interviewed twice) and
    Workers (a unionist and an unnamed group of unknown size); one interview excluded."""
    for name in ("Governments", "Workers"):
        interview_services.reporting_category_get_or_create(evaluation=evaluation, name=name)
    official = person("Ana Official", organisation="Ministry", group_code="government")
    unionist = person("Ben Unionist", organisation="Union", group_code="workers")
    log(evaluation, official, grouping="Geneva")
    log(evaluation, official, grouping="Geneva")
    log(evaluation, unionist, grouping="Nairobi")
    log(evaluation, unnamed("Shop stewards"), grouping="Nairobi")
    dropped = log(evaluation, person("Cy Visitor"), grouping="Nairobi")
    interview_services.interview_exclude(interview=dropped, by=SYSTEM, reason="Courtesy call")
    return {"official": official, "unionist": unionist, "dropped": dropped}


def rules(evaluation) -> list[dict[str, object]]:
    categories = {c.name: c.pk for c in evaluation.reporting_categories.all()}
    return [
        {
            "field": "participant_group",
            "value": "government",
            "category": categories["Governments"],
        },
        {"field": "any", "value": "", "category": categories["Workers"]},
    ]


@pytest.fixture
def sorted_log(api_client, evaluation, team, interviews):
    api_client.force_authenticate(team["evaluator"].user)
    response = api_client.put(url(evaluation, "rules/"), rules(evaluation), format="json")
    assert response.status_code == 200, response.json()
    api_client.force_authenticate(None)
    return interviews


REGIONS = ["Africa"] * 6 + ["Europe"] * 2


@pytest.fixture
def distribution(make_distribution, invite):
    """Eight submitted staff questionnaires: six from Africa, two from Europe (a small group);
    C1 answered 4 by everyone in Africa and 1 in Europe."""
    made = make_distribution()
    for index, region in enumerate(REGIONS):
        invitation = invite(made, name=f"Staff {index}", attributes={"region": region})
        answers = {**COMPLETE, "C1": "4" if region == "Africa" else "1"}
        response_submit(invitation=invitation, answers=answers)
    return made


# --- the overview of interviews -------------------------------------------------------------------


def test_overview_counts_interviews_and_distinct_participants(
    api_client, evaluation, team, sorted_log
) -> None:
    api_client.force_authenticate(team["viewer"].user)

    response = api_client.get(url(evaluation, "overview/"))

    assert response.status_code == 200, response.json()
    body = response.json()
    rows = {row["label"]: row for row in body["rows"]}
    governments, workers = rows["Governments"], rows["Workers"]
    assert (governments["interviews"]["computed"], governments["participants"]["computed"]) == (
        2,
        1,
    )
    assert workers["interviews"]["computed"] == 2
    assert workers["participants"]["at_least"] is True
    assert workers["participants"]["text"].startswith("≥")
    assert body["total"]["is_total"] is True
    assert body["total"]["interviews"]["computed"] == 4
    assert [(r["order"], r["matched"]) for r in body["rules"]] == [(1, 2), (2, 2)]
    assert [(e["interview_id"], e["reason"]) for e in body["excluded"]] == [
        (sorted_log["dropped"].pk, "Courtesy call")
    ]
    assert body["footnotes"]


def test_printed_numbers_and_overrides_show_in_the_overview(
    api_client, evaluation, team, sorted_log
) -> None:
    api_client.force_authenticate(team["lead"].user)
    created = api_client.post(
        url(evaluation, "layouts/"), {"name": "As printed", "title": "Table 1"}, format="json"
    )
    assert created.status_code == 201, created.json()
    layout = created.json()["id"]
    governments = evaluation.reporting_categories.get(name="Governments").pk
    cells = url(evaluation, f"layouts/{layout}/cells/")

    printed = api_client.post(
        cells, {"category": governments, "column": "interviews", "printed": 3}, format="json"
    )
    refused = api_client.post(
        cells, {"category": None, "column": "participants", "override": 9}, format="json"
    )
    overridden = api_client.post(
        cells,
        {"category": None, "column": "participants", "override": 9, "reason": "Group of 8"},
        format="json",
    )

    assert printed.status_code == 200, printed.json()
    assert refused.status_code == 400
    assert "reason" in refused.json()["errors"]
    assert overridden.status_code == 200
    saved = {(c["category"], c["column"]): c for c in overridden.json()["cells"]}
    assert saved[(governments, "interviews")]["printed"] == 3
    assert saved[(None, "participants")]["override_reason"] == "Group of 8"
    table = api_client.get(url(evaluation, "overview/"), {"layout": "as printed"}).json()
    assert table["layout_name"] == "As printed" and table["has_printed"] is True
    cell = next(r for r in table["rows"] if r["label"] == "Governments")["interviews"]
    assert (cell["computed"], cell["printed"], cell["difference"]) == (2, 3, -1)
    total = table["total"]["participants"]
    assert (total["override"], total["shown"], total["text"]) == (9, 9, "9")
    assert total["override_reason"] == "Group of 8" and total["override_by"]
    by_id = api_client.get(url(evaluation, "overview/"), {"layout": str(layout)}).json()
    assert by_id["layout_name"] == "As printed"


def test_layouts_can_be_listed_renamed_and_deleted(api_client, evaluation, team) -> None:
    api_client.force_authenticate(team["evaluator"].user)
    layout = api_client.post(url(evaluation, "layouts/"), {"name": "Draft"}, format="json").json()
    detail = url(evaluation, f"layouts/{layout['id']}/")

    renamed = api_client.patch(detail, {"name": "Final", "show_sex": True}, format="json")
    duplicate = api_client.post(url(evaluation, "layouts/"), {"name": "final"}, format="json")
    listed = api_client.get(url(evaluation, "layouts/"))
    deleted = api_client.delete(detail)

    assert renamed.status_code == 200 and renamed.json()["show_sex"] is True
    assert duplicate.status_code == 400 and "name" in duplicate.json()["errors"]
    assert [item["name"] for item in listed.json()] == ["Final"]
    assert deleted.status_code == 204
    assert not TableLayout.objects.filter(evaluation=evaluation).exists()
    assert api_client.get(detail).status_code == 404


def test_viewer_cannot_change_layouts_nor_rules(api_client, evaluation, team, interviews) -> None:
    api_client.force_authenticate(team["viewer"].user)

    layout = api_client.post(url(evaluation, "layouts/"), {"name": "Mine"}, format="json")
    put = api_client.put(url(evaluation, "rules/"), rules(evaluation), format="json")

    assert layout.status_code == 403 and "lead evaluator" in layout.json()["detail"]
    assert put.status_code == 403
    assert not CategoryRule.objects.filter(evaluation=evaluation).exists()
    assert api_client.get(url(evaluation, "rules/")).json() == []


def test_rules_are_replaced_all_or_nothing(api_client, evaluation, team, sorted_log) -> None:
    api_client.force_authenticate(team["lead"].user)
    bad = [rules(evaluation)[1], {"field": "moon_phase", "value": "full", "category": 1}]

    refused = api_client.put(url(evaluation, "rules/"), bad, format="json")
    listed = api_client.get(url(evaluation, "rules/"))

    assert refused.status_code == 400
    assert "moon_phase" in refused.json()["detail"]
    assert [(r["order"], r["field"], r["category_name"]) for r in listed.json()] == [
        (1, "participant_group", "Governments"),
        (2, "any", "Workers"),
    ]


def test_unknown_layout_is_a_400_naming_the_known(api_client, evaluation, team) -> None:
    api_client.force_authenticate(team["lead"].user)
    api_client.post(url(evaluation, "layouts/"), {"name": "As printed"}, format="json")

    response = api_client.get(url(evaluation, "overview/"), {"layout": "Nope"})

    assert response.status_code == 400
    assert "As printed" in response.json()["errors"]["layout"][0]


def test_outsiders_do_not_find_the_reports(api_client, evaluation, outsider) -> None:
    api_client.force_authenticate(outsider)
    for path in ("overview/", "annex/", "rates/", "layouts/", "exports/", "rules/"):
        response = api_client.get(url(evaluation, path))
        assert response.status_code == 404, path
        assert "no evaluation" in response.json()["detail"]


# --- the annex ------------------------------------------------------------------------------------


def test_annex_by_category_withholds_names_for_viewers(
    api_client, evaluation, team, sorted_log
) -> None:
    api_client.force_authenticate(team["evaluator"].user)
    named = api_client.get(url(evaluation, "annex/"), {"by": "category"}).json()
    api_client.force_authenticate(team["viewer"].user)
    withheld = api_client.get(url(evaluation, "annex/"), {"by": "category"}).json()
    bad = api_client.get(url(evaluation, "annex/"), {"by": "colour"})

    assert named["by"] == "category" and named["names_withheld"] is False
    assert [g["heading"] for g in named["groups"]] == ["Governments", "Workers"]
    names = [line["name"] for group in named["groups"] for line in group["lines"]]
    assert "Ana Official" in names[0]
    api_client.force_authenticate(team["evaluator"].user)
    asked = api_client.get(url(evaluation, "annex/"), {"withhold_names": "true"}).json()
    assert asked["by"] == "grouping" and asked["names_withheld"] is True
    assert "Ana Official" not in str(asked["groups"])
    api_client.force_authenticate(team["viewer"].user)
    assert withheld["names_withheld"] is True
    text = str(withheld["groups"])
    assert "Ana Official" not in text and "Ben Unionist" not in text
    assert bad.status_code == 400 and "by" in bad.json()["errors"]


# --- Likert summaries, open answers, rates --------------------------------------------------------


def _c1(tables: list[dict], group: str) -> dict:
    rows = [row for table in tables for row in table["rows"]]
    return next(row for row in rows if row["question_key"] == "C1" and row["group"] == group)


def test_viewer_sees_small_groups_suppressed_as_null(
    api_client, evaluation, team, distribution
) -> None:
    api_client.force_authenticate(team["viewer"].user)

    response = api_client.get(
        url(evaluation, "likert/"), {"distribution": distribution.pk, "by": "region"}
    )

    assert response.status_code == 200, response.json()
    tables = response.json()
    table = tables[0]
    assert table["suppressed_view"] is True and table["threshold"] == 5
    assert [p["code"] for p in table["points"] if p["in_scale"]] == ["4", "3", "2", "1"]
    overall = _c1(tables, "")
    assert overall["n"] == 8
    assert [p["count"] for p in overall["points"]] == [6, 0, 0, 2]
    assert overall["points"][0]["percent"] == 75.0
    europe = _c1(tables, "Europe")
    assert europe["suppressed"] is True and europe["n"] is None
    assert all(p["count"] is None for p in europe["points"])
    assert table["chart"]["series"] and table["chart"]["categories"]


def test_lead_sees_the_unsuppressed_view_and_a_viewer_may_not(
    api_client, evaluation, team, distribution
) -> None:
    params = {"distribution": distribution.pk, "by": "region", "unsuppressed": "true"}
    api_client.force_authenticate(team["viewer"].user)
    refused = api_client.get(url(evaluation, "likert/"), params)
    api_client.force_authenticate(team["lead"].user)
    shown = api_client.get(url(evaluation, "likert/"), params)

    assert refused.status_code == 403 and "lead" in refused.json()["detail"]
    assert shown.status_code == 200
    assert shown.json()[0]["suppressed_view"] is False
    europe = _c1(shown.json(), "Europe")
    assert europe["n"] == 2 and [p["count"] for p in europe["points"]] == [0, 0, 0, 2]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"distribution": 999999}, "distribution"),
        ({"distribution": "x"}, "distribution"),
        ({}, "distribution"),
        ({"block": "nope"}, "block"),
        ({"by": "shoe_size"}, "by"),
    ],
)
def test_likert_refuses_unknown_parameters_by_name(
    api_client, evaluation, team, distribution, params, field
) -> None:
    api_client.force_authenticate(team["lead"].user)
    query = {"distribution": distribution.pk, **params} if params else {}

    response = api_client.get(url(evaluation, "likert/"), query)

    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert response.json()["detail"]


def test_likert_one_block(api_client, evaluation, team, distribution) -> None:
    api_client.force_authenticate(team["evaluator"].user)
    response = api_client.get(
        url(evaluation, "likert/"), {"distribution": distribution.pk, "block": "survey"}
    )
    assert response.status_code == 200
    assert [t["block_key"] for t in response.json()] == ["survey"]


def test_open_answers_for_readers_only(api_client, evaluation, team, distribution) -> None:
    params = {"distribution": distribution.pk, "by": "region"}
    api_client.force_authenticate(team["viewer"].user)
    refused = api_client.get(url(evaluation, "open-answers/"), params)
    api_client.force_authenticate(team["evaluator"].user)
    shown = api_client.get(url(evaluation, "open-answers/"), params)

    assert refused.status_code == 403 and refused.json()["detail"]
    assert shown.status_code == 200, shown.json()
    b1 = next(q for q in shown.json() if q["question_key"] == "B1")
    groups = {g["value"]: g["answers"] for g in b1["groups"]}
    assert groups["Africa"] == ["Open answer 1"] * 6
    assert groups["Europe"] == ["Open answer 1"] * 2
    assert b1["withheld"] == 0
    bad = api_client.get(
        url(evaluation, "open-answers/"), {"distribution": distribution.pk, "by": "shoe_size"}
    )
    assert bad.status_code == 400 and "by" in bad.json()["errors"]


def test_rates_by_region_and_unknown_attribute(api_client, evaluation, team, distribution) -> None:
    api_client.force_authenticate(team["viewer"].user)

    response = api_client.get(url(evaluation, "rates/"), {"by": "region"})
    bad = api_client.get(url(evaluation, "rates/"), {"by": "shoe_size"})

    assert response.status_code == 200, response.json()
    rates = response.json()[0]
    assert rates["distribution_id"] == distribution.pk
    rows = {row["label"]: (row["invited"], row["responded"]) for row in rates["rows"]}
    # Europe (2) is under the threshold, and Africa goes with it: else Europe = 8 − 6.
    assert rows["Africa"] == (6, None) and rows["Europe"] == (2, None)
    assert rates["rows"][-1]["responded"] == 8 and rates["threshold"] == 5
    assert bad.status_code == 400 and "by" in bad.json()["errors"]

    refused = api_client.get(url(evaluation, "rates/"), {"unsuppressed": "true"})
    assert refused.status_code == 403
    api_client.force_authenticate(team["lead"].user)
    lead = api_client.get(url(evaluation, "rates/"), {"unsuppressed": "true"}).json()[0]
    rows = {row["label"]: (row["invited"], row["responded"]) for row in lead["rows"]}
    assert rows["Africa"] == (6, 6) and rows["Europe"] == (2, 2) and lead["threshold"] is None


# --- exports --------------------------------------------------------------------------------------


def _start(api_client, evaluation, capture, **body: object):
    with capture(execute=True):
        return api_client.post(
            url(evaluation, "exports/"), {"kind": "workbook", **body}, format="json"
        )


def test_workbook_export_start_poll_download(
    api_client, evaluation, team, sorted_log, distribution, django_capture_on_commit_callbacks
) -> None:
    api_client.force_authenticate(team["viewer"].user)

    started = _start(api_client, evaluation, django_capture_on_commit_callbacks)

    assert started.status_code == 202, started.json()
    job = started.json()
    polled = api_client.get(url(evaluation, f"exports/{job['id']}/")).json()
    assert polled["state"] == "done", polled
    assert polled["progress"] == 100 and polled["expires_at"]
    assert polled["download"].endswith(f"/reports/exports/{job['id']}/download/")
    download = api_client.get(polled["download"])
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in download["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert "About" in workbook.sheetnames
    listed = api_client.get(url(evaluation, "exports/")).json()["results"]
    assert [item["id"] for item in listed] == [job["id"]]


def test_an_expired_export_has_no_download(
    api_client, evaluation, team, distribution, django_capture_on_commit_callbacks
) -> None:
    api_client.force_authenticate(team["viewer"].user)
    job = _start(api_client, evaluation, django_capture_on_commit_callbacks).json()
    download = url(evaluation, f"exports/{job['id']}/download/")
    assert api_client.get(download).status_code == 200
    ExportJob.objects.filter(pk=job["id"]).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )

    polled = api_client.get(url(evaluation, f"exports/{job['id']}/")).json()

    assert polled["state"] == "done" and polled["download"] is None
    assert api_client.get(download).status_code == 404
    assert ExportJob.objects.get(pk=job["id"]).file  # the file waits for the beat task


def test_csv_export_of_one_table(
    api_client, evaluation, team, sorted_log, django_capture_on_commit_callbacks
) -> None:
    api_client.force_authenticate(team["evaluator"].user)
    started = _start(
        api_client, evaluation, django_capture_on_commit_callbacks, kind="csv", table="overview"
    )
    job = api_client.get(url(evaluation, f"exports/{started.json()['id']}/")).json()
    assert job["state"] == "done", job
    download = api_client.get(url(evaluation, f"exports/{job['id']}/download/"))
    assert download["Content-Type"].startswith("text/csv")
    body = b"".join(download.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
    text = body.decode("utf-8-sig")
    assert "Governments" in text and "Total" in text

    plain = _start(
        api_client,
        evaluation,
        django_capture_on_commit_callbacks,
        kind="csv",
        table="overview",
        bom=False,
    ).json()
    plain_body = b"".join(
        api_client.get(url(evaluation, f"exports/{plain['id']}/download/")).streaming_content
    )
    assert plain_body.decode("utf-8") == text


def test_export_cancel_and_retry(api_client, evaluation, team) -> None:
    api_client.force_authenticate(team["evaluator"].user)
    # The task is enqueued on commit, which never comes in this test: the job stays queued.
    job = api_client.post(url(evaluation, "exports/"), {"kind": "workbook"}, format="json").json()
    base = url(evaluation, f"exports/{job['id']}/")

    not_ready = api_client.get(base + "download/")
    cancelled = api_client.post(base + "cancel/")
    retried = api_client.post(base + "retry/")

    assert job["state"] == "queued" and job["download"] is None
    assert not_ready.status_code == 404 and "not finished" in not_ready.json()["detail"]
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert retried.status_code == 202 and retried.json()["state"] == "queued"


def test_another_members_export_is_refused_but_the_lead_sees_it(
    api_client, evaluation, team, django_capture_on_commit_callbacks
) -> None:
    api_client.force_authenticate(team["evaluator"].user)
    job = _start(api_client, evaluation, django_capture_on_commit_callbacks).json()
    base = url(evaluation, f"exports/{job['id']}/")

    api_client.force_authenticate(team["data_entry"].user)
    refused = api_client.get(base + "download/")
    not_theirs = api_client.post(base + "cancel/")
    hidden = api_client.get(url(evaluation, "exports/")).json()["results"]
    api_client.force_authenticate(team["lead"].user)
    allowed = api_client.get(base + "download/")
    everyone = api_client.get(url(evaluation, "exports/")).json()["results"]
    finished = api_client.post(base + "cancel/")

    assert refused.status_code == 403 and "another member" in refused.json()["detail"]
    assert not_theirs.status_code == 403
    assert hidden == []
    assert allowed.status_code == 200
    assert [item["id"] for item in everyone] == [job["id"]]
    assert finished.status_code == 400 and "already finished" in finished.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "pdf"}, "kind"),
        ({"kind": "csv"}, "table"),
        ({"kind": "csv", "table": "horoscope"}, "table"),
        ({"kind": "csv", "table": "likert", "distribution": 999999}, "distribution"),
    ],
)
def test_export_request_refuses_bad_input(api_client, evaluation, team, body, field) -> None:
    api_client.force_authenticate(team["lead"].user)
    response = api_client.post(url(evaluation, "exports/"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ExportJob.objects.exists()


def test_viewer_cannot_export_unsuppressed(api_client, evaluation, team) -> None:
    api_client.force_authenticate(team["viewer"].user)
    response = api_client.post(
        url(evaluation, "exports/"), {"kind": "workbook", "unsuppressed": True}, format="json"
    )
    assert response.status_code == 403
    assert not ExportJob.objects.exists()


# --- the schema -----------------------------------------------------------------------------------


def test_schema_lists_the_reports_and_validates(tmp_path) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    for path in (
        "overview/", "layouts/", "layouts/{id}/cells/", "rules/", "annex/", "likert/",
        "open-answers/", "rates/", "exports/", "exports/{id}/download/", "exports/{id}/cancel/",
        "exports/{id}/retry/",
    ):  # fmt: skip
        assert f"/api/v1/evaluations/{{evaluation_slug}}/reports/{path}:" in schema


def test_a_huge_printed_number_is_refused_not_a_server_error(api_client, evaluation, team) -> None:
    api_client.force_authenticate(team["lead"].user)
    layout = api_client.post(url(evaluation, "layouts/"), {"name": "Printed"}, format="json")
    cells = url(evaluation, f"layouts/{layout.json()['id']}/cells/")

    for number in (10**20, 3_000_000_000):
        response = api_client.post(
            cells, {"category": None, "column": "interviews", "printed": number}, format="json"
        )
        assert response.status_code == 400, response.content
        assert "printed" in response.json()["errors"]


def test_an_export_with_a_breakdown_nobody_records_is_refused_at_once(
    api_client, evaluation, team, distribution, django_capture_on_commit_callbacks
) -> None:
    api_client.force_authenticate(team["viewer"].user)

    bad = _start(api_client, evaluation, django_capture_on_commit_callbacks, by="shoe_size")
    csv_bad = _start(
        api_client,
        evaluation,
        django_capture_on_commit_callbacks,
        kind="csv",
        table="overview",
        layout="nope",
    )
    good = _start(api_client, evaluation, django_capture_on_commit_callbacks, by="region")

    assert bad.status_code == 400 and "by" in bad.json()["errors"]
    assert csv_bad.status_code == 400 and "layout" in csv_bad.json()["errors"]
    assert good.status_code == 202
    assert list(ExportJob.objects.values_list("parameters__by", flat=True)) == ["region"]
