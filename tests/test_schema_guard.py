"""A database written by a newer dantrack (a schema revision this code does not know) is
refused with exit 4 and a message, by every command, and never written to."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

FUTURE = "9999_future"

READS = [
    ("petition", "list"), ("petition", "show", "P2024-00001"), ("meeting", "list"),
    ("locality", "list"), ("locality", "show", "06"), ("dialogue", "list"),
    ("report", "--year", "2024", "--format", "json"), ("db", "check"),
    ("export", "petitions", "--format", "csv"),
    ("petition", "show", "P2024-00001", "--reveal"), ("petition", "list", "--reveal"),
]
WRITES = [
    ("petition", "add", "--kind", "complaint", "--received-on", "2024-05-01", "--locality",
     "01864", "--subject", "x"),
    ("petition", "edit", "P2024-00001", "--subject", "y"),
    ("petition", "close", "P2024-00001", "--outcome", "resolved", "--on", "2024-03-10"),
    ("locality", "add", "07", "Cao Bằng", "--level", "province"),
    ("meeting", "add", "--date", "2024-03-15", "--locality", "061", "--kind", "regular",
     "--body", "party"),
    ("import", "petitions", "{rows}"),
    ("db", "backup", "{copy}"),
    ("db", "upgrade"),
]


def fingerprint(db_path: Path) -> tuple[str, int]:
    """The database file's bytes, and how much its write-ahead log holds."""
    wal = db_path.with_name(db_path.name + "-wal")
    return (hashlib.sha256(db_path.read_bytes()).hexdigest(),
            wal.stat().st_size if wal.exists() else 0)


@pytest.fixture(params=["wal", "delete"])
def future_db(request: pytest.FixtureRequest, cli, tree, db, db_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A register whose schema revision names a newer dantrack, in either journal mode."""
    assert cli("petition", "add", "--kind", "complaint", "--received-on", "2024-03-01",
               "--locality", "01864", "--subject", "Đất").exit_code == 0
    db.dispose()
    connection = sqlite3.connect(db_path, isolation_level=None)
    connection.execute("UPDATE alembic_version SET version_num = ?", (FUTURE,))
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if request.param == "delete":  # as a copy made by hand, or the shipped sample, would be
        connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()
    return db_path


def expected_error(db_path: Path) -> str:
    return (f"Error: the database {db_path} was written by a newer dantrack (schema {FUTURE}); "
            "upgrade dantrack to use it\n")


def fill(args: tuple[str, ...], tmp_path: Path) -> list[str]:
    rows = tmp_path / "rows.csv"
    rows.write_text("kind,received_on,locality,subject\ncomplaint,2024-05-02,01864,z\n",
                    encoding="utf-8")
    return [a.format(rows=rows, copy=tmp_path / "copy.sqlite") for a in args]


@pytest.mark.parametrize("command", READS, ids=" ".join)
def test_reads_refuse_a_newer_schema(cli, future_db: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                     command: tuple[str, ...]) -> None:
    before = fingerprint(future_db)
    result = cli(*fill(command, tmp_path))
    assert (result.exit_code, result.stdout) == (4, ""), result.stderr
    assert result.stderr == expected_error(future_db)
    assert fingerprint(future_db) == before


@pytest.mark.parametrize("command", WRITES, ids=" ".join)
def test_writes_refuse_a_newer_schema_and_write_nothing(cli, future_db: Path,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path,
                                                         command: tuple[str, ...]) -> None:
    before = fingerprint(future_db)
    result = cli(*fill(command, tmp_path))
    assert (result.exit_code, result.stdout) == (4, ""), result.stderr
    assert result.stderr == expected_error(future_db)
    assert not (tmp_path / "copy.sqlite").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if "bak" in p.name) == []
    assert fingerprint(future_db) == before


def test_the_real_command_line_refuses_too(future_db: Path) -> None:
    before = fingerprint(future_db)
    result = subprocess.run([sys.executable, "-m", "dantrack", "petition", "list"],
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (4, "")
    assert result.stderr == expected_error(future_db)
    assert fingerprint(future_db) == before


def another_programs_file(db_path: Path) -> Path:
    connection = sqlite3.connect(db_path)
    connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    connection.execute("INSERT INTO notes (text) VALUES ('not dantrack')")
    connection.commit()
    connection.close()
    return db_path


@pytest.mark.parametrize("command", [
    ("petition", "list"), ("db", "check"), ("report", "--year", "2024"),
    ("locality", "add", "06", "B", "--level", "x"),
], ids=" ".join)
def test_a_file_of_another_program_is_refused_and_kept(cli, db_path: Path,
                                                       command: tuple[str, ...]) -> None:
    another_programs_file(db_path)
    before = fingerprint(db_path)
    result = cli(*command)
    assert result.exit_code == 4, result.stderr
    assert result.stderr == f"Error: {db_path} is not a dantrack database (no schema version)\n"
    assert fingerprint(db_path) == before
