"""dantrack locality add|edit|end|list|show|load"""

from __future__ import annotations

import typer

from dantrack.cli.common import (
    COLUMNS_OPTION,
    EXCEL_OPTION,
    FORMAT_OPTION,
    OUTPUT_OPTION,
    Format,
    ask,
    destination,
    done,
    pick_columns,
    session,
)

app = typer.Typer(help="Localities: the administrative tree (province > district > commune …), "
                       "over time.\n\nExample: dantrack locality list --under \"Bắc Kạn\" --on 2024-12-31", no_args_is_help=True)

COLUMNS = ["code", "name", "level", "parent", "parent_name", "valid_from", "valid_to"]
LEVEL_HELP = "province, district, commune, village (or tỉnh, huyện, xã, thôn …)."


@app.command("add")
def add(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="GSO code, e.g. 01864; unique among the units valid "
                                         "on any one day."),
    name: str = typer.Argument(..., help="Name with its prefix, e.g. \"Xã Trần Phú\"."),
    level: str | None = typer.Option(None, "--level", help=LEVEL_HELP),
    parent: str | None = typer.Option(None, "--parent", help="Code or name of the parent."),
    valid_from: str | None = typer.Option(None, "--from",
                                          help="Its first day; default: valid always."),
    valid_to: str | None = typer.Option(None, "--to",
                                        help="Its last day, for a unit that has ended "
                                             "(its successors: `locality end`)."),
) -> None:
    """Add a locality.

    Example: dantrack locality add 01864 "Xã Dương Quang" --level commune --parent 058
    """
    from dantrack.cli import prompts
    from dantrack.services.localities import add_locality
    from dantrack.vocab import Level

    level = ask(level, "--level", prompts.choices("Level", Level),
                check=prompts.field("locality", "level"))
    with session(ctx, write=True) as s:
        row = add_locality(s, code=code, name=name, level=level, parent=parent,
                           valid_from=valid_from, valid_to=valid_to)
        done(f"Recorded locality {row.code} {row.name}")


@app.command("edit")
def edit(
    ctx: typer.Context,
    locality: str = typer.Argument(..., help="Code (CODE@YYYY-MM-DD for an earlier unit) "
                                             "or name."),
    name: str | None = typer.Option(None, "--name", help="The corrected name."),
    level: str | None = typer.Option(None, "--level", help=LEVEL_HELP),
    parent: str | None = typer.Option(None, "--parent", help="Code or name of the parent."),
) -> None:
    """Correct a locality's name, level or parent (a mistake; a reorganisation is `end`).

    Example: dantrack locality edit 01864 --name "Xã Dương Quang"
    """
    from dantrack.services.localities import edit_locality

    with session(ctx, write=True) as s:
        changes = edit_locality(s, locality=locality, name=name, level=level, parent=parent)
        done("Corrected " + ", ".join(f"{k}: {old} → {new}" for k, (old, new) in
                                      changes.items()))


@app.command("end")
def end(
    ctx: typer.Context,
    locality: str = typer.Argument(..., help="Code or name of the unit that ends."),
    on: str = typer.Option(..., "--on", help="Its last day (YYYY-MM-DD or DD/MM/YYYY)."),
    successor: list[str] = typer.Option([], "--successor",
                                        help="A unit valid the day after that took its "
                                             "territory; repeat it, the main one first."),
    move_late_records: bool = typer.Option(False, "--move-late-records",
                                           help="Move records dated after the end to the "
                                                "main successor."),
) -> None:
    """Record that a locality ended (merged, split, abolished) and its successors.

    Example: dantrack locality end 01888 --on 2025-06-30 --successor 01912
    """
    from dantrack.schemas import day
    from dantrack.services.localities import end_locality

    last = day(on, "--on")
    with session(ctx, write=True) as s:
        row = end_locality(s, locality=locality, on=last, successors=successor,
                           move_late_records=move_late_records)
        done(f"Recorded the end of {row.name} ({row.code}) on {last.isoformat()}")


@app.command("list")
def list_(
    ctx: typer.Context,
    on: str | None = typer.Option(None, "--on", help="The tree on this day; default: today."),
    every: bool = typer.Option(False, "--all", help="Every unit, ended and future ones too."),
    under: str | None = typer.Option(None, "--under", help="Only this locality's subtree."),
    columns: str | None = COLUMNS_OPTION,
    fmt: Format = FORMAT_OPTION,
    output: str | None = OUTPUT_OPTION,
    excel: bool = EXCEL_OPTION,
) -> None:
    """List localities in tree order.

    Example: dantrack locality list --under "Ba Bể" --on 2024-12-31
    """
    from dantrack.output import Format as Out
    from dantrack.output import render_list
    from dantrack.schemas import LocalityPublic, day
    from dantrack.services.localities import list_localities, public_localities

    when = day(on, "--on") if on else None
    picked = pick_columns(columns, LocalityPublic)  # before any query: a reveal is recorded
    with destination(ctx, output, fmt, excel) as out:
        with session(ctx, write=False) as s:
            records = public_localities(s, list_localities(s, on=when, under=under, every=every))
        render_list(records, Out(out.fmt.value), model=LocalityPublic, table_columns=COLUMNS,
                    columns=picked,
                    excel=out.excel, binary=out.binary)


@app.command("show")
def show(
    ctx: typer.Context,
    locality: str = typer.Argument(..., help="Code (CODE@YYYY-MM-DD for an earlier unit) "
                                             "or name."),
    fmt: Format = FORMAT_OPTION,
    output: str | None = OUTPUT_OPTION,
    excel: bool = EXCEL_OPTION,
) -> None:
    """Show one locality: its validity, predecessors and successors.

    Example: dantrack locality show "bac kan"
    """
    from dantrack.output import Format as Out
    from dantrack.output import render_record
    from dantrack.services.localities import show_locality

    with destination(ctx, output, fmt, excel, sheets=False) as out:
        with session(ctx, write=False) as s:
            record = show_locality(s, locality)
        render_record(record, Out(out.fmt.value), excel=out.excel)


@app.command("load")
def load(
    ctx: typer.Context,
    source: str = typer.Argument(..., help="What to load: official (the GSO lists shipped "
                                           "with dantrack)."),
    province: str | None = typer.Option(None, "--province",
                                        help="Only this province (code or name, old or new), "
                                             "the provinces it merged with and their units."),
    move_late_records: bool = typer.Option(False, "--move-late-records",
                                           help="Move records dated after an existing unit's "
                                                "end to its main successor."),
) -> None:
    """Load the official units of 2025-06-30 and from 2025-07-01, with their succession.

    A unit already there with the same code and name (an office's own tree) is taken as the
    official one and ends on 2025-06-30. Loading again changes nothing.

    Example: dantrack locality load official --province "Bắc Kạn"
    """
    from dantrack.services.official_load import load_official

    if source != "official":
        raise typer.BadParameter(f"{source!r}: the only source is 'official'",
                                 param_hint="'SOURCE'")
    with session(ctx, write=True) as s:
        summary = load_official(s, province=province, move_late_records=move_late_records)
        done(f"Loaded the official units: {summary.added} added, {summary.adopted} adopted, "
             f"{summary.unchanged} unchanged; {len(summary.moved)} "
             f"{'record' if len(summary.moved) == 1 else 'records'} moved")
