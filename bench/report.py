"""Report benchmark: `dantrack report` on 1,000,000 petitions over about 2,000 localities.

Targets (issue 3): the whole `dantrack report --year Y --locality PROVINCE --format json`
process within 0.5 s median, the whole country within 1 s. As the floor, the same aggregation
is run as one raw SQL query through the sqlite3 module — both in-process (query only) and as a
whole `python -c` process — in the same loop, and the ratio is printed.

    python bench/report.py [--runs N] [--petitions N] [--rebuild] [--json]
                           [--postgres postgresql://USER@HOST/DATABASE] [--before CHECKOUT]
                           [--inherit-bytecode-env]

Issue 14 item 6: the whole country's report has no locality filter, only the dates. Its
floor is that query in raw SQL (the "dates only" cases), and the country report must stay
within COUNTRY_FLOOR_RATIO (2×) of it. The plans of both raw queries are printed (EXPLAIN QUERY
PLAN, EXPLAIN): an index led by the dates was tried and is not in the schema, since every
petition received by the period's end is in its range, so neither backend reads less with it
(SQLite must sort the groups and is slower; PostgreSQL scans the table either way). With
--before CHECKOUT (a checkout of earlier code with its own .venv) the same reports by that code
run in the same loop, on a copy of the database taken back to schema 0005 (alembic downgrade),
so before and after share the machine's noise. The official forms (`dantrack form 01/XLD …`)
join the loop through form_cases().

The database is cached at bench/out/report-<N>.sqlite; --rebuild makes it anew. The tree is 10
provinces × 14 districts × 14 communes (2,110 localities); petitions spread over 2020–2025 with
carry-over, duplicates, every outcome, and open cases.

The reorganised tree (issue 12, bench/reorganised.py; cached at
bench/out/report-reorganised-<N>.sqlite) holds the same petitions over the same units ending on
2024-06-30 and the 670 new units that succeed them from 2024-07-01 (each province by one keeping
its code, communes merged three into one, some split). Its province and country reports must
meet the same targets and stay within 1.3× the unreorganised tree's in the same run; the bench
stops if their totals differ.

With --postgres (issue 6) the same rows are loaded into that PostgreSQL database (it must be
empty or hold this bench's data; COPY, then VACUUM ANALYZE) and the same cases run there too:
`dantrack --db URL report …` against the same aggregation as one raw SQL query in a `python -c`
process through psycopg, and in-process. The province target is the same 0.5 s.
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
import time
from pathlib import Path

from reorganised import CHANGE, reorganise

from dantrack import db
from dantrack.deadlines import due_on

OUT = Path(__file__).resolve().parent / "out"
PROVINCE_TARGET = 0.5
COUNTRY_TARGET = 1.0
REORGANISED_RATIO = 1.3  # the reorganised tree's reports against the unreorganised tree's
COUNTRY_FLOOR_RATIO = 2.0  # the country report against its raw query, dates only (issue 14)
YEAR = 2024
PROVINCES, DISTRICTS, COMMUNES = 10, 14, 14
KINDS = ("complaint", "denunciation", "recommendation", "reflection")
OUTCOMES = ("resolved",) * 14 + ("withdrawn", "guided", "forwarded", "dismissed")


def build(path: Path, petitions: int, reorganised: bool = False) -> None:
    """Schema through dantrack itself, then rows in bulk with executemany. reorganised: the
    tree of bench/reorganised.py, the same petitions placed in it."""
    if path.exists():
        path.unlink()
    database = db.open_database(db.Location(str(path), "bench"), write=True)
    database.dispose()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = OFF")
    rng = random.Random(7)
    localities, communes = [], []
    next_id = 1
    for p in range(PROVINCES):
        province_id = next_id
        next_id += 1
        localities.append((province_id, f"P{p:02d}", f"Tỉnh Thử {p}", "province", None,
                           f"/{province_id}/", f"tinh thu {p}", f"thu {p}"))
        for d in range(DISTRICTS):
            district_id = next_id
            next_id += 1
            localities.append((district_id, f"P{p:02d}D{d:02d}", f"Huyện Thử {p}-{d}",
                               "district", province_id, f"/{province_id}/{district_id}/",
                               f"huyen thu {p}-{d}", f"thu {p}-{d}"))
            for c in range(COMMUNES):
                commune_id = next_id
                next_id += 1
                localities.append((commune_id, f"P{p:02d}D{d:02d}C{c:02d}",
                                   f"Xã Thử {p}-{d}-{c}", "commune", district_id,
                                   f"/{province_id}/{district_id}/{commune_id}/",
                                   f"xa thu {p}-{d}-{c}", f"thu {p}-{d}-{c}"))
                communes.append(commune_id)
    connection.executemany(
        "INSERT INTO locality (id, code, name, level, parent_id, path, name_folded, bare_folded)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", localities)
    successor = reorganise(connection, localities) if reorganised else {}
    start = dt.date(2020, 1, 1)
    span = (dt.date(2025, 12, 31) - start).days
    numbers: dict[int, int] = {}
    rows = []
    for i in range(1, petitions + 1):
        received = start + dt.timedelta(days=rng.randrange(span))
        kind = rng.choice(KINDS)
        complex_, remote = rng.random() < 0.1, rng.random() < 0.1
        due = due_on(kind, received, complex=complex_, remote=remote)
        numbers[received.year] = numbers.get(received.year, 0) + 1
        duplicate = i - rng.randint(1, 50) if i > 60 and rng.random() < 0.02 else None
        closed = outcome = None
        if rng.random() < 0.93:
            closed = received + dt.timedelta(days=rng.randint(0, 90))
            outcome = rng.choice(OUTCOMES)
        competence = "other" if outcome in ("guided", "forwarded") else "own"
        commune = rng.choice(communes)
        if successor and received >= CHANGE:
            commune = successor[commune]
        rows.append((i, f"P{received.year}-{numbers[received.year]:06d}", kind,
                     received.isoformat(), commune, "in_person", "Nguyễn Văn A", "",
                     "", "", 1, "Thử", None, competence, received.isoformat(), complex_, remote,
                     duplicate, due.isoformat(), closed.isoformat() if closed else None, outcome,
                     None, "", "nguyen van a", "thu"))
        if len(rows) == 50_000:
            _insert(connection, rows)
            rows = []
    _insert(connection, rows)
    connection.executemany("INSERT INTO ref_sequence (prefix, year, last) VALUES ('P', ?, ?)",
                           list(numbers.items()))
    connection.commit()
    connection.execute("ANALYZE")
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()


def _insert(connection: sqlite3.Connection, rows: list[tuple]) -> None:
    connection.executemany(
        "INSERT INTO petition (id, ref, kind, received_on, locality_id, channel, petitioner,"
        " id_number, phone, address, signatories, subject, meeting_id, competence, accepted_on,"
        " complex, remote, duplicate_of_id, due_on, closed_on, outcome, verdict, note,"
        " petitioner_folded, subject_folded) VALUES"
        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


# The same aggregation as dantrack's, written by hand: the floor of what SQLite can do.
RAW_SELECT = """
SELECT p.locality_id, p.kind,
  COUNT(*) FILTER (WHERE p.received_on >= :start),
  COUNT(*) FILTER (WHERE p.received_on >= :start AND p.duplicate_of_id IS NOT NULL),
  COUNT(*) FILTER (WHERE p.duplicate_of_id IS NULL AND p.competence = 'own'
      AND (p.outcome IS NULL OR p.outcome != 'dismissed')),
  COUNT(*) FILTER (WHERE p.duplicate_of_id IS NULL AND p.competence = 'own'
      AND (p.outcome IS NULL OR p.outcome != 'dismissed') AND p.received_on < :start),
  COUNT(*) FILTER (WHERE p.duplicate_of_id IS NULL AND p.competence = 'own' AND p.closed_on <= :end
      AND p.outcome IN ('resolved', 'withdrawn')),
  COUNT(*) FILTER (WHERE p.duplicate_of_id IS NULL AND p.competence = 'own' AND p.closed_on <= :end
      AND p.outcome = 'withdrawn'),
  COUNT(*) FILTER (WHERE p.duplicate_of_id IS NULL AND p.competence = 'own' AND p.closed_on <= :end
      AND p.outcome IN ('resolved', 'withdrawn') AND p.closed_on <= p.due_on),
  COUNT(*) FILTER (WHERE p.duplicate_of_id IS NULL AND p.competence = 'own'
      AND (p.outcome IS NULL OR p.outcome != 'dismissed')
      AND (p.closed_on IS NULL OR p.closed_on > :end)),
  COUNT(*) FILTER (WHERE p.duplicate_of_id IS NULL AND p.competence = 'own'
      AND (p.outcome IS NULL OR p.outcome != 'dismissed')
      AND (p.closed_on IS NULL OR p.closed_on > :end) AND p.due_on < :end),
  COUNT(*) FILTER (WHERE p.duplicate_of_id IS NULL AND p.closed_on <= :end AND p.outcome = 'guided'),
  COUNT(*) FILTER (WHERE p.duplicate_of_id IS NULL AND p.closed_on <= :end AND p.outcome = 'forwarded'),
  COUNT(*) FILTER (WHERE p.duplicate_of_id IS NULL AND p.closed_on <= :end AND p.outcome = 'dismissed'),
  COUNT(*) FILTER (WHERE p.verdict = 'upheld' AND p.outcome = 'resolved'
      AND p.duplicate_of_id IS NULL AND p.competence = 'own' AND p.closed_on <= :end),
  COUNT(*) FILTER (WHERE p.verdict = 'partly_upheld' AND p.outcome = 'resolved'
      AND p.duplicate_of_id IS NULL AND p.competence = 'own' AND p.closed_on <= :end),
  COUNT(*) FILTER (WHERE p.verdict = 'rejected' AND p.outcome = 'resolved'
      AND p.duplicate_of_id IS NULL AND p.competence = 'own' AND p.closed_on <= :end),
  COUNT(*) FILTER (WHERE p.verdict = 'founded' AND p.outcome = 'resolved'
      AND p.duplicate_of_id IS NULL AND p.competence = 'own' AND p.closed_on <= :end),
  COUNT(*) FILTER (WHERE p.verdict = 'partly_founded' AND p.outcome = 'resolved'
      AND p.duplicate_of_id IS NULL AND p.competence = 'own' AND p.closed_on <= :end),
  COUNT(*) FILTER (WHERE p.verdict = 'unfounded' AND p.outcome = 'resolved'
      AND p.duplicate_of_id IS NULL AND p.competence = 'own' AND p.closed_on <= :end)
