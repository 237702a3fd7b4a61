"""Helpers for the tests that compare whole databases, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# data/sample.sqlite as released with the first schema (revision 0001); never rewritten.
SAMPLE_0001 = FIXTURES / "sample-0001.sqlite"
YEARS = ("2022", "2023", "2024")


def first_sample_copy(directory: Path) -> Path:
    """A private copy of the first released sample, at its own schema (0001)."""
    copy = directory / "office.sqlite"
    shutil.copyfile(SAMPLE_0001, copy)
    return copy


def sample_copy(directory: Path) -> Path:
    """A private copy of the first released sample, upgraded to this dantrack's schema as an
    office would (`dantrack db upgrade`), to change at will."""
    from dantrack import db, migrations

    copy = first_sample_copy(directory)
    result = migrations.upgrade(db.Location(str(copy), "the test"))
    if result.backup is not None:
        result.backup.unlink()
    return copy


@contextmanager
def as_revision(revision: str) -> Iterator[None]:
    """This code reading a database of an older schema revision as if it were its own (for
    reports whose queries that revision already answers)."""
    from dantrack import db

    saved = db.SCHEMA_REVISION
    db.SCHEMA_REVISION = revision
    try:
        yield
    finally:
        db.SCHEMA_REVISION = saved


# In leave_out: the whole table.
ALL = frozenset({"*"})


def contents(target: str | Path, *, leave_out: dict[str, set[str]] | None = None,
             ) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order, as Python values (dates, booleans), so that a
    database on SQLite and one on PostgreSQL compare equal when they hold the same. Only the
    columns the database has are read, less those in leave_out (columns a later revision
    added, to compare a database before and after an upgrade)."""
    from sqlalchemy import inspect

    from dantrack import db
    from dantrack.transfer import tables

    database = db.open_database(db.Location(str(target), "the test"), write=False, check=False)
    try:
        with database.connection() as connection:
            result = {}
            for name, table in tables().items():
                if (leave_out or {}).get(name) == ALL or not inspect(connection).has_table(name):
                    continue  # a table a later revision added
                present = {c["name"] for c in inspect(connection).get_columns(name)}
                present -= (leave_out or {}).get(name, set())
                columns = [c for c in table.c if c.name in present]
                result[name] = [tuple(row) for row in connection.execute(
                    select(*columns).order_by(*table.primary_key.columns))]
            return result
    finally:
        database.dispose()


def revision(target: str | Path) -> str | None:
    from dantrack import db

    database = db.open_database(db.Location(str(target), "the test"), write=False, check=False)
    try:
        return db.schema_revision(database)
    finally:
        database.dispose()


def report_text(cli, target: str | Path, *args: str) -> str:  # type: ignore[no-untyped-def]
    """`dantrack report ARGS --format json` on target, exactly as printed."""
    result = cli("--db", str(target), "report", *args, "--format", "json")
    assert result.exit_code == 0, (result.exit_code, result.stderr)
    assert json.loads(result.stdout)["petitions"]["received"] >= 0
    return result.stdout


def yearly_reports(cli, target: str | Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The reports --year 2022, 2023 and 2024, for the whole tree and for one district."""
    return {f"{year} {where}": report_text(cli, target, "--year", year,
                                           *(("--locality", where) if where else ()))
            for year in YEARS for where in ("", "Ba Bể")}
