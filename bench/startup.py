"""Startup benchmark for dantrack: `--help` latency and `petition add` on a 100,000-petition base.

Targets (see the issue):

* `dantrack --help` within 0.25 s median on this machine, shown next to a bare Typer app
  (`typer.Typer()` with one command, run with `--help`) and `python -c pass` measured in the
  same loop, alternating, so that all three share the machine's noise;
* `dantrack petition add …` within 0.5 s median on a database holding 100,000 petitions.

Usage:

    python bench/startup.py [--runs N] [--petitions N] [--json] [--keep]
                            [--inherit-bytecode-env]

Run it with the interpreter of the environment dantrack is installed in. It always exits 0 when
the measurements were taken (met or missed is reported, not enforced); it exits 1 when a
command under test fails or the database does not end up as expected.
"""

from __future__ import annotations

import argparse
import datetime as dt
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

from dantrack.deadlines import due_on
from dantrack.text import fold

HELP_TARGET = 0.25
ADD_TARGET = 0.5

BARE_TYPER = '''\
import typer

app = typer.Typer()


@app.command()
def hello() -> None:
    """Say hello."""


app()
'''

# Created through the CLI (which also creates the schema): a province, districts, communes.
PROVINCE = ("06", "Bắc Kạn")
DISTRICTS = {
    "058": ("Thành phố Bắc Kạn", [("01834", "Phường Nguyễn Thị Minh Khai"),
                                  ("01849", "Xã Dương Quang")]),
    "060": ("Huyện Pác Nặm", [("01858", "Xã Bằng Thành"), ("01864", "Xã Bộc Bố")]),
    "061": ("Huyện Ba Bể", [("01888", "Thị trấn Chợ Rã"), ("01909", "Xã Nam Mẫu")]),
}
ADD_LOCALITY = "01909"

KINDS = ("complaint", "denunciation", "recommendation", "reflection")
YEARS = (2022, 2023, 2024)
SURNAMES = ("Nguyễn", "Trần", "Lê", "Hoàng", "Nông", "Triệu", "Ma", "Đàm", "Lý", "Hà")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thu", "Quang")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hoa", "Lan", "Sơn", "Tâm", "Thủy", "Vinh", "Yến")
SUBJECTS = (
    "Đền bù giải phóng mặt bằng",
    "Tranh chấp đất rừng",
    "Cấp giấy chứng nhận quyền sử dụng đất",
    "Chế độ chính sách người có công",
    "Ô nhiễm môi trường từ cơ sở chế biến",
    "Xây dựng trái phép",
    "Trợ cấp hộ nghèo",
    "Thái độ cán bộ tiếp dân",
)


class BenchError(Exception):
    """A command under test failed or the database is not what it should be."""


# --- running commands ---------------------------------------------------------------------


def console_script() -> Path | None:
    """The `dantrack` console script installed next to this interpreter, if any."""
    bindir = Path(sys.executable).parent
    for name in ("dantrack", "dantrack.exe"):
        candidate = bindir / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def timed_run(argv: list[str], *, cwd: Path, env: dict[str, str]) -> float:
    """Wall-clock seconds of one run, output discarded; raises BenchError if it fails."""
    start = time.perf_counter()
    result = subprocess.run(
        argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise BenchError(f"exit code {result.returncode} from: {' '.join(argv)}")
    return elapsed


def checked_run(argv: list[str], *, cwd: Path, env: dict[str, str]) -> None:
    """Run a set-up command, showing its output only if it fails."""
    result = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BenchError(f"exit code {result.returncode} from: {' '.join(argv)}\n"
                         f"{result.stdout}{result.stderr}")


def summary(times: list[float]) -> dict[str, float | int]:
    return {"runs": len(times), "median": statistics.median(times), "min": min(times),
            "max": max(times)}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- 1. startup: --help -------------------------------------------------------------------


def bench_help(workdir: Path, runs: int, env: dict[str, str]) -> dict[str, dict]:
    bare = workdir / "bare_typer.py"
    bare.write_text(BARE_TYPER, encoding="utf-8")
    commands: dict[str, list[str]] = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "bare typer --help": [sys.executable, str(bare), "--help"],
        "python -m dantrack --help": [sys.executable, "-m", "dantrack", "--help"],
    }
    if (script := console_script()) is not None:
        commands["dantrack --help"] = [str(script), "--help"]
    else:
        log(f"note: no dantrack console script next to {sys.executable}; measuring -m only")

    # One discarded run each: fills the OS page cache and the bytecode cache.
    for argv in commands.values():
        timed_run(argv, cwd=workdir, env=env)
    times: dict[str, list[float]] = {label: [] for label in commands}
    for i in range(runs):
        log(f"  --help round {i + 1}/{runs}")
        for label, argv in commands.items():
            times[label].append(timed_run(argv, cwd=workdir, env=env))
    return {label: {**summary(values), "command": " ".join(commands[label])}
            for label, values in times.items()}


