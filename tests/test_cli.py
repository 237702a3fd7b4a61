"""The command line in-process: exact data on stdout, messages on stderr, exit codes."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import stat
from pathlib import Path

import pytest

from dantrack import __version__

# --- helpers -------------------------------------------------------------------------------


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result.stdout


def fails(result, code: int, stderr: str | None = None):  # type: ignore[no-untyped-def]
    """The command failed with `code`, wrote no data and, if given, exactly this message."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    if stderr is not None:
        assert result.stderr == stderr
    return result.stderr


def cells(stdout: str) -> list[list[str]]:
    """A plain (piped) table as rows of cells: columns are at least two spaces apart."""
    return [re.split(r" {2,}", line) for line in stdout.splitlines()]


def csv_rows(stdout: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(stdout)))


def add_petition(cli, *extra: str, kind: str = "complaint",  # type: ignore[no-untyped-def]
                 received_on: str = "2024-03-01", locality: str = "01864",
                 subject: str = "Đền bù đất"):
    return cli("petition", "add", "--kind", kind, "--received-on", received_on,
               "--locality", locality, "--subject", subject, *extra)


def add_denunciation(cli, *extra: str):  # type: ignore[no-untyped-def]
    return add_petition(cli, "--petitioner", "Lý Thị Mai", "--id-number", "001234567890",
                        "--phone", "+84 912 345 678", "--address", "Thôn Nà Mòn", *extra,
                        kind="tố cáo", subject="Sai phạm đất đai")


# --- the program as a whole ----------------------------------------------------------------


def test_version(cli) -> None:
    result = cli("--version")
    assert ok(result) == f"dantrack {__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    assert result.stderr == ""


