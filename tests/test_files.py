"""Files dantrack writes (issue 10): one writer for -o and backups, never onto the database,
private modes, db restore, and what killed backups and upgrades leave behind."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from dantrack import db, files, migrations

DEAD_PID = 99999999  # above any Linux pid_max: never a running process


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stdout


def fails(result, code: int) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def add_petitions(cli, count: int, received_on: str = "2024-03-01") -> None:  # type: ignore[no-untyped-def]
    for _ in range(count):
        ok(cli("petition", "add", "--kind", "tố cáo", "--received-on", received_on,
               "--locality", "01864", "--subject", "Đất đai", "--petitioner", "Lý Thị Mai"))


def petition_refs(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [ref for (ref,) in connection.execute("SELECT ref FROM petition ORDER BY ref")]
    finally:
        connection.close()


def partials(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if "partial" in p.name)


# --- -o and backups never write onto the database -----------------------------------------


def add_localities(cli) -> None:  # type: ignore[no-untyped-def]
    ok(cli("locality", "add", "06", "Bắc Kạn", "--level", "province"))
    ok(cli("locality", "add", "061", "Huyện Ba Bể", "--level", "district", "--parent", "06"))
    ok(cli("locality", "add", "01864", "Xã Cao Thượng", "--level", "commune", "--parent",
           "061"))


@pytest.fixture
def filled(cli, db_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Three petitions, written by the command line only: no connection stays open."""
    add_localities(cli)
    add_petitions(cli, 3)
    return db_path


@pytest.mark.parametrize("name", ["dantrack.sqlite", "dantrack.sqlite-wal",
                                  "dantrack.sqlite-shm", "dantrack.sqlite-journal",
                                  "link-to-db", "link-to-wal", "hard-link"])
def test_export_onto_the_database_or_a_companion_is_refused(cli, filled: Path,
                                                            name: str) -> None:
    tmp = filled.parent
    (tmp / "link-to-db").symlink_to(filled)
    (tmp / "link-to-wal").symlink_to(tmp / "dantrack.sqlite-wal")
    os.link(filled, tmp / "hard-link")
    before = filled.read_bytes()
    stderr = fails(cli("export", "petitions", "-o", str(tmp / name)), 1)
    assert stderr.startswith(f"Error: {tmp / name} is ")
    assert "give another file" in stderr and "Lý Thị Mai" not in stderr
    assert filled.read_bytes() == before
    assert petition_refs(filled) == ["P2024-00001", "P2024-00002", "P2024-00003"]
    assert ok(cli("db", "check")).startswith("OK: ")
    assert partials(tmp) == []


def test_backup_onto_the_live_wal_is_refused_even_with_force(cli, db_path: Path) -> None:
    add_localities(cli)
    holder = sqlite3.connect(db_path)  # keeps the committed rows in the WAL, unchecked-pointed
    holder.execute("SELECT count(*) FROM petition").fetchall()
    try:
        add_petitions(cli, 2)
        wal = db_path.with_name("dantrack.sqlite-wal")
        assert wal.stat().st_size > 0
        before = wal.read_bytes()
        stderr = fails(cli("db", "backup", str(wal), "--force"), 1)
        assert stderr == (f"Error: {wal} is a companion file of the database {db_path} (its "
                          "journal or write-ahead log): give another file\n")
        assert wal.read_bytes() == before
    finally:
        holder.close()
    assert petition_refs(db_path) == ["P2024-00001", "P2024-00002"]


def test_backup_force_through_a_symlink_keeps_the_link(cli, filled: Path, tmp_path: Path) -> None:
    real = tmp_path / "backups" / "latest.sqlite"
    real.parent.mkdir()
    real.write_text("last week's backup")
    link = tmp_path / "latest"
    link.symlink_to(real)
    ok(cli("db", "backup", str(link), "--force"))
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert petition_refs(real) == ["P2024-00001", "P2024-00002", "P2024-00003"]
    assert mode(real) == 0o600
    assert partials(real.parent) == [] and partials(tmp_path) == []


# --- a failing export leaves the old file; a good one is private ---------------------------


