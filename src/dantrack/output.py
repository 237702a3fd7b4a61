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
from typing import Any

from pydantic import BaseModel


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


def plain(value: Any) -> Any:
    """A JSON-ready value."""
    if isinstance(value, BaseModel):
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


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(v) for v in row])
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
    from rich.console import Console

    terminal = is_terminal() if stream is None else stream.isatty()
    return Console(
        file=stream or sys.stdout,
        no_color=not terminal or bool(os.environ.get("NO_COLOR")),
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
                align_right: Sequence[bool] | None = None) -> None:
    if not is_terminal():
        if title:
            write(title)
        write(table_text_plain(columns, rows, align_right))
        return
    from rich import box
    from rich.table import Table

    align = align_right or [False] * len(columns)
    table = Table(title=title, box=box.SIMPLE_HEAVY, header_style="bold", title_justify="left")
    for name, right in zip(columns, align, strict=True):
        table.add_column(name, justify="right" if right else "left", overflow="fold")
    for row in rows:
        table.add_row(*[cell(v) for v in row])
    _console().print(table)


def render_list(records: Sequence[BaseModel], fmt: Format, *, table_columns: Sequence[str],
                headers: dict[str, str] | None = None) -> None:
    """A list of records: all fields in json and csv, the chosen columns in the table."""
    if fmt is Format.json:
        write(json_text([r.model_dump(mode="json", exclude_none=False) for r in records]))
        return
    if fmt is Format.csv:
        columns = _fields(records)
        write(csv_text(columns, ([getattr(r, c) for c in columns] for r in records)))
        return
    names = [(headers or {}).get(c, c) for c in table_columns]
    rows = [[getattr(r, c) for c in table_columns] for r in records]
    if fmt is Format.markdown:
        write(markdown_text(names, rows))
        return
    print_table(names, rows)


def _fields(records: Sequence[BaseModel]) -> list[str]:
    if not records:
        return []
    return [name for name in type(records[0]).model_fields if name != "history"]


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
    sys.stderr.write(text + "\n")
    sys.stderr.flush()
