"""Help that teaches (issue 16 item 9): every group's help has an example that names it, an
option of dantrack itself given after the command says where it belongs, and an error about a
word lists the accepted words, Vietnamese included."""

from __future__ import annotations

import re

import pytest
from tests.test_cli import add_petition, fails, ok


def _groups(cli) -> list[str]:  # type: ignore[no-untyped-def]
    """The command groups `dantrack --help` lists (those with subcommands of their own)."""
    out = ok(cli("--help"))
    names = re.findall(r"^  (\w+)\s", out.split("Commands:", 1)[1], re.M)
    return [name for name in names if "Commands:" in ok(cli(name, "--help"))]


def test_the_groups_are_found(cli) -> None:
    assert {"locality", "meeting", "visit", "dialogue", "petition", "db"} <= set(_groups(cli))


def test_every_group_help_has_an_example_of_its_own(cli) -> None:
    for group in _groups(cli):
        out = ok(cli(group, "--help"))
        assert f"Example: dantrack {group} " in out, group


@pytest.mark.parametrize("args", [
    ("petition", "list", "--db", "x.sqlite"),
    ("petition", "--db", "x.sqlite", "list"),
    ("report", "--year", "2024", "--db", "x.sqlite"),
])
def test_db_after_the_command_says_where_it_belongs(cli, args: tuple[str, ...]) -> None:
    err = fails(cli(*args), 2)
    assert "--db is an option of dantrack itself and goes before the command" in err
    command = " ".join(a for a in args[:2] if not a.startswith("-") and "." not in a)
    assert f"dantrack --db PATH {command}" in err


def test_another_unknown_option_keeps_clicks_message(cli) -> None:
    assert "No such option: --bogus" in fails(cli("petition", "list", "--bogus"), 2)


def test_a_wrong_kind_lists_the_words_in_both_languages(cli, tree) -> None:
    err = fails(add_petition(cli, kind="tocao"), 3)
    assert "invalid kind 'tocao'" in err
    assert ("complaint (khiếu nại), denunciation (tố cáo), recommendation (kiến nghị), "
            "reflection (phản ánh)") in err


def test_a_wrong_verdict_lists_the_words_of_the_kind(cli, tree) -> None:
    ok(add_petition(cli, "--ref", "P2024-00001"))
    err = fails(cli("petition", "close", "P2024-00001", "--outcome", "resolved",
                    "--verdict", "founded2", "--on", "2024-03-01"), 3)
    assert ("a complaint's verdict is one of upheld (đúng), partly_upheld (đúng một phần), "
            "rejected (sai / sai toàn bộ)") in err
    assert "founded" not in err.replace("founded2", "")


def test_a_wrong_level_lists_every_vietnamese_word(cli, tree) -> None:
    err = fails(cli("locality", "add", "0199", "Xã Mới", "--level", "làng", "--parent", "061"), 3)
    assert "commune (xã / phường / thị trấn / đặc khu)" in err


def test_the_first_word_of_each_value_folds_to_an_accepted_word() -> None:
    from dantrack.text import parse_choice
    from dantrack.vocab import ALIASES, WORDS

    for enum, words in WORDS.items():
        assert set(words) == {m.value for m in enum}, enum  # every value has its words
        for value, forms in words.items():
            for word in forms:
                assert parse_choice(enum, word, ALIASES[enum]).value == value, word
