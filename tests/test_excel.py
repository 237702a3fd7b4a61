"""Files for Excel (issue 16 item 5): -o FILE on lists, shows and exports; CSV written for
spreadsheets (-o FILE.csv, --excel) starts with a byte-order mark and keeps codes, ID numbers
and phones as text; --format xlsx (with -o) for lists and exports. Read back as a spreadsheet
would read them: csv with utf-8-sig, xlsx with openpyxl."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import stat
from pathlib import Path

import pytest
from tests.test_cli import add_denunciation, add_petition, fails, ok

from dantrack.safety import read_cell

pytestmark = pytest.mark.backends

ID_NUMBER, PHONE = "001234567890", "02093870123"


@pytest.fixture
def register(cli, tree):  # type: ignore[no-untyped-def]
    ok(add_petition(cli, "--ref", "P2024-00001", "--petitioner", "Nông Văn Tuấn",
                    "--id-number", ID_NUMBER, "--phone", PHONE, "--subject", "Đền bù đất"))
    ok(add_denunciation(cli, "--ref", "P2024-00002"))


def spreadsheet_rows(path: Path) -> list[dict[str, str]]:
    """The CSV as a spreadsheet reads it: the mark taken away, ="…" text as its text."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return [{k: read_cell(v) if v else v for k, v in row.items()}
            for row in csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))]


def test_a_list_to_a_csv_file_is_for_spreadsheets(cli, register, tmp_path: Path) -> None:
    path = tmp_path / "don.csv"
    result = cli("petition", "list", "-o", str(path))
    assert result.exit_code == 0 and result.stdout == ""
    assert f"Wrote {path}" in result.stderr
    text = path.read_bytes().decode("utf-8-sig")
    assert f'"=""{ID_NUMBER}"""' in text and f'"=""{PHONE}"""' in text  # text, not numbers
    assert '"=""01864"""' in text  # the locality code too
    first, second = spreadsheet_rows(path)
    assert (first["petitioner"], first["id_number"], first["phone"], first["locality"]) == (
        "Nông Văn Tuấn", ID_NUMBER, PHONE, "01864")
    assert second["petitioner"] == "***" and "Lý Thị Mai" not in text  # masked as always
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_excel_on_standard_output_and_plain_csv_without_it(cli, register) -> None:
    excel = cli("petition", "list", "--format", "csv", "--excel").stdout
    plain = ok(cli("petition", "list", "--format", "csv"))
    assert excel.startswith("\ufeff") and f'"=""{ID_NUMBER}"""' in excel
    assert not plain.startswith("\ufeff") and f",{ID_NUMBER}," in plain


def test_a_list_as_xlsx_keeps_the_zeros_and_the_types(cli, register, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "don.xlsx"
    ok(cli("petition", "list", "-o", str(path)))
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c for c in sheet[2]], strict=True))
    assert row["id_number"].value == ID_NUMBER and row["id_number"].data_type == "s"
    assert row["phone"].value == PHONE and row["locality"].value == "01864"
    assert row["petitioner"].value == "Nông Văn Tuấn"
    assert row["received_on"].value == dt.datetime(2024, 3, 1)  # a date, not text
    assert row["signatories"].value == 1  # a number
    masked = dict(zip(header, [c.value for c in sheet[3]], strict=True))
    assert masked["petitioner"] == "***" and masked["id_number"] == "***"


def test_an_export_to_csv_for_spreadsheets_imports_back(cli, register, tmp_path: Path,
                                                        database_url: str) -> None:
    path = tmp_path / "don.csv"
    ok(cli("export", "petitions", "--reveal", "-o", str(path)))
    assert f'"=""{ID_NUMBER}"""' in path.read_text(encoding="utf-8-sig")
    before = json.loads(ok(cli("petition", "show", "P2024-00001", "--format", "json")))
    ok(cli("import", "petitions", str(path), "--reveal"))  # the same: nothing changes
    assert json.loads(ok(cli("petition", "show", "P2024-00001", "--format", "json"))) == before


def test_an_export_as_xlsx(cli, register, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "units.xlsx"
    ok(cli("export", "localities", "--format", "xlsx", "-o", str(path)))
    rows = list(load_workbook(path).active.values)
    assert rows[0][:3] == ("code", "name", "level")
    assert ("01864", "Xã Cao Thượng") in {row[:2] for row in rows[1:]}


def test_a_show_to_a_file(cli, register, tmp_path: Path) -> None:
    path = tmp_path / "P2024-00001.json"
    ok(cli("petition", "show", "P2024-00001", "-o", str(path)))
    assert json.loads(path.read_text(encoding="utf-8"))["id_number"] == ID_NUMBER
    assert "xlsx is for lists and exports" in fails(
        cli("petition", "show", "P2024-00001", "--format", "xlsx", "-o", str(tmp_path / "x")), 2)


def test_xlsx_needs_a_file(cli, register) -> None:
    assert "add -o FILE.xlsx" in fails(cli("petition", "list", "--format", "xlsx"), 2)
    assert "add -o FILE.xlsx" in fails(cli("export", "petitions", "--format", "xlsx"), 2)


def test_the_database_is_never_the_output(cli, register, db_path: Path) -> None:
    before = db_path.read_bytes()
    assert fails(cli("--db", str(db_path), "petition", "list", "-o", str(db_path)), 1)
    assert db_path.read_bytes() == before
