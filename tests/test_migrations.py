"""Schema migrations: the code writes Alembic's head, the migrations build exactly the schema
the models do, `dantrack db upgrade` carries a database forward without losing a row — on
SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from dantrack import db, migrations
from databases import (
    ALL,
    SAMPLE_0001,
    contents,
    first_sample_copy,
    revision,
    yearly_reports,
)

# Columns added by revisions after the first: left out when comparing with a first-schema file.
ADDED = {"petition": {"secret", "field", "prior", "round", "forwarded_to", "reply_on",
                      "recovered_money", "recovered_land", "returned_money", "returned_land",
                      "returned_orgs", "returned_people", "disciplined",
                      "disciplined_officials", "prosecuted_cases", "prosecuted_people",
                      "extensions", "extended_days", "suspended_on", "suspended_days"},
         "locality": {"valid_from", "valid_to"},
         "locality_successor": ALL, "visit": ALL, "visit_event": ALL, "calendar_day": ALL,
         "meeting_event": ALL, "dialogue_event": ALL}


def first_sample_reports() -> dict[str, str]:
    """The yearly reports (databases.yearly_reports) of the first released sample, as the code
    of schema revision 0002 printed them before any upgrade: fixtures/first_sample_reports.json.
    (This code's queries read columns the first schema lacks, so it cannot print them itself.)"""
    path = Path(__file__).parent / "fixtures" / "first_sample_reports.json"
    # Revision 0004 reports `chased` after `forwarded`: no petition of an older database was
    # closed so, every other figure is as it was.
    return {name: re.sub(r'( *)"forwarded": (\d+),\n', r'\1"forwarded": \2,\n\1"chased": 0,\n',
                         text)
            for name, text in json.loads(path.read_text(encoding="utf-8")).items()}


# Report keys added after the first sample's reports were printed (issue 14), by where they lie.
LATER_KEYS = {"meetings": ("by_kind", "by_body"), "petitions": ("on_time_rate", "verdicts")}


def as_first_printed(reports: dict[str, str]) -> dict[str, str]:
    """The reports without the keys added since: every other key and figure, as printed."""
    def strip(entry: dict) -> None:  # type: ignore[type-arg]
        for block, keys in LATER_KEYS.items():
            for name in keys:
                del entry[block][name]
        for figures in entry["petitions"]["by_kind"].values():
            for name in LATER_KEYS["petitions"]:
                del figures[name]

    printed = {}
    for name, printed_text in reports.items():
        data = json.loads(printed_text)
        for entry in (data, *data["by_locality"]):
            strip(entry)
        printed[name] = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return printed


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result.stderr


def fails(result, code: int) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr
    return result.stderr


def shown(target: str) -> str:
    return db.Location(target, "test").shown


def raw_engine(target: str) -> Engine:
    """A plain engine on target, around dantrack's own opening (which creates schemas)."""
    if "://" in target:
        return create_engine(db.postgres_url(db.Location(target, "test")))
    return create_engine(f"sqlite:///{target}")


def add_records(cli) -> None:  # type: ignore[no-untyped-def]
    """A petition with a history of three entries, and a meeting, through the CLI."""
    ok(cli("meeting", "add", "--date", "2024-03-15", "--locality", "061", "--kind", "periodic",
           "--body", "government", "--citizens", "4"))
    ok(cli("petition", "add", "--kind", "complaint", "--received-on", "2024-03-15",
           "--locality", "01864", "--subject", "Đền bù", "--meeting", "M2024-00001"))
    ok(cli("petition", "close", "P2024-00001", "--outcome", "resolved", "--on", "2024-04-01"))
    ok(cli("petition", "reopen", "P2024-00001", "--reason", "appeal"))


# --- the revision constant -----------------------------------------------------------------


def test_the_code_writes_and_knows_exactly_alembics_revisions() -> None:
    assert db.SCHEMA_REVISION == migrations.head()
    assert db.KNOWN_REVISIONS == tuple(migrations.revisions())
    assert db.KNOWN_REVISIONS[-1] == db.SCHEMA_REVISION


PROBE = """
import sys
from dantrack.cli import app
code = app(sys.argv[1:], standalone_mode=False)
heavy = ("alembic", "dantrack.migrations", "sqlmodel", "dantrack.models")
print("loaded:", *(name for name in heavy if name in sys.modules), file=sys.stderr)
sys.exit(code or 0)
"""


def loaded(database_url: str, *args: str) -> list[str]:
    """The heavy modules a real process imports to run `dantrack ARGS`."""
    env = {**os.environ, "DANTRACK_DB": database_url}
    result = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stderr.splitlines()[-1].split()


@pytest.mark.backends
def test_commands_check_the_schema_without_importing_alembic(tree, database_url: str) -> None:
    assert loaded(database_url, "report", "--year", "2024", "--format", "json") == ["loaded:"]
    assert loaded(database_url, "locality", "add", "99", "Xã Mới", "--level", "commune",
                  "--parent", "061") == ["loaded:", "sqlmodel", "dantrack.models"]


# --- the migrations build the models' schema ----------------------------------------------


@pytest.fixture
def second_database(backend: str, tmp_path: Path,
                    request: pytest.FixtureRequest) -> Iterator[str]:
    """Another empty database on the same backend as database_url."""
    if backend != "postgresql":
        yield str(tmp_path / "second.sqlite")
        return
    server = request.getfixturevalue("postgres_server")
    schema = server.new_schema()
    yield server.url_for(schema)
    server.drop_schema(schema)


def structure(engine: Engine) -> dict[str, list[tuple]]:
    """The schema as the database itself describes it, alembic_version left aside (its primary
    key is named by whoever made it)."""
    with engine.connect() as c:
        if engine.dialect.name == "sqlite":
            return {"sqlite_master": c.execute(text(
                "SELECT type, name, tbl_name, sql FROM sqlite_master "
                "WHERE tbl_name != 'alembic_version' ORDER BY type, name")).all()}
        schema = c.execute(text("SELECT current_schema()")).scalar_one()

        def rows(query: str) -> list[tuple]:
            return [tuple(str(v).replace(f"{schema}.", "") for v in row)
                    for row in c.execute(text(query), {"s": schema})]

        return {
            "columns": rows(
                "SELECT table_name, column_name, ordinal_position, data_type, "
                "character_maximum_length, is_nullable, column_default "
                "FROM information_schema.columns WHERE table_schema = :s "
                "AND table_name != 'alembic_version' ORDER BY 1, 3"),
            "indexes": rows(
                "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = :s "
                "AND tablename != 'alembic_version' ORDER BY 1, 2"),
            "constraints": rows(
                "SELECT t.relname, c.conname, c.contype, pg_get_constraintdef(c.oid) "
                "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
                "JOIN pg_namespace n ON n.oid = t.relnamespace "
                "WHERE n.nspname = :s AND t.relname != 'alembic_version' ORDER BY 1, 2"),
        }


def differences(engine: Engine) -> list:  # type: ignore[type-arg]
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    from dantrack import models  # noqa: F401

    with engine.connect() as c:
        return compare_metadata(MigrationContext.configure(c), SQLModel.metadata)


@pytest.mark.backends
def test_the_migrations_build_exactly_the_schema_dantrack_creates(
    cli, database_url: str, second_database: str
) -> None:
    ok(cli("locality", "add", "06", "Bắc Kạn", "--level", "province"))  # dantrack creates it
    migrated = raw_engine(second_database)
    with migrated.begin() as connection:
        migrations.migrate(connection)
    created = raw_engine(database_url)
    try:
        assert differences(migrated) == []
        assert differences(created) == []
        shape = structure(migrated)
        assert sum(len(rows) for rows in shape.values()) >= 20
        assert shape == structure(created)
    finally:
        migrated.dispose()
        created.dispose()
    # and dantrack works on the migrated database as on its own
    assert revision(second_database) == db.SCHEMA_REVISION
    ok(cli("--db", second_database, "locality", "add", "06", "Bắc Kạn", "--level", "province"))


# --- upgrading the first released sample ---------------------------------------------------


def upgrade_message(target: str, before: str, backup: Path | None) -> str:
    if before == db.SCHEMA_REVISION:
        return f"The schema of {shown(target)} is the newest already ({before})\n"
    kept = f"; the file as it was is kept at {backup}" if backup else ""
    return (f"Upgraded the schema of {shown(target)} from {before} to "
            f"{db.SCHEMA_REVISION}{kept}\n")


def test_the_first_released_sample_is_revision_0001_and_holds_records() -> None:
    assert revision(SAMPLE_0001) == "0001"
    rows = contents(SAMPLE_0001)
    assert len(rows["petition"]) == 6921 and len(rows["petition_event"]) > 6921


def test_upgrading_the_first_released_sample_keeps_every_row_and_figure(
    cli, tmp_path: Path
) -> None:
    office = first_sample_copy(tmp_path)
    rows, reports = contents(office), first_sample_reports()
    before = revision(office)
    assert before is not None
    backup = Path(f"{office}.schema-{before}.bak") if before != db.SCHEMA_REVISION else None
    assert ok(cli("--db", str(office), "db", "upgrade")) == upgrade_message(
        str(office), before, backup)
    assert revision(office) == db.SCHEMA_REVISION
    assert contents(office, leave_out=ADDED) == rows
    assert as_first_printed(yearly_reports(cli, office)) == reports
    assert sorted(p.name for p in tmp_path.iterdir() if ".bak" in p.name) == (
        [backup.name] if backup else [])


def test_upgrading_a_first_schema_database_on_postgresql(
    cli, tmp_path: Path, postgres_url: str
) -> None:
    """The first released sample's rows in a first-schema database on the server (as `db copy`
    of revision 0001 made it), upgraded there: every row and figure kept."""
    from sqlalchemy import MetaData

    from dantrack.transfer import ORDER

    office = first_sample_copy(tmp_path)
    rows, reports = contents(office), first_sample_reports()
    source, target = raw_engine(str(office)), raw_engine(postgres_url)
    try:
        with target.begin() as connection:
            migrations.migrate(connection, "0001")
        old, new = MetaData(), MetaData()
        old.reflect(source)
        new.reflect(target)
        with source.connect() as reading, target.begin() as writing:
            for name in (name for name in ORDER if name in old.tables):
                batch = [dict(row._mapping) for row in reading.execute(old.tables[name].select())]
                if batch:
                    writing.execute(new.tables[name].insert(), batch)
    finally:
        source.dispose()
        target.dispose()
    assert revision(postgres_url) == "0001"
    assert ok(cli("--db", postgres_url, "db", "upgrade")) == upgrade_message(
        postgres_url, "0001", None)
    assert revision(postgres_url) == db.SCHEMA_REVISION
    assert contents(postgres_url, leave_out=ADDED) == rows
    assert as_first_printed(yearly_reports(cli, postgres_url)) == reports


# --- an upgrade, with a revision made up for the test ---------------------------------------

# The test's revision follows the newest real one.
HEAD = db.SCHEMA_REVISION
NEXT = f"{int(HEAD) + 1:04d}"

NEXT_REVISION = '''
"""Test revision: meetings get a room; on SQLite the table is rebuilt, as real revisions
that change a column will do."""
import sqlalchemy as sa
from alembic import op

revision = "NEXT"
down_revision = "HEAD"
branch_labels = None
depends_on = None


def upgrade():
    rebuild = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("meeting", recreate=rebuild) as batch:
        batch.add_column(sa.Column("room", sa.String(50), nullable=False, server_default=""))
    op.execute("UPDATE meeting SET room = 'hall ' || ref")
    FAILURE


def downgrade():
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("room")
'''


@pytest.fixture
def next_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Make this code one revision newer than the databases the test has made so far."""

    def install(*, failing: bool = False) -> None:
        versions = tmp_path / "more-versions"
        versions.mkdir()
        failure = 'op.execute("UPDATE meeting SET citizens = NULL")' if failing else "pass"
        text = NEXT_REVISION.replace("FAILURE", failure).replace('"NEXT"', f'"{NEXT}"')
        (versions / f"{NEXT}_test.py").write_text(text.replace('"HEAD"', f'"{HEAD}"'))
        monkeypatch.setattr(migrations, "VERSION_LOCATIONS",
                            [*migrations.VERSION_LOCATIONS, versions])
        monkeypatch.setattr(db, "SCHEMA_REVISION", NEXT)
        monkeypatch.setattr(db, "KNOWN_REVISIONS", (*db.KNOWN_REVISIONS, NEXT))
        assert migrations.head() == NEXT

    return install


def rooms(target: str) -> list[tuple[str, str]]:
    engine = raw_engine(target)
    try:
        with engine.connect() as c:
            return [tuple(row) for row in c.execute(text("SELECT ref, room FROM meeting"))]
    finally:
        engine.dispose()


@pytest.mark.backends
def test_an_older_schema_is_refused_until_db_upgrade(
    cli, tree, database_url: str, backend: str, next_revision
) -> None:
    add_records(cli)
    before = contents(database_url)
    next_revision()
    older = (f"Error: the database {shown(database_url)} has an older schema ({HEAD}); "
             "run `dantrack db upgrade`\n")
    assert fails(cli("petition", "list"), 4) == older
    assert fails(cli("report", "--year", "2024"), 4) == older
    assert fails(cli("locality", "add", "98", "Xã Khác", "--level", "commune"), 4) == older
    assert revision(database_url) == HEAD and contents(database_url) == before

    backup = Path(f"{database_url}.schema-{HEAD}.bak") if backend == "sqlite" else None
    assert ok(cli("db", "upgrade")) == upgrade_message(database_url, HEAD, backup)
    assert revision(database_url) == NEXT
    assert contents(database_url) == before
    assert rooms(database_url) == [("M2024-00001", "hall M2024-00001")]
    if backup is not None:
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
        assert revision(str(backup)) == HEAD
        assert contents(str(backup)) == before
    shown_list = json.loads(ok_out(cli("petition", "list", "--format", "json")))
    assert [p["ref"] for p in shown_list] == ["P2024-00001"]
    assert ok(cli("db", "upgrade")) == upgrade_message(database_url, NEXT, None)


def ok_out(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result.stdout


@pytest.mark.backends
def test_a_failing_upgrade_changes_nothing(
    cli, tree, database_url: str, backend: str, next_revision
) -> None:
    add_records(cli)
    before = contents(database_url)
    next_revision(failing=True)
    message = fails(cli("db", "upgrade"), 4)
    assert message.startswith(f"Error: the upgrade of {shown(database_url)} from {HEAD} failed "
                              "and was rolled back, nothing was changed: ")
    assert "citizens" in message and len(message.splitlines()) == 1
    assert revision(database_url) == HEAD
    assert contents(database_url) == before
    engine = raw_engine(database_url)
    try:
        with engine.connect() as c:
            columns = c.execute(text("SELECT * FROM meeting")).keys()
    finally:
        engine.dispose()
    assert "room" not in columns
    if backend == "sqlite":
        assert message.endswith(f"; a copy made before is at {database_url}.schema-{HEAD}.bak\n")


@pytest.mark.backends
def test_a_newer_schema_is_refused_and_never_written(cli, tree, database_url: str) -> None:
    add_records(cli)
    engine = raw_engine(database_url)
    try:
        with engine.begin() as c:
            c.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    finally:
        engine.dispose()
    before = contents_unchecked(database_url)
    newer = (f"Error: the database {shown(database_url)} was written by a newer dantrack "
             "(schema 9999); upgrade dantrack to use it\n")
    assert fails(cli("petition", "list"), 4) == newer
    assert fails(cli("petition", "close", "P2024-00001", "--outcome", "resolved"), 4) == newer
    assert fails(cli("db", "upgrade"), 4) == newer
    assert contents_unchecked(database_url) == before


def contents_unchecked(target: str) -> list[tuple]:
    engine = raw_engine(target)
    try:
        with engine.connect() as c:
            return [tuple(row) for table in ("petition", "petition_event", "meeting")
                    for row in c.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
    finally:
        engine.dispose()
