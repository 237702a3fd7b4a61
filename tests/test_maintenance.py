"""dantrack db check and dantrack db backup: clean and damaged databases, backups under load."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from dantrack import maintenance

# --- helpers -------------------------------------------------------------------------------


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stdout


def fails(result, code: int) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr


def add(cli, *extra: str, kind: str = "complaint", received_on: str = "2024-03-01"):  # type: ignore[no-untyped-def]
    return ok(cli("petition", "add", "--kind", kind, "--received-on", received_on,
                  "--locality", "01864", "--subject", "Đất đai", *extra))


@pytest.fixture(scope="module")
def activity_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small but complete register, built once: every kind of record and petition action."""
    from typer.testing import CliRunner

    from conftest import OPERATOR, TODAY, TREE
    from dantrack.cli import app

    path = tmp_path_factory.mktemp("activity") / "template.sqlite"
    runner = CliRunner()
    env = {"DANTRACK_DB": str(path), "DANTRACK_OPERATOR": OPERATOR, "DANTRACK_TODAY": TODAY}

    def run(*args: str) -> None:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == 0, (args, result.stderr)

    for unit in TREE:
        run("locality", "add", unit.code, unit.name, "--level", unit.level,
            *(("--parent", unit.parent) if unit.parent else ()))
    petition = ("petition", "add", "--locality", "01864", "--subject", "Đất đai", "--kind")
    run(*petition, "complaint", "--received-on", "2024-03-01")
    run(*petition, "tố cáo", "--received-on", "2024-03-01", "--petitioner", "Lý Thị Mai")
    run(*petition, "kiến nghị", "--received-on", "2024-05-06")
    run(*petition, "complaint", "--received-on", "2023-11-20", "--complex", "--remote")
    run("petition", "close", "P2024-00001", "--outcome", "resolved", "--verdict", "upheld",
        "--on", "2024-03-20")
    run("petition", "close", "P2024-00002", "--outcome", "guided", "--on", "2024-03-05")
    run("petition", "reopen", "P2024-00002", "--reason", "Chuyển nhầm")
    run("petition", "edit", "P2024-00003", "--complex")
    run("meeting", "add", "--date", "2024-03-15", "--locality", "061", "--kind", "periodic",
        "--body", "government", "--citizens", "4")
    run("dialogue", "add", "--date", "2024-04-02", "--locality", "064", "--body", "party",
        "--petition", "P2024-00001")
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return path


@pytest.fixture
def activity(activity_template: Path, db_path: Path) -> Path:
    """This test's own copy of the register, at $DANTRACK_DB."""
    shutil.copyfile(activity_template, db_path)
    db_path.chmod(0o600)
    return db_path


def tamper(db_path: Path, *statements: str) -> None:
    """Change the file behind dantrack's back, as a buggy tool or a hand edit would."""
    connection = sqlite3.connect(db_path)
    try:
        connection.execute("PRAGMA foreign_keys = OFF")
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def dump(path: Path) -> list[str]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


# --- db check ------------------------------------------------------------------------------


def test_check_passes_on_a_clean_register(cli, activity: Path) -> None:
    result = cli("db", "check")
    assert ok(result) == (f"OK: {len(maintenance.DOMAIN_CHECKS) + 2} checks passed "
                          "(localities: 9, meetings: 1, dialogues: 1, petitions: 4)\n")
    assert result.stderr == ""


def test_check_json_on_a_clean_register(cli, activity: Path) -> None:
    data = json.loads(ok(cli("db", "check", "--format", "json")))
    assert data["ok"] is True and data["problems"] == 0 and data["findings"] == []
    assert data["checks"][:2] == ["integrity", "foreign_keys"]
    assert data["counts"] == {"localities": 9, "meetings": 1, "dialogues": 1, "petitions": 4}


def test_check_reads_only(cli, activity: Path) -> None:
    wal = activity.with_name(activity.name + "-wal")
    before = activity.read_bytes(), wal.read_bytes() if wal.exists() else b""
    ok(cli("db", "check"))
    assert (activity.read_bytes(), wal.read_bytes() if wal.exists() else b"") == before


