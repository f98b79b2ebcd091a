"""Text that can be stored: what no database text column or UTF-8 page can hold."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def has_lone_surrogate(value: Any) -> bool:
    """True for a string (or a list of them) holding a lone surrogate (U+D800–U+DFFF), as
    JSON's "\\ud800" decodes to: no UTF-8 text can hold one."""
    if isinstance(value, list | tuple):
        return any(has_lone_surrogate(item) for item in value)
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def has_nul(value: Any) -> bool:
    """True for a string (or a list of them) holding a NUL character (PostgreSQL's text and
    every lookup refuse it)."""
    if isinstance(value, list | tuple):
        return any(has_nul(item) for item in value)
    return isinstance(value, str) and "\x00" in value


def text_path(data: Any, bad: Callable[[Any], bool]) -> str | None:
    """Where parsed JSON (or a form's fields as a dict of lists) holds text that is `bad`, as
    "answers.B1" ("answers" for a key of that object, "" at the top); None when it holds none.
    Walks without recursion."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if bad(value):
                return path
        elif isinstance(value, dict):
            for key, item in value.items():
                if bad(key):
                    return path
                stack.append((f"{path}.{key}" if path else str(key), item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{n}" if path else str(n), item) for n, item in enumerate(value))
    return None


def lone_surrogate_path(data: Any) -> str | None:
    return text_path(data, has_lone_surrogate)


def nul_path(data: Any) -> str | None:
    return text_path(data, has_nul)
