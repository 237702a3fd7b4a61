"""Tables that fit (issue 16 item 2): every list and show drawn on a terminal of 80, 100 and
120 columns keeps each ref, code, date and word whole — running text may end in "…", columns
are dropped from the right with the ref and the status kept, empty columns are hidden — and a
pipe gets every column uncut. `--columns` picks the columns, in every format."""

from __future__ import annotations

import json
import re

import pytest
from tests.test_cli import add_denunciation, add_petition, ok

from dantrack.tablefit import fit, width

LONG = ("Kiến nghị giải quyết dứt điểm việc bồi thường, hỗ trợ tái định cư khi thu hồi đất "
        "làm đường tỉnh lộ 258 qua thôn Nà Mòn")
WIDTHS = (80, 100, 120)


@pytest.fixture
def register(cli, tree):  # type: ignore[no-untyped-def]
    ok(cli("locality", "add", "01864-02", "Thôn Bản Chán Trên Thuộc Xã Cao Thượng Cũ",
           "--level", "village", "--parent", "01864"))
    ok(add_petition(cli, "--ref", "P2024-00001", "--petitioner", "Hoàng Thị Phương Thảo",
                    "--subject", LONG, kind="recommendation", locality="01864-02"))
    ok(add_denunciation(cli, "--ref", "P2024-00002"))
    ok(cli("meeting", "add", "--date", "2024-03-01", "--locality", "01864", "--kind",
           "periodic", "--body", "government", "--host", "Nguyễn Văn An", "--place", LONG))
    ok(cli("visit", "add", "--meeting", "M2024-00001", "--kind", "complaint", "--direction",
           "accepted", "--visitor", "Hoàng Văn Sơn", "--subject", LONG, "--people", "2"))
    ok(cli("dialogue", "add", "--date", "2024-03-02", "--locality", "01864", "--body", "party",
           "--citizens", "12", "--topic", LONG))


def drawn(cli, monkeypatch, columns: int, *args: str) -> str:  # type: ignore[no-untyped-def]
    """What a terminal `columns` wide shows for `dantrack ARGS…`."""
    from dantrack import output

    monkeypatch.setattr(output, "is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("NO_COLOR", "1")
    return re.sub(r"\x1b\[[0-9;]*m", "", ok(cli(*args)))  # bold headings: not text


def table_cells(text: str) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of a drawn list: cells begin where their headers begin."""
    lines = [line for line in text.splitlines() if line.strip()]
    header, rows = lines[0], [line for line in lines[1:] if not set(line.strip()) <= {"━"}]
    starts = [m.start() for m in re.finditer(r"\S+", header)]  # headings are single words
    bounds = list(zip(starts, [*starts[1:], None], strict=True))
    cut = lambda line: [line[a:b].strip() for a, b in bounds]  # noqa: E731
    return cut(header), [cut(row) for row in rows]


LISTS = [
    (("petition", "list"), "--format"),
    (("meeting", "list"), "--format"),
    (("visit", "list"), "--format"),
    (("dialogue", "list", "--year", "2024"), "--format"),
    (("locality", "list"), "--format"),
]


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize(("command", "_"), LISTS, ids=lambda c: " ".join(c) if c != "--format"
                         else "")
def test_every_list_fits_without_breaking_a_value(cli, register, monkeypatch, columns: int,
                                                  command: tuple[str, ...], _: str) -> None:
    records = json.loads(ok(cli(*command, "--format", "json")))
    shown = drawn(cli, monkeypatch, columns, *command)
    assert all(width(line) <= columns for line in shown.splitlines()), shown
    headers, rows = table_cells(shown)
    assert len(rows) == len(records)
    key = "ref" if "ref" in records[0] else "code"
    assert headers[0] == key and ("status" not in records[0] or "status" in headers)
    fields = {"locality": "locality_name"}
    for record, row in zip(records, rows, strict=True):
        for header, text in zip(headers, row, strict=True):
            value = record[fields.get(header, header)] if header != "locality" or \
                "locality_name" in record else record["locality"]
            full = "" if value is None else str(value).lower() if isinstance(value, bool) \
                else str(value)
            if text.endswith("…"):
                assert " " in full and full.startswith(text[:-1]), (header, text, full)
            else:
                assert text == full, (header, text, full)


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("command", [("petition", "show", "P2024-00001"),
                                     ("meeting", "show", "M2024-00001"),
                                     ("dialogue", "show", "D2024-00001"),
                                     ("locality", "show", "01864-02")], ids=" ".join)
def test_every_show_fits_and_wraps_between_words(cli, register, monkeypatch, columns: int,
                                                 command: tuple[str, ...]) -> None:
    shown = drawn(cli, monkeypatch, columns, *command)
    assert all(width(line) <= columns for line in shown.splitlines()), shown
    words = {word for line in shown.splitlines() for word in line.split()}
    for word in LONG.split():  # the long text is there, each word whole
        if LONG in json.dumps(json.loads(ok(cli(*command, "--format", "json"))),
                              ensure_ascii=False):
            assert word in words, word


def test_a_pipe_gets_every_column_uncut(cli, register) -> None:
    out = ok(cli("petition", "list"))
    assert LONG in out and "Thôn Bản Chán Trên Thuộc Xã Cao Thượng Cũ" in out
    assert out.splitlines()[0].split() == ["ref", "kind", "received_on", "locality",
                                           "petitioner", "subject", "due_on", "status",
                                           "outcome"]


def test_empty_columns_are_hidden_on_a_terminal(cli, register, monkeypatch) -> None:
    headers, _ = table_cells(drawn(cli, monkeypatch, 200, "petition", "list"))
    assert "outcome" not in headers  # none is closed
    assert headers == ["ref", "kind", "received_on", "locality", "petitioner", "subject",
                       "due_on", "status"]


def test_columns_picks_in_every_format(cli, register, monkeypatch) -> None:
    picked = ("petition", "list", "--columns", "ref,status,outcome")
    assert ok(cli(*picked, "--format", "csv")).splitlines() == [
        "ref,status,outcome", "P2024-00001,overdue,", "P2024-00002,overdue,"]
    assert json.loads(ok(cli(*picked, "--format", "json")))[0] == {
        "ref": "P2024-00001", "status": "overdue", "outcome": None}
    headers, _ = table_cells(drawn(cli, monkeypatch, 80, *picked))
    assert headers == ["ref", "status", "outcome"]  # picked: shown even when empty


def test_an_unknown_column_is_a_usage_error_naming_the_columns(cli, tree) -> None:
    result = cli("petition", "list", "--columns", "ref,name")
    assert result.exit_code == 2
    assert "unknown column 'name'; the columns are ref, kind," in result.stderr


def test_fit_drops_from_the_right_and_keeps_ref_and_status() -> None:
    keys = ["ref", "kind", "subject", "due_on", "status"]
    rows = [["P2024-00001", "recommendation", LONG, "2024-03-15", "overdue"]]
    wide = fit(keys, keys, rows, 200)
    assert wide.shown == [0, 1, 2, 3, 4] and wide.cut == [False] * 5
    narrow = fit(keys, keys, rows, 80)
    assert narrow.shown == [0, 1, 2, 3, 4] and narrow.cut == [False, False, True, False, False]
    assert sum(narrow.widths) + 3 * 5 == 80  # the text takes what is left
    tiny = fit(keys, keys, rows, 45)
    assert tiny.shown == [0, 1, 4]  # subject and due_on dropped, the ref and status kept