DAMAGE = [
    pytest.param(["UPDATE petition SET outcome = NULL, verdict = NULL WHERE ref = 'P2024-00001'"],
                 "P2024-00001: closed on 2024-03-20 without an outcome", id="closed-no-outcome"),
    pytest.param(["UPDATE petition SET outcome = 'withdrawn' WHERE ref = 'P2024-00003'"],
                 "P2024-00003: open, but has outcome withdrawn", id="open-with-outcome"),
    pytest.param(["UPDATE petition SET closed_on = '2024-02-01' WHERE ref = 'P2024-00001'"],
                 "P2024-00001: closed on 2024-02-01, before it was received (2024-03-01)",
                 id="closed-before-received"),
    pytest.param(["UPDATE petition SET accepted_on = '2024-02-01', due_on = '2024-03-02' "
                  "WHERE ref = 'P2024-00002'"],
                 "P2024-00002: accepted on 2024-02-01, before it was received (2024-03-01)",
                 id="accepted-before-received"),
    pytest.param(["UPDATE petition SET verdict = 'founded' WHERE ref = 'P2024-00001'"],
                 "P2024-00001: verdict founded does not fit a complaint", id="verdict-kind"),
    pytest.param(["UPDATE petition SET outcome = 'withdrawn' WHERE ref = 'P2024-00001'"],
                 "P2024-00001: verdict upheld given with outcome withdrawn, not resolved",
                 id="verdict-outcome"),
    pytest.param(["UPDATE petition_event SET action = 'edited' WHERE id = (SELECT min(id) FROM "
                  "petition_event WHERE petition_id = (SELECT id FROM petition "
                  "WHERE ref = 'P2024-00002'))"],
                 "P2024-00002: history starts with 'edited', not 'created'", id="history-start"),
    pytest.param(["DELETE FROM petition_event WHERE petition_id = (SELECT id FROM petition "
                  "WHERE ref = 'P2023-00001')"],
                 "P2023-00001: has no history", id="no-history"),
    pytest.param(["UPDATE petition SET due_on = '2024-04-30' WHERE ref = 'P2024-00001'"],
                 "P2024-00001: due on 2024-04-30, but the deadline rule gives 2024-03-31",
                 id="deadline"),
    pytest.param(["UPDATE petition SET kind = 'praise' WHERE ref = 'P2024-00003'"],
                 "P2024-00003: unknown kind 'praise'", id="unknown-kind"),
    pytest.param(["UPDATE petition SET signatories = 0 WHERE ref = 'P2024-00003'"],
                 "P2024-00003: 0 signatories (at least 1)", id="signatories"),
    pytest.param(["UPDATE meeting SET citizens = -4"],
                 "M2024-00001: citizens is negative (-4)", id="negative-count"),
    pytest.param(["UPDATE ref_sequence SET last = 1 WHERE prefix = 'P' AND year = 2024"],
                 "P2024-00003: the P2024 ref sequence stands at 1, behind this ref: new refs "
                 "would collide", id="sequence"),
    pytest.param(["UPDATE locality SET path = '/1/' WHERE code = '01966'"],
                 "01966: tree path '/1/' does not match its parent", id="locality-path"),
    pytest.param(["INSERT INTO petition_event (id, petition_id, at, operator, action, changes) "
                  "VALUES (999, 999, '2024-12-31T00:00:00Z', 'x', 'edited', '{}')"],
                 "history event 999: petition_id points to a missing petition",
                 id="foreign-key"),
    pytest.param(["UPDATE petition SET locality_id = 999 WHERE ref = 'P2024-00003'"],
                 "P2024-00003: locality_id points to a missing locality", id="foreign-key-2"),
]


@pytest.mark.parametrize(("statements", "line"), DAMAGE)
def test_check_finds_each_kind_of_damage(cli, activity: Path, statements: list[str],
                                         line: str) -> None:
    ok(cli("db", "check"))
    tamper(activity, *statements)
    result = cli("db", "check")
    assert fails(result, 1) == f"Error: 1 problem found in {activity}\n"
    assert result.stdout == line + "\n"


def test_check_lists_every_finding_with_its_check_in_json(cli, activity: Path) -> None:
    tamper(activity, "UPDATE petition SET outcome = NULL WHERE ref = 'P2024-00001'",
           "UPDATE petition SET verdict = 'founded' WHERE ref = 'P2024-00001'")
    result = cli("db", "check", "--format", "json")
    fails(result, 1)
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["problems"] == 3
    assert data["findings"] == [
        {"check": "closed_outcome", "ref": "P2024-00001",
         "message": "closed on 2024-03-20 without an outcome"},
        {"check": "verdicts", "ref": "P2024-00001",
         "message": "verdict founded does not fit a complaint"},
        {"check": "verdicts", "ref": "P2024-00001",
         "message": "verdict founded given with no outcome, not resolved"},
    ]


def test_check_limits_the_findings_listed_per_check(cli, activity: Path) -> None:
    tamper(activity, "UPDATE petition SET signatories = 0")
    result = cli("db", "check", "--limit", "2")
    assert fails(result, 1) == f"Error: 4 problems found in {activity}\n"
    assert result.stdout.splitlines() == [
        "P2023-00001: 0 signatories (at least 1)",
        "P2024-00001: 0 signatories (at least 1)",
        "vocabulary: … and 2 more",
    ]
    assert len(cli("db", "check", "--limit", "0").stdout.splitlines()) == 4