COMMANDS = [
    ("locality", "add"), ("locality", "list"), ("locality", "show"),
    ("meeting", "add"), ("meeting", "list"), ("meeting", "show"),
    ("dialogue", "add"), ("dialogue", "list"), ("dialogue", "show"),
    ("petition", "add"), ("petition", "edit"), ("petition", "close"),
    ("petition", "reopen"), ("petition", "show"), ("petition", "list"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(cli, command: tuple[str, str]) -> None:
    out = ok(cli(*command, "--help"))
    assert out.startswith(f"Usage: dantrack {' '.join(command)} ")
    assert f"Example: dantrack {' '.join(command)}" in out


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_list_and_show_take_format_and_writes_do_not(cli, command: tuple[str, str]) -> None:
    out = ok(cli(*command, "--help"))
    assert ("--format" in out) == (command[1] in ("list", "show"))


def test_root_help_has_an_example(cli) -> None:
    assert "Example: dantrack petition list --status overdue" in ok(cli("--help"))


def test_root_help_lists_the_groups(cli) -> None:
    out = ok(cli("--help"))
    assert out.startswith("Usage: dantrack [OPTIONS] COMMAND [ARGS]...")
    for group in ("locality", "meeting", "dialogue", "petition"):
        assert re.search(rf"^\s+{group}\s", out, re.M)


def test_an_unknown_command_is_a_usage_error(cli) -> None:
    assert "No such command 'petitions'" in fails(cli("petitions", "list"), 2)


# --- the database file ---------------------------------------------------------------------

READ_COMMANDS = [
    ("locality", "list"),
    ("locality", "show", "06"),
    ("meeting", "list"),
    ("meeting", "show", "M2024-00001"),
    ("dialogue", "list", "--year", "2024"),
    ("dialogue", "show", "D2024-00001"),
    ("petition", "list", "--format", "json"),
    ("petition", "show", "P2024-00001"),
    ("petition", "show", "P2024-00001", "--reveal"),
    ("petition", "list", "--reveal"),
]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=" ".join)
def test_a_read_on_a_missing_database_exits_4_and_creates_nothing(
    cli, db_path: Path, command: tuple[str, ...]
) -> None:
    fails(cli(*command), 4,
          f"Error: no database at {db_path} (from $DANTRACK_DB); record something first or "
          "pass --db\n")
    assert not db_path.exists()
    assert list(db_path.parent.iterdir()) == []


def test_the_db_option_wins_over_the_environment(cli, db_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "other" / "register.sqlite"
    fails(cli("--db", str(other), "meeting", "list"), 4,
          f"Error: no database at {other} (from --db); record something first or pass --db\n")
    ok(cli("--db", str(other), "locality", "add", "06", "Bắc Kạn", "--level", "province"))
    assert other.exists() and not db_path.exists()
    assert "Bắc Kạn" in ok(cli("--db", str(other), "locality", "list"))


def test_a_new_database_is_private_and_in_wal_mode(cli, db_path: Path) -> None:
    ok(cli("locality", "add", "06", "Bắc Kạn", "--level", "province"))
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reads_leave_the_database_file_untouched(cli, db_path: Path, tree) -> None:
    ok(add_denunciation(cli))
    ok(cli("meeting", "add", "--date", "2024-03-15", "--locality", "061", "--kind",
           "regular", "--body", "party"))
    wal = db_path.with_name(db_path.name + "-wal")

    def contents() -> tuple[bytes, bytes]:
        return db_path.read_bytes(), wal.read_bytes() if wal.exists() else b""

    before = contents()
    for command in (("petition", "list"), ("petition", "show", "P2024-00001"),
                    ("meeting", "list"), ("locality", "list"), ("locality", "show", "06")):
        ok(cli(*command))
    assert contents() == before


def test_a_file_that_is_not_a_database_exits_4(cli, db_path: Path) -> None:
    db_path.write_text("not sqlite at all, just some text " * 100)
    stderr = fails(cli("petition", "list"), 4)
    assert stderr.startswith(f"Error: {db_path} is not a readable SQLite database")


# --- locality ------------------------------------------------------------------------------


def test_locality_add_and_show(cli, tree) -> None:
    result = cli("locality", "add", "01867", "Xã Địa Linh", "--level", "commune",
                 "--parent", "ba be")
    assert ok(result) == ""
    assert result.stderr == "Recorded locality 01867 Xã Địa Linh\n"
    shown = json.loads(ok(cli("locality", "show", "dia linh", "--format", "json")))
    assert shown == {"code": "01867", "name": "Xã Địa Linh", "level": "commune",
                     "parent": "061", "parent_name": "Huyện Ba Bể", "valid_from": None,
                     "valid_to": None, "successors": "", "predecessors": ""}


def test_locality_add_failures(cli, tree) -> None:
    fails(cli("locality", "add", "061", "Huyện Khác", "--level", "district"), 1,
          "Error: locality 061 exists already: Huyện Ba Bể, valid always — a new unit "
          "with this code must begin after it ends\n")
    fails(cli("locality", "add", "99", "Xã Mới", "--level", "commune", "--parent", "Lạng Sơn"),
          1, "Error: no locality with code or name 'Lạng Sơn'\n")
    fails(cli("locality", "add", "0 99", "Xã Mới", "--level", "commune"), 3,
          "Error: invalid code '0 99': must not contain spaces\n")
    assert "Missing option '--level'" in fails(cli("locality", "add", "99", "Xã Mới"), 2)


def test_locality_list_table_in_tree_order(cli, tree) -> None:
    result = cli("locality", "list")
    assert cells(ok(result)) == [
        ["code", "name", "level", "parent", "parent_name", "valid_from", "valid_to"],
        ["06", "Bắc Kạn", "province"],
        ["061", "Huyện Ba Bể", "district", "06", "Bắc Kạn"],
        ["01861", "Thị trấn Chợ Rã", "commune", "061", "Huyện Ba Bể"],
        ["01864", "Xã Cao Thượng", "commune", "061", "Huyện Ba Bể"],
        ["01864-01", "Thôn Nà Mòn", "village", "01864", "Xã Cao Thượng"],
        ["01870", "Xã Trần Phú", "commune", "061", "Huyện Ba Bể"],
        ["064", "Huyện Chợ Đồn", "district", "06", "Bắc Kạn"],
        ["01960", "Xã Trần Phú", "commune", "064", "Huyện Chợ Đồn"],
        ["01966", "Xã Quảng Bạch", "commune", "064", "Huyện Chợ Đồn"],
    ]
    assert result.stderr == ""


# A unit without dates: valid always, no successors.
ALWAYS = {"valid_from": None, "valid_to": None, "successors": ""}


def test_locality_list_under_as_csv_and_json(cli, tree) -> None:
    assert ok(cli("locality", "list", "--under", "Chợ Đồn", "--format", "csv")) == (
        "code,name,level,parent,parent_name,valid_from,valid_to,successors\n"
        "064,Huyện Chợ Đồn,district,06,Bắc Kạn,,,\n"
        "01960,Xã Trần Phú,commune,064,Huyện Chợ Đồn,,,\n"
        "01966,Xã Quảng Bạch,commune,064,Huyện Chợ Đồn,,,\n"
    )
    assert json.loads(ok(cli("locality", "list", "--under", "cao thuong", "-f", "json"))) == [
        {"code": "01864", "name": "Xã Cao Thượng", "level": "commune", "parent": "061",
         "parent_name": "Huyện Ba Bể", **ALWAYS},
        {"code": "01864-01", "name": "Thôn Nà Mòn", "level": "village", "parent": "01864",
         "parent_name": "Xã Cao Thượng", **ALWAYS},
    ]


def test_locality_show_table_and_csv(cli, tree) -> None:
    assert cells(ok(cli("locality", "show", "BẮC KẠN"))) == [
        ["field", "value"], ["code", "06"], ["name", "Bắc Kạn"], ["level", "province"],
        ["parent"], ["parent_name"], ["valid_from"], ["valid_to"], ["successors"],
        ["predecessors"]]
    assert ok(cli("locality", "show", "Huyện Ba Bể", "--format", "csv")) == (
        "code,name,level,parent,parent_name,valid_from,valid_to,successors,predecessors\n"
        "061,Huyện Ba Bể,district,06,Bắc Kạn,,,,\n")


def test_locality_show_ambiguous_and_unknown(cli, tree) -> None:
    fails(cli("locality", "show", "tran phu"), 1,
          "Error: locality 'tran phu' is ambiguous: 01870 Xã Trần Phú in Huyện Ba Bể (061); "
          "01960 Xã Trần Phú in Huyện Chợ Đồn (064) — give the code\n")
    fails(cli("locality", "show", "Hà Nội"), 1,
          "Error: no locality with code or name 'Hà Nội'\n")
    fails(cli("locality", "list", "--under", "Hà Nội"), 1,
          "Error: no locality with code or name 'Hà Nội'\n")


def test_locality_show_rejects_an_unknown_format(cli, tree) -> None:
    assert "Invalid value for '--format'" in fails(
        cli("locality", "show", "06", "--format", "xml"), 2)


# --- meeting -------------------------------------------------------------------------------


def add_meeting(cli, *extra: str, date: str = "15/03/2024",  # type: ignore[no-untyped-def]
                locality: str = "Ba Bể"):
    return cli("meeting", "add", "--date", date, "--locality", locality, "--kind", "định kỳ",
               "--body", "chính quyền", *extra)


def test_meeting_add_and_show(cli, tree) -> None:
    result = add_meeting(cli, "--host", "Hoàng Văn Sơn", "--host-title", "Chủ tịch UBND",
                         "--place", "Trụ sở tiếp công dân", "--citizens", "4",
                         "--delegations", "1", "--note", "Đoàn đông người")
    assert ok(result) == ""
    assert result.stderr == "Recorded meeting M2024-00001\n"
    assert json.loads(ok(cli("meeting", "show", "M2024-00001", "--format", "json"))) == {
        "ref": "M2024-00001", "date": "2024-03-15", "locality": "061",
        "locality_name": "Huyện Ba Bể", "kind": "periodic", "body": "government",
        "host": "Hoàng Văn Sơn", "host_title": "Chủ tịch UBND", "place": "Trụ sở tiếp công dân",
        "citizens": 4, "delegations": 1, "note": "Đoàn đông người",
        "petitions": [], "visits": [], "history": [],
    }
    shown = cells(ok(cli("meeting", "show", "M2024-00001")))
    assert ["kind", "periodic"] in shown and ["citizens", "4"] in shown


def test_meeting_add_failures(cli, tree) -> None:
    stderr = fails(cli("meeting", "add", "--date", "2024-03-15", "--locality", "061",
                       "--body", "party"), 2)
    assert stderr.endswith("Error: Missing option '--kind'.\n")
    fails(add_meeting(cli, date="31/02/2024"), 3,
          "Error: invalid date '31/02/2024': no such day in the calendar\n")
    fails(add_meeting(cli, "--citizens", "-2"), 3,
          "Error: invalid citizens -2: Input should be greater than or equal to 0\n")
    fails(add_meeting(cli, locality="tran phu"), 1)
    ok(add_meeting(cli, "--ref", "M2024-00007"))
    fails(add_meeting(cli, "--ref", "M2024-00007"), 1,
          "Error: meeting M2024-00007 exists already\n")
    assert add_meeting(cli).stderr == "Recorded meeting M2024-00008\n"


def test_meeting_list_filters_and_formats(cli, tree) -> None:
    ok(add_meeting(cli, "--citizens", "4"))
    ok(cli("meeting", "add", "--date", "2024-04-02", "--locality", "01864-01", "--kind",
           "regular", "--body", "party", "--host", "Nông Văn Dũng"))
    ok(cli("meeting", "add", "--date", "2024-05-02", "--locality", "01960", "--kind",
           "unscheduled", "--body", "government"))
    ok(cli("meeting", "add", "--date", "2023-05-02", "--locality", "01864", "--kind",
           "regular", "--body", "government"))
    listed = json.loads(ok(cli("meeting", "list", "--year", "2024", "--locality", "Ba Bể",
                               "--format", "json")))
    assert [m["ref"] for m in listed] == ["M2024-00001", "M2024-00002"]
    assert listed[1] == {
        "ref": "M2024-00002", "date": "2024-04-02", "locality": "01864-01",
        "locality_name": "Thôn Nà Mòn", "kind": "regular", "body": "party",
        "host": "Nông Văn Dũng", "host_title": "", "place": "", "citizens": 0,
        "delegations": 0, "note": "",
    }
    rows = csv_rows(ok(cli("meeting", "list", "--body", "government", "--format", "csv")))
    assert [r["ref"] for r in rows] == ["M2023-00001", "M2024-00001", "M2024-00003"]
    assert ok(cli("meeting", "list", "--format", "csv")).splitlines()[0] == (
        "ref,date,locality,locality_name,kind,body,host,host_title,place,citizens,"
        "delegations,note")
    assert cells(ok(cli("meeting", "list", "--locality", "chợ đồn"))) == [
        ["ref", "date", "locality", "kind", "body", "host", "citizens", "delegations"],
        ["M2024-00003", "2024-05-02", "Xã Trần Phú", "unscheduled", "government", "0", "0"],
    ]


def test_meeting_list_and_show_failures(cli, tree) -> None:
    ok(add_meeting(cli))
    fails(cli("meeting", "show", "M2024-00009"), 1,
          "Error: no meeting with ref 'M2024-00009'\n")
    fails(cli("meeting", "list", "--body", "army"), 3)
    assert "--year" in fails(cli("meeting", "list", "--year", "1800"), 2)
    fails(cli("meeting", "list", "--locality", "tran phu"), 1)


# --- dialogue ------------------------------------------------------------------------------


def test_dialogue_add_and_show(cli, tree) -> None:
    ok(add_petition(cli))
    result = cli("dialogue", "add", "--date", "02/05/2024", "--locality", "cao thuong",
                 "--body", "chính quyền", "--leader", "Nguyễn Văn An", "--leader-title",
                 "Chủ tịch", "--citizens", "12", "--topic", "Đất rừng", "--outcome",
                 "Thống nhất phương án", "--petition", "P2024-00001")
    assert ok(result) == ""
    assert result.stderr == "Recorded dialogue D2024-00001\n"
    assert json.loads(ok(cli("dialogue", "show", "D2024-00001", "--format", "json"))) == {
        "ref": "D2024-00001", "date": "2024-05-02", "locality": "01864",
        "locality_name": "Xã Cao Thượng", "body": "government", "leader": "Nguyễn Văn An",
        "leader_title": "Chủ tịch", "citizens": 12, "topic": "Đất rừng",
        "outcome": "Thống nhất phương án", "petition": "P2024-00001", "history": [],
    }


def test_dialogue_failures(cli, tree) -> None:
    fails(cli("dialogue", "add", "--date", "2024-05-02", "--locality", "01864", "--body",
              "party", "--petition", "P2024-00009"), 1,
          "Error: petition: no petition with ref 'P2024-00009'\n")
    assert "Missing option '--body'" in fails(
        cli("dialogue", "add", "--date", "2024-05-02", "--locality", "01864"), 2)
    fails(cli("dialogue", "add", "--date", "2024/05/02", "--locality", "01864", "--body",
              "party"), 3,
          "Error: invalid date '2024/05/02': expected YYYY-MM-DD or DD/MM/YYYY\n")
    fails(cli("dialogue", "show", "D2024-00042"), 1,
          "Error: no dialogue with ref 'D2024-00042'\n")


def test_dialogue_list_filters(cli, tree) -> None:
    for date, locality, body in (("2024-05-02", "01864", "government"),
                                 ("2024-06-01", "01960", "party"),
                                 ("2023-06-01", "01864-01", "party")):
        ok(cli("dialogue", "add", "--date", date, "--locality", locality, "--body", body,
               "--topic", f"Chủ đề {date}"))
    listed = json.loads(ok(cli("dialogue", "list", "--body", "Đảng", "--format", "json")))
    assert [d["ref"] for d in listed] == ["D2023-00001", "D2024-00002"]
    assert listed[0]["locality_name"] == "Thôn Nà Mòn"
    rows = csv_rows(ok(cli("dialogue", "list", "--year", "2024", "--locality", "Ba Bể",
                           "--format", "csv")))
    assert rows == [{"ref": "D2024-00001", "date": "2024-05-02", "locality": "01864",
                     "locality_name": "Xã Cao Thượng", "body": "government", "leader": "",
                     "leader_title": "", "citizens": "0", "topic": "Chủ đề 2024-05-02",
                     "outcome": "", "petition": ""}]
    assert cells(ok(cli("dialogue", "list", "--year", "2023"))) == [
        ["ref", "date", "locality", "body", "leader", "citizens", "topic", "petition"],
        ["D2023-00001", "2023-06-01", "Thôn Nà Mòn", "party", "0", "Chủ đề 2023-06-01"],
    ]


# --- petition add --------------------------------------------------------------------------


def test_petition_add_echoes_the_ref_and_deadline(cli, tree) -> None:
    result = add_petition(cli, "--petitioner", "Hoàng Văn Sơn", "--phone", "84912345678",
                          "--id-number", "001.234.567.890", kind="khiếu nại",
                          received_on="01/03/2024", locality="cao thuong")
    assert ok(result) == ""
    assert result.stderr == "Recorded petition P2024-00001 (due 2024-03-31)\n"
    result = add_petition(cli, "--complex", "--remote", "--channel", "trực tuyến")
    assert result.stderr == "Recorded petition P2024-00002 (due 2024-04-30)\n"
    result = add_petition(cli, kind="kiến nghị", received_on="2024-03-02")
    assert result.stderr == "Recorded petition P2024-00003 (due 2024-03-15)\n"
    shown = json.loads(ok(cli("petition", "show", "P2024-00001", "--format", "json")))
    assert (shown["kind"], shown["phone"], shown["id_number"]) == (
        "complaint", "0912345678", "001234567890")
    second = json.loads(ok(cli("petition", "show", "P2024-00002", "--format", "json")))
    assert (second["channel"], second["complex"], second["remote"]) == ("online", True, True)


def test_petition_show_json_field_by_field(cli, tree) -> None:
    ok(cli("meeting", "add", "--date", "2024-03-01", "--locality", "061", "--kind",
           "regular", "--body", "government"))
    ok(add_petition(cli))
    ok(add_petition(cli, "--petitioner", "Hoàng Văn Sơn", "--address", "Thôn Nà Mòn",
                    "--signatories", "3", "--meeting", "M2024-00001", "--duplicate-of",
                    "P2024-00001", "--accepted-on", "2024-03-04", "--channel", "mail",
                    received_on="2024-03-02"))
    shown = json.loads(ok(cli("petition", "show", "P2024-00002", "--format", "json")))
    history = shown.pop("history")
    assert shown == {
        "ref": "P2024-00002", "kind": "complaint", "received_on": "2024-03-02",
        "locality": "01864", "locality_name": "Xã Cao Thượng", "channel": "mail",
        "petitioner": "Hoàng Văn Sơn", "id_number": "", "phone": "",
        "address": "Thôn Nà Mòn", "signatories": 3, "subject": "Đền bù đất",
        "meeting": "M2024-00001", "competence": "own", "accepted_on": "2024-03-04",
        "complex": False, "remote": False, "duplicate_of": "P2024-00001",
        "due_on": "2024-04-03", **REGISTER_DEFAULTS, "closed_on": None, "outcome": None,
        "verdict": None, "note": "", "status": "overdue",
    }
    [created] = history
    assert set(created) == {"at", "operator", "action", "changes"}
    assert (created["operator"], created["action"]) == ("tester", "created")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created["at"])
    assert created["changes"]["duplicate_of"] == "P2024-00001"
    assert created["changes"]["due_on"] == "2024-04-03"


def test_petition_add_missing_required_options_exit_2(cli, tree) -> None:
    stderr = fails(cli("petition", "add", "--kind", "complaint", "--received-on",
                       "2024-03-01", "--locality", "01864"), 2)
    assert stderr.endswith("Error: Missing option '--subject'.\n")
    assert "Usage: dantrack petition add" in stderr
    assert "Missing option '--kind'" in fails(cli("petition", "add"), 2)


def test_petition_add_prompts_for_what_is_missing_on_a_terminal(cli, tree, monkeypatch) -> None:
    from types import SimpleNamespace

    from dantrack.cli import common

    terminal = SimpleNamespace(isatty=lambda: True)
    monkeypatch.setattr(common, "sys", SimpleNamespace(stdin=terminal, stdout=terminal))
    result = cli("petition", "add", "--kind", "complaint", "--locality", "01864",
                 input="\nĐất rừng\n")  # received on: accept today's default; subject
    assert result.exit_code == 0, result.stderr
    assert result.stderr.endswith("Recorded petition P2024-00001 (due 2025-01-30)\n")
    shown = json.loads(ok(cli("petition", "show", "P2024-00001", "--format", "json")))
    assert (shown["received_on"], shown["subject"]) == ("2024-12-31", "Đất rừng")


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (("--phone", "12345"), 3, "Error: invalid phone '12345': expected a 10-digit mobile "
         "(03/05/07/08/09…) or an 11-digit landline (02…)\n"),
        (("--id-number", "12345"), 3, "Error: invalid id_number '12345': expected 12 digits "
         "(citizen ID) or 9 digits (legacy ID)\n"),
        (("--accepted-on", "2024-02-28"), 3,
         "Error: invalid accepted_on '2024-02-28': before received_on 2024-03-01\n"),
        (("--signatories", "0"), 3,
         "Error: invalid signatories 0: Input should be greater than or equal to 1\n"),
        (("--duplicate-of", "P2024-00042"), 1,
         "Error: duplicate_of: no petition with ref 'P2024-00042'\n"),
        (("--meeting", "M2024-00042"), 1,
         "Error: meeting: no meeting with ref 'M2024-00042'\n"),
        (("--locality", "tran phu"), 1, None),
        (("--locality", "Hà Nội"), 1, "Error: no locality with code or name 'Hà Nội'\n"),
    ],
)
def test_petition_add_failures(cli, tree, extra, code: int, message: str | None) -> None:
    fails(add_petition(cli, *extra), code, message)
    # nothing was written
    assert json.loads(ok(cli("petition", "list", "--format", "json"))) == []


