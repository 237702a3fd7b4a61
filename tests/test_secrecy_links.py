"""Secrecy, round two (issue 10, classes 3, 4, 5 and 9): reveals recorded before they are shown,
no oracle on secret fields in imports, kind changes and duplicate links that keep a denouncer
masked, and the data rules that stop figures being bent — duplicate cycles, duplicates of later
petitions, refs with invisible or look-alike characters, dates after today.

Each test fails on the code before this round.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from test_secrecy import ADD, ADDRESS, ID_NUMBER, NAME, PHONE, SECRETS, identity

pytestmark = pytest.mark.backends


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result.stdout


def fails(result, code: int) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr


def leaked(*outputs: str) -> list[str]:
    return [secret for secret in SECRETS for text in outputs if secret in text]


def every_view(cli, ref: str) -> list[str]:  # type: ignore[no-untyped-def]
    """What a clerk can see of a petition without --reveal, in every format."""
    texts = []
    for fmt in ("table", "json", "csv"):
        for args in (("petition", "show", ref), ("petition", "list")):
            result = cli(*args, "--format", fmt)
            texts.append(ok(result) + result.stderr)
    for fmt in ("csv", "json", "jsonl"):
        texts.append(ok(cli("export", "petitions", "--format", fmt)))
    for words in (NAME, "bi mat"):
        found = json.loads(ok(cli("petition", "list", "--search", words, "--format", "json")))
        texts.append(json.dumps([p["ref"] for p in found]) + json.dumps(found, ensure_ascii=False))
        assert ref not in [p["ref"] for p in found]
    return texts


def reveals(cli, ref: str) -> list[dict]:  # type: ignore[no-untyped-def]
    history = json.loads(ok(cli("petition", "show", ref, "--format", "json")))["history"]
    return [e for e in history if e["action"] == "revealed"]


# --- class 5: kind changes and links ----------------------------------------------------------


def test_a_denunciation_changed_to_a_complaint_stays_masked(cli, tree) -> None:  # type: ignore[no-untyped-def]
    ok(cli(*ADD, "--kind", "tố cáo", "--subject", "Sai phạm", *identity()))
    ok(cli("petition", "edit", "P2024-00001", "--kind", "complaint"))
    ok(cli("petition", "edit", "P2024-00001", "--petitioner", NAME + " Con"))  # old value kept
    shown = json.loads(ok(cli("petition", "show", "P2024-00001", "--format", "json")))
    assert shown["kind"] == "complaint" and shown["petitioner"] == "***"
    assert [e["changes"].get("petitioner") for e in shown["history"]][-1] == ["***", "***"]
    assert leaked(*every_view(cli, "P2024-00001")) == []
    revealed = json.loads(ok(cli("petition", "show", "P2024-00001", "--reveal", "--format",
                                 "json")))
    assert revealed["petitioner"] == NAME + " Con"


def test_a_complaint_made_a_denunciation_and_back_stays_masked(cli, tree) -> None:  # type: ignore[no-untyped-def]
    ok(cli(*ADD, "--kind", "complaint", "--subject", "x", *identity()))
    ok(cli("petition", "edit", "P2024-00001", "--kind", "denunciation"))
    ok(cli("petition", "edit", "P2024-00001", "--kind", "recommendation"))
    assert leaked(*every_view(cli, "P2024-00001")) == []


def test_a_duplicate_link_with_a_denunciation_masks_both_ends(cli, tree) -> None:  # type: ignore[no-untyped-def]
    # The same person's complaint, then a denunciation repeating it: the complaint would name
    # the denouncer.
    ok(cli(*ADD, "--kind", "complaint", "--subject", "Đất", *identity()))
    ok(cli(*ADD, "--kind", "tố cáo", "--subject", "Đất", *identity(),
           "--duplicate-of", "P2024-00001"))
    # And the other way round, linked by an edit.
    ok(cli(*ADD, "--kind", "tố cáo", "--subject", "Rừng", *identity()))
    ok(cli(*ADD, "--kind", "complaint", "--subject", "Rừng", *identity()))
    ok(cli("petition", "edit", "P2024-00004", "--duplicate-of", "P2024-00003"))
    # Unlinking does not make it readable again.
    ok(cli("petition", "edit", "P2024-00004", "--duplicate-of", ""))
    for ref in ("P2024-00001", "P2024-00002", "P2024-00003", "P2024-00004"):
        assert leaked(*every_view(cli, ref)) == [], ref
    ok(cli(*ADD, "--kind", "complaint", "--subject", "Khác", "--petitioner", "Lò Văn Công"))
    assert "Lò Văn Công" in ok(cli("petition", "show", "P2024-00005"))


def test_an_imported_duplicate_of_a_denunciation_is_masked(cli, tree, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ok(cli(*ADD, "--kind", "tố cáo", "--subject", "Đất", *identity()))
    rows = tmp_path / "dup.jsonl"
    rows.write_text(json.dumps({"ref": "X-1", "kind": "complaint", "received_on": "2024-03-02",
                                "locality": "01864", "petitioner": NAME, "phone": PHONE,
                                "duplicate_of": "P2024-00001"}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    ok(cli("import", "petitions", str(rows)))
    assert leaked(*every_view(cli, "X-1")) == []


# --- class 4: no oracle on secret fields -------------------------------------------------------


def guess(tmp_path: Path, name: str, **more: str) -> Path:
    path = tmp_path / f"guess-{abs(hash((name, *more.values())))}.jsonl"
    row = {"ref": "P2024-00001", "kind": "denunciation", "received_on": "2024-03-01",
           "locality": "01864", "subject": "Sai phạm", "petitioner": name, **more}
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("options", [(), ("--dry-run",), ("--on-conflict", "skip"),
                                     ("--on-conflict", "update"), ("--dry-run", "--on-conflict",
                                                                   "update")])
def test_an_import_cannot_test_a_guessed_identity(cli, tree, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                  options) -> None:
    ok(cli(*ADD, "--kind", "tố cáo", "--subject", "Sai phạm", *identity()))
    before = json.loads(ok(cli("petition", "show", "P2024-00001", "--reveal", "--format",
                               "json")))
    right, wrong = guess(tmp_path, NAME), guess(tmp_path, "Người Khác")
    answers = []
    for path in (right, wrong):
        result = cli("import", "petitions", str(path), *options)
        answers.append((result.exit_code, result.stdout,
                        result.stderr.replace(str(path), "FILE")))
        assert leaked(result.stdout, result.stderr) == []
    assert answers[0] == answers[1]  # a right guess and a wrong one read the same
    assert answers[0][0] == 3 and "--reveal" in answers[0][2] and "line 1" in answers[0][2]
    after = json.loads(ok(cli("petition", "show", "P2024-00001", "--reveal", "--format",
                              "json")))
    assert after["petitioner"] == before["petitioner"] == NAME
    assert len(after["history"]) == len(before["history"]) + 1  # only the look just taken


def test_an_import_with_reveal_compares_identity_and_is_recorded(cli, tree,  # type: ignore[no-untyped-def]
                                                                 tmp_path: Path) -> None:
    ok(cli(*ADD, "--kind", "tố cáo", "--subject", "Sai phạm", *identity()))
    wrong = guess(tmp_path, "Người Khác", id_number=ID_NUMBER, phone=PHONE, address=ADDRESS)
    result = cli("import", "petitions", str(wrong), "--reveal", "--dry-run")
    assert fails(result, 1) and "petitioner" in result.stderr
    assert [e["changes"] for e in reveals(cli, "P2024-00001")] == [{"by": "import"}]
    right = guess(tmp_path, NAME, id_number=ID_NUMBER, phone=PHONE, address=ADDRESS)
    assert "1 unchanged" in cli("import", "petitions", str(right), "--reveal").stderr
    assert len(reveals(cli, "P2024-00001")) == 2


def test_an_import_without_identity_columns_keeps_a_secret_identity(cli, tree,  # type: ignore[no-untyped-def]
                                                                   tmp_path: Path) -> None:
    ok(cli(*ADD, "--kind", "tố cáo", "--subject", "Sai phạm", *identity()))
    path = tmp_path / "subject.jsonl"
    path.write_text(json.dumps({"ref": "P2024-00001", "kind": "denunciation",
                                "received_on": "2024-03-01", "locality": "01864",
                                "subject": "Sai phạm đất đai"}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    result = cli("import", "petitions", str(path), "--on-conflict", "update")
    assert "1 updated" in result.stderr, result.stderr
    shown = json.loads(ok(cli("petition", "show", "P2024-00001", "--reveal", "--format",
                              "json")))
    assert (shown["subject"], shown["petitioner"], shown["phone"]) == (
        "Sai phạm đất đai", NAME, PHONE)


# --- class 3: reveals recorded before the first revealed byte ----------------------------------


def test_an_export_cut_short_has_recorded_what_it_revealed(cli, tree,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path) -> None:
    # More than a pipe holds, so that the export is still writing when `head` goes away.
    rows = tmp_path / "many.jsonl"
    rows.write_text("".join(json.dumps({
        "kind": "denunciation", "received_on": "2024-03-01", "locality": "01864",
        "petitioner": NAME, "address": ADDRESS, "subject": "Sai phạm " + "x" * 200},
        ensure_ascii=False) + "\n" for _ in range(600)), encoding="utf-8")
    ok(cli("import", "petitions", str(rows)))
    command = [sys.executable, "-m", "dantrack", "export", "petitions", "--reveal",
               "--format", "jsonl"]
    pipeline = subprocess.run(f"{' '.join(command)} | head -c 40 > /dev/null", shell=True,
                              capture_output=True, text=True, timeout=60)
    assert "Traceback" not in pipeline.stderr
    assert [e["changes"] for e in reveals(cli, "P2024-00001")] == [{"by": "export"}]


def test_an_export_that_fails_after_revealing_has_recorded_it(cli, tree, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ok(cli(*ADD, "--kind", "tố cáo", "--subject", "Sai phạm", *identity()))
    ok(cli(*ADD, "--kind", "complaint", "--subject", "x"))
    from dantrack import output
    from dantrack.errors import RuleError

    real = output.write_export

    def failing(rows, columns, fmt, stream=None, **options):  # type: ignore[no-untyped-def]
        def some():
            for number, row in enumerate(rows):
                if number == 1:
                    raise RuleError("the output failed half-way")
                yield row
        return real(some(), columns, fmt, stream, **options)

    monkeypatch.setattr(output, "write_export", failing)
    result = cli("export", "petitions", "--reveal", "--format", "jsonl")
    assert result.exit_code != 0
    assert NAME in result.stdout  # the first row got out ...
    assert [e["changes"] for e in reveals(cli, "P2024-00001")] == [{"by": "export"}]  # recorded


# --- class 9: figures that can be bent ---------------------------------------------------------


def test_duplicate_cycles_and_later_originals_are_refused(cli, tree, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ok(cli(*ADD, "--kind", "complaint", "--subject", "a"))                         # 00001
    ok(cli(*ADD, "--kind", "complaint", "--subject", "b", "--duplicate-of", "P2024-00001"))
    stderr = fails(cli("petition", "edit", "P2024-00001", "--duplicate-of", "P2024-00002"), 1)
    assert "cycle" in stderr
    ok(cli("petition", "add", "--kind", "complaint", "--received-on", "2024-05-01",
           "--locality", "01864", "--subject", "later"))                          # 00003
    stderr = fails(cli(*ADD, "--kind", "complaint", "--subject", "c", "--duplicate-of",
                       "P2024-00003"), 3)
    assert "duplicate_of" in stderr and "2024-05-01" in stderr
    fails(cli("petition", "edit", "P2024-00002", "--duplicate-of", "P2024-00003"), 3)
    # the original may not move after its duplicate either
    fails(cli("petition", "edit", "P2024-00001", "--received-on", "2024-04-01"), 3)
    rows = tmp_path / "later.csv"
    rows.write_text("ref,kind,received_on,locality,duplicate_of\n"
                    "X-1,complaint,2024-02-01,01864,P2024-00003\n", encoding="utf-8")
    stderr = fails(cli("import", "petitions", str(rows)), 3)
    assert "line 2, duplicate_of 'P2024-00003'" in stderr
    report = json.loads(ok(cli("report", "--year", "2024", "--format", "json")))
    assert report["petitions"]["due"] == 2  # 00001 and 00003: nothing dropped


@pytest.mark.parametrize("ref", ["P2024-00001\u200b", "Р2024-00001", "P2024\u00ad-00001",
                                 "P2024-00001\u2060"])
def test_refs_with_invisible_or_look_alike_characters_are_refused(cli, tree, ref) -> None:  # type: ignore[no-untyped-def]
    ok(cli(*ADD, "--kind", "complaint", "--subject", "a"))
    stderr = fails(cli(*ADD, "--kind", "complaint", "--subject", "b", "--ref", ref), 3)
    assert "printable ASCII" in stderr and "\u200b" not in stderr
    stderr = fails(cli("meeting", "add", "--date", "2024-03-01", "--locality", "061", "--kind",
                       "regular", "--body", "government", "--ref", ref), 3)
    assert "printable ASCII" in stderr


def test_full_width_refs_are_the_same_ref(cli, tree) -> None:  # type: ignore[no-untyped-def]
    ok(cli(*ADD, "--kind", "complaint", "--subject", "a", "--ref", "P２０２４-00099"))
    assert json.loads(ok(cli("petition", "show", "P2024-00099", "--format", "json")))["ref"] \
        == "P2024-00099"
    assert "P2024-00099" in ok(cli("petition", "show", "Ｐ２０２４-０００９９"))
    fails(cli(*ADD, "--kind", "complaint", "--subject", "b", "--ref", "P2024-00099"), 1)
    assert "OK" in ok(cli("db", "check"))


def test_dates_after_today_are_refused(cli, tree, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # conftest pins today at 2024-12-31
    for args in (("petition", "add", "--kind", "complaint", "--received-on", "2942-01-01",
                  "--locality", "01864", "--subject", "x"),
                 ("meeting", "add", "--date", "2025-01-01", "--locality", "061", "--kind",
                  "regular", "--body", "government"),
                 ("dialogue", "add", "--date", "01/01/2025", "--locality", "061", "--body",
                  "party")):
        assert "after today (2024-12-31)" in fails(cli(*args), 3)
    ok(cli(*ADD, "--kind", "complaint", "--subject", "x"))
    assert "after today" in fails(cli("petition", "close", "P2024-00001", "--outcome",
                                      "resolved", "--on", "2025-01-01"), 3)
    assert "after today" in fails(cli("petition", "edit", "P2024-00001", "--accepted-on",
                                      "2025-02-01"), 3)
    rows = tmp_path / "future.csv"
    rows.write_text("kind,received_on,locality,closed_on,outcome\n"
                    "complaint,2024-03-01,01864,2025-01-02,resolved\n", encoding="utf-8")
    assert "line 2, closed_on" in fails(cli("import", "petitions", str(rows)), 3)
    ok(cli("petition", "close", "P2024-00001", "--outcome", "resolved", "--on", "2024-12-31"))


def test_today_is_vietnams_date(cli, tree, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Class 11: a desk whose clock says another zone still closes a petition dated today."""
    import datetime as dt

    from dantrack import clock

    monkeypatch.delenv("DANTRACK_TODAY")
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    vietnam = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    assert clock.today() == vietnam
    ok(cli(*ADD, "--kind", "complaint", "--subject", "x"))
    ok(cli("petition", "close", "P2024-00001", "--outcome", "resolved", "--on",
           vietnam.isoformat()))


