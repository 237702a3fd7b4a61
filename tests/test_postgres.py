"""dantrack on PostgreSQL: URLs and connection errors, read-only reads, lock waits, concurrent
writers, text PostgreSQL cannot store, and moving an office's SQLite database to the server.

The tests that need a server take the `pg` fixture and are skipped, with the reason, when
DANTRACK_TEST_PG_URL is not set; those about URLs and unreachable servers always run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from dantrack import db
from dantrack.errors import DatabaseUnavailable, InvalidInput
from databases import contents, revision, sample_copy, yearly_reports


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result.stdout


def fails(result, code: int, stderr: str | None = None) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr
    if stderr is not None:
        assert result.stderr == stderr
    return result.stderr


def shown(target: str | Path) -> str:
    return db.Location(str(target), "test").shown


# The test's database (database_url, $DANTRACK_DB, and the db and tree fixtures) on the server.
on_postgres = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


@pytest.fixture
def pg(backend: str, database_url: str) -> str:
    """The URL of this test's fresh schema on the test server (also in $DANTRACK_DB)."""
    assert backend == "postgresql" and os.environ["DANTRACK_DB"] == database_url
    return database_url


def add_petition(cli, *extra: str, subject: str = "Đền bù đất"):  # type: ignore[no-untyped-def]
    return cli("petition", "add", "--kind", "complaint", "--received-on", "2024-03-01",
               "--locality", "01864", "--subject", subject, *extra)