# Doubles the history with 'revealed' events padded to 500 characters: a file of many pages.
FILL_EVENTS = ("INSERT INTO petition_event (petition_id, at, operator, action, changes) "
               "SELECT petition_id, at, operator, 'revealed', printf('%0500d', id) "
               "FROM petition_event")


def test_check_finds_a_damaged_file(cli, activity: Path) -> None:
    tamper(activity, *[FILL_EVENTS] * 6)  # the event index spans many pages
    connection = sqlite3.connect(activity)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page in the main file
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    root = connection.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'ix_petition_event_petition_id'"
    ).fetchone()[0]
    connection.close()
    with open(activity, "r+b") as handle:  # scribble over the index's root page
        handle.seek((root - 1) * page_size + 8)
        handle.write(b"\xa5" * (page_size - 16))
    for args in (("db", "check"), ("db", "check", "--quick")):
        result = cli(*args)
        assert fails(result, 1).startswith("Note: the domain's rules were not checked")
        assert result.stdout.startswith("integrity: ")


def test_unique_refs_are_checked_where_the_schema_would_not_stop_them() -> None:
    # The schema's UNIQUE constraints make a duplicate impossible to insert, so the check is
    # shown its SQL on tables without them, as a damaged or hand-made file could be.
    engine = create_engine("sqlite://")
    with engine.begin() as connection:
        for table, key in (("locality", "code"), ("meeting", "ref"), ("dialogue", "ref"),
                           ("petition", "ref")):
            connection.exec_driver_sql(f"CREATE TABLE {table} (id INTEGER, {key} TEXT)")
        connection.exec_driver_sql("INSERT INTO petition VALUES (1, 'P2024-00001'), "
                                   "(2, 'P2024-00001'), (3, 'P2024-00002')")
        # A locality code may be reused over time: checks.localities checks it by day.
        connection.exec_driver_sql("INSERT INTO locality VALUES (1, '06'), (2, '06')")
        found = [f.line() for f in maintenance._unique_refs(connection)]
    assert found == ["P2024-00001: petition ref used 2 times"]


def test_check_on_a_missing_database_exits_4(cli, db_path: Path) -> None:
    assert fails(cli("db", "check"), 4).startswith(f"Error: no database at {db_path}")
    assert not db_path.exists()


@pytest.mark.parametrize("command", ["check", "backup"])
def test_db_commands_have_help_with_an_example(cli, command: str) -> None:
    out = ok(cli("db", command, "--help"))
    assert out.startswith(f"Usage: dantrack db {command} ")
    assert f"Example: dantrack db {command}" in out


# --- db backup -----------------------------------------------------------------------------


def test_backup_is_a_private_self_contained_copy(cli, activity: Path, tmp_path: Path) -> None:
    target = tmp_path / "backups" / "copy.sqlite"
    target.parent.mkdir()
    result = cli("db", "backup", str(target))
    ok(result)
    assert result.stderr.startswith(f"Backed up {activity} to {target} (")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes()[18:20] == b"\x01\x01"  # rollback journal: no -wal to carry
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.sqlite"]
    assert dump(target) == dump(activity)
    assert ok(cli("--db", str(target), "db", "check")).startswith("OK: ")
    shown = json.loads(ok(cli("--db", str(target), "petition", "show", "P2024-00002",
                              "--format", "json")))
    assert [e["action"] for e in shown["history"]] == ["created", "closed", "reopened"]


def test_backup_never_overwrites_without_force(cli, activity: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.sqlite"
    target.write_text("an older backup")
    target.chmod(0o644)
    result = cli("db", "backup", str(target))
    assert fails(result, 1) == (f"Error: {target} exists already: give --force to "
                                "overwrite it\n")
    assert target.read_text() == "an older backup"
    ok(cli("db", "backup", str(target), "--force"))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert dump(target) == dump(activity)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.sqlite", "dantrack.sqlite",
                                                          "dantrack.sqlite-shm",
                                                          "dantrack.sqlite-wal"]


def test_backup_refusals(cli, activity: Path, tmp_path: Path) -> None:
    assert fails(cli("db", "backup", str(tmp_path)), 1) == (
        f"Error: {tmp_path} is a directory: give the backup file's name\n")
    assert fails(cli("db", "backup", str(activity), "--force"), 1) == (
        f"Error: {activity} is the database itself: give another file\n")
    missing = tmp_path / "no" / "such" / "dir" / "copy.sqlite"
    assert fails(cli("db", "backup", str(missing)), 1) == (
        f"Error: cannot write the backup to {missing}: no directory {missing.parent}\n")
    assert "Missing argument 'PATH'" in fails(cli("db", "backup"), 2)


