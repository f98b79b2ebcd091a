"""Reports: the Likert summary over a million answers, and what an export job adds to the
workbook writer's own time.

Likert: 62,500 responses × 16 Likert items (1,000,000 answers) with region and stakeholder
group in each response's snapshot, bulk-inserted (bench.synthetic). likert_summary broken down
by an attribute against the hand-written single GROUP BY (question, attribute, choice) over the
same tables. Target: at most 1.5x (issue 17), and a small peak of Python memory (no model
instance per answer: loading them instead took 70x the time and 1.5 GB).

Export job: export_request → (eager task) → export_build on a workbook job, against calling
reports.workbook.workbook_write directly on the same evaluation (5,000 responses × 60
questions). Target: queueing, progress updates and file storage add under 5%.

`--smoke` runs both at tiny sizes (250 responses for the Likert summary; 5,001 × 10 for the
job, enough rows for it to save progress mid-way; one timing each) and saves nothing in
bench/results/.

The raw export's throughput and memory need PostgreSQL and their own processes:
bench/exports.py.
"""

from __future__ import annotations

import logging
import resource
import shutil
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from django.db import connection
from django.test import override_settings

from bench.harness import Result, median_seconds
from bench.synthetic import Synthetic, responses_add, results_save, synthetic_evaluation

LIKERT_RESPONSES = 62_500
LIKERT_ITEMS = 16
LIKERT_RATIO = 1.5
LIKERT_MEMORY_MB = 32.0  # Python's peak for one summary: the counts, never the answers
JOB_RESPONSES = 5_000
JOB_QUESTIONS = (48, 12)
JOB_RATIO = 1.05
REPEAT = 5
SMOKE_LIKERT_RESPONSES, SMOKE_REPEAT = 250, 1
# The smoke job is narrow but long enough to save its progress while the rows stream (every
# 5,000 rows, reports.services.export_jobs.PROGRESS_ROWS): a path a short job never takes.
SMOKE_JOB_RESPONSES, SMOKE_JOB_QUESTIONS = 5_001, (8, 2)


def group_by_sql(key: str) -> str:
    """The hand-written baseline: one GROUP BY over answers joined to their responses."""
    if connection.vendor == "postgresql":
        bucket = "r.attributes ->> %s"
    else:
        bucket = "json_extract(r.attributes, '$.' || %s)"
    return (
        f"SELECT a.question_id, {bucket}, a.choice, COUNT(*) FROM questionnaires_answer a"
        " JOIN questionnaires_response r ON r.id = a.response_id"
        " WHERE r.distribution_id = %s AND r.status = 'submitted' AND a.choice <> ''"
        " GROUP BY 1, 2, 3"
    )


def python_peak_mb(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def likert_case(synthetic: Synthetic, *, by: str, lead: bool, repeat: int) -> dict[str, float]:
    from reports.selectors.likert import likert_summary

    distribution = synthetic.distribution
    user = synthetic.lead if lead else synthetic.viewer
    sql = group_by_sql(by)

    def ours() -> None:
        tables = likert_summary(user=user, distribution=distribution, by=by, unsuppressed=lead)
        assert sum(len(t.rows) for t in tables) > LIKERT_ITEMS

    def baseline() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [by, distribution.pk])
            assert len(cursor.fetchall()) > LIKERT_ITEMS

    rss_before = maxrss_mb()
    seconds = median_seconds(ours, repeat=repeat)
    rss_after = maxrss_mb()
    base = median_seconds(baseline, repeat=repeat)
    return {
        "seconds": seconds,
        "group_by_seconds": base,
        "ratio": seconds / base,
        "python_peak_mb": python_peak_mb(ours),
        "maxrss_growth_mb": rss_after - rss_before,
    }


def likert_bench(responses: int, repeat: int) -> tuple[list[Result], dict[str, object]]:
    synthetic = synthetic_evaluation(slug="bench-likert", likert=LIKERT_ITEMS)
    started = time.perf_counter()
    responses_add(synthetic, start=1, stop=responses + 1)
    generated = time.perf_counter() - started
    answers = responses * LIKERT_ITEMS
    cases = {
        "region, lead (unsuppressed)": likert_case(
            synthetic, by="region", lead=True, repeat=repeat
        ),
        "region, viewer (suppressed)": likert_case(
            synthetic, by="region", lead=False, repeat=repeat
        ),
        "stakeholder group, lead": likert_case(
            synthetic, by="stakeholder_group", lead=True, repeat=repeat
        ),
    }
    results = []
    for name, m in cases.items():
        results.append(
            Result(
                f"likert_summary by {name} vs GROUP BY",
                m["ratio"],
                LIKERT_RATIO,
                f"{m['seconds']:.2f} s vs {m['group_by_seconds']:.2f} s, {answers:,} answers",
            )
        )
    peak = max(m["python_peak_mb"] for m in cases.values())
    growth = max(m["maxrss_growth_mb"] for m in cases.values())
    results.append(
        Result(
            f"likert_summary peak Python memory / {LIKERT_MEMORY_MB:g} MB",
            peak / LIKERT_MEMORY_MB,
            1.0,
            f"{peak:.1f} MB traced, peak RSS grew {growth:.1f} MB",
        )
    )
    record = {
        "responses": responses,
        "items": LIKERT_ITEMS,
        "answers": answers,
        "generated_seconds": generated,
        "cases": cases,
    }
    return results, record