def tables_in(url: str) -> list[str]:
    engine = db.create_engine(db.postgres_url(db.Location(url, "test")))
    try:
        with engine.connect() as c:
            return list(c.execute(text(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() ORDER BY 1")).scalars())
    finally:
        engine.dispose()


# --- URLs, without a server ----------------------------------------------------------------


@pytest.mark.parametrize("url", ["postgresql://clerk@db.example/office",
                                 "postgres://clerk@db.example/office",
                                 "postgresql+psycopg://clerk:pw@db.example:5433/office"])
def test_postgresql_urls_run_on_psycopg_3(url: str) -> None:
    parsed = db.postgres_url(db.Location(url, "test"))
    assert parsed.drivername == "postgresql+psycopg"
    assert (parsed.host, parsed.database) == ("db.example", "office")


def test_a_password_is_never_shown() -> None:
    assert shown("postgresql://clerk:s3cr%40t@db.example/office") == (
        "postgresql://clerk:***@db.example/office")
    assert shown("postgresql://db.example/office?user=clerk&password=s3cret&sslmode=require") == (
        "postgresql://db.example/office?user=clerk&password=***&sslmode=require")
    assert shown("postgresql://clerk@db.example/office") == "postgresql://clerk@db.example/office"
    assert shown("/home/clerk/office:2024@x.sqlite") == "/home/clerk/office:2024@x.sqlite"


def test_an_unsupported_or_malformed_url_exits_4(cli) -> None:  # type: ignore[no-untyped-def]
    fails(cli("--db", "mysql://clerk@db.example/office", "petition", "list"), 4,
          "Error: unsupported database URL 'mysql://clerk@db.example/office': give a file path "
          "or a postgresql://USER@HOST/DATABASE URL\n")
    fails(cli("--db", "postgresql://clerk:pw@db.example:port/office", "petition", "list"), 4,
          "Error: invalid database URL 'postgresql://clerk:***@db.example:port/office'\n")


def run_dantrack(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dantrack", *args], capture_output=True,
                          text=True, timeout=60, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("command", [("report", "--year", "2024"),
                                     ("locality", "add", "06", "Bắc Kạn", "--level", "x")])
def test_an_unreachable_server_exits_4_in_one_line_without_the_password(
    command: tuple[str, ...]
) -> None:
    url = "postgresql://clerk:s3cret@127.0.0.1:9/office"  # nothing listens on port 9
    result = run_dantrack(*command, env={"DANTRACK_DB": url})
    assert result.returncode == 4 and result.stdout == ""
    assert result.stderr.startswith(
        "Error: cannot connect to postgresql://clerk:***@127.0.0.1:9/office "
        "(from $DANTRACK_DB): ")
    assert "Connection refused" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert "s3cret" not in result.stderr and "Traceback" not in result.stderr


# --- connecting to the server --------------------------------------------------------------


@on_postgres
def test_a_missing_database_on_the_server_exits_4(cli, pg: str) -> None:  # type: ignore[no-untyped-def]
    url = db.postgres_url(db.Location(pg, "test")).set(
        drivername="postgresql", database="dantrack_no_such_database")
    missing = url.render_as_string(hide_password=False)
    stderr = fails(cli("--db", missing, "report", "--year", "2024"), 4)
    assert stderr.startswith(f"Error: cannot connect to {shown(missing)} (from --db): ")
    assert 'database "dantrack_no_such_database" does not exist' in stderr
    assert len(stderr.splitlines()) == 1


@on_postgres
def test_the_first_write_creates_the_schema_and_a_read_never_does(cli, pg: str) -> None:  # type: ignore[no-untyped-def]
    fails(cli("petition", "list"), 4,
          f"Error: no dantrack database at {shown(pg)} (from $DANTRACK_DB): it has no "
          "dantrack tables yet; record something first or pass --db\n")
    fails(cli("report", "--year", "2024"), 4)
    assert tables_in(pg) == []
    ok(cli("locality", "add", "06", "Bắc Kạn", "--level", "province"))
    assert tables_in(pg) == ["alembic_version", "calendar_day", "dialogue", "dialogue_event",
                             "locality", "locality_successor", "meeting", "meeting_event",
                             "petition", "petition_event", "ref_sequence", "visit",
                             "visit_event"]
    assert revision(pg) == db.SCHEMA_REVISION


@on_postgres
def test_a_database_with_tables_of_its_own_is_not_taken_over(cli, pg: str) -> None:  # type: ignore[no-untyped-def]
    engine = db.create_engine(db.postgres_url(db.Location(pg, "test")))
    with engine.begin() as c:
        c.execute(text("CREATE TABLE petition (id integer)"))
    engine.dispose()
    fails(cli("locality", "add", "06", "Bắc Kạn", "--level", "province"), 4,
          f"Error: {shown(pg)} is not a dantrack database: it has tables named petition but no "
          "schema version\n")
    assert tables_in(pg) == ["petition"]


@on_postgres
def test_reads_run_in_read_only_transactions(tree, pg: str) -> None:  # type: ignore[no-untyped-def]
    from dantrack.services.localities import add_locality

    reader = db.open_database(db.Location(pg, "test"), write=False)
    writer = db.open_database(db.Location(pg, "test"), write=True)
    try:
        with reader.connection() as c:
            assert c.execute(text("SHOW transaction_read_only")).scalar() == "on"
        with writer.connection() as c:
            assert c.execute(text("SHOW transaction_read_only")).scalar() == "off"
        with pytest.raises(DatabaseUnavailable, match="cannot be written"), reader.session() as s:
            add_locality(s, code="99", name="Xã Mới", level="commune", parent="061")
    finally:
        reader.dispose()
        writer.dispose()
    assert len(contents(pg)["locality"]) == len(tree)


@on_postgres
def test_a_database_dantrack_may_not_write_exits_4(cli, tree, pg: str) -> None:  # type: ignore[no-untyped-def]
    engine = db.create_engine(db.postgres_url(db.Location(pg, "test")))
    with engine.begin() as c:  # an owner may take rights from itself: a read-only user, here
        c.execute(text("REVOKE INSERT, UPDATE ON locality FROM current_user"))
    engine.dispose()
    fails(cli("locality", "add", "99", "Xã Mới", "--level", "commune", "--parent", "061"), 4,
          f"Error: the database {shown(pg)} cannot be used: permission denied for table "
          "locality\n")
    assert "Xã Cao Thượng" in ok(cli("locality", "list"))


@on_postgres
def test_a_search_path_without_a_schema_exits_4(cli, pg: str) -> None:  # type: ignore[no-untyped-def]
    nowhere = db.postgres_url(db.Location(pg, "test")).set(drivername="postgresql")
    nowhere = nowhere.update_query_dict({"options": "-csearch_path=dantrack_no_such_schema"})
    url = nowhere.render_as_string(hide_password=False)
    fails(cli("--db", url, "locality", "add", "06", "Bắc Kạn", "--level", "province"), 4,
          f"Error: the database {shown(url)} cannot be used: no schema has been selected to "
          "create in\n")


# --- locks ---------------------------------------------------------------------------------


@on_postgres
def test_a_writer_waits_for_another_then_exits_4(cli, tree, pg: str,  # type: ignore[no-untyped-def]
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANTRACK_BUSY_TIMEOUT", "0.3")
    holder = db.open_database(db.Location(pg, "test"), write=True)
    try:
        with holder.session() as s:
            s.execute(text("SELECT 1"))  # the transaction has begun: it holds the write lock
            started = time.monotonic()
            fails(add_petition(cli), 4,
                  f"Error: the database {shown(pg)} is locked by another process (waited 0.3 s;"
                  " set DANTRACK_BUSY_TIMEOUT to wait longer)\n")
            assert 0.3 <= time.monotonic() - started < 3
            assert ok(cli("petition", "list", "--format", "json")) == "[]\n"  # readers go on
    finally:
        holder.dispose()
    ok(add_petition(cli))
    assert [row[1] for row in contents(pg)["petition"]] == ["P2024-00001"]


@on_postgres
def test_a_row_locked_by_another_client_times_out_too(cli, tree, pg: str,  # type: ignore[no-untyped-def]
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    ok(add_petition(cli))
    monkeypatch.setenv("DANTRACK_BUSY_TIMEOUT", "0.3")
    engine = db.create_engine(db.postgres_url(db.Location(pg, "test")))
    try:
        with engine.begin() as other:  # e.g. psql, outside dantrack's own lock
            other.execute(text("UPDATE ref_sequence SET last = last WHERE prefix = 'P'"))
            stderr = fails(add_petition(cli), 4)
            assert stderr.startswith(f"Error: the database {shown(pg)} is locked by another")
    finally:
        engine.dispose()
    assert len(contents(pg)["petition"]) == 1


WRITER = """
import sys
from dantrack import db
from dantrack.services.petitions import add_petition
worker, count = sys.argv[1], int(sys.argv[2])
database = db.open_database(db.locate(None), write=True)
for i in range(count):
    with database.session() as session:  # one transaction per petition, as a command's
        petition = add_petition(session, kind="complaint", received_on="2024-05-02",
                                locality="01864", subject=f"writer {worker} petition {i}")
    print(petition.ref, flush=True)
database.dispose()
"""
WRITERS, EACH = 4, 500


@on_postgres
def test_concurrent_writers_lose_no_ref(cli, tree, pg: str) -> None:  # type: ignore[no-untyped-def]
    """4 processes add 500 petitions each, one transaction per petition as a command does,
    while reports run beside them."""
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(n), str(EACH)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for n in range(WRITERS)]
    received = []
    while any(w.poll() is None for w in writers):
        report = json.loads(ok(cli("report", "--year", "2024", "--format", "json")))
        received.append(report["petitions"]["received"])
        time.sleep(0.2)
    for writer in writers:
        stdout, stderr = writer.communicate(timeout=600)
        assert writer.returncode == 0 and stderr == "", stderr[-2000:]
        refs = stdout.split()
        assert len(refs) == EACH and refs == sorted(refs)  # each sees its own refs grow
    rows = contents(pg)
    refs = sorted(row[1] for row in rows["petition"])
    assert refs == [f"P2024-{n:05d}" for n in range(1, WRITERS * EACH + 1)]
    subjects = {row[11] for row in rows["petition"]}
    assert subjects == {f"writer {w} petition {i}" for w in range(WRITERS) for i in range(EACH)}
    created = [row for row in rows["petition_event"] if row[4] == "created"]
    assert len(created) == WRITERS * EACH
    assert rows["ref_sequence"] == [("P", 2024, WRITERS * EACH)]
    assert received == sorted(received) and len(received) >= 2
    final = json.loads(ok(cli("report", "--year", "2024", "--format", "json")))
    assert final["petitions"]["received"] == WRITERS * EACH


CREATOR = """
import sys, time
from dantrack.cli import app
import dantrack.models, sqlalchemy.dialects.postgresql.psycopg, psycopg  # all loaded: now race
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
sys.exit(app(["locality", "add", sys.argv[1], "Xã " + sys.argv[1], "--level", "commune"],
             standalone_mode=False))
"""


@on_postgres
def test_first_writers_racing_on_an_empty_database_create_one_schema(pg: str) -> None:
    start = str(time.time() + 3)
    creators = [subprocess.Popen([sys.executable, "-c", CREATOR, f"0{n}", start], text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for n in range(4)]
    for creator in creators:
        _, stderr = creator.communicate(timeout=120)
        assert creator.returncode == 0, stderr
    assert sorted(row[1] for row in contents(pg)["locality"]) == ["00", "01", "02", "03"]
    assert revision(pg) == db.SCHEMA_REVISION


# --- text PostgreSQL cannot store ----------------------------------------------------------


@pytest.mark.backends
def test_nul_characters_are_invalid_input_on_both_backends(cli, tree, db, backend: str) -> None:  # type: ignore[no-untyped-def]
    from dantrack.services.localities import add_locality
    from dantrack.services.petitions import add_petition as add

    stderr = fails(add_petition(cli, subject="Đền\x00bù"), 3)
    assert "NUL" in stderr and len(stderr.splitlines()) == 1
    with pytest.raises(InvalidInput) as refused, db.session() as s:
        add(s, kind="complaint", received_on="2024-03-01", locality="01864", subject="a\x00b")
    assert refused.value.message == "invalid subject 'a\\x00b': must not contain NUL characters"
    assert refused.value.exit_code == 3
    with pytest.raises(InvalidInput, match="invalid name 'Xã\\\\x00': must not contain NUL"), \
            db.session() as s:
        add_locality(s, code="99", name="Xã\x00", level="commune", parent="061")
    with pytest.raises(InvalidInput, match="invalid code '9\\\\x009': must not contain NUL"), \
            db.session() as s:
        add_locality(s, code="9\x009", name="Xã Mới", level="commune")
    assert contents(db.location.target)["petition"] == []


@on_postgres
def test_a_nul_that_reaches_postgresql_is_invalid_input_not_a_crash(tree, db, pg: str) -> None:  # type: ignore[no-untyped-def]
    from dantrack.models import Petition

    with pytest.raises(InvalidInput, match="must not contain NUL characters"), db.session() as s:
        s.execute(select(Petition).where(Petition.ref == "P2024\x00"))


@on_postgres
def test_values_past_postgresqls_column_types_are_invalid_input(cli, tree, db, pg: str,  # type: ignore[no-untyped-def]
                                                                monkeypatch) -> None:
    """What validation lets through (here: written past it) the server refuses: exit 3."""
    from dantrack.models import Meeting

    with pytest.raises(InvalidInput) as refused, db.session() as s:
        s.add(Meeting(ref="M-BIG", date=dt.date(2024, 3, 15), locality_id=1, kind="regular",
                      body="party", citizens=3_000_000_000))
    assert refused.value.message == "a value does not fit the database: integer out of range"
    monkeypatch.setenv("DANTRACK_OPERATOR", "x" * 300)
    stderr = fails(add_petition(cli), 3)
    assert len(stderr.splitlines()) == 1
    rows = contents(pg)
    assert rows["meeting"] == [] and rows["petition"] == []


# --- moving an office ----------------------------------------------------------------------


def copied_message(source: Path | str, target: str) -> str:
    return ("Copied 117 localities, 0 successions, 3,661 meetings, 6,921 petitions, 91 dialogues, "
            f"13,594 history entries, 9 ref sequences from {shown(source)} to "
            f"{shown(target)}\n")


@on_postgres
def test_moving_an_office_to_postgresql_keeps_every_record_and_figure(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, pg: str
) -> None:
    office = sample_copy(tmp_path)
    rows, reports = contents(office), yearly_reports(cli, office)
    result = cli("--db", str(office), "db", "copy", pg)
    assert ok(result) == "" and result.stderr == copied_message(office, pg)
    assert contents(pg) == rows
    assert yearly_reports(cli, pg) == reports
    same = [("report", "--quarter", "2024-Q3", "--locality", "Chợ Mới", "--format", "csv"),
            ("petition", "list", "--year", "2023", "--status", "open", "--format", "json"),
            ("petition", "list", "--search", "dat dai", "--format", "csv"),
            ("petition", "show", "P2024-00007", "--format", "json"),
            ("meeting", "list", "--year", "2022", "--format", "csv"),
            ("dialogue", "list", "--format", "json"),
            ("locality", "list", "--format", "csv")]
    for args in same:
        assert ok(cli("--db", pg, *args)) == ok(cli("--db", str(office), *args)), args
    # The office goes on where it left off: the next refs and ids continue on the server.
    new = ("petition", "add", "--kind", "tố cáo", "--received-on", "2024-12-30",
           "--locality", "Chợ Mới", "--subject", "Sai phạm", "--petitioner", "Hà Văn Quý")
    assert cli("--db", pg, *new).stderr == cli("--db", str(office), *new).stderr
    assert cli("--db", pg, *new).stderr.startswith("Recorded petition P2024-")
    after = contents(pg)
    assert len(after["petition"]) == len(rows["petition"]) + 2
    assert after["petition"][-1][0] == rows["petition"][-1][0] + 2


@on_postgres
def test_a_copy_goes_only_into_an_empty_database(cli, tmp_path: Path, pg: str) -> None:  # type: ignore[no-untyped-def]
    office = sample_copy(tmp_path)
    ok(cli("--db", str(office), "db", "copy", pg))
    before = contents(pg)
    fails(cli("--db", str(office), "db", "copy", pg), 1,
          f"Error: {shown(pg)} is not empty (117 localities, 3,661 meetings, 6,921 petitions, "
          "91 dialogues, 13,594 history entries, 9 ref sequences): copy only into a database "
          "that holds no dantrack records\n")
    assert contents(pg) == before


@on_postgres
def test_the_server_copy_comes_back_to_sqlite_unchanged(cli, tmp_path: Path, pg: str) -> None:  # type: ignore[no-untyped-def]
    office = sample_copy(tmp_path)
    ok(cli("--db", str(office), "db", "copy", pg))
    back = tmp_path / "back" / "office.sqlite"
    result = cli("--db", pg, "db", "copy", str(back))
    assert ok(result) == "" and result.stderr == copied_message(pg, str(back))
    assert contents(back) == contents(office)
    assert yearly_reports(cli, back) == yearly_reports(cli, office)


@on_postgres
def test_a_row_the_server_cannot_store_is_named_and_nothing_is_copied(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, pg: str
) -> None:
    office = sample_copy(tmp_path)
    with sqlite3.connect(office) as connection:  # written by an older tool, say
        connection.execute("UPDATE petition SET subject = 'a' || char(0) || 'b' "
                           "WHERE ref = 'P2023-00010'")
    fails(cli("--db", str(office), "db", "copy", pg), 3,
          "Error: petition P2023-00010: subject contains a NUL character, which the target "
          "cannot store; correct it in the source first\n")
    assert all(rows == [] for rows in contents(pg).values())


def test_copying_into_a_new_sqlite_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The same command between two files (no server needed)."""
    office = sample_copy(tmp_path)
    target = tmp_path / "copy.sqlite"
    result = cli("--db", str(office), "db", "copy", str(target))
    assert ok(result) == "" and result.stderr == copied_message(office, str(target))
    assert contents(target) == contents(office)
    assert yearly_reports(cli, target) == yearly_reports(cli, office)
    fails(cli("--db", str(office), "db", "copy", str(office)), 1,
          f"Error: the source and the target are the same database: {office}\n")
