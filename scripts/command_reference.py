"""Write README.md's command reference from the `--help` of every command and group.

    .venv/bin/python scripts/command_reference.py           # rewrites the block in README.md
    .venv/bin/python scripts/command_reference.py --check   # exit 1 if README.md is out of date

The block lies between the two markers below; everything else in README.md is left as it is.
The help is rendered at a fixed width without colour, so the block does not depend on the
terminal that runs this (tests/test_readme.py regenerates it and compares).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import typer

README = Path(__file__).resolve().parent.parent / "README.md"
BEGIN = "<!-- [[[cog scripts/command_reference.py ]]] -->"
END = "<!-- [[[end]]] -->"
WIDTH = 100
HEADING = re.compile(r"^### `(dantrack(?: [a-z-]+)*)`$", re.MULTILINE)


# typer builds on click (vendored in recent typer): its commands are click's, and a group is the
# command that has subcommands to list.
Command = Any


def root() -> Command:
    from dantrack.cli import app

    return typer.main.get_command(app)


def is_group(command: Command) -> bool:
    return hasattr(command, "list_commands")


def contexts(group: Command) -> list[typer.Context]:
    """A context for dantrack and for every group and command beneath it, in --help's order."""
    # make_context applies each command's context_settings (-h), as a real run does.
    top = group.make_context("dantrack", [], resilient_parsing=True, terminal_width=WIDTH,
                             max_content_width=WIDTH, color=False)
    return list(_walk(top))


def _walk(ctx: typer.Context):  # type: ignore[no-untyped-def]
    yield ctx
    command = ctx.command
    if is_group(command):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from _walk(sub.make_context(name, [], parent=ctx, resilient_parsing=True))


def command_paths(group: Command | None = None) -> list[str]:
    return [ctx.command_path for ctx in contexts(group or root())]


def block(group: Command | None = None) -> str:
    """The text between the markers: one heading and one --help per command."""
    sections = []
    for ctx in contexts(group or root()):
        help_text = ctx.command.get_help(ctx).rstrip()
        sections.append(f"### `{ctx.command_path}`\n\n```text\n{help_text}\n```\n")
    return "\n" + "\n".join(sections)


def documented(readme: str) -> list[str]:
    """The commands that README's block has a section for."""
    return HEADING.findall(between_markers(readme))


def between_markers(readme: str) -> str:
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README.md has no block between {BEGIN} and {END}")
    return readme[start + len(BEGIN):end]


def rewritten(readme: str, group: Command | None = None) -> str:
    between_markers(readme)  # the markers are there, in order
    head, rest = readme.split(BEGIN, 1)
    return head + BEGIN + block(group) + END + rest.split(END, 1)[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say if README.md is stale")
    args = parser.parse_args(argv)
    readme = README.read_text(encoding="utf-8")
    fresh = rewritten(readme)
    if args.check:
        if fresh != readme:
            print("README.md's command reference is out of date: run "
                  "scripts/command_reference.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