# --- 2. petition add on a large database --------------------------------------------------


def dantrack_argv() -> list[str]:
    script = console_script()
    return [str(script)] if script is not None else [sys.executable, "-m", "dantrack"]


def create_localities(db_path: Path, workdir: Path, env: dict[str, str]) -> None:
    base = [*dantrack_argv(), "--db", str(db_path), "locality", "add"]
    checked_run([*base, PROVINCE[0], PROVINCE[1], "--level", "province"], cwd=workdir, env=env)
    for district, (name, communes) in DISTRICTS.items():
        checked_run([*base, district, name, "--level", "district", "--parent", PROVINCE[0]],
                    cwd=workdir, env=env)
        for code, commune in communes:
            checked_run([*base, code, commune, "--level", "commune", "--parent", district],
                        cwd=workdir, env=env)


def random_date(rng: random.Random, year: int) -> dt.date:
    start = dt.date(year, 1, 1)
    return start + dt.timedelta(days=rng.randrange((dt.date(year + 1, 1, 1) - start).days))


def petition_rows(
    count: int, commune_ids: dict[str, int], seed: int
) -> tuple[list[tuple], list[tuple], dict[int, int]]:
    """(petition row, event row, ref-sequence high-water marks), refs numbered per year in the
    order received, ids 1..count."""
    rng = random.Random(seed)
    dates = sorted(random_date(rng, rng.choice(YEARS)) for _ in range(count))
    codes = sorted(commune_ids)
    numbers = dict.fromkeys(YEARS, 0)
    at = "2024-12-31T00:00:00Z"
    petitions: list[tuple] = []
    events: list[tuple] = []
    for pid, received_on in enumerate(dates, start=1):
        numbers[received_on.year] += 1
        ref = f"P{received_on.year}-{numbers[received_on.year]:05d}"
        kind = rng.choice(KINDS)
        complex_ = rng.random() < 0.1
        remote = kind == "complaint" and rng.random() < 0.1
        code = rng.choice(codes)
        petitioner = (f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                      if rng.random() < 0.9 else "")
        id_number = f"{rng.randrange(10**11, 10**12)}" if petitioner and rng.random() < 0.5 else ""
        phone = f"09{rng.randrange(10**8):08d}" if petitioner and rng.random() < 0.5 else ""
        subject = rng.choice(SUBJECTS)
        due = due_on(kind, received_on, complex=complex_, remote=remote)
        petitions.append((
            pid, ref, kind, received_on.isoformat(), commune_ids[code], "in_person", petitioner,
            id_number, phone, "", 1, subject, None, "own", received_on.isoformat(),
            int(complex_), int(remote), None, due.isoformat(), None, None, None, "",
            fold(petitioner), fold(subject),
        ))
        created = {
            "accepted_on": received_on.isoformat(), "address": "", "channel": "in_person",
            "competence": "own", "complex": complex_, "due_on": due.isoformat(),
            "duplicate_of": None, "id_number": id_number, "kind": kind, "locality": code,
            "meeting": None, "petitioner": petitioner, "phone": phone,
            "received_on": received_on.isoformat(), "remote": remote, "signatories": 1,
            "subject": subject,
        }
        events.append((pid, pid, at, "bench", "created",
                       json.dumps(created, ensure_ascii=False, sort_keys=True)))
    return petitions, events, numbers


