"""Skip logic in an instrument file: `show_if` conditions and `{answer:KEY}` piping may read
only questions that come before them; each problem is reported with its line."""

from __future__ import annotations

import re

from questionnaires.conditions import Target, check
from questionnaires.instrument_format.lines import Problems

# "{answer:A3}" in a question's text quotes the respondent's earlier answer to A3.
PIPE_RE = re.compile(r"\{answer:([^{}\s]*)\}")
PIPED_FIELDS = ("text", "help", "prompt")


def _target(question: dict, scales: dict[str, dict]) -> Target:
    if question["kind"] == "likert":
        scale = scales.get(question["scale"] or "", {})
        codes = [p["code"] for p in scale.get("points", [])]
        codes += [p["code"] for p in scale.get("outside", [])]
        return Target("likert", tuple(str(c) for c in codes))
    return Target(str(question["kind"]), tuple(str(c["code"]) for c in question["choices"]))


def check_skip_logic(spec: dict, problems: Problems) -> None:
    """Check (and store, checked) every section's and question's `show_if`, and the
    `{answer:KEY}` quotes in question texts, in the order a respondent meets them."""
    scales = {s["key"]: s for s in spec["scales"]}
    all_keys = [q["key"] for s in spec["sections"] for q in s["questions"]]
    earlier: dict[str, Target] = {}
    for si, section in enumerate(spec["sections"]):
        section_path = ("sections", si, "show_if")
        later = set(all_keys) - set(earlier)
        section["show_if"], found = check(
            section["show_if"], earlier, later=later, path=section_path
        )
        for path, message in found:
            problems.add(path, message)
        for qi, question in enumerate(section["questions"]):
            path = ("sections", si, "questions", qi)
            later = set(all_keys) - set(earlier)
            question["show_if"], found = check(
                question["show_if"], earlier, later=later, path=(*path, "show_if")
            )
            for where, message in found:
                problems.add(where, message)
            for name in PIPED_FIELDS:
                for language, text in (question.get(name) or {}).items():
                    for key in PIPE_RE.findall(text):
                        _check_pipe(
                            key, earlier, later, (*path, name, language), language, problems
                        )
            if question["key"]:
                earlier.setdefault(question["key"], _target(question, scales))


def _check_pipe(
    key: str,
    earlier: dict[str, Target],
    later: set[str],
    path: tuple,
    language: str,
    problems: Problems,
) -> None:
    where = f"{{answer:{key}}} ({language})"
    if key in earlier and earlier[key].kind == "instruction":
        problems.add(path, f"{where}: question “{key}” takes no answer to quote")
    elif key in later:
        problems.add(
            path,
            f"{where}: question “{key}” comes later (or is this one): a text can only quote an "
            "answer given before it",
        )
    elif key not in earlier:
        problems.add(path, f"{where}: unknown question “{key}”")
