"""Analysis: code tallies over 100,000 codings, by each tally attribute, against hand-written
SQL computing the same numbers in the same run (issue 18: at most 2x).

100,000 submitted responses, each with one open answer (bench.synthetic), a codebook of 20
codes, a coding of every answer with one code and every third one with a second code
(133,334 code links), all bulk-inserted. analysis.selectors.tallies.code_tallies by
stakeholder group, region, category and instrument (a lead's unsuppressed view, and a viewer's
suppressed one by stakeholder group) against the hand-written aggregation: COUNT(DISTINCT
response) per code and value, per code, and the n per value and in all.

`--smoke` runs it at 500 responses, one timing each, and saves nothing in bench/results/.
"""

from __future__ import annotations

import time

from django.db import connection, transaction

from bench.bench_reports import markdown
from bench.harness import Result, median_seconds
from bench.synthetic import responses_add, results_save, synthetic_evaluation

RESPONSES = 100_000
CODES = 20
RATIO = 2.0
REPEAT = 5
SMOKE_RESPONSES, SMOKE_REPEAT = 500, 1
ATTRIBUTES = ("stakeholder_group", "region", "category", "instrument")


def _value_sql(by: str) -> str:
    if by == "instrument":
        return "i.key"
    if connection.vendor == "postgresql":
        return f"COALESCE(r.attributes ->> '{by}', '')"
    return f"COALESCE(json_extract(r.attributes, '$.{by}'), '')"


def baseline_sql(by: str, evaluation_id: int) -> list[str]:
    """The hand-written aggregation: the cells, the code totals, the n per value and in all."""
    value = _value_sql(by)
    coded = (
        " FROM analysis_coding c JOIN analysis_coding_codes cc ON cc.coding_id = c.id"
        " JOIN questionnaires_answer a ON a.id = c.answer_id"
        " JOIN questionnaires_response r ON r.id = a.response_id"
        " JOIN questionnaires_instrumentversion v ON v.id = r.version_id"
        " JOIN questionnaires_instrument i ON i.id = v.instrument_id"
        f" WHERE c.evaluation_id = {int(evaluation_id)}"
    )
    answered = (
        " FROM questionnaires_response r"
        " JOIN questionnaires_distribution d ON d.id = r.distribution_id"
        " JOIN questionnaires_instrumentversion v ON v.id = r.version_id"
        " JOIN questionnaires_instrument i ON i.id = v.instrument_id"
        f" WHERE d.evaluation_id = {int(evaluation_id)} AND r.status = 'submitted'"
        " AND EXISTS (SELECT 1 FROM questionnaires_answer a JOIN questionnaires_question q"
        " ON q.id = a.question_id WHERE a.response_id = r.id"
        " AND q.kind IN ('short_text', 'long_text') AND a.text <> '')"
    )
    return [
        f"SELECT cc.code_id, {value}, COUNT(DISTINCT a.response_id){coded} GROUP BY 1, 2",
        f"SELECT cc.code_id, COUNT(DISTINCT a.response_id){coded} GROUP BY 1",
        f"SELECT {value}, COUNT(*){answered} GROUP BY 1",
        f"SELECT COUNT(*){answered}",
    ]


def codings_add(evaluation_id: int, distribution_id: int) -> int:
    """A code set of CODES, a coding per answer, one code each and a second every third."""
    from analysis.models import Code

    codes = Code.objects.bulk_create(
        Code(evaluation_id=evaluation_id, name=f"Code {n}", order=n) for n in range(CODES)
    )
    first = min(code.pk for code in codes)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO analysis_coding (evaluation_id, answer_id, note_id, start, "end", text,'
            " memo, lead_only, coder_id, created_at)"
            f" SELECT {int(evaluation_id)}, a.id, NULL, 0, 6, 'Answer', '', FALSE, NULL,"
            " CURRENT_TIMESTAMP FROM questionnaires_answer a"
            " JOIN questionnaires_response r ON r.id = a.response_id"
            f" WHERE r.distribution_id = {int(distribution_id)}"
        )
        cursor.execute(
            "INSERT INTO analysis_coding_codes (coding_id, code_id)"
            f" SELECT c.id, {first} + c.id % {CODES} FROM analysis_coding c"
            f" WHERE c.evaluation_id = {int(evaluation_id)}"
            f" UNION ALL SELECT c.id, {first} + (c.id + 7) % {CODES} FROM analysis_coding c"
            f" WHERE c.evaluation_id = {int(evaluation_id)} AND c.id % 3 = 0"
        )
        cursor.execute("SELECT COUNT(*) FROM analysis_coding_codes")
        links = cursor.fetchone()[0]
        cursor.execute("ANALYZE")
    return int(links)


def tally_bench(responses: int, repeat: int) -> tuple[list[Result], dict[str, object]]:
    from analysis.selectors.tallies import code_tallies

    synthetic = synthetic_evaluation(slug="bench-analysis", likert=0, texts=1)
    started = time.perf_counter()
    responses_add(synthetic, start=1, stop=responses + 1)
    links = codings_add(synthetic.evaluation.pk, synthetic.distribution.pk)
    generated = time.perf_counter() - started
    results, record = [], {"responses": responses, "codes": CODES, "links": links}
    cases = [(by, True) for by in ATTRIBUTES] + [("stakeholder_group", False)]
    for by, lead in cases:
        user = synthetic.lead if lead else synthetic.viewer
        statements = baseline_sql(by, synthetic.evaluation.pk)

        def ours(by: str = by, user: object = user, lead: bool = lead) -> None:
            table = code_tallies(user=user, evaluation=synthetic.evaluation, by=by,
                                 unsuppressed=lead)  # fmt: skip
            assert table.n == responses and len(table.rows) == CODES

        def baseline(statements: list[str] = statements) -> None:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    assert cursor.fetchall()

        seconds = median_seconds(ours, repeat=repeat)
        base = median_seconds(baseline, repeat=repeat)
        view = "lead" if lead else "viewer (suppressed)"
        results.append(
            Result(
                f"code_tallies by {by}, {view} vs hand-written SQL",
                seconds / base,
                RATIO,
                f"{seconds:.2f} s vs {base:.2f} s, {responses:,} codings, {links:,} code links",
            )
        )
        record[f"{by}/{view}"] = {"seconds": seconds, "sql_seconds": base}
    record["generated_seconds"] = generated
    return results, record


def run(*, smoke: bool = False) -> list[Result]:
    if smoke:
        results, _record = tally_bench(SMOKE_RESPONSES, SMOKE_REPEAT)
        print(f"Analysis ({connection.vendor}), smoke sizes, not saved:\n")
        print(markdown(results) + "\n")
        return results
    results, record = tally_bench(RESPONSES, REPEAT)
    path = results_save(
        f"analysis_{connection.vendor}",
        {
            "tallies": record,
            "results": [
                {"name": r.name, "ratio": r.ratio, "target": r.target, "ok": r.ok,
                 "detail": r.detail}
                for r in results
            ],
        },
    )  # fmt: skip
    print(f"Analysis ({connection.vendor}), saved to bench/results/{path.name}:\n")
    print(markdown(results) + "\n")
    return results
