"""Overdue digest benchmark: `dantrack overdue` on 1,000,000 petitions (issue 15 item 4).

Target: the whole `dantrack overdue --as-of DATE --format json` process, writing the ~70,000
open petitions past their deadline, within 2 s median, memory flat (its peak resident size
about that of a digest of a few rows). As the floor, the same query is run as raw SQL through
the sqlite3 module in a `python -c` process writing the same JSON, in the same loop.

    python bench/overdue.py [--runs N] [--petitions N] [--rebuild] [--json]

The database is bench/report.py's (cached at bench/out/report-<N>.sqlite; --rebuild makes it
anew); one made by an older checkout is upgraded in place first.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from report import OUT, build, child_env

from dantrack import db

TARGET = 2.0
AS_OF = "2026-01-01"
FEW = "2020-01-20"  # a digest of a few rows: the memory it takes with nothing to hold

RAW_PROCESS = """
import json, sqlite3, sys
c = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
out = sys.stdout
out.write('[')
n = 0
for row in c.execute(sys.argv[2], {'as_of': sys.argv[3]}):
    ref, kind, code, name, petitioner, secret, received, due, late = row
    out.write((',' if n else '') + '\\n' + json.dumps({
        'ref': ref, 'kind': kind, 'locality': code, 'locality_name': name,
        'petitioner': '***' if secret and petitioner else petitioner, 'received_on': received, 'due_on': due, 'days_late': late,
        'status': 'overdue' if late > 0 else 'due'}, ensure_ascii=False))
    n += 1
out.write('\\n]\\n')
"""
RAW_SQL = """
SELECT p.ref, p.kind, l.code, l.name, p.petitioner, p.secret, p.received_on,
       p.due_on, CAST(julianday(:as_of) - julianday(p.due_on) AS INTEGER)
FROM petition p JOIN locality l ON l.id = p.locality_id
WHERE p.closed_on IS NULL AND p.suspended_on IS NULL AND p.due_on < :as_of
ORDER BY p.due_on, p.ref
"""


def prepare(path: Path, petitions: int, rebuild: bool) -> None:
    if rebuild or not path.exists():
        started = time.perf_counter()
        build(path, petitions)
        print(f"built {path} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if _revision(path) != db.SCHEMA_REVISION:
        subprocess.run([sys.executable, "-m", "dantrack", "--db", str(path), "db", "upgrade"],
                       check=True)


def _revision(path: Path) -> str:
    import sqlite3

    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        connection.close()


def _rows(argv: list[str], env: dict[str, str]) -> int:
    out = subprocess.run(argv, stdout=subprocess.PIPE, env=env, check=True).stdout
    return out.count(b'{"ref": ')


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, int, int]:
    """Seconds, CPU seconds (user and system: what a loaded machine does not inflate), peak
    resident KiB and bytes written of one whole process."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    written = 0
    assert child.stdout is not None
    while chunk := child.stdout.read(1 << 16):
        written += len(chunk)
    stderr = child.stderr.read().decode() if child.stderr else ""
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:6])} … failed: {stderr.strip()}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--petitions", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"report-{args.petitions}.sqlite"
    prepare(path, args.petitions, args.rebuild)
    env = child_env(False)
    dantrack = [sys.executable, "-m", "dantrack", "--db", str(path), "overdue", "--format",
                "json", "--as-of"]
    cases = {"dantrack overdue": dantrack + [AS_OF],
             "raw sqlite3 process": [sys.executable, "-c", RAW_PROCESS, str(path), RAW_SQL,
                                     AS_OF],
             "dantrack overdue (a few rows)": dantrack + [FEW]}
    # Counted, not parsed: this process stays small, since a child's peak resident size
    # starts from the size of the process it was forked from.
    rows = _rows(cases["dantrack overdue"], env)
    raw_rows = _rows(cases["raw sqlite3 process"], env)
    if rows != raw_rows:
        raise SystemExit(f"dantrack lists {rows} rows, the raw query {raw_rows}")
    timings: dict[str, list[tuple[float, float, int, int]]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, argv in cases.items():  # interleaved: every case shares the same noise
            timings[name].append(run(argv, env))
    summary: dict[str, Any] = {
        name: {"median_s": round(statistics.median(run[0] for run in runs), 3),
               "median_cpu_s": round(statistics.median(run[1] for run in runs), 3),
               "peak_rss_mib": round(max(run[2] for run in runs) / 1024, 1),
               "bytes": runs[0][3]}
        for name, runs in timings.items()}
    summary["rows"] = rows
    summary["ratio_to_raw"] = round(summary["dantrack overdue"]["median_s"]
                                    / summary["raw sqlite3 process"]["median_s"], 2)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"{rows:,} rows of {args.petitions:,} petitions, {args.runs} runs each")
        for name in cases:
            s = summary[name]
            print(f"  {name:30} median {s['median_s']:.3f} s (CPU {s['median_cpu_s']:.3f} s)"
                  f"  peak {s['peak_rss_mib']} MiB  {s['bytes']:,} bytes")
        print(f"  dantrack / raw: {summary['ratio_to_raw']}×")
    median = summary["dantrack overdue"]["median_s"]
    if median > TARGET:
        raise SystemExit(f"dantrack overdue took {median:.2f} s, over the {TARGET} s target")


if __name__ == "__main__":
    main()
