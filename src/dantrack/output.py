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

from dantrack.safety import guard_cell, visible

if TYPE_CHECKING:
    from pydantic import BaseModel


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


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


def write_csv(out: IO[str], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """The one CSV writer: a header, then the rows, every cell through csv_cell; returns how
    many rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_cell(c) for c in columns])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        count += 1
    return count


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    write_csv(buffer, columns, rows)
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
                align_right: Sequence[bool] | None = None, compact: bool = False) -> None:
    """compact: one space less between columns and none at the edges, so that a report's
    ten columns fit a terminal of 100."""
    if not is_terminal():
        if title:
            write(title)
        write(table_text_plain(columns, rows, align_right))
        return
    from rich import box  # noqa: TID251  (the renderer)
    from rich.table import Table  # noqa: TID251  (the renderer)

    align = align_right or [False] * len(columns)
    table = Table(title=visible(title) if title else None, box=box.SIMPLE_HEAVY,
                  header_style="bold", title_justify="left", collapse_padding=compact,
                  pad_edge=not compact)
    for name, right in zip(columns, align, strict=True):
        table.add_column(name, justify="right" if right else "left", overflow="fold")
    for row in rows:
        table.add_row(*[visible(cell(v)) for v in row])
    _console().print(table)


def render_list(records: Sequence[BaseModel], fmt: Format, *, model: type[BaseModel],
                table_columns: Sequence[str], headers: dict[str, str] | None = None) -> None:
    """A list of records: all fields in json and csv (a header even when there are no
    records), the chosen columns in the table."""
    if fmt is Format.json:
        write(json_text([r.model_dump(mode="json", exclude_none=False) for r in records]))
        return
    if fmt is Format.csv:
        columns = [name for name in model.model_fields if name != "history"]
        write(csv_text(columns, ([getattr(r, c) for c in columns] for r in records)))
        return
    names = [(headers or {}).get(c, c) for c in table_columns]
    rows = [[getattr(r, c) for c in table_columns] for r in records]
    if fmt is Format.markdown:
        write(markdown_text(names, rows))
        return
    print_table(names, rows)


def render_record(record: BaseModel, fmt: Format, *, nested: str | None = None,
                  nested_columns: Sequence[str] = ()) -> None:
    """One record: field/value lines in the table, an object in json, one row in csv."""
    data = record.model_dump(mode="json")
    if fmt is Format.json:
        write(json_text(data))
        return
    children = data.pop(nested, None) if nested else None
    if fmt is Format.csv:
        write(csv_text(list(data), [list(data.values())]))
        return
    field_rows = [[key, cell(value)] for key, value in data.items()]
    if fmt is Format.markdown:
        write(markdown_text(["field", "value"], field_rows))
    else:
        print_table(["field", "value"], field_rows)
    if children:
        rows = [[cell(child.get(c)) for c in nested_columns] for child in children]
        write("")
        if fmt is Format.markdown:
            write(markdown_text(list(nested_columns), rows))
        else:
            print_table(list(nested_columns), rows, title=nested)


def message(text: str) -> None:
    """A line for the person at the terminal: stderr, never mixed into data."""
    sys.stderr.write(visible(text) + "\n")
    sys.stderr.flush()


def render_report(report: Any, fmt: Format) -> None:
    """A report object with as_dict() (dantrack.reporting.Report), laid out by
    dantrack.report_layout."""
    from dantrack.report_layout import report_blocks, report_csv_rows

    data = report.as_dict()
    if fmt is Format.json:
        write(json_text(data))
        return
    if fmt is Format.csv:
        columns, rows = report_csv_rows(data)
        write(csv_text(columns, rows))
        return
    blocks = report_blocks(data)
    if fmt is Format.markdown:
        parts = []
        for title, columns, rows, align in blocks:
            level = "##" if title.startswith("Report:") else "###"
            parts.append(f"{level} {title}\n\n{markdown_text(columns, rows, align)}")
        write("\n".join(parts))
        return
    for i, (title, columns, rows, align) in enumerate(blocks):
        if i:
            write("")
        print_table(columns, rows, title=title, align_right=align, compact=True)


# --- export ------------------------------------------------------------------------------


def write_export(rows: Iterable[dict[str, Any]], columns: Sequence[str], fmt: str,
                 stream=None) -> int:  # type: ignore[no-untyped-def]
    """Write exchange records as csv, a JSON array or JSON Lines; returns how many.

    CSV goes through write_csv, the writer of every CSV dantrack writes.
    """
    out = stream or sys.stdout
    count = 0
    if fmt == "csv":
        count = write_csv(out, columns, ([row[c] for c in columns] for row in rows))
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
