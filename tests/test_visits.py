"""Visits (lượt tiếp, issue 13 item 1): the rows of a meeting's reception book, the meeting's
totals kept as their sums, masking of a denunciation's visitor, import and export, db copy and
the upgrade from revision 0004 — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from databases import contents, first_sample_copy, revision, yearly_reports
from test_migrations import as_first_printed, first_sample_reports

pytestmark = pytest.mark.backends

SECRET = ("Lý Thị Mai", "001234567890", "0912345678", "Thôn Nà Mòn")
VISIT_TABLES = {"visit", "visit_event"}
LATER_TABLES = {"calendar_day", "meeting_event", "dialogue_event"}


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result.stdout


def fails(result, code: int) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error: ")
    return result.stderr


def no_secret(text: str) -> None:
    for value in SECRET:
        assert value not in text


@pytest.fixture
def meeting(cli, tree) -> str:  # type: ignore[no-untyped-def]
    """A periodic meeting recorded with totals of its own, and a denunciation received at it."""
    ok(cli("meeting", "add", "--date", "2024-03-15", "--locality", "01864", "--kind",
           "periodic", "--body", "government", "--citizens", "4", "--delegations", "2"))
    ok(cli("petition", "add", "--kind", "tố cáo", "--received-on", "2024-03-15", "--locality",
           "01864", "--subject", "Sai phạm", "--petitioner", SECRET[0], "--meeting",
           "M2024-00001"))
    return "M2024-00001"


def add_three(cli) -> None:  # type: ignore[no-untyped-def]
    """A group, a single visitor guided, and the denouncer (delegated)."""
    ok(cli("visit", "add", "--meeting", "M2024-00001", "--people", "6", "--group", "--kind",
           "khiếu nại", "--direction", "tiếp nhận", "--subject", "Đền bù đất"))
    ok(cli("visit", "add", "--meeting", "M2024-00001", "--kind", "recommendation",
           "--direction", "hướng dẫn"))
    ok(cli("visit", "add", "--meeting", "M2024-00001", "--people", "1", "--kind", "tố cáo",
           "--direction", "chuyển đơn", "--petition", "P2024-00001", "--delegated",
           "--visitor", SECRET[0], "--id-number", SECRET[1], "--phone", SECRET[2],
           "--address", SECRET[3]))


def totals(cli, ref: str = "M2024-00001") -> tuple[int, int]:  # type: ignore[no-untyped-def]
    shown = json.loads(ok(cli("meeting", "show", ref, "--format", "json")))
    return shown["citizens"], shown["delegations"]


def visits(cli, *args: str) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    return json.loads(ok(cli("visit", "list", *args, "--format", "json")))


# --- add, edit, list, show -------------------------------------------------------------------


def test_visits_get_refs_of_their_meetings_year_and_make_its_totals(cli, meeting) -> None:  # type: ignore[no-untyped-def]
    assert totals(cli) == (4, 2)  # a meeting without visits keeps its recorded totals
    add_three(cli)
    rows = visits(cli, "--meeting", meeting)
    assert [r["ref"] for r in rows] == ["V2024-00001", "V2024-00002", "V2024-00003"]
    first, second, third = rows
    assert (first["people"], first["group"], first["kind"], first["direction"]) == (
        6, True, "complaint", "accepted")
    assert (second["people"], second["group"], second["direction"]) == (1, False, "guided")
    assert (third["kind"], third["direction"], third["delegated"], third["petition"]) == (
        "denunciation", "forwarded", True, "P2024-00001")
    assert (first["date"], first["locality"]) == ("2024-03-15", "01864")
    assert totals(cli) == (8, 1)
    shown = json.loads(ok(cli("meeting", "show", meeting, "--format", "json")))
    assert shown["petitions"] == ["P2024-00001"]
    assert [v["ref"] for v in shown["visits"]] == ["V2024-00001", "V2024-00002", "V2024-00003"]
    table = ok(cli("meeting", "show", meeting))
    assert "V2024-00003" in table and "P2024-00001" in table


def test_editing_a_visit_moves_the_totals_of_both_meetings(cli, meeting) -> None:  # type: ignore[no-untyped-def]
    add_three(cli)
    ok(cli("meeting", "add", "--date", "2024-04-02", "--locality", "01864", "--kind",
           "regular", "--body", "government", "--citizens", "9"))
    result = cli("visit", "edit", "V2024-00001", "--people", "7", "--meeting", "M2024-00002")
    assert ok(result) == "" and result.stderr == "Edited visit V2024-00001: people, meeting\n"
    assert totals(cli) == (2, 0)
    assert totals(cli, "M2024-00002") == (7, 1)
    ok(cli("visit", "edit", "V2024-00001", "--not-group"))
    assert totals(cli, "M2024-00002") == (7, 0)
    ok(cli("visit", "edit", "V2024-00002", "--petition", "P2024-00001"))
    assert visits(cli, "--meeting", "M2024-00001")[0]["petition"] == "P2024-00001"
    ok(cli("visit", "edit", "V2024-00002", "--petition", ""))
    assert visits(cli, "--meeting", "M2024-00001")[0]["petition"] is None
    assert visits(cli, "--year", "2024", "--kind", "khiếu nại")[0]["meeting"] == "M2024-00002"
    assert [v["ref"] for v in visits(cli, "--locality", "Chợ Đồn")] == []
    assert len(visits(cli, "--locality", "Ba Bể")) == 3


def test_a_meeting_with_visits_refuses_totals_by_hand(cli, meeting) -> None:  # type: ignore[no-untyped-def]
    ok(cli("meeting", "edit", meeting, "--citizens", "5"))  # no visits yet: its own totals
    assert totals(cli) == (5, 2)
    add_three(cli)
    stderr = fails(cli("meeting", "edit", meeting, "--citizens", "3"), 1)
    assert "3 visits" in stderr and "visit edit" in stderr
    fails(cli("meeting", "edit", meeting, "--delegations", "0"), 1)
    assert totals(cli) == (8, 1)
    ok(cli("meeting", "edit", meeting, "--host", "Nông Văn Sơn", "--citizens", "8"))
    assert json.loads(ok(cli("meeting", "show", meeting, "--format", "json")))["host"] == (
        "Nông Văn Sơn")


# --- refusals --------------------------------------------------------------------------------


def test_bad_visits_are_refused_and_change_nothing(cli, meeting, database_url: str) -> None:  # type: ignore[no-untyped-def]
    add_three(cli)
    before = contents(database_url)
    stderr = fails(cli("visit", "add", "--meeting", meeting, "--people", "4", "--group",
                       "--kind", "complaint", "--direction", "accepted"), 3)
    assert "group" in stderr and "5 or more" in stderr
    assert "M2024-00009" in fails(cli("visit", "add", "--meeting", "M2024-00009", "--kind",
                                      "complaint", "--direction", "accepted"), 1)
    assert "P2024-00009" in fails(cli("visit", "add", "--meeting", meeting, "--kind",
                                      "complaint", "--direction", "accepted", "--petition",
                                      "P2024-00009"), 1)
    assert "direction" in fails(cli("visit", "add", "--meeting", meeting, "--kind",
                                    "complaint", "--direction", "lost"), 3)
    assert "people" in fails(cli("visit", "add", "--meeting", meeting, "--people", "0",
                                 "--kind", "complaint", "--direction", "accepted"), 3)
    assert "group" in fails(cli("visit", "edit", "V2024-00001", "--people", "4"), 3)
    fails(cli("visit", "edit", "V2024-00002", "--group"), 3)
    fails(cli("visit", "edit", "V2024-00099", "--people", "2"), 1)
    assert contents(database_url) == before


# --- a denouncer's identity ------------------------------------------------------------------


def test_a_denunciations_visitor_is_masked_everywhere_unless_revealed(cli, meeting,
                                                                     database_url: str) -> None:  # type: ignore[no-untyped-def]
    add_three(cli)
    no_secret(ok(cli("visit", "list")) + ok(cli("visit", "list", "--format", "csv")))
    no_secret(ok(cli("meeting", "show", meeting, "--format", "json")))
    exported = ok(cli("export", "visits", "--format", "json"))
    no_secret(exported)
    masked = json.loads(exported)[2]
    assert [masked[k] for k in ("visitor", "id_number", "phone", "address")] == ["***"] * 4
    # errors about a denunciation's identity name the field, never the value
    no_secret(fails(cli("visit", "edit", "V2024-00003", "--phone", SECRET[2] + "99"), 3))
    no_secret(fails(cli("visit", "add", "--meeting", meeting, "--kind", "tố cáo",
                        "--direction", "accepted", "--id-number", SECRET[1][:-1] + "x"), 3))
    # changing the kind does not make the identity readable again
    ok(cli("visit", "edit", "V2024-00003", "--kind", "complaint"))
    no_secret(ok(cli("visit", "list", "--format", "json")))
    assert events(database_url) == []
    shown = visits(cli, "--reveal")[2]
    assert (shown["visitor"], shown["id_number"], shown["phone"], shown["address"]) == SECRET
    revealed = json.loads(ok(cli("export", "visits", "--format", "json", "--reveal")))[2]
    assert revealed["visitor"] == SECRET[0]
    assert [(action, by) for _, action, by in events(database_url)] == [
        ("revealed", "list"), ("revealed", "export")]


def test_a_visit_about_a_secret_petition_is_masked(cli, meeting) -> None:  # type: ignore[no-untyped-def]
    ok(cli("visit", "add", "--meeting", meeting, "--kind", "complaint", "--direction",
           "accepted", "--petition", "P2024-00001", "--visitor", SECRET[0]))
    assert visits(cli)[0]["visitor"] == "***"
    no_secret(fails(cli("visit", "add", "--meeting", meeting, "--kind", "complaint",
                        "--direction", "accepted", "--petition", "P2024-00001",
                        "--phone", SECRET[2] + "99"), 3))


def events(database_url: str) -> list[tuple[int, str, str]]:
    rows = contents(database_url)["visit_event"]
    return [(visit_id, action, json.loads(changes)["by"])
            for _, visit_id, _, _, action, changes in rows]


# --- import and export -----------------------------------------------------------------------


def exported(cli, fmt: str = "csv") -> str:  # type: ignore[no-untyped-def]
    return ok(cli("export", "visits", "--format", fmt, "--reveal"))


def test_export_import_round_trip_and_reimport_changes_nothing(cli, meeting, tmp_path: Path,
                                                              database_url: str) -> None:  # type: ignore[no-untyped-def]
    add_three(cli)
    path = tmp_path / "visits.csv"
    path.write_text(exported(cli), encoding="utf-8")
    columns = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert columns == ["ref", "meeting", "people", "group", "kind", "petition", "direction",
                       "delegated", "visitor", "id_number", "phone", "address", "subject",
                       "note"]
    before = contents(database_url)
    result = cli("import", "visits", str(path), "--reveal")
    assert ok(result) == "" and "3 unchanged" in result.stderr
    assert contents(database_url, leave_out={"visit_event": {"*"}}) == {
        k: v for k, v in before.items() if k != "visit_event"}
    # into a new office's meeting: the same visits, the meeting's totals their sums
    text = exported(cli).replace("V2024-0000", "V2024-1000")
    path.write_text(text, encoding="utf-8")
    result = cli("import", "visits", str(path))
    assert "3 inserted" in ok(result) + result.stderr
    assert totals(cli) == (16, 2)
    again = cli("import", "visits", str(path), "--reveal")
    assert "3 unchanged" in again.stderr and totals(cli) == (16, 2)
    rows = {r["ref"]: r for r in visits(cli, "--reveal")}
    assert rows["V2024-10003"]["visitor"] == SECRET[0] and rows["V2024-10001"]["group"] is True


def test_import_without_refs_numbers_by_the_meetings_year(cli, meeting, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "v.json"
    path.write_text(json.dumps([
        {"meeting": meeting, "people": 5, "group": "x", "kind": "khiếu nại",
         "direction": "tiếp nhận"},
        {"meeting": meeting, "kind": "phản ánh", "direction": "hướng dẫn", "delegated": "1"}]))
    ok(cli("import", "visits", str(path)))
    rows = visits(cli)
    assert [(r["ref"], r["kind"], r["delegated"]) for r in rows] == [
        ("V2024-00001", "complaint", False), ("V2024-00002", "reflection", True)]
    assert totals(cli) == (6, 1)
    ok(cli("visit", "add", "--meeting", meeting, "--kind", "complaint", "--direction",
           "guided"))
    assert visits(cli)[-1]["ref"] == "V2024-00003"


def test_bad_import_rows_are_numbered_and_nothing_is_written(cli, meeting, tmp_path: Path,
                                                            database_url: str) -> None:  # type: ignore[no-untyped-def]
    before = contents(database_url)
    path = tmp_path / "v.csv"
    path.write_text(
        "meeting,people,group,kind,direction,petition,visitor,phone\n"
        f"{meeting},6,true,complaint,accepted,,,\n"
        f"{meeting},3,true,complaint,accepted,,,\n"
        "M2024-00077,1,false,complaint,accepted,,,\n"
        f"{meeting},1,false,complaint,accepted,P2024-00077,,\n"
        f"{meeting},1,false,tố cáo,accepted,,{SECRET[0]},{SECRET[2]}99\n", encoding="utf-8")
    result = cli("import", "visits", str(path))
    assert result.exit_code == 3 and result.stdout == ""
    stderr = result.stderr
    assert "4 invalid rows" in stderr and "nothing was imported" in stderr
    assert "line 2" not in stderr and "line 3, group" in stderr and "line 4, meeting" in stderr
    assert "line 5, petition" in stderr and "line 6, phone" in stderr
    no_secret(stderr)
    assert contents(database_url) == before


def test_a_meetings_import_may_not_change_the_totals_of_a_meeting_with_visits(
        cli, meeting, tmp_path: Path, database_url: str) -> None:  # type: ignore[no-untyped-def]
    add_three(cli)
    path = tmp_path / "m.csv"
    path.write_text(ok(cli("export", "meetings")), encoding="utf-8")
    assert "1 unchanged" in cli("import", "meetings", str(path)).stderr
    before = contents(database_url)
    path.write_text(path.read_text(encoding="utf-8").replace(",8,1,", ",9,1,"),
                    encoding="utf-8")
    result = cli("import", "meetings", str(path), "--on-conflict", "update")
    assert result.exit_code == 3 and "citizens" in result.stderr and "visits" in result.stderr
    assert contents(database_url) == before


# --- db check, db copy, the upgrade ----------------------------------------------------------


def test_db_check_reports_totals_and_secrecy_that_differ_from_the_visits(cli, meeting,
                                                             database_url: str) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from dantrack.db import Location, open_database
    from dantrack.models import Meeting, Visit

    add_three(cli)
    ok(cli("db", "check"))
    database = open_database(Location(database_url, "test"), write=True)
    try:
        with database.session() as s:
            s.execute(update(Meeting).values(citizens=3))
            s.execute(update(Visit).where(Visit.ref == "V2024-00003").values(secret=False))
    finally:
        database.dispose()
    result = cli("db", "check")
    assert result.exit_code == 1
    said = result.stdout + result.stderr
    assert "M2024-00001: citizens 3 and delegations 1, but its visits received 8 people in " \
           "1 groups" in said
    assert "V2024-00003: a visit about a denunciation, but its visitor's identity is not " \
           "marked secret" in said
    no_secret(said)


def test_db_copy_carries_visits_and_their_reveals(cli, meeting, tmp_path: Path,
                                                  database_url: str) -> None:  # type: ignore[no-untyped-def]
    add_three(cli)
    visits(cli, "--reveal")
    target = tmp_path / "copy.sqlite"
    result = cli("db", "copy", str(target))
    assert ok(result) == "" and "3 visits, 1 visit reveals" in result.stderr
    assert contents(target) == contents(database_url)
    result = cli("--db", str(target), "visit", "add", "--meeting", meeting, "--kind",
                 "complaint", "--direction", "guided")
    assert result.stderr == "Recorded visit V2024-00004\n"  # the sequence came along
    assert totals(cli, meeting) == (8, 1)  # the source is untouched


def test_upgrading_from_0004_keeps_every_row_and_figure_and_takes_visits(cli, tmp_path: Path,
                                                                         backend: str) -> None:  # type: ignore[no-untyped-def]
    if backend != "sqlite":
        pytest.skip("the upgrade of a whole office is run on SQLite; the schema on both")
    from sqlalchemy import create_engine

    from dantrack import migrations

    office = first_sample_copy(tmp_path)
    engine = create_engine(f"sqlite:///{office}")
    with engine.begin() as connection:
        migrations.migrate(connection, "0004")
    engine.dispose()
    assert revision(office) == "0004"
    rows = contents(office)
    ok(cli("--db", str(office), "db", "upgrade"))
    from dantrack.db import SCHEMA_REVISION

    assert revision(office) == SCHEMA_REVISION  # 0005 and every later revision
    after = contents(office)
    assert after["visit"] == [] and after["visit_event"] == []
    # Later revisions add their own: the calendar and the deadline's lifecycle (0006).
    later = {"calendar_day": {"*"}, "petition": {"extensions", "extended_days",
                                                 "suspended_on", "suspended_days"}}
    assert {k: v for k, v in contents(office, leave_out=later).items()
            if k not in VISIT_TABLES and k not in LATER_TABLES} == rows
    # The figures the first sample's code printed (this code's report reads later columns).
    assert as_first_printed(yearly_reports(cli, office)) == first_sample_reports()
    first = json.loads(ok(cli("--db", str(office), "meeting", "list", "--year", "2024",
                              "--format", "json")))[0]
    ok(cli("--db", str(office), "visit", "add", "--meeting", first["ref"], "--people", "2",
           "--kind", "complaint", "--direction", "accepted"))
    shown = json.loads(ok(cli("--db", str(office), "meeting", "show", first["ref"],
                              "--format", "json")))
    assert (shown["citizens"], shown["delegations"]) == (2, 0)
    assert first["citizens"] != 2  # the meeting's totals now come from its visit
