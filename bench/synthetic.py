"""A synthetic evaluation at scale for the report benchmarks, and where their results go.

The instrument (version, sections, Likert blocks, questions, scale) is made through the ORM;
responses and answers are bulk-inserted by INSERT … SELECT over a number series, straight into
the real tables, so a million answers take seconds and Python never holds them. Answers are a
deterministic function of (response number, question), so two runs build the same data, and
each response's answers document is built in the same INSERT from the same values.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

if TYPE_CHECKING:
    from accounts.models import User
    from evaluations.models import Evaluation
    from questionnaires.models import Distribution

RESULTS = Path(__file__).resolve().parent / "results"
BLOCK_SIZE = 8  # Likert items per block (and per section)
REGIONS = ["Africa", "Americas", "Arab States", "Asia and the Pacific", "Europe", "Headquarters"]
GROUPS = ["General Service", "Professional", "National Officer", "Director"]
COUNTRIES = ["CH", "KE", "PE", "TH", "HU", "JO", "IN", "SN", "BR", "DE", "EG", "ZA"]
OFFICE_TYPES = ["Headquarters", "Regional office", "Country office", "Project office"]
# The 4-point agreement scale plus one point outside it, codes as the paper form prints them.
SCALE = [
    ("4", 4, "Strongly agree", True),
    ("3", 3, "Agree", True),
    ("2", 2, "Disagree", True),
    ("1", 1, "Strongly disagree", True),
    ("dk", None, "Don't know", False),
]


@dataclass(frozen=True)
class Synthetic:
    evaluation: Evaluation
    distribution: Distribution
    lead: User
    viewer: User
    likert: int  # Likert items
    texts: int  # open questions (short and long text)

    @property
    def questions(self) -> int:
        return self.likert + self.texts


def synthetic_evaluation(*, slug: str, likert: int, texts: int = 0) -> Synthetic:
    """An evaluation with a lead and a viewer, a frozen version of `likert` Likert items (in
    blocks of 8, one section each) and `texts` open questions spread over the sections, and
    a team-confidential distribution of it with no responses yet."""
    from accounts.models import User
    from evaluations.models import Evaluation, Membership
    from questionnaires.models import Distribution, Instrument, InstrumentVersion

    evaluation = Evaluation.objects.create(title=f"Synthetic {slug}", slug=slug)
    lead = User.objects.create_user(email=f"lead-{slug}@example.org", name="Bench Lead")
    viewer = User.objects.create_user(email=f"viewer-{slug}@example.org", name="Bench Viewer")
    Membership.objects.create(evaluation=evaluation, user=lead, role="lead")
    Membership.objects.create(evaluation=evaluation, user=viewer, role="viewer")
    instrument = Instrument.objects.create(evaluation=evaluation, key="staff", kind="questionnaire")
    version = InstrumentVersion.objects.create(
        instrument=instrument,
        number=1,
        languages=["en"],
        title={"en": "Synthetic staff questionnaire"},
        frozen_at=timezone.now(),
    )
    _questions_create(evaluation=evaluation, version=version, likert=likert, texts=texts)
    distribution = Distribution.objects.create(
        evaluation=evaluation,
        version=version,
        title="Synthetic staff survey",
        confidentiality="team",
        languages=["en"],
        sent_at=timezone.now(),
        created_by=lead,
    )
    return Synthetic(evaluation, distribution, lead, viewer, likert, texts)


def _questions_create(*, evaluation, version, likert: int, texts: int) -> None:
    from questionnaires.models import LikertBlock, Question, Scale, ScalePoint, Section

    scale = Scale.objects.create(evaluation=evaluation, key="agree4", name={"en": "Agreement"})
    ScalePoint.objects.bulk_create(
        ScalePoint(scale=scale, order=i, code=c, value=v, label={"en": t}, in_scale=s)
        for i, (c, v, t, s) in enumerate(SCALE, start=1)
    )
    sections = max(1, -(-likert // BLOCK_SIZE))
    questions, number = [], 0
    for s in range(sections):
        section = Section.objects.create(
            version=version, order=s + 1, key=f"s{s + 1}", title={"en": f"Part {s + 1}"}
        )
        items = range(s * BLOCK_SIZE, min(likert, (s + 1) * BLOCK_SIZE))
        block = None
        if items:
            block = LikertBlock.objects.create(
                version=version, section=section, key=f"b{s + 1}", scale=scale
            )
        # The open questions are shared out over the sections, after each block.
        opens = range(s * texts // sections, (s + 1) * texts // sections)
        for order, kind in enumerate(
            [*(["likert"] * len(items)), *(["short_text", "long_text"][i % 2] for i in opens)]
        ):
            number += 1
            questions.append(
                Question(
                    version=version,
                    section=section,
                    block=block if kind == "likert" else None,
                    order=order + 1,
                    key=f"q{number}",
                    label=f"{number})",
                    kind=kind,
                    text={"en": f"Statement {number} about the office and its work"},
                )
            )
    Question.objects.bulk_create(questions)


# --- bulk rows ----------------------------------------------------------------------------------


def _series(start: int, stop: int) -> str:
    """A FROM item yielding n = start … stop - 1 (integers formatted in, never user input)."""
    if connection.vendor == "postgresql":
        return f"generate_series({int(start)}, {int(stop) - 1}) AS s(n)"
    return (
        f"(WITH RECURSIVE r(n) AS (SELECT {int(start)} UNION ALL SELECT n + 1 FROM r "
        f"WHERE n < {int(stop) - 1}) SELECT n FROM r) AS s"
    )


def _response_id(distribution_id: int) -> str:
    # Random-looking 32-character ids on PostgreSQL, like response_id(); SQLite has no md5.
    if connection.vendor == "postgresql":
        return f"md5('{int(distribution_id)}:' || s.n)"
    return f"printf('%08d%024d', {int(distribution_id)}, s.n)"


def _pick(values: list[str], expression: str) -> str:
    cases = " ".join(f"WHEN {i} THEN '{v}'" for i, v in enumerate(values))
    return f"CASE ({expression}) % {len(values)} {cases} END"


def _attributes() -> str:
    pairs = [
        ("region", _pick(REGIONS, "s.n")),
        ("stakeholder_group", _pick(GROUPS, "s.n / 7")),
        ("country", _pick(COUNTRIES, "s.n / 3")),
        ("office_type", _pick(OFFICE_TYPES, "s.n / 11")),
    ]
    function = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    arguments = ", ".join(f"'{key}', {value}" for key, value in pairs)
    return f"{function}({arguments})"


def _submitted_at() -> str:
    if connection.vendor == "postgresql":
        return "TIMESTAMPTZ '2026-03-02 08:00:00+00' + s.n * INTERVAL '7 seconds'"
    return "datetime('2026-03-02 08:00:00', '+' || (s.n * 7) || ' seconds')"


def _json_list() -> str:
    return "'[]'::jsonb" if connection.vendor == "postgresql" else "'[]'"


def _choice() -> str:
    # Skewed towards agreement, with about 4% "Don't know".
    x = "((s.n * 7919 + q.id * 104729) % 100)"
    return (
        f"CASE WHEN {x} < 4 THEN 'dk' WHEN {x} < 34 THEN '4' WHEN {x} < 74 THEN '3' "
        f"WHEN {x} < 92 THEN '2' ELSE '1' END"
    )


def _text() -> str:
    # Every 101st answer starts with "=", so the safe-cell path is exercised as in real data.
    lead = "CASE WHEN s.n % 101 = 0 THEN '=1+1 ' ELSE '' END"
    long = "' because the office has changed a lot since the last reform; see the annex.'"
    return (
        f"{lead} || 'Answer of respondent ' || s.n || ' to ' || q.key || "
        f"CASE WHEN q.kind = 'long_text' THEN {long} ELSE '' END"
    )


def _document(version_id: int) -> str:
    """Each response's answers document (questionnaires.documents), aggregated in SQL from the
    same deterministic values as its answer rows: a Likert code or a text, one string each."""
    value = f"CASE WHEN q.kind = 'likert' THEN {_choice()} ELSE {_text()} END"
    if connection.vendor == "postgresql":
        document, empty = f"jsonb_object_agg(q.key, {value})", "'{}'::jsonb"
    else:
        document, empty = f"json_group_object(q.key, {value})", "'{}'"
    return (
        f"COALESCE((SELECT {document} FROM questionnaires_question q"
        f" WHERE q.version_id = {int(version_id)}), {empty})"
    )


def responses_add(synthetic: Synthetic, *, start: int, stop: int, rows: bool = True) -> None:
    """Submitted responses numbered start … stop - 1, each answering every question. Without
    `rows`, the answers documents only (what the raw export reads): the answer rows, which
    only the summaries read, take most of the time to build."""
    distribution = synthetic.distribution
    batch = max(1, 600_000 // max(1, synthetic.questions))
    for low in range(start, stop, batch):
        high = min(stop, low + batch)
        _insert_batch(distribution, low, high, rows=rows)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE questionnaires_response, questionnaires_answer")
        else:
            cursor.execute("ANALYZE")


def _insert_batch(distribution: Distribution, low: int, high: int, *, rows: bool = True) -> None:
    rid = _response_id(distribution.pk)
    responses = (
        "INSERT INTO questionnaires_response (id, distribution_id, version_id, status, channel,"
        " language, attributes, returned_file, late, route, started_at, last_saved_at,"
        f" submitted_at, document) SELECT {rid}, {int(distribution.pk)},"
        f" {int(distribution.version_id)}, 'submitted', 'web', 'en', {_attributes()},"
        f" '', FALSE, '', {_submitted_at()}, {_submitted_at()}, {_submitted_at()},"
        f" {_document(distribution.version_id)}"
        f" FROM {_series(low, high)}"
    )
    answers = (
        "INSERT INTO questionnaires_answer (response_id, question_id, text, number, date,"
        f" choice, choices) SELECT {rid}, q.id,"
        f" CASE WHEN q.kind = 'likert' THEN '' ELSE {_text()} END, NULL, NULL,"
        f" CASE WHEN q.kind = 'likert' THEN {_choice()} ELSE '' END, {_json_list()}"
        f" FROM {_series(low, high)} CROSS JOIN questionnaires_question q"
        f" WHERE q.version_id = {int(distribution.version_id)}"
    )
    # No parameters: the SQL holds only integers formatted in, and its % are modulo signs.
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The rows are consistent by construction: skip the per-row deferred foreign-key
            # triggers, which would triple the load time (needs a superuser; else checked).
            cursor.execute(
                "SELECT set_config('session_replication_role', 'replica', true)"
                " WHERE (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
            )
        cursor.execute(responses)
        if rows:
            cursor.execute(answers)


# --- results ------------------------------------------------------------------------------------


def machine_info() -> dict[str, object]:
    """What the numbers were measured on."""
    info: dict[str, object] = {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["db"] = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        import sqlite3

        info["db"] = f"{connection.vendor} {sqlite3.sqlite_version}"
    return info


def results_save(
    section: str, data: dict[str, object], *, machine: dict[str, object] | None = None
) -> Path:
    """Merge one benchmark's measurements into bench/results/<today>.json (`machine`: what
    machine_info() returned, when the database is already gone)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{dt.date.today().isoformat()}.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    results.setdefault("machine", {})
    results["machine"][connection.vendor] = machine or machine_info()
    results[section] = data
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    return path
