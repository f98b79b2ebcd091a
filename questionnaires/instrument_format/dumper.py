"""Writing an instrument file: the canonical spec to YAML, defaults left out."""

from __future__ import annotations

from typing import Any

import yaml
from django.conf import settings

from questionnaires.files import size_write
from questionnaires.instrument_format.vocabulary import FORMAT_VERSION


def _text_out(value: dict[str, str]) -> str | dict[str, str] | None:
    if not value:
        return None
    if set(value) == {"en"}:
        return value["en"]
    order = [code for code, _name in settings.LANGUAGES]
    return {
        code: value[code]
        for code in sorted(
            value, key=lambda c: (c not in order, order.index(c) if c in order else 0, c)
        )
    }


def _sorted(value: Any) -> Any:
    """Free-form mappings with their keys sorted: the database (PostgreSQL's jsonb) does not
    keep the order they were written in, and the dump must not depend on it."""
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def _condition_out(condition: dict | None) -> dict | None:
    if not condition:
        return None
    operator = "in" if "in" in condition else "not_in"
    return {"attribute": condition["attribute"], operator: condition[operator]}


def _show_if_out(condition: dict | None) -> dict | None:
    """A skip-logic condition with its fields in the documented order (question first)."""
    if not condition:
        return None
    for name in ("all", "any"):
        if name in condition:
            return {name: [_show_if_out(c) for c in condition[name]]}
    if "not" in condition:
        return {"not": _show_if_out(condition["not"])}
    return {
        "question": condition["question"],
        **{k: v for k, v in condition.items() if k != "question"},
    }


def _compact(mapping: dict) -> dict:
    """Leave out what the parser would fill in by default."""
    return {k: v for k, v in mapping.items() if v not in (None, "", [], {}, False)}


def _question_out(q: dict) -> dict:
    return _compact(
        {
            "key": q["key"],
            "label": q["label"],
            "kind": q["kind"],
            "text": _text_out(q["text"]),
            "help": _text_out(q["help"]),
            "prompt": _text_out(q["prompt"]),
            "required": q["required"],
            "min": q["min"],
            "max": q["max"],
            "scale": q["scale"],
            "block": q["block"],
            "choices": [
                _compact({"code": c["code"], "label": _text_out(c["label"]), "other": c["other"]})
                for c in q["choices"]
            ],
            "applies_to": _condition_out(q["applies_to"]),
            "show_if": _show_if_out(q.get("show_if")),
            "notes": [
                _compact({"marker": n["marker"], "text": _text_out(n["text"])}) for n in q["notes"]
            ],
            "details": _sorted(q["details"]),
            "accept": q.get("accept") or [],
            "max_size": size_write(q["max_size"]) if q.get("max_size") else None,
        }
    )


def instrument_document(spec: dict) -> dict:
    """The canonical spec as the mapping written to YAML (defaults left out)."""
    deadline = _compact(
        {"date": spec["deadline"]["date"], "text": _text_out(spec["deadline"]["text"])}
    )
    return _compact(
        {
            "consulta_instrument": FORMAT_VERSION,
            "key": spec["key"],
            "kind": spec["kind"],
            "languages": spec["languages"],
            "title": _text_out(spec["title"]),
            "subtitle": _text_out(spec["subtitle"]),
            "source": spec["source"],
            "introduction": _text_out(spec["introduction"]),
            "closing": _text_out(spec["closing"]),
            "consent": _compact(
                {
                    "notice": _text_out(spec.get("consent", {}).get("notice") or {}),
                    "checkbox": _text_out(spec.get("consent", {}).get("checkbox") or {}),
                }
            ),
            "deadline": deadline,
            "confidentiality": _text_out(spec["confidentiality"]),
            "attributes": {
                name: _compact(
                    {
                        "label": _text_out(a["label"]),
                        "values": {c: _text_out(a["values"][c]) for c in sorted(a["values"])},
                    }
                )
                for name, a in sorted(spec["attributes"].items())
            },
            "details": _sorted(spec["details"]),
            "scales": [instrument_document_scale(s) for s in spec["scales"]],
            "sections": [
                _compact(
                    {
                        "key": s["key"],
                        "label": s["label"],
                        "title": _text_out(s["title"]),
                        "introduction": _text_out(s["introduction"]),
                        "show_if": _show_if_out(s.get("show_if")),
                        "questions": [_question_out(q) for q in s["questions"]],
                    }
                )
                for s in spec["sections"]
            ],
        }
    )


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        # An object met twice is written twice: the parser refuses anchors and aliases.
        return True


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line texts as literal blocks, so paragraphs stay readable and exact.
    if "\n" in value and not value.endswith((" ", "\t")) and "\t" not in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_representer)


def instrument_document_scale(scale: dict) -> dict:
    """One scale of a spec as it is written in a document."""
    return _compact(
        {
            "key": scale["key"],
            "name": _text_out(scale["name"]),
            "points": [
                {"code": p["code"], "label": _text_out(p["label"])} for p in scale["points"]
            ],
            "outside": [
                {"code": p["code"], "label": _text_out(p["label"])} for p in scale["outside"]
            ],
        }
    )


def instrument_dump(spec: dict) -> str:
    """The canonical YAML text of a spec."""
    return instrument_dump_document(instrument_document(spec))


def instrument_dump_document(document: dict) -> str:
    """YAML text of a document mapping, in the canonical style."""
    return yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
