"""An import of 100,000 rows killed (SIGKILL) at random moments leaves an intact database
holding none of its rows; the same import left alone then writes all of them."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

ROWS = 100_000


def big_csv(path: Path) -> Path:
    lines = ["ref,kind,received_on,locality,subject,petitioner,id_number,signatories"]
    lines += [f"IMP-{n:06d},complaint,2024-0{1 + n % 9}-1{n % 10},01864,crash {n},"
              f"Hà Văn {n},{n:012d},1" for n in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def state(db_path: Path) -> tuple[str, int, int, int]:
    """(integrity_check, the import's rows, all petitions, history events)."""
    connection = sqlite3.connect(db_path)
    try:
        return (connection.execute("PRAGMA integrity_check").fetchone()[0],
                connection.execute("SELECT count(*) FROM petition WHERE ref LIKE 'IMP-%' "
                                   "OR subject LIKE 'crash %'").fetchone()[0],
                connection.execute("SELECT count(*) FROM petition").fetchone()[0],
                connection.execute("SELECT count(*) FROM petition_event").fetchone()[0])
    finally:
        connection.close()


def wal_size(db_path: Path) -> int:
    wal = db_path.with_name(db_path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def start_import(source: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "dantrack", "import", "petitions",
                             str(source)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def kill_when(importer: subprocess.Popen[str], ready) -> bool:  # type: ignore[no-untyped-def]
    """SIGKILL the import once ready() holds; False if it ended first."""
    deadline = time.monotonic() + 60
    while not ready():
        if importer.poll() is not None or time.monotonic() > deadline:
            importer.kill()
            importer.communicate()
            return False
        time.sleep(0.002)
    importer.send_signal(signal.SIGKILL)
    importer.communicate(timeout=30)
    return importer.returncode == -signal.SIGKILL


def test_an_import_killed_at_random_moments_leaves_nothing(cli, tree, db_path: Path,
                                                           tmp_path: Path) -> None:
    source = big_csv(tmp_path / "big.csv")
    for subject in ("before 1", "before 2", "before 3"):
        assert cli("petition", "add", "--kind", "complaint", "--received-on", "2024-02-01",
                   "--locality", "01864", "--subject", subject).exit_code == 0
    baseline = state(db_path)
    assert baseline == ("ok", 0, 3, 3)

    seed = random.randrange(1_000_000)
    chance = random.Random(seed)
    # One moment by the clock, early (the file being read and checked), then two by the
    # import's progress: once the uncommitted transaction has spilled a random number of bytes
    # into the WAL (the whole import spills about 12 MB, so each kill lands mid-write).
    started = [0.0]
    moments = [lambda: time.monotonic() - started[0] > chance.uniform(0.05, 0.4)]
    for _ in range(2):
        threshold = chance.randrange(64_000, 3_000_000)
        moments.append(lambda threshold=threshold: wal_size(db_path) > threshold)
    for i, moment in enumerate(moments):
        started[0] = time.monotonic()
        importer = start_import(source)
        assert kill_when(importer, moment), f"kill {i} (seed {seed}) came after the import"
        assert state(db_path) == baseline, f"after kill {i} (seed {seed})"
        assert cli("db", "check").exit_code == 0

    # The register goes on as if no import had been tried, and the same import, left alone,
    # writes every row: the kills above were what kept them out.
    result = cli("petition", "add", "--kind", "complaint", "--received-on", "2024-02-02",
                 "--locality", "01864", "--subject", "after")
    assert result.stderr == "Recorded petition P2024-00004 (due 2024-03-03)\n"
    importer = start_import(source)
    _, err = importer.communicate(timeout=120)
    assert importer.returncode == 0, err
    assert state(db_path) == ("ok", ROWS, ROWS + 4, ROWS + 4)


def test_a_checking_process_that_dies_leaves_nothing_written(  # type: ignore[no-untyped-def]
        tree, cli, tmp_path: Path, db_path: Path, monkeypatch) -> None:
    """Large files are checked in a forked process: if it dies, the import fails cleanly."""
    import os

    from dantrack.importing import worker

    monkeypatch.setattr(worker, "MIN_BYTES", 0)
    monkeypatch.setattr(worker, "_check_rows", lambda *_: os._exit(9))
    path = tmp_path / "p.csv"
    path.write_text("ref,kind,received_on,locality\nX-1,complaint,2024-03-01,01864\n",
                    encoding="utf-8")
    before = list(sqlite3.connect(db_path).iterdump())
    result = cli("import", "petitions", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip() == ("Error: the process checking the file's rows ended "
                                     "unexpectedly; nothing was imported")
    assert list(sqlite3.connect(db_path).iterdump()) == before
