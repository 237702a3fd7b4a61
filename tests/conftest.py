"""Every test runs against its own temporary database, a pinned day and a known operator.

The database tests run on both backends: SQLite always, and PostgreSQL when
DANTRACK_TEST_PG_URL names a database the tests may create schemas in (each PostgreSQL test
gets a fresh schema of its own, dropped afterwards). Without the variable the PostgreSQL runs
are skipped, with that reason in the summary. A test runs on both when its module is in
BOTH_BACKENDS or it is marked `backends`, it uses a database fixture (db, cli, …), and it
neither asks for db_path itself (a test that does looks at the SQLite file) nor is in
SQLITE_ONLY.
"""

from __future__ import annotations

import inspect
import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

TODAY = "2024-12-31"
OPERATOR = "tester"
PG_URL_VARIABLE = "DANTRACK_TEST_PG_URL"
BOTH_BACKENDS = {"test_cli", "test_services", "test_reporting", "test_import_export"}
DATABASE_FIXTURES = {"db", "cli", "session", "tree", "database_url"}
# Tests that look inside SQLite itself (its query plans), so have no PostgreSQL run.
SQLITE_ONLY = {"test_report_query_uses_the_covering_index"}
PG_SKIP = f"PostgreSQL run skipped: set {PG_URL_VARIABLE} to a database URL to run it"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "backends: run this database test on SQLite and on PostgreSQL")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rpartition(".")[2]
    wanted = module in BOTH_BACKENDS or metafunc.definition.get_closest_marker("backends")
    asked = set(inspect.signature(metafunc.function).parameters)
    if (wanted and "db_path" not in asked and "backend" not in asked
            and metafunc.function.__name__ not in SQLITE_ONLY
            and DATABASE_FIXTURES & set(metafunc.fixturenames)):
        metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Fold the PostgreSQL skips into one summary line (pytest would give each test its own)."""
    report = yield
    if report.skipped and isinstance(report.longrepr, tuple) and PG_SKIP in report.longrepr[2]:
        report.longrepr = (__file__, _PG_SKIP_LINE, report.longrepr[2])
    return report


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """"sqlite", or "postgresql" for the PostgreSQL run of a test on both backends."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(autouse=True)
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where this test's database lives (not created until something writes it)."""
    path = tmp_path / "dantrack.sqlite"
    monkeypatch.setenv("DANTRACK_DB", str(path))
    monkeypatch.setenv("DANTRACK_OPERATOR", OPERATOR)
    monkeypatch.setenv("DANTRACK_TODAY", TODAY)
    monkeypatch.delenv("DANTRACK_BUSY_TIMEOUT", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return path


class PostgresServer:
    """The test server: hands out empty schemas in the database of DANTRACK_TEST_PG_URL."""

    _numbers = itertools.count(1)

    def __init__(self, url: str) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        self.url = make_url(url).set(drivername="postgresql")
        try:
            self.admin = psycopg.connect(self.libpq(), autocommit=True)
        except psycopg.Error as exc:
            pytest.fail(f"{PG_URL_VARIABLE} is set but the server cannot be used: {exc}")

    def libpq(self) -> str:
        return self.url.render_as_string(hide_password=False)

    def new_schema(self) -> str:
        name = f"dantrack_test_{os.getpid()}_{next(self._numbers)}"
        self.admin.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        self.admin.execute(f"CREATE SCHEMA {name}")
        return name

    def drop_schema(self, name: str) -> None:
        self.admin.execute("SET lock_timeout = '10s'")
        self.admin.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")

    def url_for(self, schema: str) -> str:
        """A URL whose connections see only this schema."""
        options = f"-csearch_path={schema}"
        return self.url.update_query_dict({"options": options}).render_as_string(
            hide_password=False)

    def close(self) -> None:
        self.admin.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    url = os.environ.get(PG_URL_VARIABLE)
    if not url:
        pytest.skip(PG_SKIP)  # the one place every PostgreSQL skip is reported from
    server = PostgresServer(url)
    yield server
    server.close()


_PG_SKIP_LINE = next(number for number, line
                     in enumerate(Path(__file__).read_text().splitlines(), start=1)
                     if "pytest.skip(PG_SKIP)" in line)


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A URL of a fresh, empty schema on the test server (skips without the server)."""
    server: PostgresServer = request.getfixturevalue("postgres_server")
    schema = server.new_schema()
    yield server.url_for(schema)
    server.drop_schema(schema)


@pytest.fixture(autouse=True)
def database_url(backend: str, db_path: Path, request: pytest.FixtureRequest,
                 monkeypatch: pytest.MonkeyPatch) -> str:
    """This test's database as $DANTRACK_DB has it: the SQLite file, or on the PostgreSQL
    run a fresh schema on the test server."""
    if backend != "postgresql":
        return str(db_path)
    url = request.getfixturevalue("postgres_url")
    monkeypatch.setenv("DANTRACK_DB", url)
    return url


CliRun = Callable[..., Result]


@pytest.fixture
def cli() -> CliRun:
    """Run `dantrack ARGS…` in-process; stdout and stderr come back apart.

    The click under this typer always keeps stderr apart from stdout (result.stdout,
    result.stderr). Any exception other than an exit is a traceback a user would see, so it
    fails the test here.
    """
    from dantrack.cli import app

    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        result = runner.invoke(app, list(args), input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(
                f"dantrack {' '.join(args)} raised {result.exception!r}"
            ) from result.exception
        return result

    return run


@pytest.fixture
def db(database_url: str) -> Iterator[Any]:
    """An open, writable database at $DANTRACK_DB (created on first use)."""
    from dantrack.db import Location, open_database

    database = open_database(Location(database_url, "from the test"), write=True)
    yield database
    database.dispose()


@pytest.fixture
def session(db):  # type: ignore[no-untyped-def]
    """One transaction on the test database, committed when the test ends."""
    with db.session() as s:
        yield s


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str
    parent: str | None


# Bắc Kạn with two districts; "Xã Trần Phú" exists in both districts (an ambiguous name).
TREE = (
    Unit("06", "Bắc Kạn", "province", None),
    Unit("061", "Huyện Ba Bể", "district", "06"),
    Unit("01861", "Thị trấn Chợ Rã", "commune", "061"),
    Unit("01864", "Xã Cao Thượng", "commune", "061"),
    Unit("01870", "Xã Trần Phú", "commune", "061"),
    Unit("01864-01", "Thôn Nà Mòn", "village", "01864"),
    Unit("064", "Huyện Chợ Đồn", "district", "06"),
    Unit("01960", "Xã Trần Phú", "commune", "064"),
    Unit("01966", "Xã Quảng Bạch", "commune", "064"),
)


@pytest.fixture
def tree(db) -> tuple[Unit, ...]:  # type: ignore[no-untyped-def]
    """The small locality tree above, committed, so the CLI sees it too."""
    from dantrack.services.localities import add_locality

    with db.session() as s:
        for unit in TREE:
            add_locality(s, code=unit.code, name=unit.name, level=unit.level, parent=unit.parent)
    return TREE