def test_petition_add_rejects_an_unknown_kind(cli, tree) -> None:
    fails(add_petition(cli, kind="grievance"), 3,
          "Error: invalid kind 'grievance': must be one of "
          "complaint (khiếu nại), denunciation (tố cáo), "
          "recommendation (kiến nghị), reflection (phản ánh)\n")


def test_petition_add_refuses_a_taken_ref(cli, tree) -> None:
    ok(add_petition(cli, "--ref", "P2024-00005"))
    fails(add_petition(cli, "--ref", "P2024-00005"), 1,
          "Error: petition P2024-00005 exists already\n")
    assert add_petition(cli).stderr == "Recorded petition P2024-00006 (due 2024-03-31)\n"


# --- petition edit -------------------------------------------------------------------------


def test_petition_edit(cli, tree) -> None:
    ok(add_petition(cli))
    result = cli("petition", "edit", "P2024-00001", "--complex", "--subject",
                 "Tranh chấp đất rừng")
    assert ok(result) == ""
    assert result.stderr == "Edited petition P2024-00001: subject, complex\n"
    shown = json.loads(ok(cli("petition", "show", "P2024-00001", "--format", "json")))
    assert (shown["subject"], shown["complex"], shown["due_on"]) == (
        "Tranh chấp đất rừng", True, "2024-04-15")
    assert shown["history"][-1]["action"] == "edited"
    assert shown["history"][-1]["operator"] == "tester"
    assert shown["history"][-1]["changes"] == {
        "complex": [False, True], "subject": ["Đền bù đất", "Tranh chấp đất rừng"]}
    result = cli("petition", "edit", "P2024-00001", "--not-complex")
    assert result.stderr == "Edited petition P2024-00001: complex\n"
    result = cli("petition", "edit", "P2024-00001", "--locality", "Xã Cao Thượng")
    assert result.stderr == (
        "Petition P2024-00001 unchanged: the values given are the current ones\n")


