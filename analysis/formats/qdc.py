"""The codebook as a REFI-QDA codebook file (.qdc, namespace urn:QDA-XML:codebook:1.0), the
exchange format of ATLAS.ti, MAXQDA, NVivo, QDA Miner and Taguette, and as CSV.

    <CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Consulta">
      <Codes>
        <Code guid="…" name="…" isCodable="true" color="#RRGGBB">
          <Description>…</Description>
          <Code …/>                     (sub-codes, nested)
        </Code>
      </Codes>
      <Sets>                            (one per evaluation question a code is linked to)
        <Set guid="…" name="a.3"><Description>Evaluation question</Description>
          <MemberCode targetGUID="…"/></Set>
      </Sets>
    </CodeBook>

Files are parsed with defusedxml: a DTD, entities or external references are refused."""

from __future__ import annotations

import csv
import io
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

from analysis.services.codebook import CodeEntry
from common.errors import ValidationProblem
from common.spreadsheets import safe_cell
from common.upload_limits import limits, too_large_message

NS = "urn:QDA-XML:codebook:1.0"
SET_NOTE = "Evaluation question"
# Sets get GUIDs of their own, the same for a question number whatever the export.
SET_NAMESPACE = uuid.UUID("6f1d2b0e-8a57-4c41-9c1e-2f0c3b7a5d10")
CSV_HEADERS = ("Code", "Path", "Description", "Evaluation questions", "Colour", "GUID")


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _problem(message: str) -> ValidationProblem:
    return ValidationProblem(message, errors={"file": [message]})


# --- writing -----------------------------------------------------------------------------------


def code_element(parent: ET.Element, entry: CodeEntry, tag: Callable[[str], str] = _q) -> None:
    """A code and its sub-codes, in the namespace `tag` names (a codebook's or a project's)."""
    attributes = {"guid": str(entry.guid), "name": entry.name, "isCodable": "true"}
    if entry.color:
        attributes["color"] = entry.color
    element = ET.SubElement(parent, tag("Code"), attributes)
    if entry.description:
        ET.SubElement(element, tag("Description")).text = entry.description
    for child in entry.children:
        code_element(element, child, tag)


def _walk(entries: list[CodeEntry]) -> list[CodeEntry]:
    return [e for entry in entries for e in (entry, *_walk(entry.children))]


def qdc_bytes(codes: list[CodeEntry], *, origin: str = "Consulta") -> bytes:
    """The codebook as a .qdc document (UTF-8, with an XML declaration)."""
    ET.register_namespace("", NS)
    root = ET.Element(_q("CodeBook"), {"origin": origin})
    holder = ET.SubElement(root, _q("Codes"))
    for entry in codes:
        code_element(holder, entry)
    members: dict[str, list[str]] = {}
    for entry in _walk(codes):
        for number in entry.questions:
            members.setdefault(number, []).append(str(entry.guid))
    if members:
        sets = ET.SubElement(root, _q("Sets"))
        for number in sorted(members):
            guid = str(uuid.uuid5(SET_NAMESPACE, number))
            found = ET.SubElement(sets, _q("Set"), {"guid": guid, "name": number})
            ET.SubElement(found, _q("Description")).text = SET_NOTE
            for target in members[number]:
                ET.SubElement(found, _q("MemberCode"), {"targetGUID": target})
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def codebook_rows(codes: list[CodeEntry]) -> list[list[str]]:
    """One row per code, parents first, with its path ("Parent > Child"), header first."""
    rows: list[list[str]] = [list(CSV_HEADERS)]

    def walk(entries: list[CodeEntry], path: list[str]) -> None:
        for entry in entries:
            here = [*path, entry.name]
            rows.append(
                [
                    entry.name,
                    " > ".join(here),
                    entry.description,
                    ", ".join(entry.questions),
                    entry.color,
                    str(entry.guid),
                ]
            )
            walk(entry.children, here)

    walk(codes, [])
    return rows


def codebook_csv(codes: list[CodeEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in codebook_rows(codes):
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()


# --- reading -----------------------------------------------------------------------------------


def _guid(value: str | None, where: str) -> uuid.UUID:
    try:
        return uuid.UUID((value or "").strip("{}"))
    except ValueError:
        raise _problem(
            _("%(where)s: “%(guid)s” is not a GUID.") % {"where": where, "guid": value or ""}
        ) from None


def _entry(element: ET.Element, where: str, seen: set[uuid.UUID]) -> CodeEntry:
    name = (element.get("name") or "").strip()
    if not name:
        raise _problem(_("%(where)s: a code has no name.") % {"where": where})
    where = _("%(where)s, code “%(name)s”") % {"where": where, "name": name}
    guid = _guid(element.get("guid"), where)
    if guid in seen:
        raise _problem(_("%(where)s: its GUID appears twice.") % {"where": where})
    seen.add(guid)
    description = element.find(_q("Description"))
    color = (element.get("color") or "").strip()
    return CodeEntry(
        guid=guid,
        name=name,
        description=(description.text or "") if description is not None else "",
        color=color if len(color) == 7 and color.startswith("#") else "",
        children=[_entry(child, where, seen) for child in element.findall(_q("Code"))],
    )


def read_qdc(data: bytes) -> list[CodeEntry]:
    """The codes of a .qdc file, nested, with their evaluation questions (from the Sets whose
    description marks them as such); a ValidationProblem saying what is wrong otherwise."""
    if len(data) > limits().max_bytes:
        raise _problem(too_large_message(limits().max_bytes))
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise _problem(
            _("The file declares a DTD or entities, which are refused: export it again.")
        ) from exc
    except ET.ParseError as exc:
        raise _problem(_("The file is not valid XML: %(error)s") % {"error": exc}) from exc
    if root.tag != _q("CodeBook"):
        raise _problem(
            _("This is not a REFI-QDA codebook: the root must be CodeBook in %(ns)s.") % {"ns": NS}
        )
    holder = root.find(_q("Codes"))
    if holder is None:
        raise _problem(_("The codebook has no Codes element."))
    seen: set[uuid.UUID] = set()
    codes = [_entry(element, _("Codes"), seen) for element in holder.findall(_q("Code"))]
    by_guid = {entry.guid: entry for entry in _walk(codes)}
    for found in root.iterfind(f"{_q('Sets')}/{_q('Set')}"):
        description = found.find(_q("Description"))
        if description is None or (description.text or "").strip() != SET_NOTE:
            continue  # a set of the QDA software's own, not an evaluation question
        number = (found.get("name") or "").strip()
        for member in found.findall(_q("MemberCode")):
            target = by_guid.get(_guid(member.get("targetGUID"), number))
            if target is not None and number and number not in target.questions:
                target.questions.append(number)
    return codes
