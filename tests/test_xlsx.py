"""XLSX as offices hand it in: a form result laid out as the printed form
(dantrack.xlsx.write_form) and `dantrack report --format xlsx -o FILE` (write_report), read
back with openpyxl."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import errno
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from dantrack.safety import read_cell
from dantrack.xlsx import DATE_LINE, MOTTO, NATION, UNFILLED, write_form

# A 01/TCD-like layout: two levels of groups; "Đoàn đông người" under two different outer groups
# side by side (columns 5-6 and 7), which must stay two cells; a float column (money).
COLUMNS = [
    (1, "visits", "Tổng số lượt tiếp", []),
    (2, "regular_visits", "Lượt", ["Tiếp thường xuyên"]),
    (3, "regular_people", "Người", ["Tiếp thường xuyên"]),
    (4, "regular_group_delegations", "Số đoàn", ["Tiếp thường xuyên", "Đoàn đông người"]),
    (5, "regular_group_people", "Người", ["Tiếp thường xuyên", "Đoàn đông người"]),
    (6, "head_group_delegations", "Số đoàn", ["Thủ trưởng tiếp", "Đoàn đông người"]),
    (7, "delegated_meetings", "Kỳ tiếp", ["Ủy quyền tiếp"]),
    (8, "returned_money", "Tiền (tr.đ)", []),
]
UNITS = [({"code": "01861", "name": "Thị trấn Chợ Rã"},
          [7, 5, 6, 1, 6, 0, 2, 12.5]),
         ({"code": "01864", "name": "Xã Cao Thượng"},
          [3, 2, 2, 0, 0, 1, 1, 0.25])]


def form_result(body: str | None = "UBND HUYỆN BA BỂ") -> dict[str, Any]:
    columns = [{"number": n, "key": k, "label": label, "groups": g} for n, k, label, g in COLUMNS]
    rows = [{"locality": place, "values": {c["key"]: v for c, v in zip(columns, values,
                                                                        strict=True)}}
            for place, values in UNITS]
    total = {c["key"]: sum(r["values"][c["key"]] for r in rows) for c in columns}
    return {"form": {"number": "01/TCD", "title": "Tổng hợp kết quả tiếp công dân"},
            "body": body,
            "period": {"from": "2023-12-15", "to": "2024-12-14", "official": True},
            "locality": {"code": "061", "name": "Huyện Ba Bể"},
            "columns": columns, "rows": rows,
            "total": {"locality": {"code": "061", "name": "Huyện Ba Bể"}, "values": total}}


def written(result: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    write_form(result, buffer)
    return buffer.getvalue()


def form_sheet(result: dict[str, Any]) -> Any:
    return load_workbook(io.BytesIO(written(result)))["01-TCD"]


# Rows of the sheet: heading 1-2, title 4, period 5, headers 7-9, column numbers 10, units 11-12,
# total 13, signature 15-17. Columns: A STT, B Đơn vị, C… the form's columns 1…8 (C…J).
HEADER_MERGES = {"A7:A9", "B7:B9", "C7:C9", "D7:G7", "D8:D9", "E8:E9", "F8:G8", "I8:I9",
                 "J7:J9"}
HEADING_MERGES = {"A1:C1", "D1:H1", "D2:H2", "I1:J1", "A4:J4", "A5:J5"}
SIGNATURE_MERGES = {"F15:J15", "A16:E16", "F16:J16", "A17:E17", "F17:J17"}
LABELS = {"A7": "STT", "B7": "Đơn vị", "C7": "Tổng số lượt tiếp", "D7": "Tiếp thường xuyên",
          "D8": "Lượt", "E8": "Người", "F8": "Đoàn đông người", "F9": "Số đoàn", "G9": "Người",
          "H7": "Thủ trưởng tiếp", "H8": "Đoàn đông người", "H9": "Số đoàn",
          "I7": "Ủy quyền tiếp", "I8": "Kỳ tiếp", "J7": "Tiền (tr.đ)"}


def test_the_heading_names_the_nation_the_body_the_form_and_the_period() -> None:
    sheet = form_sheet(form_result())
    assert sheet["A1"].value == "UBND HUYỆN BA BỂ"
    assert (sheet["D1"].value, sheet["D2"].value) == (NATION, MOTTO)
    assert sheet["I1"].value == "Biểu số 01/TCD"
    assert sheet["A4"].value == "TỔNG HỢP KẾT QUẢ TIẾP CÔNG DÂN"
    assert sheet["A5"].value == "Số liệu tính từ ngày 15/12/2023 đến ngày 14/12/2024"
    for ref in ("A1", "D1", "D2", "I1", "A4"):
        assert sheet[ref].font.b, ref
        assert sheet[ref].alignment.horizontal == "center", ref
    assert HEADING_MERGES <= {str(r) for r in sheet.merged_cells.ranges}


def test_a_form_without_a_body_leaves_room_to_write_it_by_hand() -> None:
    assert form_sheet(form_result(body=None))["A1"].value == UNFILLED


def test_every_header_label_sits_in_its_merged_cell() -> None:
    sheet = form_sheet(form_result())
    merges = {str(r) for r in sheet.merged_cells.ranges}
    header = {m for m in merges if 7 <= int("".join(filter(str.isdigit, m.split(":")[0]))) <= 9}
    assert header == HEADER_MERGES  # G8's group is not H8's: same label, another parent
    for ref, label in LABELS.items():
        assert sheet[ref].value == label, ref
        assert sheet[ref].font.b and sheet[ref].alignment.wrap_text, ref
    others = [c.coordinate for row in sheet["A7:J9"] for c in row
              if c.value is not None and c.coordinate not in LABELS]
    assert others == []
    assert [c.value for c in sheet[10][:10]] == ["A", "B", 1, 2, 3, 4, 5, 6, 7, 8]
    assert unbordered(sheet, "A7:J13") == []


def unbordered(sheet: Any, area: str) -> list[str]:
    """The sides missing from the outline of each cell of the table, a merged cell's outline
    being that of its whole range (spreadsheets draw it from the cells on its edge)."""
    missing = []
    for row in sheet[area]:
        for cell in row:
            r, c = cell.row, cell.column
            box = next((m for m in sheet.merged_cells.ranges if cell.coordinate in m), None)
            top, left, bottom, right = (box.min_row, box.min_col, box.max_row, box.max_col) \
                if box else (r, c, r, c)
            edges = {"top": r == top, "bottom": r == bottom, "left": c == left,
                     "right": c == right}
            missing += [f"{cell.coordinate} {side}" for side, on_edge in edges.items()
                        if on_edge and getattr(cell.border, side).style != "thin"]
    return missing


def test_every_figure_is_the_number_of_the_result() -> None:
    result = form_result()
    sheet = form_sheet(result)
    keys = [c["key"] for c in result["columns"]]
    for row, unit, position in ((11, result["rows"][0], 1), (12, result["rows"][1], 2),
                                (13, result["total"], None)):
        assert sheet.cell(row, 1).value == position
        assert sheet.cell(row, 2).value == (unit["locality"]["name"] if position
                                            else "Tổng cộng")
        assert sheet.cell(row, 2).font.b is (position is None)
        for column, key in enumerate(keys, start=3):
            cell, expected = sheet.cell(row, column), unit["values"][key]
            assert type(cell.value) is type(expected) and cell.value == expected, (row, key)
            assert cell.number_format == ("#,##0" if isinstance(expected, int) else "#,##0.00")
    assert sheet["J13"].value == 12.75 and sheet["C13"].value == 10
    assert sheet.max_row == 17  # nothing below the signature


def test_the_data_sheet_keeps_codes_as_text() -> None:
    result = form_result()
    result["rows"][0]["locality"]["code"] = "00123"  # a leading zero a number would lose
    data = load_workbook(io.BytesIO(written(result)))["data"]
    assert [c.value for c in data[1]] == ["code", "name", *(k for _, k, _, _ in COLUMNS)]
    assert [c.value for c in data["A"][1:]] == ["00123", "01864", "061"]
    assert all(c.data_type == "s" and c.number_format == "@" for c in data["A"][1:])
    assert [c.value for c in data[4][2:]] == list(result["total"]["values"].values())


def test_the_signature_block_follows_the_total() -> None:
    sheet = form_sheet(form_result())
    assert sheet["F15"].value == DATE_LINE
    assert (sheet["A16"].value, sheet["F16"].value) == ("NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG CƠ QUAN")
    assert sheet["A16"].font.b and sheet["F16"].font.b
    assert (sheet["A17"].value, sheet["F17"].value) == ("(Ký, ghi rõ họ tên)",
                                                        "(Ký tên, đóng dấu)")
    assert SIGNATURE_MERGES <= {str(r) for r in sheet.merged_cells.ranges}


def test_it_prints_on_a4_landscape_one_page_wide_with_the_headers_on_every_page() -> None:
    sheet = form_sheet(form_result())
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize) == ("landscape", 9)  # 9: A4
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$7:$10"
    assert sheet.print_area == "'01-TCD'!$A$1:$J$18"
    assert sheet.page_margins.left == 0.5 and sheet.page_margins.top == 0.6
    assert sheet.column_dimensions["B"].width == 30
    assert sheet.row_dimensions[7].height > 13.5  # sized for its wrapped labels


def test_the_same_result_gives_the_same_bytes_whatever_the_clock() -> None:
    data = written(form_result())
    assert written(copy.deepcopy(form_result())) == data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2024, 12, 14, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2024-12-14T00:00:00Z") == 2  # created and modified


def test_stored_text_stays_text_in_every_cell() -> None:
    """A name a spreadsheet would run as a formula, or with characters XML cannot hold (a
    terminal's escape sequence), is written as text, escaped as a terminal shows it."""
    result = form_result(body='=HYPERLINK("http://x","UBND")')
    result["rows"][0]["locality"]["name"] = "=1+1"
    result["rows"][1]["locality"]["name"] = "Xã \x1b[2JCao Thượng"
    book = load_workbook(io.BytesIO(written(result)))
    sheet, data = book["01-TCD"], book["data"]
    assert (sheet["A1"].value, sheet["A1"].data_type) == ('=HYPERLINK("http://x","UBND")', "s")
    assert (sheet["B11"].value, sheet["B11"].data_type) == ("=1+1", "s")
    assert sheet["B12"].value == "Xã \\x1b[2JCao Thượng"
    assert (data["B2"].value, data["B2"].data_type) == ("=1+1", "s")


def test_a_value_that_is_not_a_number_is_refused() -> None:
    result = form_result()
    result["rows"][1]["values"]["regular_people"] = "2"
    with pytest.raises(ValueError, match="'2' is not a number"):
        written(result)


# --- dantrack report --format xlsx -o FILE -------------------------------------------------


@pytest.fixture
def petitions(cli, tree) -> None:  # type: ignore[no-untyped-def]
    """Complaints: two in Ba Bể in 2024 (one resolved), one in Chợ Đồn, one carried over."""
    for locality, received in (("01864", "2024-03-01"), ("01870", "2024-05-02"),
                               ("01966", "2024-06-03"), ("061", "2023-11-20")):
        assert cli("petition", "add", "--kind", "complaint", "--received-on", received,
                   "--locality", locality, "--subject", "Đền bù đất",
                   "--competence", "own").exit_code == 0
    assert cli("petition", "close", "P2024-00001", "--outcome", "resolved",
               "--on", "2024-04-01").exit_code == 0


def report_json(cli) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    result = cli("report", "--year", "2024", "--locality", "06", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.backends
def test_report_xlsx_holds_every_figure_of_the_json(cli, petitions, tmp_path: Path) -> None:
    target = tmp_path / "bac-kan.xlsx"
    result = cli("report", "--year", "2024", "--locality", "06", "--format", "xlsx",
                 "-o", str(target))
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"Wrote the report to {target}\n"
    expected = report_json(cli)
    sheet = load_workbook(target)["report"]
    assert [c.value for c in sheet[2][:3]] == ["period", *(
        dt.datetime.fromisoformat(expected["period"][k]) for k in ("from", "to"))]
    assert [c.value for c in sheet[3][:3]] == ["locality", "06", "Bắc Kạn"]
    headings = [c.value for c in sheet[5]]
    assert headings[:4] == ["code", "name", "meetings", "meeting citizens"]
    entries = [*expected["by_locality"], expected]  # the reported locality last: the total
    assert sheet.max_row == 5 + len(entries)
    for row, entry in enumerate(entries, start=6):
        assert [sheet.cell(row, 1).value, sheet.cell(row, 2).value] == [
            entry["locality"]["code"], entry["locality"]["name"]]
        assert sheet.cell(row, 1).data_type == "s"
        assert sheet.cell(row, 2).font.b is (entry is expected)
        figures = {name.replace("_", " "): value for name, value in entry["petitions"].items()
                   if not isinstance(value, dict)}  # by_kind, verdicts: not one figure
        figures.update({"meetings": entry["meetings"]["count"],
                        "meeting citizens": entry["meetings"]["citizens"],
                        "dialogues": entry["dialogues"]["count"]})
        for name, value in figures.items():
            cell = sheet.cell(row, headings.index(name) + 1)
            assert cell.value == value, (row, name)
            # A whole float (a rate of 0.0) reads back as an int: its format tells it apart.
            assert isinstance(cell.value, int | float) or value is None, (row, name)
            if value is not None:  # a rate of nothing is an empty cell
                assert cell.number_format == ("0.0" if name.endswith(" rate") else "#,##0")
    assert [e["petitions"]["received"] for e in entries] == [2, 1, 3]
    assert sheet.page_setup.orientation == "landscape"


def test_xlsx_without_a_file_is_a_usage_error(cli, petitions) -> None:  # type: ignore[no-untyped-def]
    result = cli("report", "--year", "2024", "--format", "xlsx")
    assert result.exit_code == 2 and result.stdout == ""
    assert "Invalid value for '--output': xlsx is written to a file: give -o FILE.xlsx" \
        in result.stderr
    assert "Traceback" not in result.stderr


def test_every_report_format_can_go_to_a_file(cli, petitions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for fmt in ("json", "csv", "markdown", "table"):
        target = tmp_path / f"report.{fmt}"
        args = ("report", "--year", "2024", "--locality", "06", "--format", fmt)
        assert cli(*args, "-o", str(target)).exit_code == 0
        if fmt == "csv":  # a .csv file is for spreadsheets: a byte-order mark, codes as text
            raw = target.read_text(encoding="utf-8")
            assert raw.startswith("\ufeff") and '"=""06"""' in raw
            rows = [[read_cell(c) for c in row] for row in csv.reader(io.StringIO(raw[1:]))]
            assert rows == list(csv.reader(io.StringIO(cli(*args).stdout)))
        else:
            assert target.read_text(encoding="utf-8") == cli(*args).stdout, fmt


def test_a_failed_write_leaves_the_existing_file_as_it_was(
        cli, petitions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import dantrack.xlsx

    target = tmp_path / "report.xlsx"
    target.write_bytes(b"last quarter's report")

    def full_disk(report: dict[str, Any], stream: Any) -> None:
        stream.write(b"PK half a workbook")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(dantrack.xlsx, "write_report", full_disk)
    result = cli("report", "--year", "2024", "--format", "xlsx", "-o", str(target))
    assert result.exit_code == 4
    assert result.stderr == f"Error: cannot write {target}: No space left on device\n"
    assert target.read_bytes() == b"last quarter's report"
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_the_report_is_never_written_over_the_database(cli, petitions, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = db_path.read_bytes()
    result = cli("report", "--year", "2024", "--format", "xlsx", "-o", str(db_path))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {db_path} is the database itself: give another file\n"
    assert db_path.read_bytes() == before