def test_db_check_finds_what_older_versions_let_in(cli, tree, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    for subject in ("a", "b", "c", "d"):
        ok(cli(*ADD, "--kind", "complaint", "--subject", subject))
    ok(cli(*ADD, "--kind", "tố cáo", "--subject", "e", *identity()))
    ok(cli("petition", "add", "--kind", "complaint", "--received-on", "2024-06-01",
           "--locality", "01864", "--subject", "f"))
    assert "OK" in ok(cli("db", "check"))
    with sqlite3.connect(db_path) as connection:  # as an older dantrack or another tool would
        ids = dict(connection.execute("SELECT ref, id FROM petition"))
        connection.execute("UPDATE petition SET duplicate_of_id = ? WHERE ref = 'P2024-00001'",
                           (ids["P2024-00002"],))
        connection.execute("UPDATE petition SET duplicate_of_id = ? WHERE ref = 'P2024-00002'",
                           (ids["P2024-00001"],))
        connection.execute("UPDATE petition SET duplicate_of_id = ? WHERE ref = 'P2024-00003'",
                           (ids["P2024-00006"],))
        connection.execute("UPDATE petition SET ref = 'P2024-00004' || char(8203) "
                           "WHERE ref = 'P2024-00004'")
        connection.execute("UPDATE petition SET closed_on = '2942-01-01', outcome = 'resolved' "
                           "WHERE ref = 'P2024-00006'")
        connection.execute("UPDATE petition SET secret = 0 WHERE ref = 'P2024-00005'")
    result = cli("db", "check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "P2024-00001: duplicate of P2024-00002, on a cycle of duplicates that comes back " \
           "to it" in lines
    assert "P2024-00002: duplicate of P2024-00001, on a cycle of duplicates that comes back " \
           "to it" in lines
    assert "P2024-00003: duplicate of P2024-00006, which was received later (2024-06-01, " \
           "this on 2024-03-01)" in lines
    assert any(line.startswith("P2024-00004\\u200b: petition ref with characters other than "
                               "printable ASCII") for line in lines)
    assert "P2024-00006: closed_on 2942-01-01 is after today (2024-12-31)" in lines
    assert "P2024-00005: a denunciation, but its petitioner's identity is not marked secret" \
        in lines
    assert leaked(result.stdout, result.stderr) == []


def test_the_upgrade_marks_every_petition_that_was_ever_a_denunciation(  # type: ignore[no-untyped-def]
        cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DANTRACK_TODAY", "2025-01-31")  # the sample's last close-outs
    from dantrack import db, migrations
    from databases import first_sample_copy

    office = first_sample_copy(tmp_path)
    with sqlite3.connect(office) as connection:
        complaint = connection.execute(
            "SELECT id, ref FROM petition WHERE kind = 'complaint' AND duplicate_of_id "
            "IS NULL AND id NOT IN (SELECT duplicate_of_id FROM petition WHERE "
            "duplicate_of_id IS NOT NULL) ORDER BY id LIMIT 1").fetchone()
        # its history says it was a denunciation once
        connection.execute("INSERT INTO petition_event (petition_id, at, operator, action, "
                           "changes) VALUES (?, '2024-05-01T08:00:00Z', 'x', 'edited', ?)",
                           (complaint[0], json.dumps({"kind": ["denunciation", "complaint"]})))
        denunciations = connection.execute(
            "SELECT count(*) FROM petition WHERE kind = 'denunciation'").fetchone()[0]
    migrations.upgrade(db.Location(str(office), "test"))
    with sqlite3.connect(office) as connection:
        unmarked = connection.execute("SELECT count(*) FROM petition WHERE kind = "
                                      "'denunciation' AND NOT secret").fetchone()[0]
        marked = dict(connection.execute("SELECT ref, secret FROM petition"))
    assert denunciations > 100 and unmarked == 0
    assert marked[complaint[1]] == 1
    result = cli("--db", str(office), "db", "check")
    assert result.exit_code == 0, result.stdout


def test_an_import_that_makes_a_petition_a_denunciation_masks_its_links(  # type: ignore[no-untyped-def]
        cli, tree, tmp_path: Path) -> None:
    ok(cli(*ADD, "--kind", "complaint", "--ref", "C1", "--subject", "Đất", *identity()))
    ok(cli(*ADD, "--kind", "complaint", "--ref", "C2", "--subject", "Đất", "--petitioner", NAME,
           "--duplicate-of", "C1"))
    rows = [row for row in json.loads(ok(cli("export", "petitions", "--format", "json")))
            if row["ref"] == "C2"]
    rows[0]["kind"] = "denunciation"
    path = tmp_path / "kind.jsonl"
    path.write_text(json.dumps(rows[0], ensure_ascii=False) + "\n", encoding="utf-8")
    assert "1 updated" in cli("import", "petitions", str(path), "--on-conflict", "update").stderr
    assert leaked(*every_view(cli, "C1")) == []
    assert "OK" in ok(cli("db", "check"))


def test_editing_a_secret_identity_says_the_same_for_a_right_and_a_wrong_guess(  # type: ignore[no-untyped-def]
        cli, tree) -> None:
    ok(cli(*ADD, "--kind", "tố cáo", "--subject", "Sai phạm", *identity()))
    right = cli("petition", "edit", "P2024-00001", "--phone", PHONE)
    wrong = cli("petition", "edit", "P2024-00001", "--phone", "0999999999")
    said = (0, "", "Edited petition P2024-00001: phone\n")
    assert (right.exit_code, right.stdout, right.stderr) == said
    assert (wrong.exit_code, wrong.stdout, wrong.stderr) == said


def test_db_copy_onto_the_sources_journal_or_wal_is_refused(cli, tree, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    ok(cli(*ADD, "--kind", "complaint", "--subject", "x"))
    for suffix in ("-journal", "-wal", "-shm"):
        result = cli("db", "copy", f"{db_path}{suffix}")
        assert result.exit_code == 1, (suffix, result.stderr)
        assert "companion file" in result.stderr
    assert "P2024-00001" in ok(cli("petition", "list"))
    assert "OK" in ok(cli("db", "check"))
