"""Raw responses export benchmark: throughput and peak memory of the workbook's raw sheet.

Builds a synthetic distribution on a throwaway PostgreSQL database (test_<name>_exports, from
DATABASE_URL) with bulk SQL, growing it 10k → 50k → 100k responses × 60 questions (with --big:
132,229 × 510, the export KoboToolbox could not finish in 30 minutes). At each size every writer
runs in a fresh subprocess, so ru_maxrss is that writer's peak alone, on the same rows from the
same selector (reports.selectors.raw.raw_response_rows):

  ours        the workbook's raw sheet (reports.workbook: XlsxWriter constant memory, ZIP64,
              every cell through the one safe-cell function)
  xlsxwriter  plain XlsxWriter in constant-memory mode, write_row (the KoboToolbox baseline)
  openpyxl    openpyxl write-only (at the smallest size only, for the record)
  csv         csv.writer (the floor)
  fetch       reading the rows only (what the query and the pivot cost)

Targets, as ratios measured in one run: ours / xlsxwriter time ≤ 1.1 (within noise of 1.0),
peak RSS 100k / 10k ≤ 1.5, and with --big peak RSS < 250 MB. Usage:

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/consulta_bench python bench/exports.py [--big]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = [10_000, 50_000, 100_000]
QUESTIONS = (48, 12)  # Likert items, open questions: 60 answer columns
BIG = (132_229, (408, 102))  # 510 answer columns
RSS_FLAT = 1.5  # peak RSS at the largest default size / at the smallest
RSS_BIG_MB = 250
SPEED = 1.1  # ours / xlsxwriter, time


# --- one writer, in its own process -------------------------------------------------------------


def counted(rows: Iterable[list[object]], tally: dict[str, int]) -> Iterator[list[object]]:
    for row in rows:
        tally["rows"] += 1
        tally["cells"] += len(row)
        yield row


def write_ours(path: Path, *, user, distribution, tally: dict[str, int]) -> None:
    """The workbook's own raw sheet, as workbook_write streams it."""
    from reports.selectors.raw import raw_columns, raw_response_rows
    from reports.workbook.book import Book
    from reports.workbook.sheets import raw_sheet

    book = Book(path)
    rows = raw_response_rows(user=user, distribution=distribution)
    columns = raw_columns(distribution)
    raw_sheet(book, title=distribution.title, columns=columns, rows=counted(rows, tally),
              labels=False)  # fmt: skip
    book.close()


