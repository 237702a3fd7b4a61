"""Renderers: table (Rich), json, csv, markdown. The only module that imports rich.

Data goes to stdout. On a terminal the table is drawn with Rich; piped, or with NO_COLOR, it is
plain text without colour or box drawing, so it can be read by scripts and diffed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum
from typing import IO, TYPE_CHECKING, Any

from dantrack.safety import excel_cell, guard_cell, visible

if TYPE_CHECKING:
    from pydantic import BaseModel


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    xlsx = "xlsx"


def plain(value: Any) -> Any:
    """A JSON-ready value."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, date):
        return value.isoformat()
    return value


def cell(value: Any) -> str:
    """A value as text for a table or CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def is_terminal() -> bool:
    return sys.stdout.isatty()


def write(text: str) -> None:
    sys.stdout.write(text)
    if not text.endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()


def json_text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=plain)


def csv_cell(value: Any) -> str:
    """A value as a CSV cell. Text that a spreadsheet would run as a formula gets a leading '
    (import takes it away); numbers are not text and are written as they are."""
    if value is None or isinstance(value, (int, float)):
        return cell(value)
    return guard_cell(cell(value))


def write_csv(out: IO[str], columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
              excel: bool = False) -> int:
    """The one CSV writer: a header, then the rows, every cell through csv_cell; returns how
    many rows. For spreadsheets (excel) it starts with a byte-order mark, so that they read
    the diacritics, and writes codes, ID numbers and phones so that they stay text."""
    writer = csv.writer(out, lineterminator="\n")
    if excel:
        out.write("\ufeff")
    writer.writerow([csv_cell(c) for c in columns])
    shown = (lambda v: excel_cell(csv_cell(v)) if isinstance(v, str) else csv_cell(v)) \
        if excel else csv_cell
    count = 0
    for row in rows:
        writer.writerow([shown(v) for v in row])
        count += 1
    return count


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
             excel: bool = False) -> str:
    buffer = io.StringIO()
    write_csv(buffer, columns, rows, excel=excel)
    return buffer.getvalue()


def markdown_text(columns: Sequence[str], rows: Iterable[Sequence[Any]],
                  align_right: Sequence[bool] | None = None) -> str:
    def escape(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    align = align_right or [False] * len(columns)
    lines = ["| " + " | ".join(escape(c) for c in columns) + " |",
             "|" + "|".join("---:" if right else "---" for right in align) + "|"]
    lines += ["| " + " | ".join(escape(cell(v)) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _console(stream=None):  # type: ignore[no-untyped-def]
    from rich.console import Console  # noqa: TID251  (the renderer)

    terminal = is_terminal() if stream is None else stream.isatty()
    return Console(
        file=stream or sys.stdout,
        no_color=not terminal or bool(os.environ.get("NO_COLOR")),
        # Data is shown as typed: "[bold]" or ":smile:" in a subject is text, not markup.
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
        width=None if terminal else 10_000,
        force_terminal=terminal if terminal else False,
    )


def table_text_plain(columns: Sequence[str], rows: Sequence[Sequence[Any]],
                     align_right: Sequence[bool] | None = None) -> str:
    """Columns padded with two spaces: what a pipe gets instead of a drawn table."""
    texts = [[cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in texts]) for i, c in enumerate(columns)]
    align = align_right or [False] * len(columns)

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if right else v.ljust(w)
                 for v, w, right in zip(values, widths, align, strict=True)]
        return "  ".join(parts).rstrip()

    return "\n".join([line(columns)] + [line(r) for r in texts]) + "\n"


def print_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str | None = None,
                align_right: Sequence[bool] | None = None,
                keys: Sequence[str] | None = None, picked: bool = False,
                compact: bool = False) -> None:
    """A table: drawn on a terminal, plain text on a pipe. With `keys` (the field behind each
    column) it is a list, fitted to the terminal's width (dantrack.tablefit): no value broken
    across lines, running text cut with "…", columns dropped by priority; a pipe gets all.
    compact: one space less between columns and none at the edges, so that a report's ten
    columns fit a terminal of 100."""
    if not is_terminal():
        if title:
            write(title)
        write(table_text_plain(columns, rows, align_right))
        return
    from rich import box  # noqa: TID251  (the renderer)
    from rich.table import Table  # noqa: TID251  (the renderer)

    console = _console()
    texts = [[visible(cell(v)) for v in row] for row in rows]
    align = list(align_right or [False] * len(columns))
    table = Table(title=visible(title) if title else None, box=box.SIMPLE_HEAVY,
                  header_style="bold", title_justify="left", collapse_padding=compact,
                  pad_edge=not compact)
    if keys is None:
        for name, right in zip(columns, align, strict=True):
            table.add_column(name, justify="right" if right else "left", overflow="fold")
        for row in texts:
            table.add_row(*row)
        console.print(table)
        return
    from dantrack.tablefit import fit

    # The box draws a blank edge each side; PADDING counts one of them with each divider.
    chosen = fit(keys, columns, texts, console.width - 1, keep_empty=picked)
    for i, cells, cut in zip(chosen.shown, chosen.widths, chosen.cut, strict=True):
        table.add_column(columns[i], justify="right" if align[i] else "left", width=cells,
                         no_wrap=True, overflow="ellipsis" if cut else "fold")
    for row in texts:
        table.add_row(*[row[i] for i in chosen.shown])
    if len(texts) + 4 <= console.height or not sys.stdin.isatty():
        console.print(table)
        return
    # Longer than the screen: through a pager, as git does ($PAGER, else less; -F leaves at
    # once when it fits after all, -R keeps the bold, -X leaves the list on the screen).
    os.environ.setdefault("LESS", "FRX")
    with console.pager(styles=True):
        console.print(table)


def render_list(records: Sequence[BaseModel], fmt: Format, *, model: type[BaseModel],
                table_columns: Sequence[str], headers: dict[str, str] | None = None,
                columns: Sequence[str] | None = None, excel: bool = False,
                binary: IO[bytes] | None = None) -> None:
    """A list of records: all fields in json, csv and xlsx (a header even when there are no
    records), the chosen columns in the table; `columns` (--columns) picks for every format.
    CSV for spreadsheets with excel; xlsx goes to the binary file."""
    fields = [name for name in model.model_fields if name != "history"]
    if fmt is Format.xlsx:
        from dantrack.xlsx import write_rows

        chosen = list(columns or fields)
        write_rows(chosen, ([getattr(r, c) for c in chosen] for r in records), binary)
        return
    if fmt is Format.json:
        keep = set(columns) if columns else None
        write(json_text([r.model_dump(mode="json", exclude_none=False, include=keep)
                         for r in records]))
        return
    if fmt is Format.csv:
        chosen = list(columns or fields)
        write(csv_text(chosen, ([getattr(r, c) for c in chosen] for r in records),
                       excel=excel))
        return
    shown = list(columns or table_columns)
    names = [(headers or {}).get(c, c) for c in shown]
    rows = [[getattr(r, c) for c in shown] for r in records]
    if fmt is Format.markdown:
        write(markdown_text(names, rows))
        return
    print_table(names, rows, keys=shown, picked=bool(columns))


# One encoder for every streamed row (json.dumps with an option makes one per call).
_ROW_ENCODER = json.JSONEncoder(ensure_ascii=False)


def render_rows(columns: Sequence[str], rows: Iterable[Sequence[Any]], fmt: Format, *,
                table_columns: Sequence[str]) -> None:
    """Rows (tuples of JSON-ready values in columns' order) as they come: json (an array, one
    object a line) and csv are written row by row, so memory stays flat; a table or markdown,
    for people, is laid out once all are in."""
    out = sys.stdout
    if fmt is Format.json:
        count, encode = 0, _ROW_ENCODER.encode
        for row in rows:
            row_object = dict(zip(columns, row, strict=True))
            out.write(("[\n" if not count else ",\n") + encode(row_object))
            count += 1
        out.write("\n]\n" if count else "[]\n")
        out.flush()
        return
    if fmt is Format.csv:
        write_csv(out, columns, rows)
        out.flush()
        return
    picked = [columns.index(c) for c in table_columns]
    shown = [[row[i] for i in picked] for row in rows]
    if fmt is Format.markdown:
        write(markdown_text(list(table_columns), shown))
    else:
        print_table(list(table_columns), shown)


def render_record(record: BaseModel, fmt: Format, *, nested: str | None = None,
                  nested_columns: Sequence[str] = (),
                  more: Sequence[tuple[str, Sequence[str]]] = (), excel: bool = False) -> None:
    """One record: field/value lines in the table, an object in json, one row in csv. Its
    lists (`nested`, then `more`: name and columns) follow the table, each a table of its own."""
    data = record.model_dump(mode="json")
    if fmt is Format.json:
        write(json_text(data))
        return
    lists = [(nested, nested_columns)] if nested else []
    lists += list(more)
    children = {name: data.pop(name, None) for name, _ in lists}
    if fmt is Format.csv:
        write(csv_text(list(data), [list(data.values())], excel=excel))
        return
    field_rows = [[key, cell(value)] for key, value in data.items()]
    if fmt is Format.markdown:
        write(markdown_text(["field", "value"], field_rows))
    else:
        print_table(["field", "value"], field_rows)
    for name, columns in lists:
        if not children[name]:
            continue
        rows = [[cell(child.get(c)) for c in columns] for child in children[name]]
        write("")
        if fmt is Format.markdown:
            write(markdown_text(list(columns), rows))
        else:
            print_table(list(columns), rows, title=name)


def message(text: str) -> None:
    """A line for the person at the terminal: stderr, never mixed into data."""
    sys.stderr.write(visible(text) + "\n")
    sys.stderr.flush()


def render_report(report: Any, fmt: Format, stream: IO[Any] | None = None, *,
                  excel: bool = False) -> None:
    """A report object with as_dict() (dantrack.reporting.Report), laid out by
    dantrack.report_layout, on stdout or on an open -o file (binary for xlsx, which is
    written to a file only)."""
    data = report.as_dict()
    if fmt is Format.xlsx:
        from dantrack.xlsx import write_report

        write_report(data, stream)  # type: ignore[arg-type]
        return
    if fmt is Format.table and stream is None:
        _print_report_tables(data)
        return
    text = _report_text(data, fmt, excel=excel)
    if stream is None:
        write(text)
    else:  # not through write(): a failure there would be taken for standard output's
        stream.write(text if text.endswith("\n") else text + "\n")


def _report_text(data: dict[str, Any], fmt: Format, *, excel: bool = False) -> str:
    """The report as json, csv, markdown or the plain table a pipe gets."""
    from dantrack.report_layout import report_blocks, report_csv_rows

    if fmt is Format.json:
        return json_text(data)
    if fmt is Format.csv:
        columns, rows = report_csv_rows(data)
        return csv_text(columns, rows, excel=excel)
    blocks = report_blocks(data)
    if fmt is Format.markdown:
        parts = []
        for title, columns, rows, align in blocks:
            level = "##" if title.startswith("Report:") else "###"
            parts.append(f"{level} {title}\n\n{markdown_text(columns, rows, align)}")
        return "\n".join(parts)
    return "\n".join(f"{title}\n{table_text_plain(columns, rows, align)}"
                     for title, columns, rows, align in blocks)


def _print_report_tables(data: dict[str, Any]) -> None:
    from dantrack.report_layout import report_blocks

    for i, (title, columns, rows, align) in enumerate(report_blocks(data)):
        if i:
            write("")
        print_table(columns, rows, title=title, align_right=align, compact=True)


def form_text(result: dict[str, Any], fmt: Format, *, excel: bool = False) -> str:
    """A filled form (dantrack.forms) as json, csv (for spreadsheets with excel), or the
    plain table (form_layout)."""
    from dantrack.form_layout import form_csv_rows, form_legend, form_table, form_title

    if fmt is Format.json:
        return json_text(result) + "\n"
    if fmt is Format.csv:
        return csv_text(*form_csv_rows(result), excel=excel)
    columns, rows = form_table(result)
    legend_columns, legend = form_legend(result)
    return (f"{form_title(result)}\n{table_text_plain(columns, rows, _numbers(columns))}\n"
            + table_text_plain(legend_columns, legend))


def _numbers(columns: Sequence[str]) -> list[bool]:
    return [False] + [True] * (len(columns) - 1)


def render_form(result: dict[str, Any], fmt: Format) -> None:
    """A filled form on stdout: a drawn table on a terminal, else form_text."""
    if fmt is not Format.table or not is_terminal():
        write(visible(form_text(result, fmt)) if fmt is Format.table else form_text(result, fmt))
        return
    from dantrack.form_layout import form_legend, form_table, form_title

    columns, rows = form_table(result)
    print_table(columns, rows, title=form_title(result), align_right=_numbers(columns))
    write("")
    legend_columns, legend = form_legend(result)
    print_table(legend_columns, legend, align_right=[True, False, False])


# --- export ------------------------------------------------------------------------------


def write_export(rows: Iterable[dict[str, Any]], columns: Sequence[str], fmt: str,
                 stream=None, *, excel: bool = False) -> int:  # type: ignore[no-untyped-def]
    """Write exchange records as csv, a JSON array, JSON Lines or xlsx (to a binary stream);
    returns how many.

    CSV goes through write_csv, the writer of every CSV dantrack writes.
    """
    out = stream or sys.stdout
    count = 0
    if fmt == "xlsx":
        from dantrack.xlsx import write_rows

        return write_rows(columns, ([row[c] for c in columns] for row in rows), out)
    if fmt == "csv":
        count = write_csv(out, columns, ([row[c] for c in columns] for row in rows),
                          excel=excel)
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    else:
        out.write("[")
        for row in rows:
            out.write(("," if count else "") + "\n" + json.dumps(row, ensure_ascii=False))
            count += 1
        out.write("\n]\n" if count else "]\n")
    out.flush()
    return count


class progress_bar:  # noqa: N801  (used as a context manager, like open)
    """A Rich progress bar over bytes on stderr, only when a person is watching a big job."""

    def __init__(self, total: int | None, label: str) -> None:
        self.total = total
        self.label = label
        self._progress = None
        self._task = None

    def __enter__(self):  # type: ignore[no-untyped-def]
        if self.total and self.total > 1_000_000 and sys.stderr.isatty():
            from rich.console import Console  # noqa: TID251  (the renderer)
            from rich.progress import (  # noqa: TID251  (the renderer)
                BarColumn,
                DownloadColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(TextColumn("{task.description}"), BarColumn(),
                                      DownloadColumn(), TimeRemainingColumn(),
                                      console=Console(stderr=True), transient=True)
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=self.total)
        return self.update if self._progress else None

    def update(self, done: int) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
