"""XLSX as offices hand it in: an official form (write_form) and the report (write_report).

openpyxl is imported only when a file is written, so that start-up does not pay for it. Numbers
are stored as numbers and codes as text, and the same input always gives the same bytes: the
document's times and the archive's are the period's last day, never the clock.
"""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
UNFILLED = "……………………"  # where the office writes by hand what it was not given
DATE_LINE = "…, ngày … tháng … năm …"
SIGNERS = (("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)"),
           ("THỦ TRƯỞNG CƠ QUAN", "(Ký tên, đóng dấu)"))
FONT = "Times New Roman"  # the typeface of Vietnamese administrative documents
INT_FORMAT = "#,##0"
FLOAT_FORMAT = "#,##0.00"
RATE_FORMAT = "0.0"
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
UNIT_WIDTH, NUMBER_WIDTH = 30.0, 10.0
HEADER_TOP = 7  # the first row of a form's column headers


def write_form(result: dict[str, Any], stream: IO[bytes]) -> None:
    """A filled form (the dict `dantrack form … --format json` prints) as an XLSX workbook:
    the form as printed, then a sheet of the same figures by unit code and column key."""
    from openpyxl import Workbook

    from dantrack.xlsx_form import lay_out_data, lay_out_form

    book = Workbook()
    lay_out_form(book.active, result)
    lay_out_data(book.create_sheet(), result)
    save(book, stream, day=dt.date.fromisoformat(result["period"]["to"]))


def write_report(report: dict[str, Any], stream: IO[bytes]) -> None:
    """The report (SPEC §2's JSON object) as a sheet: its period and locality, then one row
    per direct child and the total row of the reported locality."""
    from openpyxl import Workbook

    from dantrack.report_layout import report_csv_rows

    book = Workbook()
    sheet = book.active
    sheet.title = "report"
    period, place = report["period"], report["locality"]
    columns, rows = report_csv_rows(report)
    put(sheet, 1, 1, "Resolution-rate report", font=text_font(14, bold=True))
    put(sheet, 2, 1, "period", font=text_font(bold=True))
    for column, day in ((2, period["from"]), (3, period["to"])):
        put(sheet, 2, column, dt.date.fromisoformat(day), number_format=DATE_FORMAT)
    put(sheet, 3, 1, "locality", font=text_font(bold=True))
    put(sheet, 3, 2, place["code"] or "", number_format=TEXT_FORMAT)
    put(sheet, 3, 3, place["name"])
    columns, rows = _locality_totals(columns, rows, period["from"])
    headings = [name.replace("_", " ") for name in columns]
    for column, text in enumerate(headings, start=1):
        put(sheet, 5, column, text, font=text_font(bold=True), wrap=True, border=True)
    # The reported locality is the total of its children: it comes last, as in a form.
    for offset, row in enumerate([*rows[1:], rows[0]]):
        is_total = offset == len(rows) - 1
        for column, (name, value) in enumerate(zip(columns, row, strict=True), start=1):
            put_value(sheet, 6 + offset, column, value, rate=name.endswith("_rate"),
                      text=name in ("code", "name"), font=text_font(bold=is_total), border=True)
    widths = [10.0, UNIT_WIDTH] + [NUMBER_WIDTH] * (len(columns) - 2)
    set_widths(sheet, widths)
    sheet.row_dimensions[5].height = 30
    sheet.freeze_panes = "C6"
    landscape(sheet, title_rows="5:5", last=f"{column_letter(len(columns))}{5 + len(rows)}")
    save(book, stream, day=dt.date.fromisoformat(period["to"]))


# --- cells -------------------------------------------------------------------------------


def write_rows(columns: Sequence[str], rows: Iterable[Sequence[Any]], stream: IO[bytes]) -> int:
    """A list or an export as one sheet: a bold header, then a row per record — numbers as
    numbers, dates as dates, everything else (codes, ID numbers, phones) as text; returns
    how many rows."""
    from openpyxl import Workbook

    from dantrack.clock import today

    book = Workbook()
    sheet = book.active
    sheet.title = "dantrack"
    widths = [len(name) for name in columns]
    for column, name in enumerate(columns, start=1):
        put(sheet, 1, column, name, font=text_font(bold=True))
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            _put_any(sheet, count + 1, column, value)
            if value is not None:
                widths[column - 1] = max(widths[column - 1], min(60, len(cell_text(value))))
    sheet.freeze_panes = "A2"
    set_widths(sheet, [width + 2 for width in widths])
    save(book, stream, day=today())
    return count


def _put_any(sheet: Any, row: int, column: int, value: Any) -> None:
    """A value as its own type: a figure a number, a day a date, any text text (never run)."""
    if value is None:
        return
    if isinstance(value, dt.date):
        put(sheet, row, column, value, number_format=DATE_FORMAT)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        put(sheet, row, column, value)
    else:
        put(sheet, row, column, cell_text(value), number_format=TEXT_FORMAT)


