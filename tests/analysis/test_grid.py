"""The criteria grid: units assessed per criterion, the explicit "No detailed information
available" beside "Not yet assessed", ratings on a configurable scale (none by default), the
sources linked as each member may read them, the history, the API, the page and the sheet."""

from __future__ import annotations

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import translation
from openpyxl import load_workbook

from analysis.models import Assessment
from analysis.selectors.grid import grid_of, sources_text
from analysis.services.codings import coding_create
from analysis.services.grid import assessment_set, scale_set, unit_save
from analysis.services.matrix import criterion_save
from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM
from history.models import Entry
from reports.workbook import workbook_write
from tests.analysis.builders import answered, codes, noted, open_answers

pytestmark = pytest.mark.django_db
NO_INFO = Assessment.State.NO_INFORMATION


@pytest.fixture
def grid(evaluation, team):
    relevance = criterion_save(evaluation=evaluation, by=SYSTEM, label="R", name="Relevance")
    design = criterion_save(evaluation=evaluation, by=SYSTEM, label="D", name="Validity of design")
    impact = criterion_save(evaluation=evaluation, by=SYSTEM, label="I", name="Impact")
    kenya = unit_save(evaluation=evaluation, by=SYSTEM, name="Kenya", kind="country")
    book = codes(evaluation)
    shared = open_answers(answered(evaluation, "team", "Government"))[0]
    team_coding = coding_create(evaluation=evaluation, by=SYSTEM, answer=shared, start=0, end=7,
                                codes=[book["funding"]])  # fmt: skip
    secret = open_answers(answered(evaluation, "lead", "Donor"))[0]
    lead_coding = coding_create(evaluation=evaluation, by=SYSTEM, answer=secret, start=8, end=11,
                                codes=[book["unions"]])  # fmt: skip
    note = noted(evaluation)
    assessment_set(
        unit=kenya, criterion=relevance, by=team["lead"].user, state="assessed",
        text="The strategy answered the constituents' needs.",
        documents="ToR 2008\n\n Annual report ",
        codings=[team_coding.pk, lead_coding.pk], interviews=[note.interview_id],
    )  # fmt: skip
    assessment_set(unit=kenya, criterion=design, by=team["evaluator"].user, state=NO_INFO)
    return {"evaluation": evaluation, "kenya": kenya, "relevance": relevance, "design": design,
            "impact": impact, "team_coding": team_coding, "lead_coding": lead_coding}  # fmt: skip


def test_states_are_distinct_and_an_assessment_needs_its_text(grid, team):
    cells = {a.criterion.label: a for a in Assessment.objects.filter(unit=grid["kenya"])}
    assert cells["R"].state == "assessed" and cells["R"].documents == "ToR 2008\nAnnual report"
    assert cells["D"].state == NO_INFO and cells["D"].text == ""
    assert "I" not in cells  # not yet assessed: no row
    with pytest.raises(ValidationProblem, match="Write the assessment"):
        assessment_set(unit=grid["kenya"], criterion=grid["impact"], by=team["evaluator"].user,
                       state="assessed", text="  ")  # fmt: skip
    with pytest.raises(ValidationProblem, match="not on the rating scale"):
        assessment_set(unit=grid["kenya"], criterion=grid["impact"], by=team["evaluator"].user,
                       state="assessed", text="Some.", rating="Good")  # fmt: skip


def test_the_scale_is_configurable_and_a_used_level_stays(grid, team):
    evaluation = grid["evaluation"]
    scale_set(evaluation=evaluation, by=team["lead"].user, levels=["Satisfactory", "Poor"])
    assessment_set(unit=grid["kenya"], criterion=grid["impact"], by=team["evaluator"].user,
                   state="assessed", text="Lasting.", rating="Satisfactory")  # fmt: skip
    with pytest.raises(ValidationProblem, match="“Satisfactory”"):
        scale_set(evaluation=evaluation, by=team["lead"].user, levels=["Poor"])
    with pytest.raises(ValidationProblem, match="Only an assessed"):
        assessment_set(unit=grid["kenya"], criterion=grid["impact"], by=team["lead"].user,
                       state=NO_INFO, rating="Poor")  # fmt: skip


def test_viewers_and_data_entry_cannot_edit(grid, team):
    for role in ("viewer", "data_entry"):
        with pytest.raises(PermissionDenied):
            assessment_set(unit=grid["kenya"], criterion=grid["impact"], by=team[role].user,
                           state=NO_INFO)  # fmt: skip


def test_an_evaluator_cannot_link_a_lead_only_excerpt_but_keeps_the_leads_link(grid, team):
    with pytest.raises(ValidationProblem, match="coded excerpt"):
        assessment_set(unit=grid["kenya"], criterion=grid["impact"], by=team["evaluator"].user,
                       state=NO_INFO, codings=[grid["lead_coding"].pk])  # fmt: skip
    assessment_set(unit=grid["kenya"], criterion=grid["relevance"], by=team["evaluator"].user,
                   state="assessed", text="Revised.", codings=[grid["team_coding"].pk])  # fmt: skip
    cell = Assessment.objects.get(unit=grid["kenya"], criterion=grid["relevance"])
    assert set(cell.codings.all()) == {grid["team_coding"], grid["lead_coding"]}


