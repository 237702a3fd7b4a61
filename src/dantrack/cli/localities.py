"""dantrack locality add|list|show"""

from __future__ import annotations

import typer

from dantrack.cli.common import FORMAT_OPTION, Format, ask, done, session

app = typer.Typer(help="Localities: the administrative tree (province > district > commune …).",
                  no_args_is_help=True)

COLUMNS = ["code", "name", "level", "parent", "parent_name"]


@app.command("add")
def add(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="Unique code, e.g. the GSO code 01864."),
    name: str = typer.Argument(..., help="Name with its prefix, e.g. \"Xã Trần Phú\"."),
    level: str | None = typer.Option(None, "--level", help="province, district, commune, village…"),
    parent: str | None = typer.Option(None, "--parent", help="Code or name of the parent."),
) -> None:
    """Add a locality.

    Example: dantrack locality add 01864 "Xã Dương Quang" --level commune --parent 058
    """
    from dantrack.services.localities import add_locality

    level = ask(level, "--level", "Level (province, district, commune, village)")
    with session(ctx, write=True) as s:
        row = add_locality(s, code=code, name=name, level=level, parent=parent)
        done(f"Recorded locality {row.code} {row.name}")


@app.command("list")
def list_(
    ctx: typer.Context,
    under: str | None = typer.Option(None, "--under", help="Only this locality's subtree."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """List localities in tree order.

    Example: dantrack locality list --under "Ba Bể"
    """
    from dantrack.output import Format as Out
    from dantrack.output import render_list
    from dantrack.schemas import LocalityPublic
    from dantrack.services.localities import list_localities, public_localities

    with session(ctx, write=False) as s:
        records = public_localities(s, list_localities(s, under=under))
    render_list(records, Out(fmt.value), model=LocalityPublic, table_columns=COLUMNS)


@app.command("show")
def show(
    ctx: typer.Context,
    locality: str = typer.Argument(..., help="Code or name."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Show one locality.

    Example: dantrack locality show "bac kan"
    """
    from dantrack.output import Format as Out
    from dantrack.output import render_record
    from dantrack.services.localities import public_localities, resolve_locality

    with session(ctx, write=False) as s:
        record = public_localities(s, [resolve_locality(s, locality)])[0]
    render_record(record, Out(fmt.value))