def cell_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _locality_totals(columns: Sequence[str], rows: Sequence[Sequence[Any]], first: str
                     ) -> tuple[list[str], list[list[Any]]]:
    """Of the report's CSV rows, each locality's total (kind `all`) in the period that begins
    on `first` (not a --compare year's), without the kind and the period's days: the sheet
    states the period once, above."""
    names = list(columns)
    kind, start = names.index("kind"), names.index("from")
    keep = [i for i, name in enumerate(names) if name not in ("kind", "from", "to")]
    totals = [row for row in rows if row[kind] == "all" and row[start] == first]
    return [columns[i] for i in keep], [[row[i] for i in keep] for row in totals]


def text_font(size: float = 11, *, bold: bool = False, italic: bool = False) -> Any:
    from openpyxl.styles import Font

    return Font(name=FONT, size=size, bold=bold, italic=italic)


def put(sheet: Any, row: int, column: int, value: Any, *, font: Any = None,
        number_format: str | None = None, wrap: bool = False, align: str | None = None,
        border: bool = False) -> Any:
    """Write one cell with its style; text is centred where wrap or align asks."""
    from openpyxl.styles import Alignment

    cell = sheet.cell(row=row, column=column, value=writable(value))
    if isinstance(value, str):
        cell.data_type = "s"  # stored text is never run: "=…" in a name stays text
    cell.font = font if font is not None else text_font()
    if number_format:
        cell.number_format = number_format
    if wrap or align:
        cell.alignment = Alignment(horizontal=align or "center", vertical="center",
                                   wrap_text=wrap)
    if border:
        cell.border = thin_border()
    return cell


def put_value(sheet: Any, row: int, column: int, value: Any, *, rate: bool = False,
              text: bool = False, **style: Any) -> Any:
    """A figure as a number (int, or float with decimals), a code or a name as text; None
    (a rate with nothing due) as an empty cell."""
    if text:
        return put(sheet, row, column, "" if value is None else str(value),
                   number_format=TEXT_FORMAT, **style)
    if value is None:
        return put(sheet, row, column, None, **style)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"column {column} of row {row}: {value!r} is not a number")
    fmt = RATE_FORMAT if rate else INT_FORMAT if isinstance(value, int) else FLOAT_FORMAT
    return put(sheet, row, column, value, number_format=fmt, **style)


def writable(value: Any) -> Any:
    """Text with the control characters XML cannot hold escaped (ESC as \\x1b), as
    dantrack.safety.visible shows them; other values as they are."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub(lambda match: repr(match[0])[1:-1], value)


def thin_border() -> Any:
    from openpyxl.styles import Border, Side

    side = Side(style="thin")
    return Border(left=side, right=side, top=side, bottom=side)


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def set_widths(sheet: Any, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[column_letter(index)].width = width


def lines_needed(text: str, width: float) -> int:
    """How many lines a wrapped header of this many characters takes in a column this wide
    (bold 10-point text fits about 1.1 characters per unit of width)."""
    per_line = max(1, int(width * 1.1) - 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def landscape(sheet: Any, *, title_rows: str, last: str) -> None:
    """A4 landscape, one page wide, the header rows on every page."""
    from openpyxl.worksheet.page import PageMargins

    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the units need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.5, right=0.4, top=0.6, bottom=0.6, header=0.3,
                                     footer=0.3)
    sheet.print_title_rows = title_rows
    sheet.print_area = f"A1:{last}"


# --- the file ----------------------------------------------------------------------------


class _StampedZip(zipfile.ZipFile):
    """A zip archive whose every member carries one fixed time instead of the clock's."""

    stamp: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: int | None = None,
                 compresslevel: int | None = None) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.stamp)
            zinfo_or_arcname.compress_type = self.compression
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: int | None = None,
              compresslevel: int | None = None) -> None:
        with open(filename, "rb") as handle:  # openpyxl's worksheets: a temporary file
            self.writestr(arcname or str(filename), handle.read(), compress_type,
                          compresslevel)


def save(book: Any, stream: IO[bytes], *, day: dt.date) -> None:
    """Write the workbook; its created and modified times, and the archive's, are `day`."""
    from openpyxl.writer.excel import ExcelWriter

    moment = dt.datetime(max(day.year, 1980), day.month, day.day)
    book.properties.creator = "dantrack"
    book.properties.created = book.properties.modified = moment
    # openpyxl's own save() stamps the modified time with the clock: its writer is used
    # directly on an archive that keeps the fixed time.
    archive = _StampedZip(stream, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    archive.stamp = moment.timetuple()[:6]
    ExcelWriter(book, archive).save()
