"""Import benchmark: 100,000 petitions from CSV, against `sqlite-utils insert --csv`.

Targets (issue 4):
* 100,000 petitions from CSV into an empty database within 2 s, whole process (≥ 50k rows/s),
  and also into a database that already holds 1,000,000 petitions;
* dantrack at most 0.3 × the time of `sqlite-utils insert --csv` of the same file, measured in
  the same run (sqlite-utils only inserts text; dantrack validates every field, resolves
  localities, assigns deadlines and writes history);
* importing 1,000,000 rows keeps peak memory within 150 MiB. Large files are checked in a
  second, forked process while the first writes, so memory is sampled over both: the peak of
  the sum of their resident sizes (shared pages counted twice: an upper bound) and of their
  proportional sizes (Pss: shared pages split between them, what they really take).

The floor, measured in the same run: the very rows dantrack hands to SQLite for this file
(captured once, in this process), written with the sqlite3 module alone into the same schema and
indexes, in one transaction: no interpreter start, no reading, no checking. Whatever dantrack
does, its whole process cannot be faster than that plus its start-up.

    python bench/import_bench.py [--runs N] [--rows N] [--skip-million] [--json]

Needs bench/report.py's database (built on first use) for the 1,000,000-petition case and its
locality tree; sqlite-utils from PyPI (pip install sqlite-utils) for the reference.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report as report_bench  # noqa: E402  (the shared 1,000,000-petition database)

from dantrack import db  # noqa: E402

OUT = report_bench.OUT
KINDS = ("complaint", "khiếu nại", "denunciation", "recommendation", "kiến nghị", "reflection")
NAMES = ("Nguyễn Văn An", "Hoàng Thị Lan", "Nông Đức Sơn", "Triệu Thị Mai", "Lý Văn Hùng")
SUBJECTS = ("Đền bù giải phóng mặt bằng", "Tranh chấp đất rừng", "Cấp giấy chứng nhận",
            "Chế độ người có công", "Ô nhiễm môi trường")


def write_csv(path: Path, rows: int, communes: list[str], *, seed: int = 3) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ref", "kind", "received_on", "locality", "channel", "petitioner",
                         "id_number", "phone", "address", "signatories", "subject", "complex",
                         "remote", "closed_on", "outcome"])
        for i in range(rows):
            day = 1 + rng.randrange(28)
            month = 1 + rng.randrange(12)
            received = f"{day:02d}/{month:02d}/2024" if i % 3 == 0 else f"2024-{month:02d}-{day:02d}"
            closed = rng.random() < 0.6
            writer.writerow([
                f"IMP-{i:07d}", rng.choice(KINDS), received, rng.choice(communes),
                rng.choice(("in_person", "mail", "online")), rng.choice(NAMES),
                f"0060{rng.randrange(10**8):08d}", f"+8491{rng.randrange(10**7):07d}",
                "Thôn Nà Mòn", 1, rng.choice(SUBJECTS), "false", "true" if i % 7 == 0 else "",
                f"2024-{month:02d}-28" if closed else "", "resolved" if closed else ""])


def fresh_with_tree(path: Path, tree_source: Path) -> None:
    """A new dantrack database holding only the locality tree of the report bench."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db.open_database(db.Location(str(path), "bench"), write=True).dispose()
    connection = sqlite3.connect(path)
    connection.execute("ATTACH ? AS src", (str(tree_source),))
    connection.execute("INSERT INTO locality SELECT * FROM src.locality")
    connection.commit()
    connection.close()


def prepared_rows(data: Path, base: Path) -> list[tuple[str, tuple[str, ...], list[Any]]]:
    """What dantrack's importer writes for data: (table, columns, rows) for each bulk insert,
    captured from an import into a scratch copy of base that is rolled back."""
    from dantrack.importing import bulk
    from dantrack.importing.engine import Importer
    from dantrack.importing.model import Summary
    from dantrack.readers import open_source

    scratch = OUT / "import-capture.sqlite"
    shutil.copy(base, scratch)
    captured: list[tuple[str, tuple[str, ...], list[Any]]] = []
    real = bulk.bulk_insert

    def capture(session: Any, table: Any, columns: Any, rows: Any) -> None:
        captured.append((table.name, tuple(columns), list(rows)))
        real(session, table, columns, rows)

    bulk.bulk_insert = capture  # type: ignore[assignment]
    database = db.open_database(db.Location(str(scratch), "bench"), write=True)
    try:
        with database.session() as session, data.open("rb") as stream:
            source = open_source(str(data), "csv", stream)
            importer = Importer(session, "petitions", "fail", False,
                                Summary(kind="petitions", source=str(data), dry_run=False))
            for row in source.rows():
                importer.add(row)
            importer.flush()
            importer.finish()
            session.rollback()
    finally:
        bulk.bulk_insert = real  # type: ignore[assignment]
        database.dispose()
        scratch.unlink()
    return captured


def floor(target: Path, captured: list[tuple[str, tuple[str, ...], list[Any]]]) -> float:
    """Seconds to write the captured rows into target with sqlite3 alone, as dantrack's
    connection is set up (WAL, synchronous NORMAL, foreign keys, the import's page cache)."""
    started = time.perf_counter()
    connection = sqlite3.connect(target, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON",
                   "cache_size = -32768"):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute("BEGIN IMMEDIATE")
    # The captured ids start after an empty table's: move them past the target's.
    (offset,) = connection.execute("SELECT COALESCE(MAX(id), 0) FROM petition").fetchone()
    for table, columns, rows in captured:
        if offset:  # the first column is the petition's id, or the event's petition_id
            rows = [(row[0] + offset, *row[1:]) for row in rows]
        connection.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            rows)
    connection.execute("COMMIT")
    connection.close()
    return time.perf_counter() - started


