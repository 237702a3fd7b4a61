"""The bundled Bắc Kạn sample: published totals, untouched by readers, rebuildable."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample.sqlite"
TABLES = ("locality", "meeting", "dialogue", "petition", "petition_event", "ref_sequence")


def report(cli, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = cli("--db", str(SAMPLE), "report", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_published_totals_2022_to_2024(cli) -> None:  # type: ignore[no-untyped-def]
    period = ("--from", "2022-01-01", "--to", "2024-12-31", "--locality", "Bắc Kạn")
    government = report(cli, *period, "--body", "government")
    assert government["meetings"]["count"] == 3493
    assert government["meetings"]["citizens"] == 3630
    party = report(cli, *period, "--body", "party")
    held = party["meetings"]["count"] + party["dialogues"]["count"]
    citizens = party["meetings"]["citizens"] + party["dialogues"]["citizens"]
    assert 180 <= held <= 220 and 230 <= citizens <= 270
    everything = report(cli, *period)
    assert everything["petitions"]["received"] == 6921
    assert everything["locality"] == {"code": "06", "name": "Bắc Kạn"}
    assert len(everything["by_locality"]) == 8


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_resolution_rate_over_80_each_year(cli, year: int) -> None:  # type: ignore[no-untyped-def]
    figures = report(cli, "--year", str(year), "--locality", "06")["petitions"]
    assert figures["resolution_rate"] > 80
    assert figures["duplicates"] > 0 and figures["guided"] > 0 and figures["forwarded"] > 0
    assert figures["withdrawn"] > 0 and figures["dismissed"] > 0


def test_sample_has_the_real_tree() -> None:
    connection = sqlite3.connect(f"file:{SAMPLE}?mode=ro", uri=True)
    levels = dict(connection.execute("select level, count(*) from locality group by level"))
    names = dict(connection.execute("select code, name from locality where level = 'district'"))
    open_2024 = connection.execute(
        "select count(*) from petition where closed_on is null").fetchone()[0]
    connection.close()
    assert levels == {"province": 1, "district": 8, "commune": 108}
    assert names["058"] == "Thành phố Bắc Kạn" and names["060"] == "Huyện Pác Nặm"
    assert open_2024 > 0


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_read_commands_leave_the_sample_byte_identical(cli) -> None:  # type: ignore[no-untyped-def]
    before = digest(SAMPLE)
    siblings = set(SAMPLE.parent.iterdir())
    for args in (["report", "--year", "2024"], ["petition", "list", "--status", "overdue"],
                 ["petition", "show", "P2024-00001"], ["meeting", "list", "--year", "2023"],
                 ["dialogue", "list"], ["locality", "list"], ["locality", "show", "ba be"]):
        result = cli("--db", str(SAMPLE), *args)
        assert result.exit_code == 0, (args, result.stderr)
    assert digest(SAMPLE) == before
    assert set(SAMPLE.parent.iterdir()) == siblings  # no -wal, -shm or -journal left beside it


def table_contents(path: Path) -> dict[str, list[tuple]]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    contents = {t: connection.execute(f"select * from {t} order by 1, 2").fetchall()
                for t in TABLES}
    connection.close()
    return contents


def test_rebuilding_gives_the_same_records_and_figures(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    rebuilt = tmp_path / "sample.sqlite"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_sample.py"), "--out",
                    str(rebuilt)], check=True, capture_output=True)
    assert table_contents(rebuilt) == table_contents(SAMPLE)
    for year in ("2022", "2024"):
        fresh = cli("--db", str(rebuilt), "report", "--year", year, "--format", "json")
        assert json.loads(fresh.stdout) == report(cli, "--year", year)
