"""What a second reading of the forms, files and lists found, each fixed (both backends):
a refused --columns records no reveal; report and form take their format from -o FILE's
ending; a form's total is the sum of its rows, the locality's own records a row of their own;
db copy carries the corrections' history; a petition suspended at a period's end is not
overdue in the report; import offers only what it reads."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from tests.test_cli import add_denunciation, add_petition, fails, ok

pytestmark = pytest.mark.backends


def events(cli, ref: str) -> list[str]:  # type: ignore[no-untyped-def]
    shown = json.loads(ok(cli("petition", "show", ref, "--format", "json")))
    return [e["action"] for e in shown["history"]]


def test_a_refused_columns_option_records_no_reveal(cli, tree) -> None:
    ok(add_denunciation(cli, "--ref", "P2024-00001"))
    assert "unknown column 'bogus'" in fails(
        cli("petition", "list", "--reveal", "--columns", "ref,bogus"), 2)
    assert events(cli, "P2024-00001") == ["created"]


def test_report_and_form_take_the_format_of_the_file(cli, tree, tmp_path: Path) -> None:
    ok(add_petition(cli))
    for command in (("report", "--year", "2024"), ("form", "01/XLD", "--year", "2024")):
        target = tmp_path / f"{command[0]}.xlsx"
        ok(cli(*command, "-o", str(target)))
        assert target.read_bytes()[:2] == b"PK", command  # a workbook, not a text table
        target = tmp_path / f"{command[0]}.csv"
        ok(cli(*command, "-o", str(target)))
        assert target.read_bytes()[:3] == b"\xef\xbb\xbf", command


def test_a_form_row_holds_the_locality_s_own_records(cli, tree) -> None:
    ok(add_petition(cli, locality="06", subject="Ở cấp tỉnh"))
    ok(add_petition(cli, locality="01864"))
    form = json.loads(ok(cli("form", "01/XLD", "--year", "2024", "-l", "06", "-f", "json")))
    names = [row["locality"]["name"] for row in form["rows"]]
    assert names == ["Cấp tỉnh (Bắc Kạn)", "Huyện Ba Bể", "Huyện Chợ Đồn"]
    assert form["rows"][0]["values"]["received"] == 1
    for column in form["columns"]:
        key = column["key"]
        assert form["total"]["values"][key] == sum(r["values"][key] for r in form["rows"]), key
    district = json.loads(ok(cli("form", "01/XLD", "--year", "2024", "-l", "061", "-f", "json")))
    assert not any(r["locality"]["name"].startswith("Cấp") for r in district["rows"])


def test_db_copy_carries_the_corrections(cli, tree, db_path: Path, tmp_path: Path,
                                         database_url: str) -> None:
    ok(cli("meeting", "add", "--date", "2024-03-01", "--locality", "01864", "--kind",
           "periodic", "--body", "government"))
    ok(cli("meeting", "edit", "M2024-00001", "--host", "Nguyễn Văn An"))
    target = tmp_path / "copy.sqlite"
    ok(cli("db", "copy", str(target)))
    with sqlite3.connect(target) as c:
        assert c.execute("SELECT count(*) FROM meeting_event").fetchone() == (1,)


def test_a_suspended_petition_is_not_overdue_at_the_period_s_end(cli, tree, monkeypatch) -> None:
    monkeypatch.setenv("DANTRACK_TODAY", "2026-01-20")
    ok(add_petition(cli, "--ref", "P2025-00001", received_on="2025-11-01"))  # due 1 December
    ok(add_petition(cli, "--ref", "P2025-00002", received_on="2025-11-01"))
    ok(cli("petition", "suspend", "P2025-00001", "--on", "2025-11-20", "--reason", "Chờ"))

    def overdue(*period: str) -> int:
        report = json.loads(ok(cli("report", *period, "--format", "json")))
        return report["petitions"]["overdue_at_end"]

    assert overdue("--year", "2025") == 1  # only P2025-00002
    assert overdue("--from", "2025-11-01", "--to", "2025-11-19") == 0  # neither due yet


def test_import_offers_only_what_it_reads(cli, tree, tmp_path: Path) -> None:
    path = tmp_path / "don.xlsx"
    path.write_bytes(b"PK")
    result = cli("import", "petitions", str(path), "--format", "xlsx")
    assert result.exit_code == 2 and "'xlsx' is not one of" in result.stderr