def bulk_insert(db_path: Path, count: int, seed: int) -> None:
    connection = sqlite3.connect(db_path, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        rows = connection.execute("SELECT code, id FROM locality WHERE level = 'commune'")
        commune_ids = dict(rows.fetchall())
        if not commune_ids:
            raise BenchError("no communes in the database after creating them through the CLI")
        if connection.execute("SELECT count(*) FROM petition").fetchone()[0]:
            raise BenchError("the new database already holds petitions")
        petitions, events, numbers = petition_rows(count, commune_ids, seed)
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            "INSERT INTO petition (id, ref, kind, received_on, locality_id, channel, petitioner,"
            " id_number, phone, address, signatories, subject, meeting_id, competence,"
            " accepted_on, complex, remote, duplicate_of_id, due_on, closed_on, outcome,"
            " verdict, note, petitioner_folded, subject_folded)"
            f" VALUES ({', '.join('?' * 25)})",
            petitions,
        )
        connection.executemany(
            "INSERT INTO petition_event (id, petition_id, at, operator, action, changes)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            events,
        )
        connection.executemany(
            "INSERT INTO ref_sequence (prefix, year, last) VALUES ('P', ?, ?)"
            " ON CONFLICT (prefix, year) DO UPDATE SET last = max(last, excluded.last)",
            [(year, last) for year, last in numbers.items() if last],
        )
        connection.execute("COMMIT")
        if problems := connection.execute("PRAGMA foreign_key_check").fetchall():
            raise BenchError(f"foreign key problems after the bulk insert: {problems[:5]}")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def petition_state(db_path: Path) -> tuple[int, int, int]:
    """(petitions, created events, last P number of 2024)."""
    connection = sqlite3.connect(db_path)
    try:
        petitions = connection.execute("SELECT count(*) FROM petition").fetchone()[0]
        created = connection.execute(
            "SELECT count(*) FROM petition_event WHERE action = 'created'").fetchone()[0]
        last = connection.execute(
            "SELECT last FROM ref_sequence WHERE prefix = 'P' AND year = 2024").fetchone()
        return petitions, created, last[0] if last else 0
    finally:
        connection.close()


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy (WAL included) through SQLite's backup API."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def check_growth(db_path: Path, before: tuple[int, int, int], expected: int) -> tuple[int, ...]:
    after = petition_state(db_path)
    grown = tuple(a - b for a, b in zip(after, before, strict=True))
    if grown != (expected,) * 3:
        raise BenchError(f"{db_path.name}: petitions, created events and the 2024 ref sequence "
                         f"grew by {grown}, expected {expected} each")
    return after


def add_argv(db_path: Path) -> list[str]:
    return [*dantrack_argv(), "--db", str(db_path), "petition", "add", "--kind", "complaint",
            "--received-on", "2024-06-01", "--locality", ADD_LOCALITY, "--subject", "Bench",
            "--petitioner", "Nguyễn Văn A"]


def bench_add(workdir: Path, runs: int, count: int, seed: int,
              env: dict[str, str]) -> dict[str, dict]:
    """petition add on the large database, alternating with the same command on a database
    with the same localities and no petitions (a control: what the size costs)."""
    db_path = workdir / "bench.sqlite"
    control_path = workdir / "control.sqlite"
    started = time.perf_counter()
    log(f"creating {db_path} and its localities through the CLI")
    create_localities(db_path, workdir, env)
    copy_database(db_path, control_path)
    log(f"bulk-inserting {count:,} petitions")
    bulk_insert(db_path, count, seed)
    build_seconds = time.perf_counter() - started
    before = petition_state(db_path)
    if before[0] != count or before[1] != count:
        raise BenchError(f"expected {count} petitions and created events, found {before[:2]}")
    # The bulk rows must read back through dantrack's own models.
    checked_run([*dantrack_argv(), "--db", str(db_path), "petition", "show",
                 "P2022-00001", "--format", "json"], cwd=workdir, env=env)
    # A discarded add on the control, so both timed commands start with warm caches.
    timed_run(add_argv(control_path), cwd=workdir, env=env)
    control_before = petition_state(control_path)

    commands = {"large": add_argv(db_path), "control": add_argv(control_path)}
    times: dict[str, list[float]] = {label: [] for label in commands}
    for i in range(runs):
        log(f"  petition add round {i + 1}/{runs}")
        for label, argv in commands.items():
            times[label].append(timed_run(argv, cwd=workdir, env=env))
    after = check_growth(db_path, before, runs)
    control_after = check_growth(control_path, control_before, runs)
    return {
        "large": {**summary(times["large"]), "command": " ".join(commands["large"]),
                  "petitions_before": before[0], "petitions_after": after[0],
                  "db_bytes": db_path.stat().st_size, "build_seconds": build_seconds},
        "control": {**summary(times["control"]), "command": " ".join(commands["control"]),
                    "petitions_before": control_before[0],
                    "petitions_after": control_after[0]},
    }


# --- report -------------------------------------------------------------------------------


def verdict(median: float, target: float) -> str:
    return "met" if median <= target else "missed"


