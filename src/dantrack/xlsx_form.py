"""The layout of an official form's sheet (dantrack.xlsx.write_form): the national heading
beside the reporting body, the form's number, title and period, the numbered column headers
with their groups merged, one row per unit and the total, and the signature block."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from dantrack.xlsx import (
    DATE_LINE,
    HEADER_TOP,
    MOTTO,
    NATION,
    NUMBER_WIDTH,
    SIGNERS,
    TEXT_FORMAT,
    UNFILLED,
    UNIT_WIDTH,
    column_letter,
    landscape,
    lines_needed,
    put,
    put_value,
    set_widths,
    text_font,
)

FIRST_COLUMNS = ("STT", "Đơn vị")
FIRST_NUMBERS = ("A", "B")  # STT and Đơn vị are lettered, the form's own columns numbered
TOTAL = "Tổng cộng"
LINE_HEIGHT = 13.5  # points per line of 10-point header text


def lay_out_form(sheet: Any, result: dict[str, Any]) -> None:
    columns = result["columns"]
    width = len(FIRST_COLUMNS) + len(columns)
    sheet.title = result["form"]["number"].replace("/", "-")  # "/" is not allowed there
    sheet.sheet_view.showGridLines = False
    heading(sheet, result, max(width, 6))
    depth = max(len(c["groups"]) for c in columns) + 1
    numbers_row = header(sheet, columns, depth) + 1
    for index, number in enumerate([*FIRST_NUMBERS, *(c["number"] for c in columns)], 1):
        put(sheet, numbers_row, index, number, font=text_font(10, italic=True), align="center",
            border=True)
    row = numbers_row + 1
    for position, unit in enumerate(result["rows"], start=1):
        unit_row(sheet, row, columns, unit, position)
        row += 1
    unit_row(sheet, row, columns, result["total"], None)
    signature(sheet, row + 2, max(width, 6))
    set_widths(sheet, [5.0, UNIT_WIDTH] + [NUMBER_WIDTH] * len(columns))
    sheet.freeze_panes = sheet.cell(row=numbers_row + 1, column=3)
    landscape(sheet, title_rows=f"{HEADER_TOP}:{numbers_row}",
              last=f"{column_letter(max(width, 6))}{row + 5}")


def heading(sheet: Any, result: dict[str, Any], width: int) -> None:
    """Rows 1-2: the body on the left, the national heading in the middle, the form number
    on the right; then the title and the period across the whole width."""
    left = max(2, min(4, width // 3))
    right = max(1, min(3, width // 4))
    bold = text_font(12, bold=True)
    merged(sheet, 1, 1, 1, left, result["body"] or UNFILLED, bold)
    merged(sheet, 1, left + 1, 1, width - right, NATION, bold)
    merged(sheet, 2, left + 1, 2, width - right, MOTTO, text_font(13, bold=True))
    merged(sheet, 1, width - right + 1, 1, width, f"Biểu số {result['form']['number']}",
           text_font(11, bold=True))
    merged(sheet, 4, 1, 4, width, result["form"]["title"].upper(), text_font(14, bold=True))
    period = result["period"]
    merged(sheet, 5, 1, 5, width, f"Số liệu tính từ ngày {_day(period['from'])} đến ngày "
           f"{_day(period['to'])}", text_font(12, italic=True))


def header(sheet: Any, columns: list[dict[str, Any]], depth: int) -> int:
    """The column headers from HEADER_TOP, `depth` rows deep; returns their last row."""
    bottom = HEADER_TOP + depth - 1
    bold = text_font(10, bold=True)
    for index, label in enumerate(FIRST_COLUMNS, start=1):
        merged(sheet, HEADER_TOP, index, bottom, index, label, bold, border=True)
    needs: list[tuple[int, int, int]] = []  # (first row, last row, lines) of each cell
    for level in range(depth - 1):
        for first, last, label in group_runs(columns, level):
            merged(sheet, HEADER_TOP + level, first + 3, HEADER_TOP + level, last + 3, label,
                   bold, border=True)
            needs.append((level, level, lines_needed(label, NUMBER_WIDTH * (last - first + 1))))
    for index, column in enumerate(columns, start=3):
        level = len(column["groups"])
        merged(sheet, HEADER_TOP + level, index, bottom, index, column["label"], bold,
               border=True)
        needs.append((level, depth - 1, lines_needed(column["label"], NUMBER_WIDTH)))
    row_heights(sheet, needs, depth)
    return bottom


def group_runs(columns: list[dict[str, Any]], level: int) -> list[tuple[int, int, str]]:
    """(first, last, label) of each header cell at this level: adjacent columns under the
    same groups down to it share one cell, counted from 0."""
    runs = []
    keyed = [(tuple(c["groups"][:level + 1]) if len(c["groups"]) > level else None, i)
             for i, c in enumerate(columns)]
    for key, members in itertools.groupby(keyed, key=lambda pair: pair[0]):
        indexes = [i for _, i in members]
        if key is not None:
            runs.append((indexes[0], indexes[-1], key[-1]))
    return runs


def row_heights(sheet: Any, needs: list[tuple[int, int, int]], depth: int) -> None:
    """Header rows tall enough for their wrapped labels (spreadsheets do not grow a row for
    merged cells); a label over several rows adds what it lacks to the last of them."""
    heights = [1] * depth
    for first, last, lines in needs:
        if first == last:
            heights[first] = max(heights[first], lines)
    for first, last, lines in needs:
        if first != last and sum(heights[first:last + 1]) < lines:
            heights[last] += lines - sum(heights[first:last + 1])
    for level, lines in enumerate(heights):
        sheet.row_dimensions[HEADER_TOP + level].height = lines * LINE_HEIGHT + 4


def unit_row(sheet: Any, row: int, columns: list[dict[str, Any]], unit: dict[str, Any],
             position: int | None) -> None:
    """A unit's row (its position in STT), or the total row (position None), in bold."""
    is_total = position is None
    style = {"font": text_font(11, bold=is_total), "border": True}
    put(sheet, row, 1, position, align="center", **style)
    put(sheet, row, 2, TOTAL if is_total else unit["locality"]["name"], **style)
    for index, column in enumerate(columns, start=3):
        put_value(sheet, row, index, unit["values"][column["key"]], **style)