def job_bench(
    responses: int, repeat: int, questions: tuple[int, int] = JOB_QUESTIONS
) -> tuple[list[Result], dict[str, object]]:
    from reports.models import ExportJob
    from reports.services.exports import export_build, export_request
    from reports.workbook import workbook_write

    likert, texts = questions
    synthetic = synthetic_evaluation(slug="bench-jobs", likert=likert, texts=texts)
    responses_add(synthetic, start=1, stop=responses + 1)
    evaluation, lead = synthetic.evaluation, synthetic.lead
    workdir = Path(tempfile.mkdtemp(prefix="consulta-bench-jobs-"))

    def direct() -> None:
        target = workdir / "direct.xlsx"
        workbook_write(target, evaluation=evaluation, user=lead)
        target.unlink()

    def job() -> None:
        job = export_request(evaluation=evaluation, by=lead, kind="workbook", parameters={})
        # Without a broker the task ran eagerly on commit; with one, build it here.
        export_build(job_id=job.pk)
        job.refresh_from_db()
        assert job.state == ExportJob.State.DONE, job.error
        job.file.delete(save=False)

    # The eager task's "succeeded in" lines would bury the results.
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)
    with override_settings(MEDIA_ROOT=str(workdir / "media")):
        direct()  # warm both
        job()
        samples: dict[str, list[float]] = {"direct": [], "job": []}
        for i in range(repeat):
            # Alternate which goes first, so drift on a shared machine falls on both.
            for name, fn in (("direct", direct), ("job", job))[:: 1 if i % 2 == 0 else -1]:
                started = time.perf_counter()
                fn()
                samples[name].append(time.perf_counter() - started)
    shutil.rmtree(workdir, ignore_errors=True)
    direct_s, job_s = statistics.median(samples["direct"]), statistics.median(samples["job"])
    result = Result(
        "export job (request, progress, storage) vs workbook_write",
        job_s / direct_s,
        JOB_RATIO,
        f"{job_s:.2f} s vs {direct_s:.2f} s, {responses:,} responses × {likert + texts}",
    )
    record = {
        "responses": responses,
        "questions": likert + texts,
        "job_seconds": job_s,
        "direct_seconds": direct_s,
        "samples": samples,
        "ratio": job_s / direct_s,
    }
    return [result], record


def markdown(results: list[Result]) -> str:
    lines = ["| Measurement | Ratio | Target | Detail |", "|---|---:|---:|---|"]
    for r in results:
        lines.append(f"| {r.name} | {r.ratio:.2f} | ≤ {r.target:g} | {r.detail} |")
    return "\n".join(lines)


def run(*, smoke: bool = False) -> list[Result]:
    if smoke:
        likert_results, _ = likert_bench(SMOKE_LIKERT_RESPONSES, SMOKE_REPEAT)
        job_results, _ = job_bench(SMOKE_JOB_RESPONSES, SMOKE_REPEAT, SMOKE_JOB_QUESTIONS)
        results = likert_results + job_results
        print(f"Reports ({connection.vendor}), smoke sizes, not saved:\n")
        print(markdown(results) + "\n")
        return results
    likert_results, likert_record = likert_bench(LIKERT_RESPONSES, REPEAT)
    job_results, job_record = job_bench(JOB_RESPONSES, REPEAT)
    results = likert_results + job_results
    path = results_save(
        f"reports_{connection.vendor}",
        {
            "likert": likert_record,
            "export_job": job_record,
            "results": [
                {"name": r.name, "ratio": r.ratio, "target": r.target, "ok": r.ok,
                 "detail": r.detail}
                for r in results
            ],
        },
    )  # fmt: skip
    print(f"Reports ({connection.vendor}), saved to bench/results/{path.name}:\n")
    print(markdown(results) + "\n")
    return results
