"""Import and export (issue 4): formats, strictness, all-or-nothing, idempotency, round trips."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from dantrack.readers import guard_cell, unguard_cell
from dantrack.services.meetings import add_dialogue, add_meeting
from dantrack.services.petitions import add_petition, close_petition

KINDS_IN_ORDER = ("localities", "meetings", "petitions", "dialogues")
SECRET = "Hà Thị Bí Mật"


@pytest.fixture(autouse=True, params=["inline", "checking process"])
def import_mode(request, monkeypatch):  # type: ignore[no-untyped-def]
    """Every import here runs both ways: rows checked in this process, and (as files past
    worker.MIN_BYTES are) in a forked checking process while this one writes."""
    from dantrack.importing import worker

    forked = request.param == "checking process"
    monkeypatch.setattr(worker, "MIN_BYTES", 0 if forked else 1 << 62)
    monkeypatch.setattr(worker, "can_fork", lambda: forked)
    return request.param


def dump(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    lines = list(connection.iterdump())
    connection.close()
    return lines


@pytest.fixture
def filled(db, tree):  # type: ignore[no-untyped-def]
    """The conftest tree plus meetings, dialogues and petitions of every shape."""
    with db.session() as s:
        add_meeting(s, date="2024-03-01", locality="01864", kind="periodic", body="government",
                    host="Nông Văn Sơn", host_title="Chủ tịch", citizens=3, delegations=1,
                    note="=1+2 looks like a formula")
        add_petition(s, kind="complaint", received_on="2024-03-01", locality="01864",
                     petitioner="Lý Văn Tài", phone="0912345678", subject="Đền bù",
                     meeting="M2024-00001", complex=True)
        add_petition(s, kind="denunciation", received_on="2024-03-02", locality="01966",
                     petitioner=SECRET, id_number="006090001234", phone="0987654321",
                     address="Thôn Nà Mòn", subject="-5 triệu tiền hỗ trợ")
        add_petition(s, kind="complaint", received_on="2024-04-01", locality="01864",
                     petitioner="Lý Văn Tài", subject="Đền bù", duplicate_of="P2024-00001")
        add_petition(s, kind="reflection", received_on="2023-12-29", locality="064",
                     subject="'@mention and a quote")
        close_petition(s, "P2024-00001", outcome="resolved", verdict="partly_upheld",
                       closed_on="2024-04-20", note="QĐ 12")
        close_petition(s, "P2023-00001", outcome="guided", closed_on="2024-01-03")
        add_dialogue(s, date="2024-05-02", locality="064", body="party", leader="Hoàng Văn A",
                     citizens=12, topic="Đất rừng", outcome="Thống nhất", petition="P2024-00001")
    return db


def export(cli, kind: str, fmt: str, *extra: str) -> str:  # type: ignore[no-untyped-def]
    result = cli("export", kind, "--format", fmt, *extra)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_export_import_export_is_identical(filled, cli, tmp_path: Path, fmt: str,  # type: ignore[no-untyped-def]
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    first = {kind: export(cli, kind, fmt, "--reveal") for kind in KINDS_IN_ORDER}
    report = cli("report", "--year", "2024", "--format", "json").stdout
    monkeypatch.setenv("DANTRACK_DB", str(tmp_path / "other.sqlite"))
    for kind in KINDS_IN_ORDER:
        path = write(tmp_path / f"{kind}.{fmt}", first[kind])
        result = cli("import", kind, str(path))
        assert result.exit_code == 0, result.stderr
    for kind in KINDS_IN_ORDER:
        assert export(cli, kind, fmt, "--reveal") == first[kind], kind
    assert cli("report", "--year", "2024", "--format", "json").stdout == report


def test_export_columns_are_the_import_columns(filled, cli) -> None:  # type: ignore[no-untyped-def]
    header = export(cli, "petitions", "csv").splitlines()[0]
    assert header == ("ref,kind,received_on,locality,channel,petitioner,id_number,phone,address,"
                      "signatories,subject,meeting,competence,accepted_on,complex,remote,"
                      "duplicate_of,field,prior,round,forwarded_to,reply_on,recovered_money,"
                      "recovered_land,returned_money,returned_land,returned_orgs,"
                      "returned_people,disciplined,disciplined_officials,prosecuted_cases,"
                      "prosecuted_people,extensions,extended_days,suspended_on,"
                      "suspended_days,closed_on,outcome,verdict,note")
    assert export(cli, "localities", "csv").splitlines()[0] == (
        "code,name,level,parent,valid_from,valid_to,successors")
    rows = json.loads(export(cli, "petitions", "json"))
    assert rows[0]["ref"] == "P2024-00001" and rows[0]["complex"] is True
    assert rows[0]["verdict"] == "partly_upheld" and rows[0]["closed_on"] == "2024-04-20"
    assert rows[3]["competence"] == "other" and rows[3]["outcome"] == "guided"


def test_export_masks_denouncers_unless_revealed(filled, cli) -> None:  # type: ignore[no-untyped-def]
    for fmt in ("csv", "json", "jsonl"):
        masked = export(cli, "petitions", fmt)
        assert SECRET not in masked and "006090001234" not in masked and "0987654321" not in masked
        assert "***" in masked
    revealed = export(cli, "petitions", "csv", "--reveal")
    assert SECRET in revealed
    show = json.loads(cli("petition", "show", "P2024-00002", "--format", "json").stdout)
    assert [e["action"] for e in show["history"]] == ["created", "revealed"]
    assert show["history"][-1]["operator"] == "tester"


def test_export_filters(filled, cli) -> None:  # type: ignore[no-untyped-def]
    refs = [row["ref"] for row in json.loads(export(cli, "petitions", "json", "--year", "2023"))]
    assert refs == ["P2023-00001"]
    refs = [row["ref"] for row in json.loads(export(cli, "petitions", "json", "--locality",
                                                        "Chợ Đồn"))]
    assert refs == ["P2024-00002", "P2023-00001"]


def test_spreadsheet_formulas_are_neutralised_and_restored(filled, cli) -> None:  # type: ignore[no-untyped-def]
    text = export(cli, "petitions", "csv", "--reveal")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'-5 triệu tiền hỗ trợ" in cells
    assert "''@mention and a quote" in cells
    meetings = export(cli, "meetings", "csv")
    assert "'=1+2 looks like a formula" in meetings
    for value in ("=SUM(A1)", "+84", "-1", "@x", "\tx", "\rx", "'=x", "''+y", "'plain", "ok",
                  "＝SUM(A1)", "＋84", "－1", "＠x", "'＝x", "''＋y", "﹣1", "−1"):
        assert unguard_cell(guard_cell(value)) == value
        assert guard_cell(value)[:1] not in ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def test_second_import_changes_nothing(filled, cli, tmp_path: Path, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "p.csv", export(cli, "petitions", "csv", "--reveal"))
    before = dump(db_path)
    # A revealed file names a denouncer: comparing it with what is stored needs --reveal.
    refused = cli("import", "petitions", str(path))
    assert refused.exit_code == 3
    assert "P2024-00002" in refused.stderr and "--reveal" in refused.stderr
    assert SECRET not in refused.stderr and dump(db_path) == before
    result = cli("import", "petitions", str(path), "--reveal")
    assert result.exit_code == 0
    assert result.stderr.strip() == (
        f"Imported petitions from {path}: 0 inserted, 0 updated, 4 unchanged, 0 skipped")
    # nothing changed but the record of the reveal
    def unrevealed(lines: list[str]) -> list[str]:
        return [line for line in lines if "'revealed'" not in line]

    assert unrevealed(dump(db_path)) == unrevealed(before)
    assert len(dump(db_path)) == len(before) + 1  # one more revealed entry
    show = json.loads(cli("petition", "show", "P2024-00002", "--format", "json").stdout)
    assert show["history"][-1]["action"] == "revealed"
    assert show["history"][-1]["changes"] == {"by": "import"}


PETITIONS = ("ref,kind,received_on,locality,petitioner,subject\n"
             "X-1,khiếu nại,01/03/2024,01864,Lý Văn Tài,Đền bù\n"
             "X-2,to cao,2024-03-02,Xã Quảng Bạch,,Hối lộ\n")


def test_import_petitions_with_vietnamese_words_and_summary_json(tree, cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "p.csv", PETITIONS)
    result = cli("import", "petitions", str(path), "--summary", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "kind": "petitions", "source": str(path), "rows": 2, "inserted": 2, "updated": 0,
        "unchanged": 0, "skipped": 0, "without_ref": 0, "dry_run": False}
    shown = json.loads(cli("petition", "show", "X-1", "--format", "json").stdout)
    assert (shown["kind"], shown["received_on"], shown["due_on"]) == \
        ("complaint", "2024-03-01", "2024-03-31")
    assert [e["action"] for e in shown["history"]] == ["created"]
    assert shown["history"][0]["changes"] == {"source": "import", "file": "p.csv"}


def test_bom_and_ignore_extra(tree, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "ref,kind,received_on,locality,subject,colour\nX-1,complaint,2024-03-01,01864,a,red\n"
    path = tmp_path / "p.csv"
    path.write_bytes("\ufeff".encode() + text.encode())
    refused = cli("import", "petitions", str(path))
    assert refused.exit_code == 3
    assert "unknown columns: colour" in refused.stderr
    accepted = cli("import", "petitions", str(path), "--ignore-extra")
    assert accepted.exit_code == 0, accepted.stderr
    assert "1 inserted" in accepted.stderr


def test_rows_without_ref_get_new_refs(tree, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "p.jsonl", '{"kind": "complaint", "received_on": "2024-05-01", '
                 '"locality": "01864"}\n\n{"kind": "reflection", "received_on": "2023-05-02", '
                 '"locality": "01864"}\n')
    result = cli("import", "petitions", str(path))
    assert result.exit_code == 0, result.stderr
    assert "2 rows without a ref were given new refs" in result.stderr
    listed = [p["ref"] for p in json.loads(cli("petition", "list", "--format", "json").stdout)]
    assert listed == ["P2023-00001", "P2024-00001"]
    added = cli("petition", "add", "--kind", "complaint", "--received-on", "2024-06-01",
                "--locality", "01864", "--subject", "s")
    assert "P2024-00002" in added.stderr


def test_invalid_rows_are_all_reported_and_nothing_is_written(tree, cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                 db_path: Path) -> None:
    before = dump(db_path)
    path = write(tmp_path / "p.csv", "ref,kind,received_on,locality,phone,subject\n"
                 "X-1,complaint,2024-03-01,01864,,ok\n"
                 "X-2,grumble,2024-03-01,01864,,bad kind\n"
                 "X-3,complaint,31/02/2024,01864,,bad date\n"
                 "X-4,complaint,2024-03-01,Hà Nội,,unknown place\n"
                 "X-5,complaint,2024-03-01,01864,12345,bad phone\n")
    result = cli("import", "petitions", str(path))
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"Error: 4 invalid rows in {path}; nothing was imported:"
    assert lines[1].startswith("  line 3, kind 'grumble': must be one of complaint (khiếu nại),")
    assert lines[2] == "  line 4, received_on '31/02/2024': no such day in the calendar"
    assert lines[3] == "  line 5, locality 'Hà Nội': no locality with code or name 'Hà Nội'"
    assert lines[4].startswith("  line 6, phone '12345': expected")
    assert dump(db_path) == before


def test_many_invalid_rows_are_capped(tree, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = "".join(f"X-{i},complaint,not-a-date,01864\n" for i in range(150))
    path = write(tmp_path / "p.csv", "ref,kind,received_on,locality\n" + rows)
    result = cli("import", "petitions", str(path))
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("Error: 150 invalid rows")
    assert len(lines) == 1 + 100 + 1 and lines[-1] == "  and 50 more"


@pytest.mark.parametrize(("text", "message"), [
    ("ref,kind,locality\nX,complaint,01864\n", "missing required columns: received_on"),
    ("ref,kind,kind,received_on,locality\n", "duplicated columns: kind"),
    ("", "is empty: expected a header line"),
    ('ref,kind,received_on,locality,subject\nX,complaint,2024-01-01,01864,"broken\n',
     "line 2: unexpected end of data"),
])
def test_unreadable_csv_files(tree, cli, tmp_path: Path, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "p.csv", text)
    result = cli("import", "petitions", str(path))
    assert result.exit_code == 3
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_utf16_file_is_refused(tree, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "p.csv", "ref,kind,received_on,locality\n", encoding="utf-16")
    result = cli("import", "petitions", str(path))
    assert result.exit_code == 3
    assert "is not UTF-8 text" in result.stderr


@pytest.mark.parametrize(("text", "message"), [
    ('[{"kind": "complaint", "received_on": "2024-01-01", "locality": "01864"}',
     "the JSON array is truncated after item 1"),
    ('{"kind": "complaint"}', "expected a JSON array"),
    ('[{"kind": "complaint", "received_on": "2024-01-01", "locality": "01864"}, 7]',
     "item 2: is a JSON int, expected an object"),
    ('[{"kind": "complaint", "received_on": "2024-01-01", "locality": "01864", "x": 1}]',
     "item 1, x: is not a known column"),
    ('[{"kind": "complaint", "received_on": "2024-01-01", "locality": "01864", '
     '"kind": "reflection"}]', "item 1: repeats the key kind"),
])
def test_bad_json(tree, cli, tmp_path: Path, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "p.json", text)
    result = cli("import", "petitions", str(path))
    assert result.exit_code == 3
    assert message in result.stderr


def test_conflicts_fail_skip_or_update(filled, cli, tmp_path: Path, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = export(cli, "petitions", "csv", "--reveal").replace("Đền bù", "Đền bù đất", 1)
    path = write(tmp_path / "p.csv", text)
    before = dump(db_path)
    # The file names a denouncer (P2024-00002): comparing it needs --reveal, recorded.
    failed = cli("import", "petitions", str(path), "--reveal")
    assert failed.exit_code == 1
    assert "1 rows differ from what is stored under the same ref" in failed.stderr
    assert "line 2: P2024-00001 (subject differ)" in failed.stderr
    assert [line for line in dump(db_path) if "'revealed'" not in line] == \
        [line for line in before if "'revealed'" not in line]
    skipped = cli("import", "petitions", str(path), "--on-conflict", "skip", "--reveal")
    assert "0 inserted, 0 updated, 3 unchanged, 1 skipped" in skipped.stderr
    updated = cli("import", "petitions", str(path), "--on-conflict", "update", "--reveal")
    assert "0 inserted, 1 updated, 3 unchanged, 0 skipped" in updated.stderr
    shown = json.loads(cli("petition", "show", "P2024-00001", "--format", "json").stdout)
    assert shown["subject"] == "Đền bù đất"
    assert shown["history"][-1]["action"] == "edited"
    assert shown["history"][-1]["changes"]["subject"] == ["Đền bù", "Đền bù đất"]


def test_references_to_rows_earlier_in_the_same_file(tree, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    localities = write(tmp_path / "l.csv", "code,name,level,parent\n"
                       "01864-02,Thôn Khuổi Luông,village,01864\n"
                       "01864-02-a,Xóm Trên,xóm,Thôn Khuổi Luông\n")
    assert cli("import", "localities", str(localities)).exit_code == 0
    petitions = write(tmp_path / "p.csv", "ref,kind,received_on,locality,duplicate_of\n"
                      "A,complaint,2024-01-02,xom tren,\n"
                      "B,complaint,2024-01-05,01864-02,A\n"
                      "C,complaint,2024-01-06,01864-02,Z\n")
    failed = cli("import", "petitions", str(petitions))
    assert failed.exit_code == 3
    assert "line 4, duplicate_of 'Z': no petition with this ref" in failed.stderr
    fixed = write(tmp_path / "p2.csv", "\n".join(petitions.read_text().splitlines()[:3]) + "\n")
    result = cli("import", "petitions", str(fixed))
    assert result.exit_code == 0, result.stderr
    shown = json.loads(cli("petition", "show", "B", "--format", "json").stdout)
    assert shown["duplicate_of"] == "A"
    under = json.loads(cli("locality", "list", "--under", "01864", "--format", "json").stdout)
    assert [row["code"] for row in under] == ["01864", "01864-01", "01864-02", "01864-02-a"]


def test_dry_run_writes_nothing(tree, cli, tmp_path: Path, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = dump(db_path)
    path = write(tmp_path / "p.csv", PETITIONS)
    result = cli("import", "petitions", str(path), "--dry-run")
    assert result.exit_code == 0
    assert result.stderr.startswith("Dry run, nothing written — petitions from")
    assert "2 inserted" in result.stderr
    assert dump(db_path) == before


def test_standard_input_needs_a_format(tree, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("import", "petitions", "-", input=PETITIONS)
    assert result.exit_code == 2
    assert "'--format': is required when reading standard input" in result.stderr
    result = cli("import", "petitions", "-", "--format", "csv", input=PETITIONS)
    assert result.exit_code == 0, result.stderr
    assert "from standard input: 2 inserted" in result.stderr


def test_unknown_extension_and_missing_file(tree, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "p.txt", PETITIONS)
    assert cli("import", "petitions", str(path)).exit_code == 2
    missing = cli("import", "petitions", str(tmp_path / "none.csv"))
    assert missing.exit_code == 2
    assert "cannot read" in missing.stderr


def test_closures_close_and_are_idempotent(filled, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "c.csv", "ref,closed_on,outcome,verdict,note\n"
                 "P2024-00002,2024-04-01,resolved,đúng,QĐ 7\n"
                 "P2024-00003,2024-04-02,forwarded,,\n")
    first = cli("import", "closures", str(path))
    assert first.exit_code == 0, first.stderr
    assert "2 inserted" in first.stderr
    second = cli("import", "closures", str(path))
    assert "0 inserted, 0 updated, 2 unchanged" in second.stderr
    shown = json.loads(cli("petition", "show", "P2024-00003", "--format", "json").stdout)
    assert (shown["outcome"], shown["competence"]) == ("forwarded", "other")
    denunciation = json.loads(cli("petition", "show", "P2024-00002", "--format", "json").stdout)
    assert denunciation["verdict"] == "founded"
    wrong = write(tmp_path / "w.csv", "ref,closed_on,outcome,verdict\n"
                  "P2023-00001,2024-05-01,resolved,founded\n"
                  "NOPE,2024-05-01,resolved,\n"
                  "P2024-00003,2023-01-01,resolved,\n")
    result = cli("import", "closures", str(wrong))
    assert result.exit_code == 3
    assert "line 2, verdict 'founded': does not fit a reflection" in result.stderr
    assert "line 3, ref 'NOPE': no petition with this ref" in result.stderr
    assert "line 4" in result.stderr


@pytest.mark.parametrize("kind, outcome, locality, complex_, remote", [
    ("khiếu nại", "resolved", "01966", True, False),
    ("tố cáo", "guided", "Xã Quảng Bạch", False, True),
    ("kiến nghị", "", "01966", False, False),
])
def test_an_imported_petition_is_stored_as_add_and_close_store_it(  # type: ignore[no-untyped-def]
        db, tree, cli, tmp_path: Path, kind: str, outcome: str, locality: str, complex_: bool,
        remote: bool) -> None:
    """Every column of the petition table, written by the bulk path, equals what the services
    write for the same fields (deadline, folded names, competence after guided/forwarded…).
    A locality given by code is checked in the forked process, one given by name here."""
    from sqlalchemy import select

    from dantrack.models import Petition

    fields = dict(kind=kind, received_on="2024-03-01", locality=locality,
                  channel="mail", petitioner="Đặng Thị  Hoà", id_number="006090001234",
                  phone="+84 912 345 678", address="Thôn Nà Mòn", signatories=2,
                  subject="Đất  rừng Ô nhiễm", meeting="M2024-00001", competence="own",
                  accepted_on="04/03/2024", complex=complex_, remote=remote,
                  duplicate_of="ORIGINAL")
    closing = dict(closed_on="2024-04-02", outcome=outcome) if outcome else {}
    with db.session() as s:
        add_meeting(s, date="2024-03-01", locality="01864", kind="periodic", body="government")
        for ref in ("FIRST", "ORIGINAL"):  # so that the original's id is not the meeting's
            add_petition(s, ref=ref, kind="complaint", received_on="2024-02-01", locality="064")
        add_petition(s, ref="BY-ADD", **fields)
        if closing:
            close_petition(s, "BY-ADD", **closing)
    columns = ["ref", *fields, *closing]
    row = ["BY-IMPORT", *fields.values(), *closing.values()]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([columns, row])
    result = cli("import", "petitions", str(write(tmp_path / "p.csv", buffer.getvalue())))
    assert result.exit_code == 0, result.stderr
    with db.session() as s:
        stored = {p.ref: p.model_dump(exclude={"id", "ref"})
                  for p in s.exec(select(Petition)).scalars()}
    assert stored["BY-IMPORT"] == stored["BY-ADD"]
    assert stored["BY-IMPORT"]["petitioner_folded"] == "dang thi hoa"
    assert stored["BY-IMPORT"]["meeting_id"] != stored["BY-IMPORT"]["duplicate_of_id"]


def test_the_checking_process_is_used_for_large_files(  # type: ignore[no-untyped-def]
        tree, cli, tmp_path: Path, import_mode: str, monkeypatch) -> None:
    """The fixture's two modes are what they say: forked, the rows went through worker.run."""
    from dantrack.importing import worker

    used: list[bool] = []
    run = worker.run
    monkeypatch.setattr(worker, "run", lambda *a: used.append(run(*a)) or used[-1])
    result = cli("import", "petitions", str(write(tmp_path / "p.csv", PETITIONS)))
    assert result.exit_code == 0, result.stderr
    assert used == ([True] if import_mode == "checking process" else [])


def test_a_locality_the_model_strips_otherwise_than_python(  # type: ignore[no-untyped-def]
        tree, cli, tmp_path: Path) -> None:
    """"\x1f01864" strips to a code for Python but not for the model: the forked process
    must hand such a row back (to be looked up in the database), not fail on it."""
    path = write(tmp_path / "p.jsonl", json.dumps(
        {"ref": "X-1", "kind": "complaint", "received_on": "2024-03-01",
         "locality": "\x1f01864", "closed_on": "2024-03-05", "outcome": "resolved"}) + "\n")
    result = cli("import", "petitions", str(path))
    assert result.exit_code == 0, result.stderr
    shown = json.loads(cli("petition", "show", "X-1", "--format", "json").stdout)
    assert (shown["locality"], shown["outcome"], shown["closed_on"]) == \
        ("01864", "resolved", "2024-03-05")


def test_the_bulk_writer_names_every_column_of_the_petition_table() -> None:
    from dantrack.importing.model import PETITION_COLUMNS
    from dantrack.models import Petition

    assert sorted(["id", *PETITION_COLUMNS]) == sorted(c.name for c in Petition.__table__.c)



def test_a_dry_run_of_the_library_writes_nothing_by_itself(db, tree) -> None:  # type: ignore[no-untyped-def]
    """run_import(dry_run=True) leaves nothing behind even when its caller commits."""
    from dantrack.importing import run_import
    from dantrack.readers import Source
    from dantrack.services.petitions import list_petitions

    data = io.BytesIO(PETITIONS.encode("utf-8"))
    with db.session() as s:  # commits when the block ends
        summary = run_import(s, kind="petitions", source=Source(data, "csv", "p.csv"),
                             dry_run=True)
    assert (summary.inserted, summary.dry_run) == (2, True)
    with db.session() as s:
        from datetime import date

        assert list_petitions(s, today=date(2024, 12, 31)) == []


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 64, 1 << 16])
def test_lines_end_where_csv_says_at_any_chunk_boundary(monkeypatch, chunk: int) -> None:  # type: ignore[no-untyped-def]
    """The reader splits lines a chunk at a time: \\n, \\r\\n and \\r end a line wherever a
    chunk ends, quoted cells keep their line breaks, and every row has its own line."""
    from dantrack import readers

    data = ('ref,subject\r\nA,"một\r\nhai"\nB,ba\rC,"bốn\nnăm"\r\nD,sáu\r\n').encode()
    expected = [("line 2", {"ref": "A", "subject": "một\r\nhai"}),
                ("line 4", {"ref": "B", "subject": "ba"}),
                ("line 5", {"ref": "C", "subject": "bốn\nnăm"}),
                ("line 7", {"ref": "D", "subject": "sáu"})]
    monkeypatch.setattr(readers, "_CHUNK", chunk)
    source = readers.Source(io.BytesIO(data), "csv", "t.csv")
    assert source.columns == ["ref", "subject"]
    assert [(row.label, row.values) for row in source.rows()] == expected


def test_register_columns_left_to_the_database_are_stored_as_if_given(  # type: ignore[no-untyped-def]
        cli, db, tree, tmp_path: Path) -> None:
    """A batch whose rows all leave the register's columns as they are when not given is
    inserted without them (importing.petition_rows.written_columns), the database storing its
    own defaults: the same values, of the same types, as a row of a batch that binds them."""
    from sqlalchemy import text

    from dantrack.importing.petition_rows import LEFT_TO_THE_DATABASE

    names = list(LEFT_TO_THE_DATABASE)
    assert len(names) == 15  # every register column has a default the database stores
    head = "ref,kind,received_on,locality,subject,closed_on,outcome"
    write(tmp_path / "a.csv", f"{head}\nA1,complaint,2024-03-01,01864,a,,\n")
    given = {"B1": ("land", "once", "2", "Sở X", "", "1.5", "2", "3", "4", "1", "2", "3", "1",
                    "1", "1"),
             "B3": ("other", "none", "1", "", "", *["0"] * 10)}
    lines = [f"{head},{','.join(names)}",
             f"B1,complaint,2024-03-01,01864,b,2024-04-01,resolved,{','.join(given['B1'])}",
             "B2,recommendation,2024-03-01,01864,b,2024-04-01,forwarded,other,none,1,,"
             f"2024-04-05,{','.join(['0'] * 10)}",
             f"B3,complaint,2024-03-01,01864,b,,,{','.join(given['B3'])}"]
    write(tmp_path / "b.csv", "\n".join(lines) + "\n")
    for name in ("a.csv", "b.csv"):
        result = cli("import", "petitions", str(tmp_path / name))
        assert result.exit_code == 0, result.stderr
    with db.session() as s:
        stored = {ref: rest for ref, *rest in s.execute(text(
            f"SELECT ref, {', '.join(names)} FROM petition ORDER BY ref"))}
        if db.engine.dialect.name == "sqlite":
            kinds = {ref: rest for ref, *rest in s.execute(text(
                f"SELECT ref, {', '.join(f'typeof({n})' for n in names)} FROM petition"))}
            assert kinds["A1"] == kinds["B3"]
    assert stored["A1"] == stored["B3"] == list(LEFT_TO_THE_DATABASE.values())
    assert [type(v) for v in stored["A1"]] == [type(v) for v in stored["B3"]]
    assert stored["B1"][:4] == ["land", "once", 2, "Sở X"] and stored["B1"][5] == 1.5
    assert str(stored["B2"][4]) == "2024-04-05"
