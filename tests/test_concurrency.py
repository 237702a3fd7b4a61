"""Several clerks on one SQLite file, in real processes: none lost, refs unique and gapless,
readers undisturbed, and a lock held too long ends in exit 4 — never a traceback."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

# A clerk's desk as a process: adds COUNT petitions through the services, each in its own
# transaction as `dantrack petition add` does, alternating 2023 and 2024 (COUNT 0: until the
# file GO.stop appears). It waits for the GO file so that all desks start at once, and prints
# the refs it was given.
DESK = r"""
import itertools, json, sys, time
from pathlib import Path
from dantrack.db import Location, open_database
from dantrack.services.petitions import add_petition

path, name, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
years = [int(y) for y in sys.argv[5].split(",")]
stop = go.with_name(go.name + ".stop")
while not go.exists():
    time.sleep(0.005)
database = open_database(Location(path, name), write=True)
refs = []
for i in range(count) if count else itertools.count():
    if not count and stop.exists():
        break
    year = years[i % len(years)]
    with database.session() as session:
        petition = add_petition(session, kind="complaint", received_on=f"{year}-06-01",
                                locality="01864", subject=f"{name} {i}")
        refs.append(petition.ref)
database.dispose()
print(json.dumps(refs))
"""


def start_desk(db_path: Path, name: str, count: int, go: Path,
               years: str = "2024,2023") -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", DESK, str(db_path), name, str(count),
                             str(go), years], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def finish(desk: subprocess.Popen[str]) -> list[str]:
    out, err = desk.communicate(timeout=180)
    assert desk.returncode == 0 and err == "", err
    return json.loads(out)


def dantrack(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dantrack", *args], capture_output=True,
                          text=True, timeout=120, env=env)


def rows(db_path: Path, query: str) -> list[tuple]:
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def refs_of_year(db_path: Path, year: int) -> list[str]:
    return [r for (r,) in rows(db_path, f"SELECT ref FROM petition WHERE ref LIKE 'P{year}-%' "
                                        "ORDER BY ref")]


def gapless(year: int, count: int) -> list[str]:
    return [f"P{year}-{n:05d}" for n in range(1, count + 1)]


def test_four_desks_add_2000_petitions_while_reports_run(tree, db_path: Path,
                                                         tmp_path: Path) -> None:
    go = tmp_path / "go"
    desks = [start_desk(db_path, f"desk{d}", 500, go) for d in range(4)]
    go.touch()
    received = []
    while any(desk.poll() is None for desk in desks):
        result = dantrack("report", "--year", "2024", "--format", "json")
        assert result.returncode == 0 and result.stderr == "", result.stderr
        received.append(json.loads(result.stdout)["petitions"]["received"])
        time.sleep(0.3)  # leave the two cores mostly to the desks
    given = [finish(desk) for desk in desks]

    # None lost: every desk's 500 are there, each with its creation in the history.
    assert [len(refs) for refs in given] == [500] * 4
    subjects = {s for (s,) in rows(db_path, "SELECT subject FROM petition")}
    assert subjects == {f"desk{d} {i}" for d in range(4) for i in range(500)}
    assert rows(db_path, "SELECT count(*), count(DISTINCT petition_id) FROM petition_event "
                         "WHERE action = 'created'") == [(2000, 2000)]
    # Refs unique and gapless per year, and each desk was told the ref that was stored.
    assert refs_of_year(db_path, 2024) == gapless(2024, 1000)
    assert refs_of_year(db_path, 2023) == gapless(2023, 1000)
    assert sorted(ref for refs in given for ref in refs) == gapless(2023, 1000) + gapless(
        2024, 1000)
    stored = dict(rows(db_path, "SELECT subject, ref FROM petition"))
    assert all(stored[f"desk{d} {i}"] == ref for d, refs in enumerate(given)
               for i, ref in enumerate(refs))
    # The reports ran during the writes and each saw a consistent, growing register.
    assert len(received) >= 2
    assert received == sorted(received) and 0 <= received[0] and received[-1] <= 1000
    assert dantrack("db", "check").returncode == 0


def test_four_clerks_on_the_command_line(tree, db_path: Path) -> None:
    def clerk(name: str) -> list[subprocess.CompletedProcess[str]]:
        return [dantrack("petition", "add", "--kind", "khiếu nại", "--received-on",
                         "15/06/2024", "--locality", "cao thuong", "--subject",
                         f"{name} {i}") for i in range(4)]

    with ThreadPoolExecutor(4) as pool:
        results = [r for clerk_results in pool.map(clerk, ["a", "b", "c", "d"])
                   for r in clerk_results]
    assert [r.returncode for r in results] == [0] * 16
    assert all(r.stdout == "" for r in results)
    told = sorted(r.stderr.split()[2] for r in results)
    assert told == gapless(2024, 16)
    assert all(r.stderr == f"Recorded petition {ref} (due 2024-07-15)\n"
               for r, ref in zip(sorted(results, key=lambda r: r.stderr), told, strict=True))
    assert refs_of_year(db_path, 2024) == gapless(2024, 16)
    assert len({s for (s,) in rows(db_path, "SELECT subject FROM petition")}) == 16


def hold_write_lock(db_path: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


ADD = ("petition", "add", "--kind", "complaint", "--received-on", "2024-06-01",
       "--locality", "01864", "--subject", "Đất đai")


def test_a_lock_held_past_the_busy_timeout_exits_4(tree, db_path: Path) -> None:
    env = {**os.environ, "DANTRACK_BUSY_TIMEOUT": "0.5"}
    holder = hold_write_lock(db_path)
    try:
        started = time.monotonic()
        result = dantrack(*ADD, env=env)
        waited = time.monotonic() - started
        # Readers are not held up by a writer (WAL): a report and a list still work.
        assert dantrack("report", "--year", "2024", "--format", "json",
                        env=env).returncode == 0
        assert dantrack("petition", "list", env=env).returncode == 0
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode == 4
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: the database {db_path} is locked")
    assert "DANTRACK_BUSY_TIMEOUT" in result.stderr and "0.5 s" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert 0.5 <= waited < 4.5  # the configured wait, not the default 5 s
    assert rows(db_path, "SELECT count(*) FROM petition") == [(0,)]
    assert rows(db_path, "SELECT count(*) FROM ref_sequence") == [(0,)]


def test_a_writer_waits_for_a_lock_released_within_the_timeout(tree, db_path: Path) -> None:
    holder = hold_write_lock(db_path)
    try:
        started = time.monotonic()
        clerk = subprocess.Popen([sys.executable, "-m", "dantrack", *ADD],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.0)
        assert clerk.poll() is None, "the clerk did not wait for the lock"
    finally:
        holder.rollback()
        holder.close()
    out, err = clerk.communicate(timeout=60)
    assert clerk.returncode == 0, err
    assert err == "Recorded petition P2024-00001 (due 2024-07-01)\n"
    assert time.monotonic() - started >= 1.0


def test_a_bad_busy_timeout_exits_4(cli, tree, monkeypatch: pytest.MonkeyPatch) -> None:
    for value in ("soon", "-1", "nan"):
        monkeypatch.setenv("DANTRACK_BUSY_TIMEOUT", value)
        result = cli(*ADD)
        assert result.exit_code == 4, (value, result.stderr)
        assert result.stderr.startswith("Error: DANTRACK_BUSY_TIMEOUT must ")
        assert repr(value) in result.stderr


def test_an_endless_busy_timeout_is_capped(cli, tree, monkeypatch: pytest.MonkeyPatch) -> None:
    from dantrack.db import MAX_BUSY_TIMEOUT, busy_timeout

    for value, expected in (("inf", MAX_BUSY_TIMEOUT), ("1e12", MAX_BUSY_TIMEOUT),
                            ("2.5", 2.5), ("0", 0.0)):
        monkeypatch.setenv("DANTRACK_BUSY_TIMEOUT", value)
        assert busy_timeout() == expected
    monkeypatch.setenv("DANTRACK_BUSY_TIMEOUT", "inf")
    assert cli(*ADD).exit_code == 0


# --- an import while clerks add ------------------------------------------------------------

IMPORT_COLUMNS = ("kind", "received_on", "locality", "subject", "petitioner", "signatories")


def petition_csv(path: Path, count: int, *, tag: str, year: int = 2024) -> Path:
    lines = [",".join(IMPORT_COLUMNS)]
    lines += [f"complaint,{year}-0{1 + n % 9}-1{n % 10},01864,{tag} {n},Hà Văn {n},1"
              for n in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_import_while_clerks_add(tree, db_path: Path, tmp_path: Path) -> None:
    source = petition_csv(tmp_path / "batch.csv", 5000, tag="batch")
    go = tmp_path / "go"
    desks = [start_desk(db_path, f"desk{d}", 0, go, years="2024") for d in range(2)]
    go.touch()

    def petitions() -> int:
        return rows(db_path, "SELECT count(*) FROM petition")[0][0]

    def wait_for(count: int) -> None:
        deadline = time.monotonic() + 60
        while petitions() < count:
            assert time.monotonic() < deadline and all(d.poll() is None for d in desks)
            time.sleep(0.01)

    wait_for(20)
    result = dantrack("import", "petitions", str(source))
    wait_for(petitions() + 20)  # the desks go on after the import
    (tmp_path / "go.stop").touch()
    given = [finish(desk) for desk in desks]

    assert result.returncode == 0, result.stderr
    assert "5000 inserted" in result.stderr
    added = sum(len(refs) for refs in given)
    assert refs_of_year(db_path, 2024) == gapless(2024, 5000 + added)
    assert rows(db_path, "SELECT count(*) FROM petition WHERE subject LIKE 'batch %'") == [
        (5000,)]
    assert rows(db_path, "SELECT count(*) FROM petition_event WHERE action = 'created'") == [
        (5000 + added,)]
    # The import's refs are one block; the desks' come before it and after it.
    first, last = rows(db_path, "SELECT min(ref), max(ref) FROM petition "
                                "WHERE subject LIKE 'batch %'")[0]
    assert int(last[6:]) - int(first[6:]) == 4999
    desk_refs = [ref for refs in given for ref in refs]
    assert min(desk_refs) < first and max(desk_refs) > last
    assert dantrack("db", "check").returncode == 0