def test_petition_edit_failures(cli, tree) -> None:
    ok(add_petition(cli))
    fails(cli("petition", "edit", "P2024-99999", "--subject", "x"), 1,
          "Error: no petition with ref 'P2024-99999'\n")
    fails(cli("petition", "edit", "P2024-00001"), 1,
          "Error: nothing to change: give at least one field to edit\n")
    fails(cli("petition", "edit", "P2024-00001", "--received-on", "hôm qua"), 3,
          "Error: invalid received_on 'hôm qua': expected YYYY-MM-DD or DD/MM/YYYY\n")
    fails(cli("petition", "edit", "P2024-00001", "--duplicate-of", "P2024-00001"), 1,
          "Error: duplicate_of: a petition cannot duplicate itself\n")
    fails(cli("petition", "edit", "P2024-00001", "--signatories", "x"), 2)


# --- petition close and reopen -------------------------------------------------------------


def test_petition_close_and_reopen(cli, tree) -> None:
    ok(add_petition(cli))
    result = cli("petition", "close", "P2024-00001", "--outcome", "resolved", "--verdict",
                 "đúng một phần", "--on", "20/03/2024", "--note", "QĐ 12")
    assert ok(result) == ""
    assert result.stderr == "Closed petition P2024-00001: resolved on 2024-03-20\n"
    shown = json.loads(ok(cli("petition", "show", "P2024-00001", "--format", "json")))
    assert (shown["status"], shown["closed_on"], shown["outcome"], shown["verdict"],
            shown["note"]) == ("closed", "2024-03-20", "resolved", "partly_upheld", "QĐ 12")
    result = cli("petition", "reopen", "P2024-00001", "--reason", "Quyết định bị hủy")
    assert ok(result) == ""
    assert result.stderr == "Reopened petition P2024-00001\n"
    shown = json.loads(ok(cli("petition", "show", "P2024-00001", "--format", "json")))
    assert (shown["status"], shown["closed_on"], shown["outcome"], shown["verdict"]) == (
        "overdue", None, None, None)
    assert [(e["action"], e["operator"]) for e in shown["history"]] == [
        ("created", "tester"), ("closed", "tester"), ("reopened", "tester")]
    assert shown["history"][-1]["changes"]["reason"] == "Quyết định bị hủy"


