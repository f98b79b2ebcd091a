"""A structural check of a REFI-QDA project against the shipped schema
(analysis/formats/schema/Project-mrt2019.xsd), read with defusedxml: lxml is not a dependency,
so this walks the schema's complex types itself — each element's children in the order and
number its sequence or choice allows, no unknown element, every required attribute present, no
unknown attribute, and GUIDs, colours, integers, booleans and dateTimes well formed. What it
does not do: facets other than these patterns, keyref/unique constraints."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring

import analysis

XS = "{http://www.w3.org/2001/XMLSchema}"
NS = "{urn:QDA-XML:project:1.0}"
XSD = Path(analysis.__file__).parent / "formats" / "schema" / "Project-mrt2019.xsd"
GUID = re.compile(r"\{?[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\}?")
PATTERNS = {
    "GUIDType": GUID,
    "RGBType": re.compile(r"#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})"),
    "xsd:integer": re.compile(r"-?\d+"),
    "xsd:boolean": re.compile(r"true|false|0|1"),
}
UNBOUNDED = 10**9


def _occurs(node: Element, name: str) -> int:
    value = node.get(name, "1")
    return UNBOUNDED if value == "unbounded" else int(value)


def _slots(model: Element) -> list[tuple[dict[str, str], int, int]]:
    """A sequence or choice as slots: (allowed element names → type, min, max)."""
    if model.tag == f"{XS}choice":
        names = {e.get("name"): e.get("type") for e in model.iter(f"{XS}element")}
        low = min(_occurs(e, "minOccurs") for e in model.iter(f"{XS}element"))
        return [(names, _occurs(model, "minOccurs") * low, _occurs(model, "maxOccurs"))]  # type: ignore[list-item]
    slots = []
    for part in model:
        if part.tag == f"{XS}element":
            slots.append(({part.get("name"): part.get("type")}, _occurs(part, "minOccurs"),
                          _occurs(part, "maxOccurs")))  # fmt: skip
        elif part.tag in (f"{XS}choice", f"{XS}sequence"):
            slots += _slots(part)
    return slots  # type: ignore[return-value]


def load_schema() -> tuple[dict[str, tuple[list, dict[str, tuple[str, bool]]]], str]:
    root = fromstring(XSD.read_bytes())
    types = {}
    for complex_type in root.iter(f"{XS}complexType"):
        model = next((c for c in complex_type if c.tag in (f"{XS}sequence", f"{XS}choice")), None)
        attributes = {
            a.get("name"): (a.get("type"), a.get("use") == "required")
            for a in complex_type.iter(f"{XS}attribute")
        }
        types[complex_type.get("name")] = (_slots(model) if model is not None else [], attributes)
    top = root.find(f"{XS}element[@name='Project']")
    return types, top.get("type")


def _value_problem(kind: str, value: str) -> bool:
    if kind == "xsd:dateTime":
        try:
            datetime.fromisoformat(value)
        except ValueError:
            return True
        return False
    pattern = PATTERNS.get(kind)
    return bool(pattern and not pattern.fullmatch(value))


def problems(xml: bytes) -> list[str]:
    """Every way the document departs from the schema (an empty list: it conforms)."""
    types, root_type = load_schema()
    root = fromstring(xml)
    found: list[str] = []
    if root.tag != f"{NS}Project":
        return [f"the root is {root.tag}, not Project"]

    def check(element: Element, type_name: str, where: str) -> None:
        if type_name.startswith("xsd:"):
            if len(element):
                found.append(f"{where}: a {type_name} holds elements")
            elif _value_problem(type_name, element.text or ""):
                found.append(f"{where}: {element.text!r} is not a {type_name}")
            return
        slots, attributes = types[type_name]
        for name, value in element.attrib.items():
            if name not in attributes:
                found.append(f"{where}: unknown attribute {name}")
            elif _value_problem(attributes[name][0], value):
                found.append(f"{where}/@{name}: {value!r} is not a {attributes[name][0]}")
        for name, (_kind, required) in attributes.items():
            if required and name not in element.attrib:
                found.append(f"{where}: required attribute {name} missing")
        children = list(element)
        at = 0
        for names, low, high in slots:
            count = 0
            while at < len(children) and count < high:
                local = children[at].tag.removeprefix(NS)
                if local not in names or not children[at].tag.startswith(NS):
                    break
                check(children[at], names[local], f"{where}/{local}")
                at, count = at + 1, count + 1
            if count < low:
                found.append(f"{where}: expected {' or '.join(names)} (at least {low})")
        for child in children[at:]:
            found.append(f"{where}: unexpected element {child.tag} here")

    check(root, root_type, "Project")
    return found
