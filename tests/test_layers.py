"""The layers hold: ruff's banned-api (pyproject.toml and src/dantrack/cli/ruff.toml) refuses
each import or exit a layer may not use, and an AST check covers the builtin exits that ruff
cannot ban. Each rule is shown failing on a throwaway module in a copy of the configuration."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "dantrack"
CLI_CONFIG = Path("src/dantrack/cli/ruff.toml")

# Every line in the package that the layer rules let through (its noqa names TID251), by file,
# with why the rule does not apply there.
ALLOWED_NOQA = {
    "output.py": 5,  # the renderer: the one module that imports rich
    "__main__.py": 1,  # `python -m dantrack` runs the command line: it sits above cli/
    "cli/common.py": 1,  # sqlmodel's Session under TYPE_CHECKING, an annotation only
    "importing/worker.py": 1,  # os._exit ends the forked child without running the parent's exits
}
# Builtin exits outside cli/ that are not dantrack's own: Alembic's command runs env.py directly
# (dantrack hands it a connection instead), and there the message is the program's last word.
ALLOWED_EXITS = {("migrations/env.py", "SystemExit")}
EXIT_NAMES = {"SystemExit", "exit", "quit"}


def ruff(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_real_tree_passes() -> None:
    result = ruff("src", "tests", "bench", "scripts", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def overlay(tmp_path: Path) -> Path:
    """An empty tree with the real ruff configuration, root and nested, in their places."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / CLI_CONFIG).parent.mkdir(parents=True)
    shutil.copy(ROOT / CLI_CONFIG, tmp_path / CLI_CONFIG)
    (tmp_path / "src/dantrack/services").mkdir()
    return tmp_path


VIOLATIONS = [
    ("cli/bad.py", "import rich\n", "rich"),
    ("cli/bad.py", "from rich.table import Table\n", "rich"),
    ("cli/bad.py", "from sqlalchemy import select\n", "sqlalchemy"),
    ("cli/bad.py", "import sqlmodel\n", "sqlmodel"),
    ("cli/bad.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import sqlmodel\n",
     "sqlmodel"),
    ("cli/bad.py", "def f():\n    import sqlite3\n", "sqlite3"),
    ("services/bad.py", "import typer\n", "typer"),
    ("services/bad.py", "import click\n", "click"),
    # typer.Exit is refused with typer itself: below cli/ typer cannot be imported at all.
    ("services/bad.py", "import typer\n\n\ndef f():\n    raise typer.Exit(1)\n", "typer"),
    ("services/bad.py", "from dantrack.cli import common\n", "dantrack.cli"),
    ("services/bad.py", "import dantrack.cli.io\n", "dantrack.cli"),
    ("services/bad.py", "def f():\n    from rich.console import Console\n", "rich"),
    ("services/bad.py", "import sys\n\nsys.exit(1)\n", "sys.exit"),
    ("services/bad.py", "from sys import exit\n", "sys.exit"),
    ("services/bad.py", "import os\n\nos._exit(1)\n", "os._exit"),
    ("bad.py", "import rich\n", "rich"),
    # output.py may import rich, and nothing else that is banned: it has no file-wide pass.
    ("output.py", "import typer\n", "typer"),
]


@pytest.mark.parametrize(("where", "source", "banned"), VIOLATIONS)
def test_a_throwaway_violation_fails(overlay: Path, where: str, source: str, banned: str) -> None:
    path = overlay / "src/dantrack" / where
    path.write_text(source, encoding="utf-8")
    result = ruff("--output-format", "json", str(path), cwd=overlay)
    assert result.returncode == 1, result.stdout + result.stderr
    # A throwaway module may break other rules too (import order): look for the ban itself.
    found = {item["message"].split("`")[1] for item in json.loads(result.stdout)
             if item["code"] == "TID251"}
    assert banned in found


def test_the_command_line_may_use_typer_and_exit(overlay: Path) -> None:
    path = overlay / "src/dantrack/cli/good.py"
    path.write_text("import sys\n\nimport typer\n\nsys.exit(typer.Exit(1).exit_code)\n",
                    encoding="utf-8")
    result = ruff(str(path), cwd=overlay)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_pass_on_a_layer_rule_is_listed() -> None:
    found: dict[str, int] = {}
    for path in PACKAGE.rglob("*.py"):
        count = path.read_text(encoding="utf-8").count("noqa: TID251")
        if count:
            found[path.relative_to(PACKAGE).as_posix()] = count
    assert found == ALLOWED_NOQA


def builtin_exits(source: str) -> set[str]:
    """The builtin exits (SystemExit, exit, quit) that a module names."""
    tree = ast.parse(source)
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)
            and node.id in EXIT_NAMES}


@pytest.mark.parametrize("source", [
    "raise SystemExit(1)\n", "def f():\n    exit(2)\n", "quit()\n",
    "try:\n    pass\nexcept SystemExit:\n    raise\n",
])
def test_the_exit_check_sees_a_throwaway_exit(source: str) -> None:
    assert builtin_exits(source)


def test_no_builtin_exit_below_the_command_line() -> None:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        where = path.relative_to(PACKAGE).as_posix()
        if not where.startswith("cli/"):
            found |= {(where, name) for name in builtin_exits(path.read_text(encoding="utf-8"))}
    assert found == ALLOWED_EXITS