def test_petition_close_defaults_to_today(cli, tree) -> None:
    ok(add_petition(cli))
    result = cli("petition", "close", "P2024-00001", "--outcome", "rút đơn")
    assert result.stderr == "Closed petition P2024-00001: withdrawn on 2024-12-31\n"


def test_petition_close_guided_sets_competence_other(cli, tree) -> None:
    ok(add_petition(cli))
    ok(cli("petition", "close", "P2024-00001", "--outcome", "guided", "--on", "2024-03-02"))
    shown = json.loads(ok(cli("petition", "show", "P2024-00001", "--format", "json")))
    assert (shown["competence"], shown["outcome"]) == ("other", "guided")


def test_petition_close_failures(cli, tree) -> None:
    ok(add_petition(cli))
    fails(cli("petition", "close", "P2024-99999", "--outcome", "resolved"), 1,
          "Error: no petition with ref 'P2024-99999'\n")
    fails(cli("petition", "close", "P2024-00001", "--outcome", "resolved", "--on",
              "29/02/2024"), 3,
          "Error: invalid closed_on '2024-02-29': before received_on 2024-03-01\n")
    fails(cli("petition", "close", "P2024-00001", "--outcome", "resolved", "--verdict",
              "founded", "--on", "2024-03-20"), 1,
          "Error: verdict founded does not fit a complaint "
          "(allowed: partly_upheld, rejected, upheld)\n")
    assert "Missing option '--outcome'" in fails(cli("petition", "close", "P2024-00001"), 2)
    ok(cli("petition", "close", "P2024-00001", "--outcome", "resolved", "--on", "2024-03-20"))
    fails(cli("petition", "close", "P2024-00001", "--outcome", "resolved"), 1,
          "Error: petition P2024-00001 is already closed (resolved on 2024-03-20); "
          "reopen it first\n")


