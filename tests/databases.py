"""Helpers for the tests that compare whole databases, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import select

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# data/sample.sqlite as released with the first schema (revision 0001); never rewritten.
SAMPLE_0001 = FIXTURES / "sample-0001.sqlite"
YEARS = ("2022", "2023", "2024")


def sample_copy(directory: Path) -> Path:
    """A private copy of the first released sample, to change at will."""
    copy = directory / "office.sqlite"
    shutil.copyfile(SAMPLE_0001, copy)
    return copy


def contents(target: str | Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order, as Python values (dates, booleans), so that a
    database on SQLite and one on PostgreSQL compare equal when they hold the same."""
    from dantrack import db
    from dantrack.transfer import tables

    database = db.open_database(db.Location(str(target), "the test"), write=False, check=False)
    try:
        with database.connection() as connection:
            return {
                name: [tuple(row) for row in connection.execute(
                    select(table).order_by(*table.primary_key.columns))]
                for name, table in tables().items()
            }
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
