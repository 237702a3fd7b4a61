"""A long list on a terminal goes through a pager, as git does (issue 16 item 6): $PAGER, or
less with -FRX; a list that fits the screen, and anything piped, is printed as it is."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.test_cli import add_petition, ok
from tests.test_prompts import Terminal


@pytest.fixture
def thirty(cli, db_path: Path, tree) -> Path:  # type: ignore[no-untyped-def]
    for number in range(1, 31):
        ok(add_petition(cli, "--ref", f"P2024-{number:05d}", subject=f"Việc số {number}"))
    return db_path


def listed(db: Path, tmp_path: Path, rows: int) -> tuple[str, str | None]:
    """What a terminal `rows` lines high shows of `petition list`, and what the pager got."""
    paged = tmp_path / "paged.txt"
    term = Terminal("petition", "list", db=db, size=(rows, 120),
                    env={"PAGER": f"cat > {paged}", "COLUMNS": "", "LINES": "", "TERM": "xterm"})
    assert term.exit_code() == 0
    return term.seen, paged.read_text(encoding="utf-8") if paged.exists() else None


def test_a_list_longer_than_the_screen_goes_through_the_pager(thirty: Path,
                                                              tmp_path: Path) -> None:
    shown, paged = listed(thirty, tmp_path, rows=10)
    assert paged is not None and "P2024-00001" in paged and "P2024-00030" in paged
    assert "P2024-00030" not in shown


def test_a_list_that_fits_is_printed_as_it_is(thirty: Path, tmp_path: Path) -> None:
    shown, paged = listed(thirty, tmp_path, rows=60)
    assert paged is None
    assert "P2024-00001" in shown and "P2024-00030" in shown
