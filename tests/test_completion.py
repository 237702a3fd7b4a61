"""Shell completion (issue 16 item 4): commands, options, the words of each vocabulary,
locality codes with their names, and refs, for bash, zsh and fish — never a petitioner's or
visitor's name, never a database created by asking."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.test_cli import add_denunciation, add_petition, ok

DANTRACK = str(Path(sys.executable).parent / "dantrack")


def complete(line: str, database: str | Path | None = None, shell: str = "bash") -> list[str]:
    """What the shell would be offered for the last word of `line` (after `dantrack `)."""
    env = {key: value for key, value in os.environ.items() if key != "DANTRACK_DB"}
    if database is not None:
        env["DANTRACK_DB"] = str(database)
    words = ["dantrack", *line.split(" ")]
    env["_DANTRACK_COMPLETE"] = f"complete_{shell}"
    if shell == "bash":
        env["COMP_WORDS"] = " ".join(words)
        env["COMP_CWORD"] = str(len(words) - 1)
    else:
        env["_TYPER_COMPLETE_ARGS"] = " ".join(words)
        env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"  # fish asks for the values
    result = subprocess.run([DANTRACK], env=env, capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return [line for line in result.stdout.splitlines() if line]


def test_commands_and_options() -> None:
    assert "petition" in complete("pet")
    assert set(complete("petition ")) >= {"add", "close", "list", "show"}
    assert "--status" in complete("petition list --st")


def test_the_words_of_a_vocabulary() -> None:
    assert complete("petition list --kind ") == ["complaint", "denunciation", "recommendation",
                                                "reflection"]
    assert complete("petition list --kind to") == ["denunciation"]  # tố cáo, folded
    assert complete("meeting add --kind ") == ["regular", "periodic", "unscheduled"]
    assert complete("petition close P1 --outcome don") == ["chased"]  # đôn đốc
    assert complete("petition list --status ") == ["open", "closed", "overdue", "suspended"]


@pytest.mark.backends
def test_locality_codes_by_code_and_by_name(database_url: str, tree) -> None:
    assert complete("petition list --locality 0186", database_url) == ["01861", "01864", "01864-01"]
    assert complete("petition list --locality cao", database_url) == ["01864"]
    assert complete("petition list --locality tran", database_url) == ["01870", "01960"]
    assert complete("locality show 06", database_url)[:2] == ["06", "061"]


@pytest.mark.backends
def test_refs_newest_first_and_a_denouncer_never_shown(database_url: str, cli, tree) -> None:
    ok(add_petition(cli, "--ref", "P2024-00001", "--petitioner", "Nông Văn Tuấn"))
    ok(add_denunciation(cli, "--ref", "P2024-00002"))
    assert complete("petition show P2024", database_url) == ["P2024-00002", "P2024-00001"]
    assert complete("petition show p2024-00001", database_url) == ["P2024-00001"]
    assert complete("petition add --duplicate-of P", database_url) == ["P2024-00002",
                                                                        "P2024-00001"]
    for shell in ("bash", "zsh", "fish"):
        offered = "\n".join(complete("petition show P", database_url, shell))
        assert "P2024-00002" in offered, shell
        for secret in ("Lý Thị Mai", "001234567890", "0912345678", "Nà Mòn", "Tuấn"):
            assert secret not in offered, (shell, secret)


def test_zsh_and_fish_show_the_locality_names(db_path: Path, tree) -> None:
    assert '"01864":"Xã Cao Thượng"' in "\n".join(
        complete("petition list --locality cao", db_path, "zsh"))
    assert "01864\tXã Cao Thượng" in complete("petition list --locality cao", db_path, "fish")


def test_a_missing_database_completes_nothing_and_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite"
    assert complete("petition show P", missing) == []
    assert not missing.exists()
    assert list(tmp_path.iterdir()) == []


def test_the_scripts_for_each_shell() -> None:
    """The script each shell installs (what --show-completion prints for the shell it runs
    in), asked for by name: it runs dantrack with _DANTRACK_COMPLETE set."""
    for shell in ("bash", "zsh", "fish"):
        env = {**os.environ, "_DANTRACK_COMPLETE": f"source_{shell}"}
        result = subprocess.run([DANTRACK], capture_output=True, text=True, timeout=60,
                                check=False, env=env)
        assert result.returncode == 0, result.stderr
        assert "_DANTRACK_COMPLETE" in result.stdout and f"complete_{shell}" in result.stdout