@pytest.mark.backends
def test_failing_export_leaves_an_existing_file_byte_identical(
        cli, tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add_petitions(cli, 3)
    out = tmp_path / "out" / "petitions.csv"
    out.parent.mkdir()
    out.write_bytes(b"yesterday's export\n")
    fails(cli("export", "petitions", "--locality", "no such place", "-o", str(out)), 1)
    assert out.read_bytes() == b"yesterday's export\n"

    from dantrack import exporting
    from dantrack.errors import RuleError

    real = exporting.export_records

    def breaks_midway(*args, **kwargs):  # type: ignore[no-untyped-def]
        rows = real(*args, **kwargs)
        yield next(iter(rows))
        raise RuleError("the export broke off")

    monkeypatch.setattr(exporting, "export_records", breaks_midway)
    assert fails(cli("export", "petitions", "-o", str(out)), 1) == (
        "Error: the export broke off\n")
    assert out.read_bytes() == b"yesterday's export\n"
    assert sorted(p.name for p in out.parent.iterdir()) == ["petitions.csv"]


@pytest.mark.backends
def test_export_to_a_file_is_complete_and_private(cli, tree, tmp_path: Path) -> None:
    add_petitions(cli, 2)
    out = tmp_path / "petitions.json"
    out.write_text("old")
    out.chmod(0o644)
    ok(cli("export", "petitions", "-f", "json", "--reveal", "-o", str(out)))
    assert out.read_text(encoding="utf-8") == ok(cli("export", "petitions", "-f", "json",
                                                     "--reveal"))
    assert mode(out) == 0o600
    assert partials(tmp_path) == []


def test_export_to_a_missing_directory_or_a_directory_is_a_usage_error(cli, filled: Path,
                                                                      tmp_path: Path) -> None:
    missing = tmp_path / "no" / "out.csv"
    assert fails(cli("export", "petitions", "-o", str(missing)), 2).endswith(
        f"Invalid value for '--output': cannot write the output to {missing}: no directory "
        f"{missing.parent}\n")
    assert fails(cli("export", "petitions", "-o", str(tmp_path)), 2).endswith(
        f"Invalid value for '--output': {tmp_path} is a directory: give the output file's "
        "name\n")


def test_export_through_a_symlink_replaces_the_file_it_points_to(cli, filled: Path,
                                                                tmp_path: Path) -> None:
    real = tmp_path / "shared.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    ok(cli("export", "petitions", "-o", str(link)))
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "P2024-00003" in real.read_text(encoding="utf-8-sig")
    assert mode(real) == 0o600


def test_writer_removes_its_temporary_on_interrupt(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("as it was")
    with pytest.raises(KeyboardInterrupt), files.output_file(target) as handle:
        handle.write("half")
        raise KeyboardInterrupt
    assert target.read_text() == "as it was"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


# --- db restore ----------------------------------------------------------------------------


def test_restore_round_trip(cli, filled: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.sqlite"
    ok(cli("db", "backup", str(backup)))
    wal = filled.with_name("dantrack.sqlite-wal")
    holder = sqlite3.connect(filled)  # so that the WAL outlives the commands, as after a crash
    holder.execute("SELECT count(*) FROM petition").fetchall()
    add_petitions(cli, 2)
    left_behind = wal.read_bytes()
    holder.close()
    wal.write_bytes(left_behind)
    result = cli("db", "restore", str(backup))
    ok(result)
    kept = filled.with_name("dantrack.sqlite.before-restore")
    assert result.stderr.startswith(
        f"Restored {filled} from {backup} (schema {db.SCHEMA_REVISION}); the database as it "
        f"was is kept at {kept}; removed dantrack.sqlite-wal")
    assert not any(filled.with_name(filled.name + s).exists() for s in files.COMPANIONS)
    assert petition_refs(filled) == ["P2024-00001", "P2024-00002", "P2024-00003"]
    assert len(petition_refs(kept)) == 5  # the replaced file holds its WAL's rows too
    assert mode(filled) == 0o600 and mode(kept) == 0o600
    assert ok(cli("db", "check")).startswith("OK: ")
    add_petitions(cli, 1)
    assert petition_refs(filled)[-1] == "P2024-00004"
    ok(cli("db", "restore", str(backup)))
    assert filled.with_name("dantrack.sqlite.before-restore.2").exists()
    assert partials(tmp_path) == []


def test_restore_refused_while_the_database_is_open(cli, filled: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.sqlite"
    ok(cli("db", "backup", str(backup)))
    add_petitions(cli, 1)
    for transaction in (True, False):
        holder = sqlite3.connect(filled, isolation_level=None)
        if transaction:
            holder.execute("BEGIN")
        holder.execute("SELECT count(*) FROM petition").fetchall()
        try:
            stderr = fails(cli("db", "restore", str(backup)), 4)
        finally:
            holder.close()
        assert stderr == (f"Error: the database {filled} is in use by another process: close "
                          "every program using it (other dantrack commands too), then "
                          "restore again\n")
        assert len(petition_refs(filled)) == 4
        assert sorted(p.name for p in tmp_path.iterdir() if "restore" in p.name
                      or "partial" in p.name) == []


def test_restore_refusals(cli, filled: Path, tmp_path: Path) -> None:
    wal = filled.with_name("dantrack.sqlite-wal")
    assert fails(cli("db", "restore", str(filled)), 1) == (
        f"Error: {filled} is the database itself: give another file\n")
    assert "is a companion file of the database" in fails(cli("db", "restore", str(wal)), 1)
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("not a database at all, just some notes " * 20)
    assert fails(cli("db", "restore", str(not_sqlite)), 4) == (
        f"Error: {not_sqlite} is not a readable SQLite database: file is not a database\n")
    foreign = tmp_path / "foreign.sqlite"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    assert fails(cli("db", "restore", str(foreign)), 4) == (
        f"Error: {foreign} is not a dantrack database (no schema version)\n")
    newer = tmp_path / "newer.sqlite"
    ok(cli("db", "backup", str(newer)))
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    assert "written by a newer dantrack (schema 9999)" in fails(
        cli("db", "restore", str(newer)), 4)
    assert fails(cli("db", "restore", str(tmp_path / "missing.sqlite")), 4) == (
        f"Error: no backup file at {tmp_path / 'missing.sqlite'}\n")
    assert "restore it on the server with pg_restore" in fails(
        cli("--db", "postgresql://clerk@db.example/reception", "db", "restore",
            str(newer)), 1)
    assert petition_refs(filled) == ["P2024-00001", "P2024-00002", "P2024-00003"]
    assert sorted(p.name for p in tmp_path.iterdir() if "restore" in p.name
                  or "partial" in p.name) == []


def test_restore_refuses_a_damaged_backup(cli, filled: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.sqlite"
    ok(cli("db", "backup", str(backup)))
    connection = sqlite3.connect(backup)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    root = connection.execute("SELECT rootpage FROM sqlite_master "
                              "WHERE name = 'ix_petition_event_petition_id'").fetchone()[0]
    connection.close()
    with open(backup, "r+b") as handle:  # scribble over an index's root page
        handle.seek((root - 1) * page_size + 8)
        handle.write(b"\xa5" * (page_size - 16))
    stderr = fails(cli("db", "restore", str(backup)), 4)
    assert stderr.startswith(f"Error: {backup} is damaged (") and "choose another" in stderr
    assert len(petition_refs(filled)) == 3


# --- leftovers of killed backups and upgrades ----------------------------------------------


def leftovers(directory: Path, pid: int) -> list[Path]:
    made = [directory / f".copy.sqlite.{pid}.0badcafe.dantrack-partial",
            directory / f".copy.sqlite.{pid}.0badcafe.dantrack-partial-journal",
            directory / f".copy.sqlite.{pid}.partial",  # an earlier version's names
            directory / f".copy.sqlite.{pid}.partial-journal"]
    for path in made:
        path.write_bytes(b"SQLite format 3\x00half a copy")
    return made


def test_an_earlier_name_that_holds_no_sqlite_file_is_left_alone(tmp_path: Path) -> None:
    other = tmp_path / f".download.{DEAD_PID}.partial"
    other.write_bytes(b"someone else's file")
    assert files.remove_leftovers(tmp_path) == []
    assert other.exists()


def test_a_killed_backups_leftovers_go_at_the_next_backup(cli, filled: Path,
                                                          tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    dead = leftovers(backups, DEAD_PID)
    alive = leftovers(backups, os.getppid())
    ok(cli("db", "backup", str(backups / "copy.sqlite")))
    assert not any(path.exists() for path in dead)
    assert all(path.exists() for path in alive)


@pytest.mark.parametrize("command", [("db", "upgrade"), ("locality", "add", "07", "Tỉnh X",
                                                          "--level", "province")])
def test_leftovers_beside_the_database_go_when_it_is_opened_to_write(
        cli, filled: Path, command: tuple[str, ...]) -> None:
    dead = leftovers(filled.parent, DEAD_PID)
    alive = leftovers(filled.parent, os.getppid())
    ok(cli(*command))
    assert not any(path.exists() for path in dead)
    assert all(path.exists() for path in alive)


def test_upgrade_copy_never_stands_half_written_under_its_final_name(
        filled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    final = filled.with_name("dantrack.sqlite.schema-0001.bak")
    seen: list[bool] = []
    real_connect = sqlite3.connect

    class Reader:
        def __init__(self, connection: sqlite3.Connection) -> None:
            self.connection = connection

        def backup(self, target: sqlite3.Connection) -> None:
            def step(_status: int, remaining: int, _total: int) -> None:
                seen.append(final.exists())
                if remaining:
                    raise OSError("disk full")

            self.connection.backup(target, pages=1, progress=step)

        def close(self) -> None:
            self.connection.close()

    def connect(target, *args, **kwargs):  # type: ignore[no-untyped-def]
        connection = real_connect(target, *args, **kwargs)
        return Reader(connection) if kwargs.get("uri") else connection

    monkeypatch.setattr(migrations.sqlite3, "connect", connect)
    with pytest.raises(OSError, match="disk full"):
        migrations.backup_sqlite(filled, final)
    assert seen == [False]
    assert not final.exists()
    assert partials(filled.parent) == []
    monkeypatch.setattr(migrations.sqlite3, "connect", real_connect)
    migrations.backup_sqlite(filled, final)
    assert mode(final) == 0o600
    assert petition_refs(final) == petition_refs(filled)


KILLED_BACKUP = """
import sys, time
from pathlib import Path
from dantrack import maintenance
from dantrack.db import Location, open_database

database = open_database(Location(sys.argv[1], "test"), write=False)
def progress(copied, total):
    print("copying", flush=True)
    time.sleep(60)  # killed here, half-way
maintenance.backup(database, Path(sys.argv[2]), pages_per_step=1, progress=progress)
"""


def test_a_backup_killed_half_way_leaves_nothing_under_its_name_and_is_cleaned_up(
        cli, filled: Path, tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    target = tmp_path / "backups" / "copy.sqlite"
    target.parent.mkdir()
    process = subprocess.Popen([sys.executable, "-c", KILLED_BACKUP, str(filled), str(target)],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline() == "copying\n"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    left = sorted(p.name for p in target.parent.iterdir())
    assert left and all(name.startswith(f".copy.sqlite.{process.pid}.") for name in left)
    assert not target.exists()
    ok(cli("db", "backup", str(target)))
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.sqlite"]
    assert petition_refs(target) == petition_refs(filled)


def test_output_to_a_pipe_or_device_is_written_to_it_not_replaced(cli, tree,  # type: ignore[no-untyped-def]
                                                                   tmp_path: Path) -> None:
    """-o on a named pipe (as on /dev/stdout or /dev/null) writes into it: replacing a device
    node or a pipe with a file would break what reads it, and the system."""
    import threading

    add_petitions(cli, 2)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = cli("export", "petitions", "--format", "jsonl", "-o", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received and received[0].count(b"\n") == 2
    assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []
