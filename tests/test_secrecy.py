"""A denouncer's identity is secret by law: a whole working session over denunciations never
shows the name, ID number, phone or address unless --reveal is given, and every reveal is in
the history with its operator and time."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dantrack.text import fold

NAME = "Nguyễn Thị Bí Mật"
ID_NUMBER = "001099012345"
PHONE = "0912345678"
ADDRESS = "Số 7 ngõ Kín, Thôn Nà Mòn"
# Every form in which the identity could leak: as typed, as stored, folded for search.
SECRETS = (NAME, fold(NAME), "Bí Mật", ID_NUMBER, "001.099.012.345", "912345678",
           "912 345 678", ADDRESS, fold(ADDRESS), "ngõ Kín")
OPERATOR = "Lý Thị Hoa"

ADD = ("petition", "add", "--received-on", "2024-03-01", "--locality", "01864")


def identity(*, phone: str = "+84 912 345 678") -> tuple[str, ...]:
    return ("--petitioner", NAME, "--id-number", "001.099.012.345", "--phone", phone,
            "--address", ADDRESS)


class Session:
    """Runs commands and keeps everything they printed, apart by whether --reveal was given."""

    def __init__(self, cli) -> None:  # type: ignore[no-untyped-def]
        self.cli = cli
        self.masked: list[tuple[tuple[str, ...], str]] = []
        self.revealed: list[tuple[tuple[str, ...], str]] = []

    def __call__(self, *args: str, code: int = 0):  # type: ignore[no-untyped-def]
        result = self.cli(*args)
        assert result.exit_code == code, (args, result.exit_code, result.stderr)
        assert "Traceback" not in result.stderr
        printed = result.stdout + result.stderr
        (self.revealed if "--reveal" in args else self.masked).append((args, printed))
        return result

    def leaks(self) -> list[tuple[tuple[str, ...], str]]:
        return [(args, secret) for args, printed in self.masked for secret in SECRETS
                if secret in printed]


@pytest.fixture
def session(cli, tree, monkeypatch: pytest.MonkeyPatch) -> Session:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DANTRACK_OPERATOR", OPERATOR)
    return Session(cli)


def events(cli, ref: str) -> list[dict]:  # type: ignore[no-untyped-def]
    result = cli("petition", "show", ref, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["history"]


def test_a_whole_session_never_shows_a_denouncer(session: Session, cli, tmp_path: Path) -> None:
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    run = session
    # Intake: at the desk, and from a file.
    run(*ADD, "--kind", "tố cáo", "--subject", "Tố cáo sai phạm đất đai", *identity())
    rows = tmp_path / "to-cao.jsonl"
    rows.write_text(json.dumps({
        "kind": "denunciation", "received_on": "2024-04-02", "locality": "01864",
        "petitioner": NAME, "id_number": ID_NUMBER, "phone": PHONE, "address": ADDRESS,
        "subject": "Tố cáo lần hai"}, ensure_ascii=False) + "\n", encoding="utf-8")
    run("import", "petitions", str(rows))
    run(*ADD, "--kind", "complaint", "--subject", "Khiếu nại công khai", "--petitioner",
        "Hoàng Văn Công Khai")
    # Work on them.
    run("petition", "edit", "P2024-00001", "--phone", "0987654321")
    run("petition", "edit", "P2024-00001", "--phone", PHONE, "--address", ADDRESS + " ")
    run("petition", "close", "P2024-00001", "--outcome", "resolved", "--verdict", "founded",
        "--on", "2024-03-20")
    run("petition", "reopen", "P2024-00001", "--reason", "Kháng nghị")
    run("dialogue", "add", "--date", "2024-03-25", "--locality", "061", "--body", "party",
        "--petition", "P2024-00001", "--topic", "Đối thoại về đơn tố cáo")
    # Every way of looking, in every format.
    for fmt in ("table", "json", "csv"):
        run("petition", "list", "--format", fmt)
        run("petition", "list", "--kind", "tố cáo", "--format", fmt)
        run("petition", "show", "P2024-00001", "--format", fmt)
        run("petition", "show", "P2024-00002", "--format", fmt)
    for fmt in ("table", "json", "csv", "markdown"):
        run("report", "--year", "2024", "--format", fmt)
    for fmt in ("csv", "json", "jsonl"):
        run("export", "petitions", "--format", fmt)
    run("export", "petitions", "--output", str(tmp_path / "out.csv"))
    # A search by the denouncer's name finds nothing to show: names are not searched.
    for words in (NAME, "bi mat", ID_NUMBER, PHONE):
        found = run("petition", "list", "--search", words, "--format", "json")
        assert [p["ref"] for p in json.loads(found.stdout)] == [], words
    assert "P2024-00001" in run("petition", "list", "--search", "sai pham").stdout
    run("dialogue", "show", "D2024-00001", "--format", "json")
    run("dialogue", "list")
    run("db", "check")
    # Mistakes that touch the identity: none of them echoes it.
    run("petition", "edit", "P2024-00001", "--petitioner", NAME + " " + "x" * 200, code=3)
    run("petition", "edit", "P2024-00001", "--id-number", ID_NUMBER + "9", code=3)
    run("petition", "edit", "P2024-00001", "--phone", PHONE + "99", code=3)
    run("petition", "edit", "P2024-00001", "--address", ADDRESS * 20, code=3)
    run(*ADD, "--kind", "to cao", "--subject", "x", *identity(phone=PHONE + "0"), code=3)
    run(*ADD, "--kind", "tố cáo", "--subject", "x", "--petitioner", NAME, "--id-number",
        ID_NUMBER[:-1], code=3)
    run(*ADD, "--kind", "tố cáo", "--subject", "x", "--petitioner", NAME + "\x00", code=3)
    run(*ADD, "--kind", "tố cáo", "--subject", "x", "--petitioner", NAME, "--ref",
        "P2024-00001", code=1)
    run("petition", "close", "P2024-00002", "--outcome", "resolved", "--verdict", "upheld",
        code=1)
    run("petition", "close", "P2024-00001", "--outcome", "resolved", "--verdict", "upheld",
        code=1)
    run("petition", "show", "P2024-09999", code=1)
    assert session.leaks() == []
    assert events(cli, "P2024-00001")[0]["changes"]["petitioner"] == "***"
    assert [e["action"] for e in events(cli, "P2024-00001")] == [
        "created", "edited", "edited", "closed", "reopened"]

    # Now reveal, four ways: each is written to the history, by whom and when.
    shown = json.loads(run("petition", "show", "P2024-00001", "--reveal", "--format",
                           "json").stdout)
    assert (shown["petitioner"], shown["id_number"], shown["phone"]) == (NAME, ID_NUMBER, PHONE)
    listed = run("petition", "list", "--reveal", "--format", "csv").stdout
    assert listed.count(NAME) == 2
    exported = run("export", "petitions", "--reveal", "--format", "jsonl").stdout
    assert exported.count(ID_NUMBER) == 2
    searched = run("petition", "list", "--search", "bi mat", "--reveal", "--format", "json")
    assert [p["ref"] for p in json.loads(searched.stdout)] == ["P2024-00001", "P2024-00002"]
    finished = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    history = events(cli, "P2024-00001")
    reveals = [e for e in history if e["action"] == "revealed"]
    assert len(reveals) == 4  # show, list, export, search
    assert all(e["operator"] == OPERATOR for e in reveals)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", e["at"]) for e in reveals)
    assert all(started <= e["at"] <= finished for e in reveals)
    assert len([e for e in events(cli, "P2024-00002") if e["action"] == "revealed"]) == 3
    assert [e for e in events(cli, "P2024-00003") if e["action"] == "revealed"] == []
    # ... and a masked look afterwards still masks, while listing the reveals.
    after = cli("petition", "show", "P2024-00001")
    assert not [s for s in SECRETS if s in after.stdout + after.stderr]
    assert after.stdout.count("revealed") == 4


def test_a_complaint_is_not_masked(session: Session) -> None:
    session(*ADD, "--kind", "complaint", "--subject", "x", *identity())
    shown = json.loads(session("petition", "show", "P2024-00001", "--format", "json").stdout)
    assert (shown["petitioner"], shown["id_number"], shown["phone"], shown["address"]) == (
        NAME, ID_NUMBER, PHONE, ADDRESS)


def test_an_import_error_does_not_echo_a_denouncer(cli, tree, tmp_path: Path) -> None:
    rows = tmp_path / "bad.jsonl"
    rows.write_text(json.dumps({
        "kind": "denunciation", "received_on": "2024-04-02", "locality": "01864",
        "petitioner": NAME, "id_number": ID_NUMBER + "9", "phone": PHONE,
        "subject": "x"}, ensure_ascii=False) + "\n", encoding="utf-8")
    result = cli("import", "petitions", str(rows))
    assert result.exit_code == 3
    assert "id_number" in result.stderr
    assert not [s for s in SECRETS if s in result.stdout + result.stderr]


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_a_missing_field_does_not_echo_the_row(cli, tree, tmp_path: Path,  # type: ignore[no-untyped-def]
                                               suffix: str) -> None:
    """A required field left out is named alone: its row, which holds the identity, is not."""
    path = tmp_path / f"bad.{suffix}"
    if suffix == "csv":
        path.write_text(f"kind,received_on,petitioner,phone,locality\nto cao,,{NAME},{PHONE},"
                        "01864\n", encoding="utf-8")
        where = "line 2"
    else:
        path.write_text(json.dumps({"kind": "tố cáo", "petitioner": NAME, "phone": PHONE,
                                    "locality": "01864"}, ensure_ascii=False) + "\n",
                        encoding="utf-8")
        where = "line 1"
    result = cli("import", "petitions", str(path))
    assert result.exit_code == 3
    assert f"{where}, received_on: is required" in result.stderr
    assert not [s for s in SECRETS if s in result.stdout + result.stderr]