def timed(argv: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, rusage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {process.stderr.read().decode()[-500:]}")
    return elapsed, rusage.ru_maxrss


def _children(pid: int) -> list[int]:
    """A process's children (Linux: /proc/PID/task/PID/children)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _kib(path: str, field: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def sampled(argv: list[str]) -> tuple[float, dict[str, float]]:
    """Run argv; its time, and the peaks of the summed RSS and Pss of it and its children."""
    errors = tempfile.TemporaryFile()  # not a pipe: nobody reads it while sampling
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=errors)
    peaks = {"rss": 0, "pss": 0, "processes": 0}
    while process.poll() is None:
        pids = [process.pid, *_children(process.pid)]
        peaks["rss"] = max(peaks["rss"], sum(_kib(f"/proc/{p}/status", "VmRSS:") for p in pids))
        peaks["pss"] = max(peaks["pss"], sum(_kib(f"/proc/{p}/smaps_rollup", "Pss:")
                                             for p in pids))
        peaks["processes"] = max(peaks["processes"], len(pids))
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        errors.seek(0)
        raise SystemExit(f"{' '.join(argv)} failed: {errors.read().decode()[-500:]}")
    return elapsed, {"rss_mib": peaks["rss"] / 1024, "pss_mib": peaks["pss"] / 1024,
                     "processes": peaks["processes"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--million-rows", type=int, default=1_000_000,
                        help="rows for the memory run")
    parser.add_argument("--skip-million", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    big = OUT / "report-1000000.sqlite"
    if not big.exists():
        report_bench.build(big, 1_000_000)
    communes = [code for (code,) in sqlite3.connect(big).execute(
        "SELECT code FROM locality WHERE level = 'commune'")]
    data = OUT / f"petitions-{args.rows}.csv"
    write_csv(data, args.rows, communes)
    empty_base = OUT / "import-empty-base.sqlite"
    fresh_with_tree(empty_base, big)
    sqlite_utils = shutil.which("sqlite-utils") or str(Path(sys.executable).parent / "sqlite-utils")
    dantrack = [sys.executable, "-m", "dantrack"]
    target = OUT / "import-target.sqlite"
    captured = prepared_rows(data, empty_base)
    results: dict[str, list[float]] = {"dantrack → empty": [], "dantrack → 1,000,000": [],
                                       "sqlite-utils insert --csv → empty": [],
                                       "floor: sqlite3 writes the rows → empty": [],
                                       "floor: sqlite3 writes the rows → 1,000,000": []}
    for _ in range(args.runs):  # interleaved, so all cases share the machine's noise
        for name in results:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            if name.startswith("floor"):
                shutil.copy(empty_base if name.endswith("empty") else big, target)
                results[name].append(floor(target, captured))
                continue
            if name == "dantrack → empty":
                shutil.copy(empty_base, target)
                argv = [*dantrack, "--db", str(target), "import", "petitions", str(data)]
            elif name == "dantrack → 1,000,000":
                shutil.copy(big, target)
                argv = [*dantrack, "--db", str(target), "import", "petitions", str(data)]
            else:
                argv = [sqlite_utils, "insert", str(target), "petitions", str(data), "--csv"]
            results[name].append(timed(argv)[0])
    medians = {name: statistics.median(values) for name, values in results.items()}
    memory = None
    if not args.skip_million:
        million = OUT / f"petitions-{args.million_rows}.csv"
        if not million.exists():
            write_csv(million, args.million_rows, communes, seed=5)
        shutil.copy(empty_base, target)
        seconds, peaks = sampled([*dantrack, "--db", str(target), "import", "petitions",
                                  str(million)])
        memory = {"rows": args.million_rows, "seconds": seconds, **peaks}
    if args.json:
        print(json.dumps({"runs": args.runs, "rows": args.rows, "medians_s": medians,
                          "million": memory}, indent=2))
        return
    print(f"import benchmark — {args.rows} petitions, {args.runs} runs, python "
          f"{sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}")
    for name, values in results.items():
        print(f"  {name:42s} median {medians[name]:6.3f} s  (min {min(values):.3f}, "
              f"max {max(values):.3f})  {args.rows / medians[name]:,.0f} rows/s")
    ours, reference = medians["dantrack → empty"], medians["sqlite-utils insert --csv → empty"]
    for name in ("dantrack → empty", "dantrack → 1,000,000"):
        verdict = "met" if medians[name] <= 2.0 else f"MISSED by {medians[name] - 2.0:.2f} s"
        print(f"{name}: {medians[name]:.3f} s — target 2 s: {verdict}")
    for case in ("empty", "1,000,000"):
        whole = medians[f"dantrack → {case}"]
        least = medians[f"floor: sqlite3 writes the rows → {case}"]
        print(f"dantrack → {case}: {whole:.3f} s against a floor of {least:.3f} s for the "
              f"writes alone ({whole / least:.1f}×)")
    ratio = ours / reference
    print(f"dantrack / sqlite-utils: {ratio:.2f} — target ≤ 0.3: "
          f"{'met' if ratio <= 0.3 else f'MISSED ({ratio / 0.3:.1f}× the allowed time)'}")
    if memory:
        print(f"{memory['rows']:,} rows: {memory['seconds']:.1f} s in {memory['processes']} "
              f"processes; peak of their summed Pss {memory['pss_mib']:.0f} MiB — target "
              f"150 MiB: {'met' if memory['pss_mib'] <= 150 else 'MISSED'}; peak of their "
              f"summed RSS (shared pages twice) {memory['rss_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