def test_petition_reopen_failures(cli, tree) -> None:
    ok(add_petition(cli))
    fails(cli("petition", "reopen", "P2024-00001", "--reason", "again"), 1,
          "Error: petition P2024-00001 is open; only a closed petition can be reopened\n")
    fails(cli("petition", "reopen", "P2024-99999", "--reason", "again"), 1,
          "Error: no petition with ref 'P2024-99999'\n")
    assert "Missing option '--reason'" in fails(cli("petition", "reopen", "P2024-00001"), 2)


# --- petition show and list ----------------------------------------------------------------


def test_petition_show_table_and_csv(cli, tree) -> None:
    ok(add_petition(cli, "--petitioner", "Hoàng Văn Sơn"))
    table = ok(cli("petition", "show", "P2024-00001"))
    record, history = table.split("\n\n")
    rows = cells(record)
    assert rows[0] == ["field", "value"]
    assert ["ref", "P2024-00001"] in rows
    assert ["petitioner", "Hoàng Văn Sơn"] in rows
    assert ["due_on", "2024-03-31"] in rows
    assert ["status", "overdue"] in rows
    history_rows = cells(history)
    assert history_rows[:2] == [["history"], ["at", "operator", "action", "changes"]]
    assert history_rows[2][1:3] == ["tester", "created"]
    out = ok(cli("petition", "show", "P2024-00001", "--format", "csv"))
    [row] = csv_rows(out)
    assert out.splitlines()[0] == PETITION_CSV_HEADER
    assert (row["ref"], row["petitioner"], row["complex"], row["closed_on"]) == (
        "P2024-00001", "Hoàng Văn Sơn", "false", "")


