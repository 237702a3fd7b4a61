"""dantrack import KIND FILE, dantrack export KIND"""

from __future__ import annotations

import contextlib
import sys
from enum import StrEnum

import typer

from dantrack.cli.common import (
    EXCEL_OPTION,
    LOCALITY_FILTER,
    REVEAL_OPTION,
    YEAR_OPTION,
    done,
    output_stream,
    session,
)
from dantrack.kinds import Exported, Imported


class ReadFormat(StrEnum):
    """What import reads."""

    csv = "csv"
    json = "json"
    jsonl = "jsonl"


# What export writes: what import reads, and a sheet.
FileFormat = StrEnum("FileFormat", {**{m.name: m.value for m in ReadFormat}, "xlsx": "xlsx"})


class OnConflict(StrEnum):
    fail = "fail"
    update = "update"
    skip = "skip"


class SummaryFormat(StrEnum):
    text = "text"
    json = "json"


_FORMAT = typer.Option(None, "--format", "-f", help="The file's format; default: from its "
                       "extension (required with -).")
_ON_CONFLICT = typer.Option(OnConflict.fail, "--on-conflict", help="A row whose ref exists with "
                            "other values: fail (nothing is imported), update, or skip.")
_DRY_RUN = typer.Option(False, "--dry-run",
                        help="Check everything and tell what would happen; write nothing.")
_SUMMARY = typer.Option(SummaryFormat.text, "--summary",
                        help="json: also print the summary as a JSON object on stdout.")
_REVEAL_COMPARED = typer.Option(False, "--reveal", help="Compare and update denouncers' "
                                "identities of rows whose ref is stored (recorded in each "
                                "petition's history).")


def _file_format(file: str, fmt: ReadFormat | None) -> str:
    """The format of the file to import: as given, else from its extension."""
    from dantrack.readers import detect_format

    if file == "-" and fmt is None:
        raise typer.BadParameter("is required when reading standard input (-)",
                                 param_hint="'--format'")
    try:
        return detect_format(file, fmt.value if fmt else None)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--format'") from None


def import_(
    ctx: typer.Context,
    kind: Imported = typer.Argument(..., help="What the file holds."),
    file: str = typer.Argument(..., help="CSV, JSON array or JSON Lines file; - for stdin."),
    fmt: ReadFormat | None = _FORMAT,
    on_conflict: OnConflict = _ON_CONFLICT,
    ignore_extra: bool = typer.Option(False, "--ignore-extra",
                                      help="Skip columns dantrack does not know."),
    dry_run: bool = _DRY_RUN,
    summary_format: SummaryFormat = _SUMMARY,
    reveal: bool = _REVEAL_COMPARED,
) -> None:
    """Import records from a file: all rows or none, and a second run changes nothing.

    Example: dantrack import petitions so-tiep-nhan-2024.csv --on-conflict skip
    """
    from dantrack.importing import run_import
    from dantrack.output import json_text, progress_bar, write
    from dantrack.readers import open_source

    source = open_source(file, _file_format(file, fmt), sys.stdin.buffer)
    revealed: list[int] = []
    try:
        with session(ctx, write=True) as s, \
                progress_bar(source.size, f"Importing {kind.value}") as update:
            summary = run_import(s, kind=kind.value, source=source,
                                 on_conflict=on_conflict.value, ignore_extra=ignore_extra,
                                 dry_run=dry_run, progress=update, reveal=reveal,
                                 revealed=revealed)
    finally:
        if revealed:  # recorded before anything is said of the comparison, even a failure
            _record_reveals(ctx, revealed, kind.value)
    done(summary.line())
    if summary_format is SummaryFormat.json:
        write(json_text(summary.as_dict()))


def _record_reveals(ctx: typer.Context, record_ids: list[int], kind: str) -> None:
    from dantrack.services import history, secrecy

    with session(ctx, write=True) as s:
        secrecy.record_reveals(s, record_ids, by="import", stamp=history.now(),
                               operator=history.operator(),
                               kind="visits" if kind == "visits" else "petitions")


def export(
    ctx: typer.Context,
    kind: Exported = typer.Argument(..., help="What to export."),
    fmt: FileFormat = typer.Option(FileFormat.csv, "--format", "-f",
                                   help="csv, json, jsonl or xlsx (with -o)."),
    year: int | None = YEAR_OPTION,
    locality: str | None = LOCALITY_FILTER,
    output: str | None = typer.Option(None, "--output", "-o",
                                      help="Write to this file instead of stdout; "
                                      "FILE.csv is CSV for spreadsheets."),
    excel: bool = EXCEL_OPTION,
    reveal: bool = REVEAL_OPTION,
) -> None:
    """Export records with exactly the columns import reads.

    Example: dantrack export petitions --year 2024 --locality "Ba Bể" --format csv -o ba-be.csv
    """
    from dantrack import records
    from dantrack.exporting import export_records
    from dantrack.output import write_export

    if fmt is FileFormat.xlsx and not output:
        raise typer.BadParameter("xlsx is written to a file: add -o FILE.xlsx",
                                 param_hint="'--format'")
    excel = excel or bool(output and output.lower().endswith(".csv"))
    with contextlib.ExitStack() as stack:
        stream = output_stream(ctx, stack, output, binary=fmt is FileFormat.xlsx) \
            if output else None
        with session(ctx, write=reveal, create=False) as s:
            rows = export_records(s, kind=kind.value, year=year, locality=locality,
                                  reveal=reveal)
            count = write_export(rows, records.COLUMNS[kind.value], fmt.value, stream,
                                 excel=excel)
    if output:
        done(f"Exported {count} {kind.value} to {output}")