def test_changes_are_in_the_history(grid):
    cell = Assessment.objects.get(unit=grid["kenya"], criterion=grid["relevance"])
    kind = ContentType.objects.get_for_model(Assessment)
    entries = Entry.objects.filter(content_type=kind, object_id=cell.pk)
    assert entries.filter(action=Entry.Action.CREATE).exists()
    assert all(entry.evaluation_id == grid["evaluation"].pk for entry in entries)
    assert any("codings" in (entry.changes_dict or {}) for entry in entries)  # the links too


def test_the_api_reads_as_the_member_may_and_writes_for_editors(grid, as_role):
    base = f"/api/v1/evaluations/{grid['evaluation'].slug}/analysis"
    viewer = as_role("viewer").get(f"{base}/grid/").json()
    cells = {c["criterion"]: c for c in viewer["units"][0]["cells"]}
    assert viewer["levels"] == []
    assert cells["Relevance"]["text"] == "The strategy answered the constituents' needs."
    assert cells["Relevance"]["excerpts"] == [] and cells["Relevance"]["excerpts_total"] == 2
    assert cells["Relevance"]["interviews"] == [] and cells["Relevance"]["interviews_total"] == 1
    assert cells["Validity of design"]["state_label"] == "No detailed information available"
    assert cells["Impact"]["state_label"] == "Not yet assessed"
    body = {"unit": grid["kenya"].pk, "criterion": grid["impact"].pk, "state": NO_INFO}
    refused = as_role("viewer").put(f"{base}/grid/assessment/", body, format="json")
    assert refused.status_code == 403
    evaluator = as_role("evaluator")
    made = evaluator.put(f"{base}/grid/assessment/", body, format="json")
    assert made.status_code == 200, made.content
    seen = {c["criterion"]: c for c in made.json()["units"][0]["cells"]}
    assert seen["Impact"]["state"] == NO_INFO
    assert [e["text"] for e in seen["Relevance"]["excerpts"]] == ["Funding"]  # not the lead's
    bad = evaluator.put(f"{base}/grid/assessment/", {**body, "state": "assessed"}, format="json")
    assert bad.status_code == 400 and "text" in bad.json()["errors"]
    unit = evaluator.post(f"{base}/units/", {"name": "Project X", "kind": "project"})
    assert unit.status_code == 201
    scale = evaluator.put(f"{base}/grid/scale/", {"levels": ["High", "Low"]}, format="json")
    assert scale.json() == {"levels": ["High", "Low"]}


def test_the_page_prints_criteria_and_assessment_and_lets_editors_edit(client, grid, team):
    url = f"/evaluations/{grid['evaluation'].slug}/analysis/grid/"
    client.force_login(team["viewer"].user)
    page = client.get(url).content.decode()
    assert '<th scope="col">Criteria</th>' in page and '<th scope="col">Assessment</th>' in page
    assert "No detailed information available" in page and "Not yet assessed" in page
    assert "Funding" not in page and "assessment-form" not in page and "unit-form" not in page
    client.force_login(team["evaluator"].user)
    key = f"{grid['kenya'].pk}-{grid['impact'].pk}"
    form = client.get(f"{url}?edit={key}").content.decode()
    assert 'id="assessment-form"' in form and "Funding" in form
    post = {"action": "assessment", "unit": grid["kenya"].pk, "criterion": grid["impact"].pk,
            "state": "assessed", "text": "", "documents": "Mid-term review"}  # fmt: skip
    refused = client.post(url, post, follow=True).content.decode()
    assert "Write the assessment" in refused and "Mid-term review" in refused  # kept
    client.post(url, {**post, "text": "Effects will last."})
    saved = Assessment.objects.get(unit=grid["kenya"], criterion=grid["impact"])
    assert (saved.state, saved.text, saved.documents) == ("assessed", "Effects will last.",
                                                          "Mid-term review")  # fmt: skip
    client.post(url, {"action": "unit", "name": "Country B", "kind": "country"})
    assert "Country B" in client.get(url).content.decode()


def test_the_workbook_sheet_is_laid_out_as_the_report(grid, team):
    out = io.BytesIO()
    workbook_write(out, evaluation=grid["evaluation"], user=None)
    rows = [list(r) for r in load_workbook(io.BytesIO(out.getvalue()))["Criteria grid"].values]
    assert rows[0][0] == "Kenya (Country)"
    assert rows[1][:3] == ["Criteria", "Assessment", "Sources"]
    assert rows[2][:2] == ["Relevance", "The strategy answered the constituents' needs."]
    assert "ToR 2008" in rows[2][2] and "2 coded excerpts you may not read" in rows[2][2]
    assert rows[3][:2] == ["Validity of design", "No detailed information available"]
    assert rows[4][:2] == ["Impact", "Not yet assessed"]


def test_the_states_speak_french_and_spanish(grid, team):
    with translation.override("fr"):
        cells = grid_of(user=team["viewer"].user, evaluation=grid["evaluation"]).units[0].cells
        assert [c.state_label for c in cells[1:]] == [
            "Pas d’information détaillée disponible",
            "Pas encore évalué",
        ]
    with translation.override("es"):
        cells = grid_of(user=team["viewer"].user, evaluation=grid["evaluation"]).units[0].cells
        assert sources_text(cells[0]).endswith("1 entrevista")