def test_petition_show_unknown(cli, tree) -> None:
    ok(add_petition(cli))
    fails(cli("petition", "show", "P2024-99999"), 1,
          "Error: no petition with ref 'P2024-99999'\n")


# The register's columns (revision 0004) and their defaults.
REGISTER_COLUMNS = (
    "field,prior,round,forwarded_to,reply_on,recovered_money,recovered_land,returned_money,"
    "returned_land,returned_orgs,returned_people,disciplined,disciplined_officials,"
    "prosecuted_cases,prosecuted_people"
)
REGISTER_DEFAULTS = {"field": "other", "prior": "none", "round": 1, "forwarded_to": "",
                     "reply_on": None, "recovered_money": 0.0, "recovered_land": 0.0,
                     "returned_money": 0.0, "returned_land": 0.0, "returned_orgs": 0,
                     "returned_people": 0, "disciplined": 0, "disciplined_officials": 0,
                     "prosecuted_cases": 0, "prosecuted_people": 0}
PETITION_CSV_HEADER = (
    "ref,kind,received_on,locality,locality_name,channel,petitioner,id_number,phone,address,"
    "signatories,subject,meeting,competence,accepted_on,complex,remote,duplicate_of,due_on,"
    f"{REGISTER_COLUMNS},closed_on,outcome,verdict,note,status"
)


@pytest.fixture
def petitions(cli, tree):  # type: ignore[no-untyped-def]
    ok(add_petition(cli, "--petitioner", "Hoàng Văn Sơn"))  # P2024-00001, overdue
    ok(add_denunciation(cli))  # P2024-00002, overdue
    ok(add_petition(cli, kind="phản ánh", received_on="2024-12-20", locality="01960",
                    subject="Đèn đường hỏng"))  # P2024-00003, due 2025-01-03
    ok(add_petition(cli, received_on="2023-05-05", subject="Ô nhiễm"))  # P2023-00001
    ok(cli("petition", "close", "P2023-00001", "--outcome", "resolved", "--on", "2023-06-01"))
    return cli


def test_petition_list_table(petitions) -> None:
    result = petitions("petition", "list")
    assert cells(ok(result)) == [
        ["ref", "kind", "received_on", "locality", "petitioner", "subject", "due_on", "status",
         "outcome"],
        ["P2023-00001", "complaint", "2023-05-05", "Xã Cao Thượng", "Ô nhiễm",
         "2023-06-04", "closed", "resolved"],
        ["P2024-00001", "complaint", "2024-03-01", "Xã Cao Thượng", "Hoàng Văn Sơn",
         "Đền bù đất", "2024-03-31", "overdue"],
        ["P2024-00002", "denunciation", "2024-03-01", "Xã Cao Thượng", "***",
         "Sai phạm đất đai", "2024-03-31", "overdue"],
        ["P2024-00003", "reflection", "2024-12-20", "Xã Trần Phú", "Đèn đường hỏng",
         "2025-01-06", "open"],
    ]
    assert result.stderr == ""


def test_petition_list_csv_has_a_header_and_masks(petitions) -> None:
    out = ok(petitions("petition", "list", "--format", "csv"))
    assert out.splitlines()[0] == PETITION_CSV_HEADER
    rows = {r["ref"]: r for r in csv_rows(out)}
    assert list(rows) == ["P2023-00001", "P2024-00001", "P2024-00002", "P2024-00003"]
    assert [rows["P2024-00002"][f] for f in ("petitioner", "id_number", "phone", "address")] \
        == ["***"] * 4
    assert rows["P2024-00001"]["petitioner"] == "Hoàng Văn Sơn"
    assert "Lý Thị Mai" not in out and "0912345678" not in out


@pytest.mark.parametrize(
    ("group", "header"),
    [
        ("petition", PETITION_CSV_HEADER),
        ("meeting", "ref,date,locality,locality_name,kind,body,host,host_title,place,"
         "citizens,delegations,note"),
    ],
)
def test_an_empty_csv_list_still_has_its_header(cli, tree, group: str, header: str) -> None:
    assert ok(cli(group, "list", "--format", "csv")) == header + "\n"


def test_an_empty_json_list_is_an_empty_array(cli, tree) -> None:
    assert ok(cli("petition", "list", "--format", "json")) == "[]\n"
    assert ok(cli("meeting", "list", "--year", "2024", "--format", "json")) == "[]\n"