def signature(sheet: Any, row: int, width: int) -> None:
    """The date line on the right, then who prepared the form and the head of the body."""
    half = width // 2
    merged(sheet, row, half + 1, row, width, DATE_LINE, text_font(12, italic=True))
    for (title, note), (first, last) in zip(SIGNERS, ((1, half), (half + 1, width)),
                                            strict=True):
        merged(sheet, row + 1, first, row + 1, last, title, text_font(12, bold=True))
        merged(sheet, row + 2, first, row + 2, last, note, text_font(12, italic=True))


def merged(sheet: Any, top: int, left: int, bottom: int, right: int, value: Any, font: Any,
           *, border: bool = False) -> None:
    """One cell over the rectangle, its text centred and wrapped; bordered, when asked, on
    every side (each covered cell carries the border, as spreadsheets draw it)."""
    for row, column in itertools.product(range(top, bottom + 1), range(left, right + 1)):
        put(sheet, row, column, value if (row, column) == (top, left) else None, font=font,
            wrap=True, border=border)
    if (top, left) != (bottom, right):
        sheet.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)


def lay_out_data(sheet: Any, result: dict[str, Any]) -> None:
    """The figures for other programs: a unit's code and name, then a column per key."""
    sheet.title = "data"
    keys = [c["key"] for c in result["columns"]]
    for index, text in enumerate(["code", "name", *keys], start=1):
        put(sheet, 1, index, text, font=text_font(bold=True))
    for row, unit in enumerate([*result["rows"], result["total"]], start=2):
        place = unit["locality"]
        put(sheet, row, 1, place["code"] or "", number_format=TEXT_FORMAT)
        put(sheet, row, 2, place["name"])
        for index, key in enumerate(keys, start=3):
            put_value(sheet, row, index, unit["values"][key])
    set_widths(sheet, [10.0, UNIT_WIDTH] + [NUMBER_WIDTH] * len(keys))


def _day(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