def report(results: dict) -> str:
    lines = [f"{'measurement':<34} {'runs':>5} {'median':>9} {'min':>9} {'max':>9}"]
    add = results["add"]
    rows = {
        **results["help"],
        f"petition add ({add['large']['petitions_before']:,} petitions)": add["large"],
        "petition add (no petitions)": add["control"],
    }
    for label, row in rows.items():
        lines.append(f"{label:<34} {row['runs']:>5} {row['median']:>8.3f}s {row['min']:>8.3f}s "
                     f"{row['max']:>8.3f}s")
    lines.append("")
    lines.append(f"python {results['python']} ({results['python_version']}); bytecode cache: "
                 f"{results['bytecode_cache']}; load average {results['load_before']} before, "
                 f"{results['load_after']} after; large database built in "
                 f"{add['large']['build_seconds']:.1f} s")
    help_ = results["help"]
    bare = help_["bare typer --help"]["median"]
    floor = help_["python -c pass"]["median"]
    for label in ("dantrack --help", "python -m dantrack --help"):
        if label not in help_:
            continue
        median = help_[label]["median"]
        lines.append(
            f"help ({label}): median {median:.3f} s (bare typer {bare:.3f} s, ratio "
            f"{median / bare:.2f}; interpreter floor {floor:.3f} s) — target {HELP_TARGET} s: "
            f"{verdict(median, HELP_TARGET)}"
        )
    large, control = add["large"], add["control"]
    lines.append(
        f"petition add: median {large['median']:.3f} s on {large['petitions_before']:,} "
        f"petitions (no petitions: {control['median']:.3f} s; "
        f"+{large['petitions_after'] - large['petitions_before']} added, all exit 0) — "
        f"target {ADD_TARGET} s: {verdict(large['median'], ADD_TARGET)}"
    )
    return "\n".join(lines)


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except (AttributeError, OSError):
        return "n/a"


def child_env(workdir: Path, *, private_pycache: bool) -> tuple[dict[str, str], str]:
    """The environment of the timed commands and a description of its bytecode caching.

    By default Python may write .pyc files, under a prefix inside the temporary directory: the
    discarded first runs fill it, as an installed dantrack's .pyc files would be, without
    writing into the source tree and whatever PYTHONDONTWRITEBYTECODE says.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANTRACK_")}
    env["DANTRACK_OPERATOR"] = "bench"
    if private_pycache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
        return env, "private PYTHONPYCACHEPREFIX, warmed"
    if env.get("PYTHONDONTWRITEBYTECODE"):
        return env, "as inherited (PYTHONDONTWRITEBYTECODE set: uncached modules recompile)"
    return env, "as inherited"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per command (15)")
    parser.add_argument("--petitions", type=int, default=100_000,
                        help="petitions in the large database (100000)")
    parser.add_argument("--seed", type=int, default=2024, help="random seed for the data")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--inherit-bytecode-env", action="store_true",
                        help="leave PYTHONDONTWRITEBYTECODE/PYTHONPYCACHEPREFIX as they are "
                        "instead of caching bytecode in a private prefix")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.petitions < 1:
        parser.error("--runs and --petitions must be at least 1")

    workdir = Path(tempfile.mkdtemp(prefix="dantrack-bench-"))
    env, bytecode_cache = child_env(workdir, private_pycache=not args.inherit_bytecode_env)
    load_before = load_average()
    try:
        log(f"timing --help ({args.runs} alternating rounds) in {workdir}")
        help_results = bench_help(workdir, args.runs, env)
        add_results = bench_add(workdir, args.runs, args.petitions, args.seed, env)
    except BenchError as exc:
        log(f"error: {exc}")
        return 1
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    results = {
        "python": sys.executable,
        "python_version": sys.version.split()[0],
        "bytecode_cache": bytecode_cache,
        "load_before": load_before,
        "load_after": load_average(),
        "targets": {"help_median_s": HELP_TARGET, "add_median_s": ADD_TARGET},
        "help": help_results,
        "add": add_results,
    }
    help_label = "dantrack --help" if "dantrack --help" in help_results \
        else "python -m dantrack --help"
    help_median = help_results[help_label]["median"]
    results["verdicts"] = {
        "help": verdict(help_median, HELP_TARGET),
        "help_ratio_to_bare_typer": help_median / help_results["bare typer --help"]["median"],
        "add": verdict(add_results["large"]["median"], ADD_TARGET),
    }
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