def write_xlsxwriter(path: Path, header: list[str], rows: Iterable[list[object]]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    book.use_zip64()
    sheet = book.add_worksheet("Raw responses")
    sheet.write_row(0, 0, header)
    for number, row in enumerate(rows, start=1):
        sheet.write_row(number, 0, row)
    book.close()


def write_openpyxl(path: Path, header: list[str], rows: Iterable[list[object]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Raw responses")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)


def write_csv(path: Path, header: list[str], rows: Iterable[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def read_only(path: Path, header: list[str], rows: Iterable[list[object]]) -> None:
    for _row in rows:
        pass


PLAIN: dict[str, Callable[[Path, list[str], Iterable[list[object]]], None]] = {
    "xlsxwriter": write_xlsxwriter,
    "openpyxl": write_openpyxl,
    "csv": write_csv,
    "fetch": read_only,
}


def status_mb(field: str) -> float:
    """A memory line of /proc/self/status (VmRSS now, VmHWM the peak), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def case_main(case: str, distribution_id: int, user_id: int, path: Path) -> None:
    """Run one writer and print one JSON line: seconds, rows, cells, peak and start RSS."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "survey_site.settings")
    import django

    django.setup()
    from accounts.models import User
    from questionnaires.models import Distribution
    from reports.selectors.raw import raw_columns, raw_response_rows

    user = User.objects.get(pk=user_id)
    distribution = Distribution.objects.select_related("evaluation").get(pk=distribution_id)
    header = [label for _code, label in raw_columns(distribution)]
    tally = {"rows": 0, "cells": 0}
    start_mb = status_mb("VmRSS")
    started = time.perf_counter()
    if case == "ours":
        write_ours(path, user=user, distribution=distribution, tally=tally)
    else:
        rows = raw_response_rows(user=user, distribution=distribution)
        PLAIN[case](path, header, counted(rows, tally))
    seconds = time.perf_counter() - started
    # VmHWM is this process image's own peak. ru_maxrss would do on its own, but Linux
    # carries it over exec from the forked parent, so every child would report the driver's.
    peak_mb = status_mb("VmHWM")
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = path.stat().st_size if path.exists() else 0
    print(json.dumps({"case": case, "seconds": seconds, **tally, "start_mb": start_mb,
                      "peak_mb": peak_mb, "ru_maxrss_mb": maxrss_mb, "bytes": size}))  # fmt: skip


# --- the driver ---------------------------------------------------------------------------------


def bench_database_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def run_case(case: str, *, env: dict[str, str], synthetic, workdir: Path) -> dict:
    path = workdir / f"{case}.{'csv' if case == 'csv' else 'xlsx'}"
    command = [sys.executable, str(Path(__file__).resolve()), "--case", case,
               "--distribution", str(synthetic.distribution.pk), "--user",
               str(synthetic.lead.pk), "--out", str(path)]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"case {case} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["m_cells_per_s"] = result["cells"] / result["seconds"] / 1e6
    path.unlink(missing_ok=True)
    print(
        f"  {case:<10} {result['rows']:>7} rows {result['cells'] / 1e6:7.2f} M cells "
        f"{result['seconds']:7.1f} s {result['m_cells_per_s']:6.3f} M cells/s "
        f"peak RSS {result['peak_mb']:6.1f} MB (start {result['start_mb']:.1f}) "
        f"{result['bytes'] / 1e6:8.1f} MB file",
        flush=True,
    )
    return result


def size_measure(size: int, *, env, synthetic, workdir: Path, openpyxl: bool, repeat: int):
    """Every writer on the same rows; ours and xlsxwriter alternate (A B B A …) and the
    fastest of each counts, as the least disturbed by other work on a shared machine."""
    order = ["fetch", "csv"]
    for i in range(repeat):
        order += ["ours", "xlsxwriter"] if i % 2 == 0 else ["xlsxwriter", "ours"]
    if openpyxl:
        order.append("openpyxl")
    runs: dict[str, list[dict]] = {}
    for case in order:
        runs.setdefault(case, []).append(
            run_case(case, env=env, synthetic=synthetic, workdir=workdir)
        )
    best = {}
    for case, results in runs.items():
        fastest = min(results, key=lambda r: r["seconds"])
        best[case] = {**fastest, "peak_mb": max(r["peak_mb"] for r in results),
                      "all_seconds": [r["seconds"] for r in results]}  # fmt: skip
    return {"responses": size, **best}


def results_of(sizes: list[dict], big: dict | None) -> list:
    from bench.harness import Result

    results = []
    for m in sizes:
        ours, plain = m["ours"], m["xlsxwriter"]
        results.append(
            Result(
                f"raw export {m['responses'] // 1000}k × {m['columns']}: ours / xlsxwriter",
                ours["seconds"] / plain["seconds"],
                SPEED,
                f"{ours['m_cells_per_s']:.3f} vs {plain['m_cells_per_s']:.3f} M cells/s, "
                f"csv {m['csv']['m_cells_per_s']:.3f}",
            )
        )
    if len(sizes) > 1:
        small, large = sizes[0]["ours"], sizes[-1]["ours"]
        results.append(
            Result(
                f"raw export peak RSS {sizes[-1]['responses'] // 1000}k / "
                f"{sizes[0]['responses'] // 1000}k",
                large["peak_mb"] / small["peak_mb"],
                RSS_FLAT,
                f"{large['peak_mb']:.0f} MB vs {small['peak_mb']:.0f} MB",
            )
        )
    if big:
        results.append(
            Result(
                f"raw export {big['responses']:,} × {big['columns']}: peak RSS / {RSS_BIG_MB} MB",
                big["ours"]["peak_mb"] / RSS_BIG_MB,
                1.0,
                f"{big['ours']['peak_mb']:.0f} MB, {big['ours']['seconds'] / 60:.1f} min",
            )
        )
        results.append(
            Result(
                f"raw export {big['responses']:,} × {big['columns']}: ours / xlsxwriter",
                big["ours"]["seconds"] / big["xlsxwriter"]["seconds"],
                SPEED,
                f"{big['ours']['m_cells_per_s']:.3f} vs "
                f"{big['xlsxwriter']['m_cells_per_s']:.3f} M cells/s",
            )
        )
    return results


def markdown(measurements: list[dict]) -> str:
    """The README's table: one line per size and writer."""
    lines = [
        "| Responses × questions | Writer | Time (s) | M cells/s | vs xlsxwriter | Peak RSS (MB) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for m in measurements:
        base = m["xlsxwriter"]["seconds"]
        for case in ("ours", "xlsxwriter", "openpyxl", "csv", "fetch"):
            if case not in m:
                continue
            r = m[case]
            lines.append(
                f"| {m['responses']:,} × {m['columns']} | {CASE_NAMES[case]} | {r['seconds']:.1f} "
                f"| {r['m_cells_per_s']:.3f} | {r['seconds'] / base:.2f} | {r['peak_mb']:.0f} |"
            )
    return "\n".join(lines)


CASE_NAMES = {
    "ours": "Consulta (reports.workbook, XlsxWriter constant memory + safe cells)",
    "xlsxwriter": "XlsxWriter constant memory, write_row (KoboToolbox's writer)",
    "openpyxl": "openpyxl write-only",
    "csv": "csv.writer (floor)",
    "fetch": "reading the rows only (query + pivot)",
}


def is_postgresql(url: str) -> bool:
    return urlsplit(url).scheme in ("postgres", "postgresql", "pgsql", "postgis")


def child_env(url: str) -> dict[str, str]:
    # Production-like: DEBUG off (no query log), the bench database, no broker.
    return {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "REDIS_URL": "",
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "SECRET_KEY": "bench-only-" + "x" * 50, "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "survey_site.settings"}  # fmt: skip


def measure_all(args, url: str) -> tuple[list[dict], dict | None]:
    from django.db import connection

    from bench.synthetic import responses_add, synthetic_evaluation

    env = child_env(bench_database_url(url, connection.settings_dict["NAME"]))
    workdir = Path(tempfile.mkdtemp(prefix="consulta-exports-"))
    sizes, big = [], None
    synthetic = synthetic_evaluation(slug="exports", likert=QUESTIONS[0], texts=QUESTIONS[1])
    done = 1
    for number, size in enumerate(args.sizes):
        started = time.perf_counter()
        responses_add(synthetic, start=done, stop=size + 1)
        done = size + 1
        print(f"{size:,} responses × {synthetic.questions} questions "
              f"(generated in {time.perf_counter() - started:.0f} s):", flush=True)  # fmt: skip
        measured = size_measure(size, env=env, synthetic=synthetic, workdir=workdir,
                                openpyxl=number == 0, repeat=args.repeat)  # fmt: skip
        sizes.append({**measured, "columns": synthetic.questions})
    if args.big:
        size, (likert, texts) = BIG
        synthetic = synthetic_evaluation(slug="exports-big", likert=likert, texts=texts)
        started = time.perf_counter()
        responses_add(synthetic, start=1, stop=size + 1)
        print(f"{size:,} responses × {synthetic.questions} questions "
              f"(generated in {time.perf_counter() - started:.0f} s):", flush=True)  # fmt: skip
        measured = size_measure(size, env=env, synthetic=synthetic, workdir=workdir,
                                openpyxl=False, repeat=1)  # fmt: skip
        big = {**measured, "columns": synthetic.questions}
    workdir.rmdir()
    return sizes, big


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big", action="store_true", help="also 132,229 × 510 (long)")
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, SIZES)),
        help="responses at each step, comma-separated (default 10k,50k,100k)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="runs of ours and xlsxwriter at each size (fastest counts)",
    )
    parser.add_argument("--case", help=argparse.SUPPRESS)  # one writer, in a subprocess
    parser.add_argument("--distribution", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--user", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()  # fmt: skip
    if args.case:
        case_main(args.case, args.distribution, args.user, args.out)
        return 0
    args.sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgresql(url):
        print(
            "exports: skipped, the raw export benchmark streams from PostgreSQL (server-side "
            "cursors): set DATABASE_URL=postgres://USER@HOST:5432/NAME (a throwaway "
            "test_NAME_exports database is created and dropped)."
        )
        return 2 if args.big else 0
    return drive(args, url)


def drive(args, url: str) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "survey_site.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from bench.synthetic import machine_info, results_save

    setup_test_environment()
    name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"test_{name}_exports"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        sizes, big = measure_all(args, url)
        machine = machine_info()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    results = results_of(sizes, big)
    measured = [*sizes, *([big] if big else [])]
    path = results_save("raw_export", {
        "targets": {"ours_vs_xlsxwriter": SPEED, "rss_100k_vs_10k": RSS_FLAT,
                    "rss_big_mb": RSS_BIG_MB},
        "measurements": measured,
        "results": [{"name": r.name, "ratio": r.ratio, "target": r.target, "ok": r.ok,
                     "detail": r.detail} for r in results],
    }, machine=machine)  # fmt: skip
    print()
    for result in results:
        print(result.line())
    print(f"\nSaved to {path.relative_to(ROOT)}\n")
    print(markdown(measured))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
