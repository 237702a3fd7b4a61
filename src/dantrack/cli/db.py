"""dantrack db upgrade|check|backup"""

from __future__ import annotations

import typer

app = typer.Typer(help="The database itself: schema upgrades, integrity checks, backups.",
                  no_args_is_help=True)
