"""YAML loaded with the line of every path in it, and problems reported by those lines."""

from __future__ import annotations

from typing import Any

import yaml

from common.errors import ValidationProblem

Path = tuple[str | int, ...]


def _path_text(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top)"


class Problems:
    """Collects (path, message) pairs and reports them with the YAML line of each path."""

    def __init__(self, lines: dict[Path, int]):
        self.lines = lines
        self.items: list[tuple[Path, str]] = []

    def add(self, path: Path, message: str) -> None:
        self.items.append((path, message))

    def line_of(self, path: Path) -> int:
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        located = sorted((self.line_of(p), _path_text(p), m) for p, m in self.items)
        errors: dict[str, list[str]] = {}
        for line, where, message in located:
            errors.setdefault(f"line {line}", []).append(f"{where}: {message}")
        line, where, message = located[0]
        more = f" (and {len(located) - 1} more)" if len(located) > 1 else ""
        raise ValidationProblem(f"line {line}: {where}: {message}{more}", errors=errors)


def _line_map(node: yaml.Node, path: Path, out: dict[Path, int], problems: list) -> None:
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                problems.append((key_node.start_mark.line + 1, _path_text((*path, key))))
            seen.add(key)
            out[(*path, key)] = key_node.start_mark.line + 1
            _line_map(value_node, (*path, key), out, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, (*path, index), out, problems)


ALIASES_REFUSED = "anchors and aliases (&name, *name) are not allowed in an instrument file."
MAX_DEPTH = 50

_OPENING = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSING = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
_STANDARD_TAG = "tag:yaml.org,2002:"


def _tag_refusal(token: yaml.TagToken) -> str | None:
    handle, suffix = token.value
    full = _STANDARD_TAG + suffix if handle == "!!" else suffix if handle is None else None
    if full is not None and full in yaml.SafeLoader.yaml_constructors:
        return None
    shown = f"!<{suffix}>" if handle is None else f"{handle}{suffix}"
    return f"the tag “{shown}” is not allowed in an instrument file; write the value without a tag."


def yaml_refusal(text: str) -> tuple[int, str] | None:
    """The first (line, message) of what an instrument file may not hold, read from the YAML
    tokens before anything is composed: anchors and aliases (a few of them nested expand to
    billions of nodes), tags other than YAML's standard ones, %TAG directives, and nesting
    deeper than MAX_DEPTH (PyYAML composes recursively). None when there is none; text that is
    not valid YAML is left to the parser, which says where."""
    depth = 0
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            line = token.start_mark.line + 1
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                return line, ALIASES_REFUSED
            if isinstance(token, yaml.TagToken) and (refused := _tag_refusal(token)):
                return line, refused
            if isinstance(token, yaml.DirectiveToken) and token.name == "TAG":
                return line, "YAML directives (%TAG) are not allowed in an instrument file."
            if isinstance(token, _OPENING):
                depth += 1
                if depth > MAX_DEPTH:
                    return line, f"the file nests lists and mappings more than {MAX_DEPTH} deep."
            elif isinstance(token, _CLOSING):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


def load_yaml(text: str) -> tuple[Any, dict[Path, int]]:
    refused = yaml_refusal(text)
    if refused is not None:
        line, message = refused
        raise ValidationProblem(f"line {line}: {message}", errors={f"line {line}": [message]})
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise ValidationProblem(
            f"line {line}: not valid YAML: {problem}", errors={f"line {line}": [str(problem)]}
        ) from exc
    lines: dict[Path, int] = {}
    duplicates: list[tuple[int, str]] = []
    if node is not None:
        _line_map(node, (), lines, duplicates)
    if duplicates:
        line, where = duplicates[0]
        raise ValidationProblem(
            f"line {line}: {where} is given twice",
            errors={f"line {ln}": [f"{w} is given twice"] for ln, w in duplicates},
        )
    return data, lines