def test_backup_of_a_missing_database_exits_4(cli, db_path: Path, tmp_path: Path) -> None:
    assert fails(cli("db", "backup", str(tmp_path / "copy.sqlite")), 4).startswith(
        f"Error: no database at {db_path}")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_backup_of_a_server_database_points_to_pg_dump(cli, tmp_path: Path) -> None:
    stderr = fails(cli("--db", "postgresql://clerk:s3cret@db.example/reception", "db", "backup",
                       str(tmp_path / "copy.sqlite")), 1)
    # One rule for every message (dantrack.urls.shown): the user name kept, the password not.
    assert stderr.startswith("Error: postgresql://clerk:***@db.example/reception is a postgresql "
                             "database: back it "
                             "up on the server with pg_dump")
    assert "s3cret" not in stderr
    assert list(tmp_path.iterdir()) == []


WRITER = """
import sys
from dantrack.db import Location, open_database
from dantrack.services.petitions import add_petition

database = open_database(Location(sys.argv[1], "the writer"), write=True)
for i in range(int(sys.argv[2])):
    with database.session() as session:
        add_petition(session, kind="complaint", received_on="2024-06-01", locality="01864",
                     subject=f"writer {i}")
database.dispose()
"""


def count(path: Path) -> int:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT count(*) FROM petition").fetchone()[0]
    finally:
        connection.close()


def test_backup_while_another_process_writes(cli, tree, db_path: Path, tmp_path: Path) -> None:
    add(cli)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), "600"],
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while count(db_path) < 50 and time.monotonic() < deadline:
            time.sleep(0.02)
        copies = []
        for i in range(3):
            assert writer.poll() is None, "the writer ended before the backup began"
            copy = tmp_path / f"copy-{i}.sqlite"
            ok(cli("db", "backup", str(copy)))
            copies.append(copy)
        still_writing = writer.poll() is None
    finally:
        _, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    assert still_writing, "the writer ended during the backups: nothing was tested"
    sizes = []
    for copy in copies:
        assert ok(cli("--db", str(copy), "db", "check")).startswith("OK: ")
        connection = sqlite3.connect(copy)
        refs = [r for (r,) in connection.execute("SELECT ref FROM petition ORDER BY ref")]
        events = connection.execute("SELECT count(*) FROM petition_event").fetchone()[0]
        connection.close()
        # A snapshot between two transactions: refs 1..n, each petition with its history.
        assert refs == [f"P2024-{n:05d}" for n in range(1, len(refs) + 1)]
        assert events == len(refs)
        sizes.append(len(refs))
    assert 50 <= sizes[0] <= sizes[1] <= sizes[2] < 601
    assert count(db_path) == 601


def test_backup_steps_through_a_large_file_from_one_snapshot(
        cli, tree, db_path: Path, tmp_path: Path) -> None:
    from dantrack.db import Location, open_database

    add(cli)
    tamper(db_path, *[FILL_EVENTS] * 12)
    database = open_database(Location(str(db_path), "the test"), write=False)
    writer = sqlite3.connect(db_path, isolation_level=None)
    steps: list[tuple[int, int]] = []

    def write_between_steps(copied: int, total: int) -> None:
        steps.append((copied, total))
        writer.execute("INSERT INTO ref_sequence VALUES ('Z', ?, 0)", (len(steps),))

    try:
        result = maintenance.backup(database, tmp_path / "copy.sqlite", pages_per_step=64,
                                    progress=write_between_steps)
    finally:
        writer.close()
        database.dispose()
    # Writers committed between the steps, yet the copy is the state when it began.
    assert len(steps) >= 5 and steps[-1][0] == steps[-1][1] == result.pages > 320
    assert [copied for copied, _ in steps] == sorted(copied for copied, _ in steps)
    copy = sqlite3.connect(result.target)
    assert copy.execute("SELECT count(*) FROM ref_sequence WHERE prefix = 'Z'").fetchone() == (0,)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copy.close()
    assert count(db_path) == 1 and os.path.getsize(result.target) == result.size


# --- on both backends ----------------------------------------------------------------------


@pytest.mark.backends
def test_check_on_each_backend(cli, db, tree, database_url: str) -> None:
    on_server = database_url.startswith("postgresql")
    add(cli)
    ok(cli("petition", "close", "P2024-00001", "--outcome", "resolved", "--verdict", "upheld",
           "--on", "2024-03-20"))
    result = cli("db", "check")
    assert ok(result).startswith("OK: ")
    server_note = ("Note: storage integrity and foreign keys of a postgresql database are the "
                   "server's job")
    assert (server_note in result.stderr) == on_server
    with db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE petition SET verdict = 'founded', "
                                   "due_on = '2024-05-01' WHERE ref = 'P2024-00001'")
    result = cli("db", "check")
    fails(result, 1)
    assert result.stdout.splitlines() == [
        "P2024-00001: verdict founded does not fit a complaint",
        "P2024-00001: due on 2024-05-01, but the deadline rule gives 2024-03-31",
    ]
