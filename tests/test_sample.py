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


def test_sample_has_the_real_tree(cli) -> None:  # type: ignore[no-untyped-def]
    connection = sqlite3.connect(f"file:{SAMPLE}?mode=ro", uri=True)
    names = dict(connection.execute("select code, name from locality where level = 'district'"))
    still_open = connection.execute(
        "select count(*) from petition where closed_on is null").fetchone()[0]
    connection.close()
    old = units(cli, "--on", "2025-06-30", "--under", "06")
    assert levels(old) == {"province": 1, "district": 8, "commune": 108}
    assert {unit["valid_to"] for unit in old} == {"2025-06-30"}
    assert names["058"] == "Thành phố Bắc Kạn" and names["060"] == "Huyện Pác Nặm"
    assert still_open > 0


def units(cli, *args: str) -> list[dict]:  # type: ignore[no-untyped-def]
    result = cli("--db", str(SAMPLE), "locality", "list", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def levels(rows: list[dict]) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in rows:
        found[row["level"]] = found.get(row["level"], 0) + 1
    return found


def test_the_sample_is_reorganised_on_1_july_2025(cli) -> None:  # type: ignore[no-untyped-def]
    new = units(cli, "--on", "2025-07-01", "--under", "19")
    assert levels(new) == {"province": 1, "commune": 92}
    assert {unit["valid_from"] for unit in new} == {"2025-07-01"}
    old_communes = [u for u in units(cli, "--on", "2025-06-30", "--under", "06")
                    if u["level"] == "commune"]
    mains = {unit["successors"].split(";")[0] for unit in old_communes}
    assert len(old_communes) == 108 and len(mains) == 37
    assert mains <= {unit["code"] for unit in new}


def test_after_the_change_the_work_is_in_the_new_communes(cli) -> None:  # type: ignore[no-untyped-def]
    first_half = report(cli, "--from", "2025-01-01", "--to", "2025-06-30", "--locality", "06")
    second_half = report(cli, "--from", "2025-07-01", "--to", "2025-12-31", "--locality", "19")
    year = report(cli, "--year", "2025", "--locality", "19")
    old_year = report(cli, "--year", "2025", "--locality", "Bắc Kạn")
    # Nothing is received in the old units after their end; the new province's year counts
    # both halves (its predecessors' records lead into it).
    assert old_year["petitions"]["received"] == first_half["petitions"]["received"] > 0
    assert year["petitions"]["received"] == (first_half["petitions"]["received"]
                                             + second_half["petitions"]["received"])
    # Cases open on 1 July in the old communes are carried over into the new ones' figures.
    assert second_half["petitions"]["carried_over"] >= first_half["petitions"]["open_at_end"] > 0
    with_work = [part for part in second_half["by_locality"] if part["petitions"]["received"]]
    assert len(with_work) == 37
    for when in ("2025", "2026"):
        assert report(cli, "--year", when, "--locality", "Thái Nguyên")["petitions"][
            "resolution_rate"] > 80


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
