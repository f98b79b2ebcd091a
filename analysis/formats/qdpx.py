"""The evaluation as a REFI-QDA project (.qdpx): a zip holding `project.qde` (XML in
`urn:QDA-XML:project:1.0`, schema analysis/formats/schema/Project-mrt2019.xsd, MIT licence) and
the sources as plain text under `sources/`. QDA software (ATLAS.ti, MAXQDA, NVivo, QDA Miner,
Taguette) opens it with the codebook, the coded passages and the cases' attributes.

    <Project name="…" origin="Consulta">
      <Users><User guid="…" name="…"/></Users>            (the coders)
      <CodeBook><Codes><Code …/></Codes></CodeBook>        (as the .qdc)
      <Variables><Variable guid="…" name="Stakeholder group" typeOfVariable="Text"/></Variables>
      <Cases><Case guid="…" name="Respondent 12">         (a response, or an interview)
        <VariableValue><VariableRef targetGUID="…"/><TextValue>Government</TextValue>
        </VariableValue>
        <SourceRef targetGUID="…"/></Case></Cases>
      <Sources><TextSource guid="…" name="B1 · respondent 12" plainTextPath="internal://….txt">
        <PlainTextContent>…</PlainTextContent>
        <PlainTextSelection guid="…" startPosition="0" endPosition="7" creatingUser="…">
          <Description>memo</Description>
          <Coding guid="…"><CodeRef targetGUID="…"/></Coding>
        </PlainTextSelection></TextSource></Sources>
    </Project>

Only what the reader may read goes in (analysis.selectors.qdpx): a viewer's project holds the
codebook alone. Positions count characters, end excluded, as the codings do. Cases carry the
response's attribute snapshot or the interview's category, region and participants' groups
and countries, never a name; an anonymous answer's case has no link to a person."""

from __future__ import annotations

import io
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from analysis.formats.qdc import code_element
from analysis.services.codebook import CodeEntry

NS = "urn:QDA-XML:project:1.0"
# Stable GUIDs for what has none of its own (sources, cases, selections, users, variables).
GUID_NAMESPACE = uuid.UUID("0b3c6a52-5f3e-4d8e-9a61-7c2f4e1d9b20")


def stable_guid(kind: str, key: object) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


@dataclass
class QdpxSelection:
    key: object
    start: int
    end: int
    codes: list[uuid.UUID]
    memo: str = ""
    coder: tuple[object, str] | None = None  # (key, name)
    created: datetime | None = None


@dataclass
class QdpxSource:
    key: object
    name: str
    text: str
    case: str  # the case's key
    selections: list[QdpxSelection] = field(default_factory=list)


@dataclass
class QdpxCase:
    key: str
    name: str
    values: dict[str, str]


@dataclass
class QdpxProject:
    name: str
    codes: list[CodeEntry]
    variables: list[str]
    cases: list[QdpxCase]
    sources: list[QdpxSource]


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _time(moment: datetime | None) -> dict[str, str]:
    return {"creationDateTime": moment.isoformat()} if moment else {}


def _selection(parent: ET.Element, selection: QdpxSelection) -> None:
    attributes = {
        "guid": stable_guid("selection", selection.key),
        "startPosition": str(selection.start),
        "endPosition": str(selection.end),
    }
    if selection.coder is not None:
        attributes["creatingUser"] = stable_guid("user", selection.coder[0])
    element = ET.SubElement(parent, _q("PlainTextSelection"), attributes | _time(selection.created))
    if selection.memo:
        ET.SubElement(element, _q("Description")).text = selection.memo
    for code in selection.codes:
        coding = ET.SubElement(
            element, _q("Coding"), {"guid": stable_guid("coding", f"{selection.key}:{code}")}
        )
        ET.SubElement(coding, _q("CodeRef"), {"targetGUID": str(code)})


def project_xml(project: QdpxProject) -> bytes:
    """project.qde: the elements in the order the schema's sequence gives them."""
    ET.register_namespace("", NS)
    root = ET.Element(_q("Project"), {"name": project.name, "origin": "Consulta"})
    coders = {s.coder[0]: s.coder[1] for src in project.sources for s in src.selections if s.coder}
    if coders:
        users = ET.SubElement(root, _q("Users"))
        for key, name in coders.items():
            ET.SubElement(users, _q("User"), {"guid": stable_guid("user", key), "name": name})
    if project.codes:
        codes = ET.SubElement(ET.SubElement(root, _q("CodeBook")), _q("Codes"))
        for entry in project.codes:
            code_element(codes, entry, _q)
    if project.variables and project.cases:
        variables = ET.SubElement(root, _q("Variables"))
        for name in project.variables:
            ET.SubElement(
                variables,
                _q("Variable"),
                {"guid": stable_guid("variable", name), "name": name, "typeOfVariable": "Text"},
            )
    if project.cases:
        cases = ET.SubElement(root, _q("Cases"))
        for case in project.cases:
            element = ET.SubElement(
                cases, _q("Case"), {"guid": stable_guid("case", case.key), "name": case.name}
            )
            for name, value in case.values.items():
                holder = ET.SubElement(element, _q("VariableValue"))
                ref = {"targetGUID": stable_guid("variable", name)}
                ET.SubElement(holder, _q("VariableRef"), ref)
                ET.SubElement(holder, _q("TextValue")).text = value
            for source in project.sources:
                if source.case == case.key:
                    ET.SubElement(
                        element, _q("SourceRef"), {"targetGUID": stable_guid("source", source.key)}
                    )
    if project.sources:
        sources = ET.SubElement(root, _q("Sources"))
        for source in project.sources:
            guid = stable_guid("source", source.key)
            element = ET.SubElement(
                sources,
                _q("TextSource"),
                {"guid": guid, "name": source.name, "plainTextPath": f"internal://{guid}.txt"},
            )
            ET.SubElement(element, _q("PlainTextContent")).text = source.text
            for selection in source.selections:
                _selection(element, selection)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def qdpx_bytes(project: QdpxProject) -> bytes:
    """The .qdpx archive: project.qde and each source's text as sources/<guid>.txt (UTF-8)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project_xml(project))
        for source in project.sources:
            name = f"sources/{stable_guid('source', source.key)}.txt"
            archive.writestr(name, source.text.encode("utf-8"))
    return out.getvalue()
