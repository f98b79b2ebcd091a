"""The REFI-QDA project (.qdpx): its XML conforms to the shipped schema (a structural check,
tests/analysis/qdpx_schema.py), read back it holds the codebook, the sources the member may
read with their coded passages at the right offsets, and the cases' attributes; a viewer's
project (the command's default) holds the codebook and no text."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring
from django.core.management import CommandError, call_command

from analysis.formats.qdpx import project_xml
from analysis.selectors.qdpx import qdpx_project
from analysis.services.codings import coding_create
from evaluations.permissions import SYSTEM, Role, role_stand_in
from tests.analysis.builders import FUNDING_TEXT, answered, codes, noted, open_answers
from tests.analysis.qdpx_schema import problems

pytestmark = pytest.mark.django_db
NS = {"q": "urn:QDA-XML:project:1.0"}


@pytest.fixture
def coded(evaluation):
    book = codes(evaluation)
    shared = open_answers(answered(evaluation, "team", "Government", "Workers"))
    coding_create(evaluation=evaluation, by=SYSTEM, answer=shared[0], start=0, end=7,
                  codes=[book["funding"], book["short"]], memo="short of money")  # fmt: skip
    secret = open_answers(answered(evaluation, "lead", "Donor"))[0]
    coding_create(evaluation=evaluation, by=SYSTEM, answer=secret, start=8, end=11,
                  codes=[book["unions"]])  # fmt: skip
    anonymous = open_answers(answered(evaluation, "anonymous", "Employers"))[0]
    coding_create(evaluation=evaluation, by=SYSTEM, answer=anonymous, start=19, end=25,
                  codes=[book["unions"]])  # fmt: skip
    coding_create(evaluation=evaluation, by=SYSTEM, note=noted(evaluation), start=4, end=12,
                  codes=[book["unions"]])  # fmt: skip
    return evaluation


def read_back(data: bytes):
    archive = zipfile.ZipFile(io.BytesIO(data))
    xml = archive.read("project.qde")
    return archive, xml, fromstring(xml)


def export(evaluation, tmp_path: Path, *args: str) -> bytes:
    out = tmp_path / "project.qdpx"
    call_command("export_qdpx", "--evaluation", evaluation.slug, "--output", str(out), *args)
    return out.read_bytes()


def test_the_leads_project_conforms_and_holds_every_coding(coded, team, tmp_path):
    archive, xml, root = read_back(export(coded, tmp_path, "--user", team["lead"].user.email))
    assert problems(xml) == []
    names = [c.get("name") for c in root.iterfind(".//q:CodeBook//q:Code", NS)]
    assert names == ["Funding", "Shortfall", "Unions"]
    guids = {c.get("name"): c.get("guid") for c in root.iterfind(".//q:Code", NS)}
    sources = root.findall(".//q:TextSource", NS)
    assert len(sources) == 5  # four answers (two team, one lead-only, one anonymous), one note
    selections = root.findall(".//q:PlainTextSelection", NS)
    assert len(selections) == 4
    first = next(s for s in selections if s.find("q:Description", NS) is not None)
    assert (first.get("startPosition"), first.get("endPosition")) == ("0", "7")
    applied = {r.get("targetGUID") for r in first.iterfind("q:Coding/q:CodeRef", NS)}
    assert applied == {guids["Funding"], guids["Shortfall"]}
    holder = next(s for s in sources if first in list(s))
    text = archive.read(holder.get("plainTextPath").replace("internal://", "sources/")).decode()
    assert text == FUNDING_TEXT and text[0:7] == "Funding"
    assert holder.find("q:PlainTextContent", NS).text == FUNDING_TEXT
    values = {
        v.find("q:TextValue", NS).text for v in root.iterfind(".//q:Case/q:VariableValue", NS)
    }
    assert {"Government", "Workers", "Donor", "Employers", "Africa", "Kenya"} <= values
    assert "Ana Example" not in xml.decode()  # a case is never a name


def test_an_evaluator_gets_no_lead_only_source(coded, team, tmp_path):
    _archive, xml, root = read_back(export(coded, tmp_path, "--user", team["evaluator"].user.email))
    assert problems(xml) == []
    assert len(root.findall(".//q:TextSource", NS)) == 4
    assert len(root.findall(".//q:PlainTextSelection", NS)) == 3
    assert "Donor" not in xml.decode()


def test_a_viewers_project_is_the_codebook_alone(coded, tmp_path):
    _archive, xml, root = read_back(export(coded, tmp_path))
    assert problems(xml) == []
    assert len(root.findall(".//q:Code", NS)) == 3
    assert root.find("q:Sources", NS) is None and root.find("q:Cases", NS) is None
    assert FUNDING_TEXT.encode() not in xml


def test_the_api_gives_the_members_view(coded, as_role):
    viewer = as_role("viewer").get(f"/api/v1/evaluations/{coded.slug}/analysis/qdpx/")
    assert viewer.status_code == 200
    assert viewer["Content-Disposition"].endswith('.qdpx"')
    assert read_back(viewer.content)[2].find("q:Sources", NS) is None
    lead = as_role("lead").get(f"/api/v1/evaluations/{coded.slug}/analysis/qdpx/")
    assert len(read_back(lead.content)[2].findall(".//q:PlainTextSelection", NS)) == 4


def test_the_check_catches_a_broken_project(coded):
    good = project_xml(qdpx_project(user=role_stand_in(coded, Role.LEAD), evaluation=coded))
    assert problems(good) == []
    without = problems(good.replace(b'isCodable="true"', b"", 1))
    assert any("required attribute isCodable missing" in p for p in without)
    assert any("Bogus" in p for p in problems(good.replace(b"<Codes>", b"<Codes><Bogus/>", 1)))
    bad_offset = good.replace(b'startPosition="', b'startPosition="x', 1)
    assert any("startPosition" in p for p in problems(bad_offset))


def test_an_unknown_user_is_refused(coded, tmp_path):
    with pytest.raises(CommandError, match="No user"):
        export(coded, tmp_path, "--user", "nobody@example.org")