def test_petition_list_json(petitions) -> None:
    listed = json.loads(ok(petitions("petition", "list", "--kind", "tố cáo", "--format",
                                     "json")))
    assert listed == [{
        "ref": "P2024-00002", "kind": "denunciation", "received_on": "2024-03-01",
        "locality": "01864", "locality_name": "Xã Cao Thượng", "channel": "in_person",
        "petitioner": "***", "id_number": "***", "phone": "***", "address": "***",
        "signatories": 1, "subject": "Sai phạm đất đai", "meeting": None, "competence": "own",
        "accepted_on": "2024-03-01", "complex": False, "remote": False, "duplicate_of": None,
        "due_on": "2024-03-31", **REGISTER_DEFAULTS, "closed_on": None, "outcome": None,
        "verdict": None, "note": "", "status": "overdue", "history": None,
    }]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--year", "2023"), ["P2023-00001"]),
        (("--year", "2024", "--locality", "Ba Bể"), ["P2024-00001", "P2024-00002"]),
        (("--locality", "Chợ Đồn"), ["P2024-00003"]),
        (("--kind", "khieu nai"), ["P2023-00001", "P2024-00001"]),
        (("--status", "closed"), ["P2023-00001"]),
        (("--status", "open"), ["P2024-00001", "P2024-00002", "P2024-00003"]),
        (("--status", "overdue"), ["P2024-00001", "P2024-00002"]),
        (("--search", "DEN DUONG"), ["P2024-00003"]),
        (("--search", "hoàng văn"), ["P2024-00001"]),
        (("--search", "ly thi mai"), []),
        (("-s", "đất", "--status", "overdue"), ["P2024-00001", "P2024-00002"]),
    ],
)
def test_petition_list_filters(petitions, args: tuple[str, ...], expected: list[str]) -> None:
    rows = csv_rows(ok(petitions("petition", "list", *args, "--format", "csv")))
    assert [r["ref"] for r in rows] == expected


def test_overdue_follows_the_pinned_day(petitions, monkeypatch) -> None:
    # P2024-00003 (a reflection of Friday 2024-12-20) is due on 2025-01-06: 1 January is a
    # public holiday.
    monkeypatch.setenv("DANTRACK_TODAY", "2025-01-07")
    rows = csv_rows(ok(petitions("petition", "list", "--status", "overdue", "-f", "csv")))
    assert [r["ref"] for r in rows] == ["P2024-00001", "P2024-00002", "P2024-00003"]


def test_petition_list_failures(petitions) -> None:
    assert "Invalid value for '--status'" in fails(
        petitions("petition", "list", "--status", "late"), 2)
    fails(petitions("petition", "list", "--kind", "grievance"), 3)
    fails(petitions("petition", "list", "--locality", "tran phu"), 1)


# --- confidentiality -----------------------------------------------------------------------


IDENTITY = ("Lý Thị Mai", "001234567890", "0912345678", "Thôn Nà Mòn")


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_a_denouncer_is_masked_in_every_format(cli, tree, fmt: str) -> None:
    ok(add_denunciation(cli))
    for command in (("petition", "list"), ("petition", "show", "P2024-00001")):
        out = ok(cli(*command, "--format", fmt))
        assert "***" in out
        for secret in IDENTITY:
            assert secret not in out
    shown = json.loads(ok(cli("petition", "show", "P2024-00001", "--format", "json")))
    assert [e["action"] for e in shown["history"]] == ["created"]


def test_masked_show_table(cli, tree) -> None:
    ok(add_denunciation(cli))
    record = ok(cli("petition", "show", "P2024-00001")).split("\n\n")[0]
    rows = cells(record)
    for field in ("petitioner", "id_number", "phone", "address"):
        assert [field, "***"] in rows


def test_reveal_shows_the_identity_and_is_recorded(cli, tree) -> None:
    ok(add_denunciation(cli))
    shown = json.loads(ok(cli("petition", "show", "P2024-00001", "--reveal", "-f", "json")))
    assert (shown["petitioner"], shown["id_number"], shown["phone"], shown["address"]) == IDENTITY
    assert [(e["action"], e["operator"]) for e in shown["history"]] == [
        ("created", "tester"), ("revealed", "tester")]
    assert shown["history"][0]["changes"]["petitioner"] == "Lý Thị Mai"

    out = ok(cli("petition", "list", "--reveal", "--format", "csv"))
    assert csv_rows(out)[0]["petitioner"] == "Lý Thị Mai"
    assert "Lý Thị Mai" in ok(cli("petition", "list", "--reveal"))
    assert [r["ref"] for r in csv_rows(ok(cli("petition", "list", "--search", "ly thi mai",
                                              "--reveal", "-f", "csv")))] == ["P2024-00001"]

    # every reveal is in the history, which a masked show still lists
    masked = json.loads(ok(cli("petition", "show", "P2024-00001", "--format", "json")))
    assert masked["petitioner"] == "***"
    assert [(e["action"], e["operator"]) for e in masked["history"]] == [
        ("created", "tester"), ("revealed", "tester"), ("revealed", "tester"),
        ("revealed", "tester"), ("revealed", "tester")]
    assert masked["history"][0]["changes"]["petitioner"] == "***"


def test_reveal_on_a_complaint_records_nothing(cli, tree) -> None:
    ok(add_petition(cli, "--petitioner", "Hoàng Văn Sơn"))
    ok(cli("petition", "show", "P2024-00001", "--reveal"))
    shown = json.loads(ok(cli("petition", "show", "P2024-00001", "--format", "json")))
    assert [e["action"] for e in shown["history"]] == ["created"]


def test_an_edit_of_a_denouncer_does_not_echo_the_identity(cli, tree) -> None:
    ok(add_denunciation(cli))
    result = cli("petition", "edit", "P2024-00001", "--phone", "0987654321")
    assert result.stderr == "Edited petition P2024-00001: phone\n"
    shown = json.loads(ok(cli("petition", "show", "P2024-00001", "--format", "json")))
    assert shown["history"][-1]["changes"] == {"phone": ["***", "***"]}
