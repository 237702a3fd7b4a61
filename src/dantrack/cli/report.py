"""dantrack report"""

from __future__ import annotations

import typer


def report(ctx: typer.Context) -> None:
    """Resolution-rate report for a period and a locality.

    Example: dantrack report --year 2024 --locality "Bắc Kạn"
    """
    raise typer.Exit(2)
