"""Finding things (issue 16 item 6): --search matches words in any order without diacritics,
an exact ID number or phone finds its petition — never a denouncer's —, --meeting, --sort,
--limit, and an empty list says so on stderr."""

from __future__ import annotations

import json

import pytest
from tests.test_cli import add_denunciation, add_petition, fails, ok

pytestmark = pytest.mark.backends


@pytest.fixture
def register(cli, tree):  # type: ignore[no-untyped-def]
    ok(cli("meeting", "add", "--date", "2024-03-01", "--locality", "01864", "--kind",
           "periodic", "--body", "government"))
    ok(add_petition(cli, "--ref", "P2024-00001", "--petitioner", "Nông Văn Tuấn",
                    "--id-number", "006090001234", "--phone", "0912345678",
                    "--meeting", "M2024-00001", "--subject", "Khiếu nại mức bồi thường"))
    ok(add_petition(cli, "--ref", "P2024-00002", "--petitioner", "Hoàng Thị Tuấn Anh",
                    received_on="2024-03-05", subject="Đường liên thôn"))
    ok(add_denunciation(cli, "--ref", "P2024-00003"))  # Lý Thị Mai, 001234567890, +84912345678


def refs(cli, *args: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [p["ref"] for p in json.loads(ok(cli("petition", "list", *args, "--format", "json")))]


@pytest.mark.parametrize(("search", "found"), [
    ("Tuan Nong", ["P2024-00001"]),  # any order, no diacritics
    ("tuấn", ["P2024-00001", "P2024-00002"]),
    ("nong boi thuong", ["P2024-00001"]),  # a name word and subject words together
    ("nong lien thon", []),  # every word must match
    ("006090001234", ["P2024-00001"]),
    ("+84 912 345 678", ["P2024-00001"]),
])
def test_search(cli, register, search: str, found: list[str]) -> None:
    assert refs(cli, "--search", search) == found


@pytest.mark.parametrize("search", ["Mai Ly", "001234567890", "0912345678", "+84912345678"])
def test_a_denouncer_is_never_found_by_identity(cli, register, search: str) -> None:
    assert "P2024-00003" not in refs(cli, "--search", search)
    if any(c.isdigit() for c in search):  # a number: not even with --reveal
        assert "P2024-00003" not in refs(cli, "--search", search, "--reveal")


def test_meeting_sort_and_limit(cli, register) -> None:
    assert refs(cli, "--meeting", "M2024-00001") == ["P2024-00001"]
    assert refs(cli, "--sort", "-received_on") == ["P2024-00002", "P2024-00001", "P2024-00003"]
    assert refs(cli, "--sort", "-received_on", "--limit", "1") == ["P2024-00002"]
    assert refs(cli, "--sort", "ref") == ["P2024-00001", "P2024-00002", "P2024-00003"]


def test_a_sort_by_identity_is_refused(cli, register) -> None:
    assert "invalid sort 'petitioner': must be one of ref, received_on" in fails(
        cli("petition", "list", "--sort", "petitioner"), 2)


def test_an_empty_list_says_so_on_stderr(cli, register) -> None:
    result = cli("petition", "list", "--search", "không có gì")
    assert result.exit_code == 0
    assert result.stderr == "0 petitions\n"
    assert result.stdout.split() == ["ref", "kind", "received_on", "locality", "petitioner",
                                     "subject", "due_on", "status", "outcome"]
    assert ok(cli("petition", "list", "--search", "zzz", "--format", "json")) == "[]\n"