FROM petition p
"""

# A locality's report: the locality-led index ix_petition_report, a range per unit and kind.
RAW_SQL = RAW_SELECT + """WHERE p.locality_id IN (SELECT id FROM locality WHERE path LIKE :prefix || '%')
  AND p.kind IN ('complaint', 'denunciation', 'recommendation', 'reflection')
  AND p.received_on <= :end AND (p.closed_on IS NULL OR p.closed_on >= :start)
GROUP BY p.locality_id, p.kind
"""
# The whole tree's report (issue 14 item 6): no locality filter, only the dates.
DATE_SQL = RAW_SELECT + """WHERE p.received_on <= :end AND (p.closed_on IS NULL OR p.closed_on >= :start)
GROUP BY p.locality_id, p.kind
"""

RAW_PROCESS = """
import sqlite3, sys
c = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
prefix = c.execute("SELECT coalesce((SELECT path FROM locality WHERE code = ?), '/')",
                   (sys.argv[2],)).fetchone()[0]
rows = c.execute(sys.argv[3], {'start': sys.argv[4], 'end': sys.argv[5],
                               'prefix': prefix}).fetchall()
"""


RAW_PG_PROCESS = """
import sys, psycopg
with psycopg.connect(sys.argv[1]) as c:
    prefix = c.execute("SELECT coalesce((SELECT path FROM locality WHERE code = %s), '/')",
                       (sys.argv[2],)).fetchone()[0]
    rows = c.execute(sys.argv[3], {'start': sys.argv[4], 'end': sys.argv[5],
                                   'prefix': prefix}).fetchall()
