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


def load_yaml(text: str) -> tuple[Any, dict[Path, int]]:
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
