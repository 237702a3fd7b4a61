"""Schema migrations with Alembic, configured in code: there is no alembic.ini to find.

Only `dantrack db upgrade`, `dantrack db copy` and the tests import this package (and with it
Alembic and the ORM). Every other command compares the database's alembic_version row with
db.SCHEMA_REVISION, a constant that a test pins to the head revision here.

A new revision (its id the next number, "0002", and db.SCHEMA_REVISION / KNOWN_REVISIONS
moved on with it):

    from alembic import command
    from dantrack.migrations import config
    command.revision(config(), message="what changes", rev_id="0002")

On SQLite the migrations run in batch mode (table rebuilds where ALTER cannot), with foreign
key enforcement off and a foreign key check before the commit.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from alembic.config import Config
from alembic.script import ScriptDirectory

from dantrack import db
from dantrack.errors import DantrackError, DatabaseUnavailable

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

HERE = Path(__file__).resolve().parent
# Where revisions live; a test adds a directory with a revision of its own.
VERSION_LOCATIONS = [HERE / "versions"]


def config(connection: Connection | None = None) -> Config:
    """Alembic's configuration; env.py runs the migrations on `connection` when given."""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations",
                        os.pathsep.join(str(path) for path in VERSION_LOCATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def script() -> ScriptDirectory:
    return ScriptDirectory.from_config(config())


def head() -> str:
    """The newest revision."""
    revision = script().get_current_head()
    assert revision is not None
    return revision


def revisions() -> list[str]:
    """Every revision, oldest first."""
    return [rev.revision for rev in reversed(list(script().walk_revisions()))]


def migrate(connection: Connection, target: str = "head") -> None:
    """Run the migrations up to target on a connection already inside its transaction."""
    from alembic import command

    command.upgrade(config(connection), target)


@dataclass(frozen=True)
class Upgrade:
    before: str
    after: str
    backup: Path | None


def upgrade(location: db.Location) -> Upgrade:
    """Bring the database at location to the newest schema.

    SQLite: a backup of the whole file is written beside it first (SQLite's online backup
    API, under the write lock so nothing changes in between). Either way the migrations run
    in one transaction: if one fails, the database is left as it was.
    """
    database = db.open_database(location, write=True, create=False, check=False)
    try:
        before = db.schema_revision(database)
        if before == db.SCHEMA_REVISION:
            return Upgrade(before, before, None)
        if before is None or before not in db.KNOWN_REVISIONS:
            db.check_schema(database)  # raises: newer, or not a dantrack database
            raise AssertionError(before)
        backup = _backup_path(database.path, before) if database.path else None
        try:
            if backup is not None:
                _migrate_sqlite(database, backup)
            else:
                with db.translate_errors(database), database.engine.begin() as connection:
                    migrate(connection)
        except DantrackError:
            raise
        except Exception as exc:  # a migration that cannot run on this data: say so, once
            kept = f"; a copy made before is at {backup}" if backup and backup.exists() else ""
            raise DatabaseUnavailable(
                f"the upgrade of {location.shown} from {before} failed and was rolled back, "
                f"nothing was changed: {_describe(exc)}{kept}"
            ) from exc
        after = db.schema_revision(database)
        assert after == db.SCHEMA_REVISION, after
        return Upgrade(before, after, backup)
    finally:
        database.dispose()


def _describe(exc: Exception) -> str:
    cause = getattr(exc, "orig", None) or exc  # a driver's error without SQLAlchemy's wrapping
    return f"{type(cause).__name__}: {' '.join(str(cause).split())}"


def _migrate_sqlite(database: db.Database, backup: Path) -> None:
    path = database.path
    assert path is not None
    with db.translate_errors(database), database.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        # Table rebuilds need foreign keys off, which SQLite allows only outside a transaction.
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():  # BEGIN IMMEDIATE: the write lock, held to the commit
                backup_sqlite(path, backup)
                migrate(connection)
                if problems := connection.exec_driver_sql("PRAGMA foreign_key_check").all():
                    raise DatabaseUnavailable(
                        f"the upgrade of {path} would break {len(problems)} references "
                        f"(first: {tuple(problems[0])}); nothing was changed, a copy made "
                        f"before is at {backup}"
                    )
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


def _backup_path(path: Path, revision: str) -> Path:
    candidate = path.with_name(f"{path.name}.schema-{revision}.bak")
    number = 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}.schema-{revision}.{number}.bak")
    return candidate


def backup_sqlite(source: Path, target: Path) -> Path:
    """A consistent copy of an SQLite database (the online backup API), readable by its owner
    only. Written under a temporary name and renamed when complete: a killed upgrade never
    leaves a partial copy under the name of a good one."""
    from dantrack.files import replacing

    with replacing(target, database=source, force=False, what="the copy") as temporary:
        reader = sqlite3.connect(f"file:{quote(str(source.resolve()))}?mode=ro", uri=True)
        writer = sqlite3.connect(temporary)
        try:
            reader.backup(writer)
        finally:
            writer.close()
            reader.close()
    return target


__all__ = ["Upgrade", "backup_sqlite", "config", "head", "migrate", "revisions", "upgrade"]