"""
# The same query in psycopg's parameter style, dates typed (SQLite compares them as text).
def pg_sql(sql: str) -> str:
    return (sql.replace("'%'", "'%%'").replace(":start", "%(start)s::date")
            .replace(":end", "%(end)s::date").replace(":prefix", "%(prefix)s"))


RAW_PG_SQL, DATE_PG_SQL = pg_sql(RAW_SQL), pg_sql(DATE_SQL)
PG_TABLES = ("locality", "petition", "ref_sequence")


def libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def load_postgres(url: str, source: Path, petitions: int, rebuild: bool) -> None:
    """The bench's rows, copied from its SQLite file into PostgreSQL with COPY."""
    import psycopg

    database = db.open_database(db.Location(url, "bench"), write=True)  # dantrack's schema
    database.dispose()
    with psycopg.connect(libpq_url(url), autocommit=True) as connection:
        held = connection.execute("SELECT count(*) FROM petition").fetchone()[0]
        if held != petitions or rebuild:
            started = time.perf_counter()
            reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            with connection.transaction():
                # Emptied in the same transaction, so COPY may write the rows frozen.
                connection.execute("TRUNCATE petition_event, dialogue, petition, meeting,"
                                   " locality, ref_sequence RESTART IDENTITY CASCADE")
                for table in PG_TABLES:
                    cursor = reader.execute(f"SELECT * FROM {table} ORDER BY 1")
                    columns = ", ".join(d[0] for d in cursor.description)
                    with connection.cursor().copy(
                            f"COPY {table} ({columns}) FROM STDIN WITH (FREEZE)") as copy:
                        for row in cursor:
                            copy.write_row(row)
                for table in ("locality", "petition"):
                    connection.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                                       f" (SELECT max(id) FROM {table}))")
            reader.close()
            print(f"loaded {petitions:,} petitions into PostgreSQL in "
                  f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
        # Statistics, and the visibility map that lets the report scan the index alone; what
        # autovacuum would do on a live server.
        connection.execute("VACUUM ANALYZE")


def postgres_cases(url: str, start: str, end: str) -> dict[str, list[str]]:
    raw = [sys.executable, "-c", RAW_PG_PROCESS, libpq_url(url)]
    return {
        "postgres province: dantrack report": dantrack_argv(url, "P03"),
        "postgres province: raw psycopg process": raw + ["P03", RAW_PG_SQL, start, end],
        "postgres country: dantrack report": dantrack_argv(url, None),
        "postgres country: raw psycopg process": raw + ["", RAW_PG_SQL, start, end],
        "postgres country: raw psycopg process, dates only": raw + ["", DATE_PG_SQL, start, end],
    }


def postgres_query_timer(url: str, start: str, end: str):  # type: ignore[no-untyped-def]
    """Times the raw queries in-process on one open connection, like the SQLite floor."""
    import psycopg

    connection = psycopg.connect(libpq_url(url))
    queries = {"postgres province": (RAW_PG_SQL, connection.execute(
        "SELECT path FROM locality WHERE code = 'P03'").fetchone()[0]),
        "postgres country": (RAW_PG_SQL, "/"), "postgres country dates only": (DATE_PG_SQL, "/")}

    def run(scope: str) -> float:
        sql, prefix = queries[scope]
        started = time.perf_counter()
        connection.execute(sql, {"start": start, "end": end, "prefix": prefix}).fetchall()
        connection.rollback()
        return time.perf_counter() - started

    return run, connection, list(queries)


def plans(path: Path, start: str, end: str, postgres: str | None) -> list[str]:
    """How each backend answers the raw queries: EXPLAIN QUERY PLAN, EXPLAIN."""
    lines = []
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    for name, sql in (("locality-led", RAW_SQL), ("dates only", DATE_SQL)):
        rows = connection.execute("EXPLAIN QUERY PLAN " + sql,
                                  {"start": start, "end": end, "prefix": "/"}).fetchall()
        lines.append(f"sqlite {name}: " + "; ".join(row[-1] for row in rows))
    connection.close()
    if postgres:
        import psycopg

        with psycopg.connect(libpq_url(postgres)) as pg:
            for name, sql in (("locality-led", RAW_PG_SQL), ("dates only", DATE_PG_SQL)):
                rows = pg.execute("EXPLAIN " + sql, {"start": start, "end": end, "prefix": "/"})
                lines.append(f"postgres {name}: " + "; ".join(
                    row[0].strip() for row in rows if "Scan" in row[0] or "Aggregate" in row[0]))
    return lines


def child_env(inherit: bool) -> dict[str, str]:
    """As bench/startup.py does: Python may cache bytecode (under bench/out/pycache), as an
    installed dantrack has its .pyc files, whatever PYTHONDONTWRITEBYTECODE says here."""
    env = dict(os.environ)
    if not inherit:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(OUT / "pycache")
    return env


CHILD_ENV: dict[str, str] | None = None


def time_process(argv: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=CHILD_ENV)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {result.stderr.strip()}")
    return elapsed


def dantrack_argv(path: Path | str, locality: str | None, python: str = sys.executable
                  ) -> list[str]:
    argv = [python, "-m", "dantrack", "--db", str(path), "report", "--year", str(YEAR),
            "--format", "json"]
    return argv + (["--locality", locality] if locality else [])


def before_database(path: Path, rebuild: bool) -> Path:
    """A copy of the bench database taken back to schema 0005 (the indexes before migration
    0007), for the code of a checkout from before it."""
    from alembic import command
    from sqlalchemy import create_engine

    from dantrack import migrations

    target = path.with_name(path.stem + "-0005.sqlite")
    if rebuild or not target.exists():
        shutil.copyfile(path, target)
        engine = create_engine(f"sqlite:///{target}")
        with engine.begin() as connection:
            command.downgrade(migrations.config(connection), "0005")
        engine.dispose()
    return target


def sqlite_cases(path: Path, reorganised: Path, start: str, end: str) -> dict[str, list[str]]:
    raw = [sys.executable, "-c", RAW_PROCESS, str(path)]
    return {
        "province: dantrack report": dantrack_argv(path, "P03"),
        "province: raw sqlite3 process": raw + ["P03", RAW_SQL, start, end],
        "country: dantrack report": dantrack_argv(path, None),
        "country: raw sqlite3 process": raw + ["", RAW_SQL, start, end],
        "country: raw sqlite3 process, dates only": raw + ["", DATE_SQL, start, end],
        "reorganised province: dantrack report": dantrack_argv(reorganised, "P03"),
        "reorganised country: dantrack report": dantrack_argv(reorganised, None),
    }


def before_cases(checkout: Path, path: Path) -> dict[str, list[str]]:
    """The same reports by the code of an earlier checkout (its .venv), on its schema."""
    python = str(checkout / ".venv" / "bin" / "python")
    return {"before: province: dantrack report": dantrack_argv(path, "P03", python),
            "before: country: dantrack report": dantrack_argv(path, None, python)}


def form_cases(path: Path) -> dict[str, list[str]]:
    """`dantrack form 01/XLD --official --year Y …` (issue 14): the province and the whole
    country as JSON, and the province's XLSX as offices hand it in, timed with the reports in
    the same loop (targets 0.5 s, 1 s and 1 s)."""
    form = [sys.executable, "-m", "dantrack", "--db", str(path), "form", "01/XLD", "--official",
            "--year", str(YEAR)]
    sheet = OUT / "form-01-xld.xlsx"
    return {
        "province: dantrack form 01/XLD json": [*form, "--locality", "P03", "--format", "json"],
        "country: dantrack form 01/XLD json": [*form, "--format", "json"],
        "province: dantrack form 01/XLD xlsx": [*form, "--locality", "P03", "--format", "xlsx",
                                               "-o", str(sheet), "--body-name", "UBND TỈNH"],
    }


def main() -> None:
    args = arguments()
    global CHILD_ENV
    CHILD_ENV = child_env(args.inherit_bytecode_env)
    OUT.mkdir(exist_ok=True)
    path = OUT / f"report-{args.petitions}.sqlite"
    reorganised = OUT / f"report-reorganised-{args.petitions}.sqlite"
    for target, changed in ((path, False), (reorganised, True)):
        if args.rebuild or not target.exists():
            started = time.perf_counter()
            build(target, args.petitions, reorganised=changed)
            print(f"built {target} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    start, end = f"{YEAR}-01-01", f"{YEAR}-12-31"
    cases = sqlite_cases(path, reorganised, start, end)
    check_reorganised_totals(cases)
    cases.update(form_cases(path))
    if args.before:
        cases.update(before_cases(args.before, before_database(path, args.rebuild)))
    pg_query = pg_connection = None
    if args.postgres:
        load_postgres(args.postgres, path, args.petitions, args.rebuild)
        cases.update(postgres_cases(args.postgres, start, end))
        pg_query, pg_connection, pg_scopes = postgres_query_timer(args.postgres, start, end)
    timings, query_only = run_cases(cases, args.runs, path, start, end, pg_query,
                                    pg_scopes if args.postgres else [])
    env = environment(args, pg_connection)
    results = {name: statistics.median(values) for name, values in timings.items()}
    results.update({f"{scope}: raw query in-process": statistics.median(values)
                    for scope, values in query_only.items()})
    if args.json:
        print(json.dumps({"environment": env, "medians_s": results,
                          "plans": plans(path, start, end, args.postgres)}, indent=2))
        return
    print(f"report benchmark — {env}")
    for line in plans(path, start, end, args.postgres):
        print(f"  plan, {line}")
    for name, value in results.items():
        spread = timings.get(name) or query_only[name.split(":")[0]]
        print(f"  {name:47s} median {value:6.3f} s  (min {min(spread):.3f}, max {max(spread):.3f})")
    print_verdicts(results, bool(args.postgres))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--petitions", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--postgres", metavar="URL",
                        help="also run on this PostgreSQL database (loaded from the same rows)")
    parser.add_argument("--before", metavar="CHECKOUT", type=Path,
                        help="also time the reports of this checkout's code (its .venv), on a "
                             "copy of the database at schema 0005, in the same loop")
    parser.add_argument("--inherit-bytecode-env", action="store_true",
                        help="leave PYTHONDONTWRITEBYTECODE/PYTHONPYCACHEPREFIX as they are")
    return parser.parse_args()


def run_cases(cases: dict[str, list[str]], runs: int, path: Path, start: str, end: str,
              pg_query, pg_scopes: list[str]):  # type: ignore[no-untyped-def]
    """Every case, interleaved run by run so that all share the same noise, and the raw
    queries in-process on one open connection."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    queries = {"province": (RAW_SQL, connection.execute(
        "SELECT path FROM locality WHERE code = 'P03'").fetchone()[0]),
        "country": (RAW_SQL, "/"), "country dates only": (DATE_SQL, "/")}
    timings: dict[str, list[float]] = {name: [] for name in cases}
    query_only: dict[str, list[float]] = {scope: [] for scope in (*queries, *pg_scopes)}
    for argv in cases.values():  # one discarded run each: page cache and bytecode cache
        time_process(argv)
    for _ in range(runs):
        for name, argv in cases.items():
            timings[name].append(time_process(argv))
        for scope, (sql, prefix) in queries.items():
            started = time.perf_counter()
            connection.execute(sql, {"start": start, "end": end, "prefix": prefix}).fetchall()
            query_only[scope].append(time.perf_counter() - started)
        for scope in pg_scopes:
            query_only[scope].append(pg_query(scope))
    connection.close()
    return timings, query_only


def environment(args: argparse.Namespace, pg_connection) -> dict:  # type: ignore[no-untyped-def, type-arg]
    env = {"python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version,
           "cpus": os.cpu_count(), "petitions": args.petitions, "runs": args.runs,
           "bytecode": "as inherited" if args.inherit_bytecode_env else "cached, warmed",
           "load": os.getloadavg()[0]}
    if pg_connection is not None:
        env["postgresql"] = pg_connection.execute("SHOW server_version").fetchone()[0]
        pg_connection.close()
    return env


def print_verdicts(results: dict[str, float], postgres: bool) -> None:
    verdicts = [("province", "raw sqlite3 process", PROVINCE_TARGET),
                ("country", "raw sqlite3 process", COUNTRY_TARGET),
                ("country", "raw sqlite3 process, dates only", COUNTRY_TARGET)]
    if postgres:
        verdicts += [("postgres province", "raw psycopg process", PROVINCE_TARGET),
                     ("postgres country", "raw psycopg process", COUNTRY_TARGET),
                     ("postgres country", "raw psycopg process, dates only", COUNTRY_TARGET)]
    for scope, raw, target in verdicts:
        ours = results[f"{scope}: dantrack report"]
        floor = results[f"{scope}: {raw}"]
        verdict = "met" if ours <= target else f"MISSED by {ours - target:.3f} s"
        ratio = "" if "dates only" not in raw else (
            f", {'within' if ours <= COUNTRY_FLOOR_RATIO * floor else 'NOT within'} "
            f"{COUNTRY_FLOOR_RATIO}× the floor")
        print(f"{scope}: dantrack {ours:.3f} s vs {raw} {floor:.3f} s "
              f"(ratio {ours / floor:.2f}) — target {target} s: {verdict}{ratio}")
    forms = (("province", "json", PROVINCE_TARGET, "raw sqlite3 process"),
             ("country", "json", COUNTRY_TARGET, "raw sqlite3 process, dates only"),
             ("province", "xlsx", COUNTRY_TARGET, "raw sqlite3 process"))
    for scope, kind, target, raw in forms:
        ours, floor = results[f"{scope}: dantrack form 01/XLD {kind}"], results[f"{scope}: {raw}"]
        verdict = "met" if ours <= target else f"MISSED by {ours - target:.3f} s"
        print(f"{scope}: dantrack form 01/XLD {kind} {ours:.3f} s vs {raw} {floor:.3f} s "
              f"(ratio {ours / floor:.2f}) — target {target} s: {verdict}")
    for scope in ("province", "country"):
        if f"before: {scope}: dantrack report" in results:
            before = results[f"before: {scope}: dantrack report"]
            now = results[f"{scope}: dantrack report"]
            print(f"{scope}: before {before:.3f} s, after {now:.3f} s ({now / before:.2f}×)")
    for scope, target in (("province", PROVINCE_TARGET), ("country", COUNTRY_TARGET)):
        ours = results[f"reorganised {scope}: dantrack report"]
        ratio = ours / results[f"{scope}: dantrack report"]
        misses = ([f"{ours - target:.3f} s over {target} s"] if ours > target else []) + (
            [f"ratio over {REORGANISED_RATIO}"] if ratio > REORGANISED_RATIO else [])
        print(f"reorganised {scope}: dantrack {ours:.3f} s, {ratio:.2f}× the unreorganised "
              f"tree's — targets {target} s and {REORGANISED_RATIO}×: "
              + (f"MISSED ({', '.join(misses)})" if misses else "met"))


def check_reorganised_totals(cases: dict[str, list[str]]) -> None:
    """The reorganised tree holds the same petitions: the same totals, or the bench stops."""
    for scope in ("province", "country"):
        totals = []
        for name in (f"{scope}: dantrack report", f"reorganised {scope}: dantrack report"):
            result = subprocess.run(cases[name], capture_output=True, text=True, env=CHILD_ENV)
            if result.returncode != 0:
                raise SystemExit(f"{name} failed: {result.stderr.strip()}")
            totals.append({k: v for k, v in json.loads(result.stdout)["petitions"].items()
                           if k != "by_kind"})
        if totals[0] != totals[1] or not totals[0]["received"]:
            raise SystemExit(f"{scope}: the reorganised tree's totals differ: {totals}")


if __name__ == "__main__":
    main()
