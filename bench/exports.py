"""Raw responses export benchmark: time and peak memory of the raw export against other writers
fed by the same rows, on a synthetic distribution in a throwaway PostgreSQL database.

For each size (responses × questions; 80% Likert items, 20% open questions) the data is built
with bulk SQL (the answers documents, which is all the raw export reads), then every case runs
in a fresh subprocess, so its peak RSS (VmHWM) is its own:

  ours        reports.workbook.responses.responses_write: the raw export (About sheet, raw sheet
              streamed from the answers documents by common.xlsx_stream)
  xlsxwriter  XlsxWriter constant_memory, write_row, fed by the same rows (KoboToolbox's writer)
  csv         csv.writer fed by the same rows (the floor for a text format)
  fetch       reading the rows only (COPY of the documents and the cells made of them)
  rustpy      rustpy-xlsxwriter (Rust; rows given as dicts, as it takes them), when installed
  job         the raw export as a user asks for it: an export job (queued, claimed, built with
              progress, stored), end to end

and one line per size is printed:

  export 10000x510: ours S s, xlsxwriter S s (ratio R), csv S s, peak M MB

Targets (issue "Performance"), ratios in one run: ours / xlsxwriter ≤ 0.25, ours / csv ≤ 2.5,
ours' peak ≤ 150 MB; with --big (132,229 × 510, the export KoboToolbox could not finish in 30
minutes) the job ≤ 180 s end to end and its peak ≤ 1.5 × the 10k × 510 peak. --smoke runs one
tiny size and enforces nothing (CI runs it so the bench cannot rot). Results are merged into
bench/results/<day>.json. Usage:

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/consulta python bench/exports.py
      [--size 10000x510 --size 50000x60] [--big] [--smoke] [--cases ours,xlsxwriter,…]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_SECRET_KEY = secrets.token_urlsafe(50)  # one per run; the database is thrown away
sys.path.insert(0, str(ROOT))

SIZES = ["10000x510", "50000x60"]
BIG = "132229x510"
SMOKE = "200x20"
SPEED = 0.25  # ours / xlsxwriter
CSV_RATIO = 2.5  # ours / csv
PEAK_MB = 150
BIG_SECONDS = 180
BIG_FLAT = 1.5  # the big job's peak / the 10k × 510 peak
CASES = ["fetch", "csv", "ours", "xlsxwriter", "rustpy", "job"]


# --- one case, in its own process ----------------------------------------------------------------


def counted(rows: Iterable[list[object]], tally: dict[str, int]) -> Iterator[list[object]]:
    for row in rows:
        tally["rows"] += 1
        tally["cells"] += len(row)
        yield row


def status_mb(field: str) -> float:
    """A memory line of /proc/self/status (VmRSS now, VmHWM the peak), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def write_xlsxwriter(path: Path, header: list[str], rows: Iterable[list[object]]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    book.use_zip64()
    sheet = book.add_worksheet("Raw responses")
    sheet.write_row(0, 0, header)
    for number, row in enumerate(rows, start=1):
        sheet.write_row(number, 0, row)
    book.close()


def write_rustpy(path: Path, header: list[str], rows: Iterable[list[object]]) -> None:
    from rustpy_xlsxwriter import FastExcel

    FastExcel(str(path)).sheet(
        "Raw responses", (dict(zip(header, r, strict=True)) for r in rows)
    ).save()


def write_csv(path: Path, header: list[str], rows: Iterable[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def read_only(path: Path, header: list[str], rows: Iterable[list[object]]) -> None:
    for _row in rows:
        pass


PLAIN = {
    "xlsxwriter": write_xlsxwriter,
    "rustpy": write_rustpy,
    "csv": write_csv,
    "fetch": read_only,
}


def case_main(case: str, distribution_id: int, user_id: int, path: Path) -> None:
    """Run one case and print one JSON line: seconds, rows, cells, peak and start RSS, bytes."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "survey_site.settings")
    import django

    django.setup()
    from accounts.models import User
    from questionnaires.models import Distribution
    from reports.selectors.raw import raw_columns, raw_response_rows

    user = User.objects.get(pk=user_id)
    distribution = Distribution.objects.select_related("evaluation").get(pk=distribution_id)
    header = [code for code, _label in raw_columns(distribution)]
    tally = {"rows": 0, "cells": 0}
    start_mb = status_mb("VmRSS")
    started = time.perf_counter()
    if case == "ours":
        from reports.workbook.responses import responses_write

        stats = responses_write(path, distribution=distribution, user=user)
        tally = {"rows": stats.raw_responses, "cells": stats.raw_responses * len(header)}
    elif case == "job":
        tally = run_job(distribution, user, path, len(header))
    else:
        rows = raw_response_rows(user=user, distribution=distribution)
        PLAIN[case](path, header, counted(rows, tally))
    seconds = time.perf_counter() - started
    size = path.stat().st_size if path.exists() else 0
    print(
        json.dumps(
            {
                "case": case,
                "seconds": seconds,
                **tally,
                "start_mb": start_mb,
                "peak_mb": status_mb("VmHWM"),
                "bytes": size,
            }
        )
    )


def run_job(distribution, user, path: Path, columns: int) -> dict[str, int]:
    """The export as the exports page asks for it: queued, then built by the task's code."""
    from reports.models import ExportJob
    from reports.services.exports import export_request

    job = export_request(
        evaluation=distribution.evaluation,
        by=user,
        kind="responses",
        parameters={"distribution": distribution.pk},
    )
    job.refresh_from_db()
    if job.state != ExportJob.State.DONE:  # a broker configured: build it here, as a worker
        from reports.services.exports import export_build

        export_build(job_id=job.pk)
        job.refresh_from_db()
    if job.state != ExportJob.State.DONE:
        raise RuntimeError(f"the export job ended {job.state}: {job.error}")
    from reports.selectors.raw import raw_response_count

    rows = raw_response_count(user=user, distribution=distribution)
    return {"rows": rows, "cells": rows * columns, "stored_bytes": job.size}


# --- the driver ---------------------------------------------------------------------------------


def run_case(case: str, *, env: dict[str, str], synthetic, workdir: Path) -> dict:
    path = workdir / f"{case}.{'csv' if case == 'csv' else 'xlsx'}"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--case",
        case,
        "--distribution",
        str(synthetic.distribution.pk),
        "--user",
        str(synthetic.lead.pk),
        "--out",
        str(path),
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"case {case} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["m_cells_per_s"] = result["cells"] / max(result["seconds"], 1e-9) / 1e6
    path.unlink(missing_ok=True)
    print(
        f"  {case:<10} {result['rows']:>7} rows {result['cells'] / 1e6:7.2f} M cells "
        f"{result['seconds']:7.1f} s {result['m_cells_per_s']:6.3f} M cells/s "
        f"peak {result['peak_mb']:6.1f} MB (start {result['start_mb']:.1f}) "
        f"{result.get('stored_bytes', result['bytes']) / 1e6:8.1f} MB file",
        flush=True,
    )
    return result


def available(cases: list[str]) -> list[str]:
    try:
        import rustpy_xlsxwriter  # noqa: F401
    except ImportError:
        if "rustpy" in cases:
            print("  (rustpy-xlsxwriter is not installed: that case is left out)")
        return [c for c in cases if c != "rustpy"]
    return cases


def measure(size: str, *, env, workdir: Path, cases: list[str], repeat: int) -> dict:
    """Build the size's data, then run each case; ours and xlsxwriter alternate (A B B A …)
    and the fastest run of each counts, as the least disturbed by other work."""
    from bench.synthetic import responses_add, synthetic_evaluation

    responses, questions = (int(n) for n in size.split("x"))
    likert = questions * 4 // 5
    started = time.perf_counter()
    synthetic = synthetic_evaluation(
        slug=f"exports-{size}", likert=likert, texts=questions - likert
    )
    responses_add(synthetic, start=1, stop=responses + 1, rows=False)  # documents only
    print(
        f"{responses:,} responses × {questions} questions (built in "
        f"{time.perf_counter() - started:.0f} s):",
        flush=True,
    )
    order = [c for c in cases if c not in ("ours", "xlsxwriter")]
    for i in range(repeat):
        pair = [c for c in ("ours", "xlsxwriter") if c in cases]
        order += pair if i % 2 == 0 else pair[::-1]
    runs: dict[str, list[dict]] = {}
    for case in order:
        runs.setdefault(case, []).append(
            run_case(case, env=env, synthetic=synthetic, workdir=workdir)
        )
    best = {}
    for case, results in runs.items():
        fastest = min(results, key=lambda r: r["seconds"])
        best[case] = {**fastest, "peak_mb": max(r["peak_mb"] for r in results)}
    return {"size": size, "responses": responses, "columns": questions, **best}


def line(m: dict) -> str:
    ours = m["ours"]
    text = f"export {m['responses']}x{m['columns']}: ours {ours['seconds']:.1f} s"
    if "xlsxwriter" in m:
        ratio = ours["seconds"] / m["xlsxwriter"]["seconds"]
        text += f", xlsxwriter {m['xlsxwriter']['seconds']:.1f} s (ratio {ratio:.2f})"
    if "csv" in m:
        text += f", csv {m['csv']['seconds']:.1f} s"
    return text + f", peak {ours['peak_mb']:.0f} MB"


def results_of(measured: list[dict], big: dict | None) -> list:
    from bench.harness import Result

    results = []
    for m in measured:
        ours, name = m["ours"], f"raw export {m['size']}"
        if "xlsxwriter" in m:
            results.append(
                Result(
                    f"{name}: ours / xlsxwriter",
                    ours["seconds"] / m["xlsxwriter"]["seconds"],
                    SPEED,
                    f"{ours['m_cells_per_s']:.2f} vs "
                    f"{m['xlsxwriter']['m_cells_per_s']:.2f} M cells/s",
                )
            )
        if "csv" in m:
            results.append(
                Result(
                    f"{name}: ours / csv",
                    ours["seconds"] / m["csv"]["seconds"],
                    CSV_RATIO,
                    f"csv {m['csv']['m_cells_per_s']:.2f} M cells/s",
                )
            )
        results.append(
            Result(
                f"{name}: ours' peak / {PEAK_MB} MB",
                ours["peak_mb"] / PEAK_MB,
                1.0,
                f"{ours['peak_mb']:.0f} MB",
            )
        )
    if big:
        job = big["job"]
        results.append(
            Result(
                f"raw export {big['size']}: job / {BIG_SECONDS} s",
                job["seconds"] / BIG_SECONDS,
                1.0,
                f"{job['seconds']:.0f} s end to end",
            )
        )
        tenk = next((m for m in measured if m["size"] == "10000x510"), None)
        if tenk:
            results.append(
                Result(
                    f"raw export {big['size']}: job peak / 10000x510 peak",
                    job["peak_mb"] / tenk["ours"]["peak_mb"],
                    BIG_FLAT,
                    f"{job['peak_mb']:.0f} MB vs {tenk['ours']['peak_mb']:.0f} MB",
                )
            )
    return results


def markdown(measured: list[dict]) -> str:
    """The README's table: one line per size and case."""
    lines = [
        "| Responses × questions | Case | Time (s) | M cells/s | vs xlsxwriter | Peak (MB) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for m in measured:
        base = m.get("xlsxwriter", m["ours"])["seconds"]
        for case in CASES:
            if case in m:
                r = m[case]
                lines.append(
                    f"| {m['responses']:,} × {m['columns']} | {CASE_NAMES[case]} | "
                    f"{r['seconds']:.1f} | {r['m_cells_per_s']:.2f} | "
                    f"{r['seconds'] / base:.2f} | {r['peak_mb']:.0f} |"
                )
    return "\n".join(lines)


CASE_NAMES = {
    "ours": "Consulta's raw export (streamed sheet)",
    "xlsxwriter": "XlsxWriter constant memory, write_row",
    "rustpy": "rustpy-xlsxwriter (Rust)",
    "csv": "csv.writer",
    "fetch": "reading the rows only",
    "job": "Consulta's export job, end to end",
}


def is_postgresql(url: str) -> bool:
    return urlsplit(url).scheme in ("postgres", "postgresql", "pgsql", "postgis")


def child_env(url: str) -> dict[str, str]:
    # Production-like: DEBUG off (no query log), the bench database, no broker (the job's
    # task runs in-process).
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or BENCH_SECRET_KEY,
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "survey_site.settings",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", action="append", help="responses x questions (repeatable)")
    parser.add_argument("--big", action="store_true", help=f"also {BIG} (long)")
    parser.add_argument("--smoke", action="store_true", help=f"{SMOKE} only, no targets")
    parser.add_argument("--cases", default=",".join(CASES), help="which cases to run")
    parser.add_argument("--repeat", type=int, default=2, help="runs of ours and xlsxwriter")
    parser.add_argument("--case", help=argparse.SUPPRESS)  # one case, in a subprocess
    parser.add_argument("--distribution", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--user", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        case_main(args.case, args.distribution, args.user, args.out)
        return 0
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgresql(url):
        print(
            "exports: skipped, the raw export benchmark reads from PostgreSQL (COPY): set "
            "DATABASE_URL=postgres://USER@HOST:5432/NAME (a throwaway test_NAME_exports "
            "database is made and dropped)."
        )
        return 2 if args.big else 0
    if args.smoke:
        args.size, args.repeat, args.big = [SMOKE], 1, False
    return drive(args, url)


def drive(args, url: str) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "survey_site.settings")
    os.environ.setdefault("SECRET_KEY", BENCH_SECRET_KEY)
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from bench.synthetic import machine_info, results_save

    setup_test_environment()
    name = connection.settings_dict["NAME"]
    # The smoke run (CI's) and a real run never share a database.
    test_name = f"test_{name}_exports{'_smoke' if args.smoke else ''}"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = test_name
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    env = child_env(urlunsplit(urlsplit(url)._replace(path=f"/{test_name}")))
    cases = available([c.strip() for c in args.cases.split(",") if c.strip()])
    workdir = Path(tempfile.mkdtemp(prefix="consulta-exports-"))
    measured, big = [], None
    try:
        for size in args.size or SIZES:
            measured.append(
                measure(size, env=env, workdir=workdir, cases=cases, repeat=args.repeat)
            )
            print(line(measured[-1]), flush=True)
        if args.big:
            big = measure(
                BIG,
                env=env,
                workdir=workdir,
                repeat=1,
                cases=[c for c in ("ours", "csv", "job") if c in cases],
            )
            print(line(big), flush=True)
        machine = machine_info()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        workdir.rmdir()
    results = results_of(measured, big)
    all_measured = [*measured, *([big] if big else [])]
    if not args.smoke:
        path = results_save(
            "raw_export",
            {
                "targets": {
                    "ours_vs_xlsxwriter": SPEED,
                    "ours_vs_csv": CSV_RATIO,
                    "peak_mb": PEAK_MB,
                    "big_seconds": BIG_SECONDS,
                    "big_flat": BIG_FLAT,
                },
                "measurements": all_measured,
                "results": [
                    {
                        "name": r.name,
                        "ratio": r.ratio,
                        "target": r.target,
                        "ok": r.ok,
                        "detail": r.detail,
                    }
                    for r in results
                ],
            },
            machine=machine,
        )
        print(f"\nSaved to {path.relative_to(ROOT)}")
    print()
    for result in results:
        print(result.line())
    print()
    print(markdown(all_measured))
    return 0 if args.smoke or all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
