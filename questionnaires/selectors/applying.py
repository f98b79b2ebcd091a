"""Which submitted responses each question applied to (skip logic and invitation attributes),
for the summaries: n counts only the respondents to whom an item was asked."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from questionnaires.answers import applying, stored_answers, version_meta
from questionnaires.conditions import referenced_keys
from questionnaires.models import Answer, Distribution, Response


def conditional_keys(distribution: Distribution) -> set[str]:
    """The keys of the version's questions with a skip-logic condition (their own or their
    section's)."""
    meta = version_meta(distribution.version)
    return {q.key for q in meta.questions if q.show_if or q.section_show_if}


def applied_responses(distribution: Distribution, keys: Iterable[str]) -> dict[str, set[str]]:
    """For each question of `keys` with a skip-logic condition: the ids of the submitted
    responses it applied to, by the answers they hold (answers.applying, the form's rule).
    Questions without a condition are left out (they applied to every response). Reads only
    the answers the conditions read, in one query."""
    meta = version_meta(distribution.version)
    wanted = [meta.by_key[k] for k in keys if k in meta.by_key]
    conditional = [q for q in wanted if q.show_if or q.section_show_if]
    if not conditional:
        return {}
    # Everything a condition reads, and what those conditions read in turn.
    read: set[str] = set()
    todo = [c for q in conditional for c in (q.show_if, q.section_show_if)]
    while todo:
        new = referenced_keys(todo.pop()) - read
        read |= new
        todo += [c for k in new if k in meta.by_key for c in (meta.by_key[k].show_if,
                 meta.by_key[k].section_show_if)]  # fmt: skip
    responses = Response.objects.filter(distribution=distribution, status=Response.Status.SUBMITTED)
    rows: dict[str, list[Answer]] = defaultdict(list)
    for answer in Answer.objects.filter(
        response__in=responses,
        question_id__in=[meta.by_key[k].id for k in read if k in meta.by_key],
    ).only("response_id", "question_id", "text", "number", "date", "choice", "choices"):
        rows[answer.response_id].append(answer)
    applied: dict[str, set[str]] = {q.key: set() for q in conditional}
    # Attributes are not read: an answer to a question they rule out is never stored.
    for response_id in responses.values_list("pk", flat=True):
        keys_applying = applying(meta.questions, None, stored_answers(rows[response_id], meta))
        for q in conditional:
            if q.key in keys_applying:
                applied[q.key].add(response_id)
    return applied
