"""Every test runs against its own temporary database, a pinned day and a known operator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

TODAY = "2024-12-31"
OPERATOR = "tester"


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
def db(db_path: Path) -> Iterator[object]:
    """An open, writable database at $DANTRACK_DB (created on first use)."""
    from dantrack.db import Location, open_database

    database = open_database(Location(str(db_path), "from the test"), write=True)
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
