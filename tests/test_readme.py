"""README.md stays true: its command reference is the --help of exactly the commands there are,
every `dantrack …` line in its ```sh examples parses with the options dantrack has, and the
clerk's walk-through and the day at the reception desk run, in order, on a fresh database."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
_spec = importlib.util.spec_from_file_location("command_reference",
                                               ROOT / "scripts" / "command_reference.py")
assert _spec is not None and _spec.loader is not None
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)

# Programs in README's examples that are not dantrack, and why they are not checked here.
NOT_DANTRACK = {
    "python3": "creates the virtual environment",
    ".venv/bin/pip": "installs dantrack or a benchmark's tool",
    ".venv/bin/python": "runs the tests, a benchmark or a script",
    ".venv/bin/ruff": "the linter",
    "export": "sets the environment for the commands after it",
    "sudo": "sets up a PostgreSQL server",
    "cat": "feeds a file to dantrack's standard input",
    "diff": "compares two reports",
}
DANTRACK = {"dantrack", ".venv/bin/dantrack"}
OPERATORS = {"|", "&&", ";", ">", ">>", "<"}


# --- the command reference ---------------------------------------------------------------

def reference_problems(readme: str, group: object | None = None) -> list[str]:
    commands = reference.command_paths(group)
    documented = reference.documented(readme)
    problems = [f"{name}: not in README's command reference" for name in commands
                if name not in documented]
    problems += [f"{name}: in README's command reference, but there is no such command"
                 for name in documented if name not in commands]
    if reference.rewritten(readme, group) != readme:
        problems.append("README's command reference is out of date: "
                        "run scripts/command_reference.py")
    return problems


def test_the_command_reference_is_complete_and_up_to_date() -> None:
    assert reference_problems(README) == []


def test_a_command_missing_from_the_reference_fails() -> None:
    group = reference.root()
    extra = typer.Typer()
    extra.command()(lambda: None)
    group.add_command(typer.main.get_command(extra), "frobnicate")
    problems = reference_problems(README, group)
    assert "dantrack frobnicate: not in README's command reference" in problems


def test_a_documented_command_that_is_gone_fails() -> None:
    section = "### `dantrack petition frobnicate`\n\n```text\nUsage: …\n```\n\n"
    readme = README.replace("### `dantrack petition add`", section + "### `dantrack petition add`")
    problems = reference_problems(readme)
    assert ("dantrack petition frobnicate: in README's command reference, but there is no such "
            "command") in problems


def test_a_stale_help_text_fails() -> None:
    readme = README.replace("Record a petition received.", "Record a petition.", 1)
    assert readme != README
    assert reference_problems(readme) == [
        "README's command reference is out of date: run scripts/command_reference.py"]


# --- the examples ----------------------------------------------------------------------

def sh_blocks(readme: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", readme, re.MULTILINE | re.DOTALL)


def command_lines(block: str) -> list[str]:
    """The block's lines, a line continued with a backslash joined to the next."""
    return [line for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def segments(line: str) -> list[list[str]]:
    """The simple commands of one shell line, without comments, pipes or redirections."""
    line = re.sub(r"\$\([^)]*\)", "X", line)  # a $(command) becomes a plain word
    # A synopsis's optional part, [--format table|json|csv], is checked with its first choice.
    line = re.sub(r"\[([^\]|]+)[^\]]*\]", r"\1", line)
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    found: list[list[str]] = [[]]
    redirected = False
    for token in lexer:
        if token in OPERATORS:
            redirected = token in {">", ">>", "<"}
            found.append([])
        elif redirected:
            redirected = False  # the redirection's file, not an argument
        else:
            found[-1].append(token)
    return [words for words in found if words]


def dantrack_commands(readme: str) -> list[list[str]]:
    """Every dantrack command line in README's ```sh blocks, as its arguments."""
    commands = []
    for block in sh_blocks(readme):
        for line in command_lines(block):
            for words in segments(line):
                if words[0] in DANTRACK:
                    commands.append(words[1:])
                else:
                    assert words[0] in NOT_DANTRACK, f"unknown program in README: {line}"
    return commands


def parse(args: list[str]) -> str:
    """Parse a command line as dantrack would, without running it; the command's path."""
    command, name, parent, rest = reference.root(), "dantrack", None, list(args)
    while True:
        ctx = command.make_context(name, rest, parent=parent)
        if not reference.is_group(command):
            return ctx.command_path
        protected = getattr(ctx, "_protected_args", None)
        if protected is None:  # click before 8.2
            protected = ctx.protected_args
        name, command, rest = command.resolve_command(ctx, [*protected, *ctx.args])
        parent = ctx


EXAMPLES = dantrack_commands(README)


def test_the_examples_are_found() -> None:
    assert len(EXAMPLES) >= 25
    assert ["petition", "list", "--status", "overdue"] in EXAMPLES
    assert ["report", "--year", "2024", "--locality", "Bắc Kạn", "--format", "table"] in EXAMPLES


@pytest.mark.parametrize("args", EXAMPLES, ids=[" ".join(args)[:60] for args in EXAMPLES])
def test_an_example_parses(args: list[str]) -> None:
    parse(args)


def test_an_example_with_an_option_that_is_gone_fails() -> None:
    with pytest.raises(Exception, match="No such option"):
        parse(["petition", "list", "--colour", "red"])
    with pytest.raises(Exception, match="No such command"):
        parse(["petition", "frobnicate"])
    with pytest.raises(Exception, match="unexpected extra argument"):
        parse(["db", "check", "now"])
    with pytest.raises(Exception, match="bogus"):
        parse(["petition", "list", "--status", "bogus"])


def walk_through(readme: str, heading: str = "## A clerk's walk-through"
                 ) -> list[tuple[list[str], str]]:
    """The commands of a section's first example, each with the message its `# → …` line
    promises, if any."""
    section = readme.split(heading, 1)[1]
    steps: list[tuple[list[str], str]] = []
    for line in command_lines(sh_blocks(section)[0]):
        if line.startswith("# → "):
            steps[-1] = (steps[-1][0], line.removeprefix("# → "))
        steps += [(words[1:], "") for words in segments(line) if words[0] in DANTRACK]
    return steps


def dantrack(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dantrack", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)


def run_steps(steps: list[tuple[list[str], str]], tmp_path: Path, today: str) -> dict[str, str]:
    """Run the steps on a fresh database; the environment they ran in."""
    env = {**os.environ, "DANTRACK_DB": str(tmp_path / "reception.sqlite"),
           "DANTRACK_TODAY": today, "DANTRACK_OPERATOR": "Lý Thị Hoa"}
    for args, said in steps:
        result = dantrack(*args, cwd=tmp_path, env=env)
        assert result.returncode == 0, (shlex.join(args), result.stderr)
        assert said in result.stderr, (shlex.join(args), result.stderr)
    return env


def test_the_walk_through_runs(tmp_path: Path) -> None:
    steps = walk_through(README)
    assert len(steps) >= 9
    assert sum(1 for _, said in steps if said) >= 2
    env = run_steps(steps, tmp_path, "2024-12-31")
    shown = dantrack("petition", "show", "P2024-00001", "--format", "json", cwd=tmp_path, env=env)
    assert '"resolved"' in shown.stdout


def test_the_day_at_the_reception_desk_runs(tmp_path: Path) -> None:
    steps = walk_through(README, "## The register for the official forms")
    assert len(steps) >= 12 and sum(1 for _, said in steps if said) >= 6
    env = run_steps(steps, tmp_path, "2026-11-30")

    def shown(*args: str) -> Any:
        result = dantrack(*args, "--format", "json", cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    meeting = shown("meeting", "show", "M2026-00001")
    assert (meeting["citizens"], meeting["delegations"]) == (8, 1)
    visits = shown("visit", "list", "--meeting", "M2026-00001")
    assert [(v["people"], v["group"], v["petition"], v["direction"], v["delegated"])
            for v in visits] == [(6, True, "P2026-00002", "accepted", False),
                                 (1, False, "P2026-00001", "guided", False),
                                 (1, False, "P2026-00003", "forwarded", True)]
    complaint = shown("petition", "show", "P2026-00002")
    assert (complaint["accepted_on"], complaint["round"], complaint["field"]) == (
        "2026-11-16", 2, "land")
    forwarded = shown("petition", "show", "P2026-00003")
    assert (forwarded["outcome"], forwarded["forwarded_to"], forwarded["reply_on"]) == (
        "forwarded", "Công ty Điện lực Bắc Kạn", "2026-11-27")


def test_the_first_example_runs_on_the_sample_database() -> None:
    args = EXAMPLES[0]
    assert args[:2] == ["--db", "data/sample.sqlite"]
    env = {key: value for key, value in os.environ.items() if key != "DANTRACK_DB"}
    result = dantrack(*args, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr
    assert "Bắc Kạn" in result.stdout
