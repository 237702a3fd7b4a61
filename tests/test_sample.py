"""The bundled Bắc Kạn sample: published totals, the register for the official forms, untouched
by readers, rebuildable."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample.sqlite"
TABLES = ("locality", "meeting", "dialogue", "petition", "petition_event", "ref_sequence",
          "visit", "visit_event")


def report(cli, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = cli("--db", str(SAMPLE), "report", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_published_totals_2022_to_2024(cli) -> None:  # type: ignore[no-untyped-def]
    period = ("--from", "2022-01-01", "--to", "2024-12-31", "--locality", "Bắc Kạn")
    government = report(cli, *period, "--body", "government")
    assert government["meetings"]["count"] == 3493
    assert government["meetings"]["citizens"] == 3630
    party = report(cli, *period, "--body", "party")
    held = party["meetings"]["count"] + party["dialogues"]["count"]
    citizens = party["meetings"]["citizens"] + party["dialogues"]["citizens"]
    assert 180 <= held <= 220 and 230 <= citizens <= 270
    everything = report(cli, *period)
    assert everything["petitions"]["received"] == 6921
    assert everything["locality"] == {"code": "06", "name": "Bắc Kạn"}
    assert len(everything["by_locality"]) == 8


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_resolution_rate_over_80_each_year(cli, year: int) -> None:  # type: ignore[no-untyped-def]
    figures = report(cli, "--year", str(year), "--locality", "06")["petitions"]
    assert figures["resolution_rate"] > 80
    assert figures["duplicates"] > 0 and figures["guided"] > 0 and figures["forwarded"] > 0
    assert figures["withdrawn"] > 0 and figures["dismissed"] > 0


def test_sample_has_the_real_tree(cli) -> None:  # type: ignore[no-untyped-def]
    connection = sqlite3.connect(f"file:{SAMPLE}?mode=ro", uri=True)
    names = dict(connection.execute("select code, name from locality where level = 'district'"))
    still_open = connection.execute(
        "select count(*) from petition where closed_on is null").fetchone()[0]
    connection.close()
    old = units(cli, "--on", "2025-06-30", "--under", "06")
    assert levels(old) == {"province": 1, "district": 8, "commune": 108}
    assert {unit["valid_to"] for unit in old} == {"2025-06-30"}
    assert names["058"] == "Thành phố Bắc Kạn" and names["060"] == "Huyện Pác Nặm"
    assert still_open > 0


@pytest.mark.parametrize(("args", "received", "rate"), [
    (("--year", "2024", "--locality", "Bắc Kạn"), 2206, 88.5),
    (("--year", "2025", "--locality", "Bắc Kạn"), 1090, 93.3),
    (("--year", "2026", "--locality", "Thái Nguyên"), 1980, 88.4)])
def test_the_figures_readme_quotes(cli, args: tuple[str, ...], received: int,  # type: ignore[no-untyped-def]
                                   rate: float) -> None:
    figures = report(cli, *args)["petitions"]
    assert (figures["received"], figures["resolution_rate"]) == (received, rate)


def count(sql: str) -> int:
    connection = sqlite3.connect(f"file:{SAMPLE}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


# A visit and the meeting it belongs to.
VISITS = "visit v join meeting m on m.id = v.meeting_id"


def test_every_meeting_with_people_has_visits_that_sum_to_its_totals(cli) -> None:  # type: ignore[no-untyped-def]
    assert count("select count(*) from meeting m where m.citizens > 0 and not exists "
                 "(select 1 from visit v where v.meeting_id = m.id)") == 0
    assert count("select count(*) from meeting m join (select meeting_id, sum(people) people, "
                 "sum(\"group\") groups from visit group by meeting_id) v on v.meeting_id = m.id "
                 "where m.citizens != v.people or m.delegations != v.groups") == 0
    # The published 2022–2024 figures are the visits' own.
    government = (f"from {VISITS} where m.body = 'government' "
                  "and m.date between '2022-01-01' and '2024-12-31'")
    assert count(f"select sum(v.people) {government}") == 3630
    period = ("--from", "2022-01-01", "--to", "2024-12-31", "--locality", "06",
              "--body", "government")
    assert count(f"select sum(v.\"group\") {government}") == \
        report(cli, *period)["meetings"]["delegations"] > 0


@pytest.mark.parametrize(("feature", "sql"), [
    ("group visits of 5 or more", "select count(*) from visit where \"group\" and people >= 5"),
    ("visits received in person by the head", "select count(*) from visit v join meeting m "
     "on m.id = v.meeting_id where m.kind = 'periodic' and not v.delegated"),
    ("visits received by a deputy", "select count(*) from visit where delegated"),
    ("visits about a petition received at them", f"select count(*) from {VISITS} join petition p "
     "on p.id = v.petition_id where p.meeting_id = m.id"),
    ("repeat visits", f"select count(*) from {VISITS} where exists (select 1 from visit w join "
     "meeting n on n.id = w.meeting_id where w.petition_id = v.petition_id and n.date < m.date)"),
    ("second-round complaints", "select count(*) from petition where round = 2"),
    ("matters resolved before", "select count(*) from petition where prior != 'none'"),
    ("chased closures", "select count(*) from petition where outcome = 'chased'"),
    ("forwarded petitions whose reply came back", "select count(*) from petition where "
     "outcome = 'forwarded' and forwarded_to != '' and reply_on >= closed_on"),
    ("complaints with something returned", "select count(*) from petition where kind = "
     "'complaint' and returned_money + returned_land > 0 and returned_people > 0"),
    ("denunciations with money recovered", "select count(*) from petition where kind = "
     "'denunciation' and recovered_money > 0"),
    ("people disciplined", "select count(*) from petition where disciplined_officials > 0"),
    ("cases passed to investigators", "select count(*) from petition where prosecuted_cases > 0"),
    ("petitions pending acceptance", "select count(*) from petition where accepted_on is null"),
])
def test_the_sample_carries_each_feature_of_the_register(feature: str, sql: str) -> None:
    assert count(sql) > 0, feature


@pytest.mark.parametrize(("column", "values"), [
    ("v.direction", {"accepted", "guided", "forwarded"}),
    ("v.kind", {"complaint", "denunciation", "recommendation", "reflection"}),
    ("p.field", {"land", "policy", "administrative", "judicial", "party", "corruption",
                 "conduct", "other"}),
    ("p.prior", {"none", "once", "many", "judgment"})])
def test_every_choice_of_the_register_occurs(column: str, values: set[str]) -> None:
    connection = sqlite3.connect(f"file:{SAMPLE}?mode=ro", uri=True)
    table = "visit v" if column.startswith("v.") else "petition p"
    found = {row[0] for row in connection.execute(f"select distinct {column} from {table}")}
    connection.close()
    assert found == values


def test_the_register_fits_its_rules() -> None:
    # Land leads among complaints and denunciations, as in a mountain province.
    connection = sqlite3.connect(f"file:{SAMPLE}?mode=ro", uri=True)
    fields = connection.execute("select field from petition where kind in ('complaint', "
                                "'denunciation') group by field order by count(*) desc")
    assert next(fields)[0] == "land"
    connection.close()
    assert count("select count(*) from visit where \"group\" and people < 5") == 0
    assert count("select count(*) from petition where round = 2 and kind != 'complaint'") == 0
    results = ("recovered_money + recovered_land + returned_money + returned_land + disciplined "
               "+ prosecuted_cases")
    assert count(f"select count(*) from petition where {results} > 0 and not (outcome = "
                 "'resolved' and kind in ('complaint', 'denunciation'))") == 0
    assert count("select count(*) from petition where outcome = 'forwarded' and "
                 "forwarded_to = ''") == 0
    # Pending only in the last ten working days, and still open.
    assert count("select count(*) from petition where accepted_on is null and "
                 "(received_on < '2026-11-17' or closed_on is not null)") == 0
    # A visit about a denunciation keeps its visitor's identity secret.
    assert count("select count(*) from visit where kind = 'denunciation' and not secret") == 0


def test_db_check_finds_the_sample_clean(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DANTRACK_TODAY", "2026-11-30")  # the sample's last day
    result = cli("--db", str(SAMPLE), "db", "check")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("OK: ")


def units(cli, *args: str) -> list[dict]:  # type: ignore[no-untyped-def]
    result = cli("--db", str(SAMPLE), "locality", "list", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def levels(rows: list[dict]) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in rows:
        found[row["level"]] = found.get(row["level"], 0) + 1
    return found


def test_the_sample_is_reorganised_on_1_july_2025(cli) -> None:  # type: ignore[no-untyped-def]
    new = units(cli, "--on", "2025-07-01", "--under", "19")
    assert levels(new) == {"province": 1, "commune": 92}
    assert {unit["valid_from"] for unit in new} == {"2025-07-01"}
    old_communes = [u for u in units(cli, "--on", "2025-06-30", "--under", "06")
                    if u["level"] == "commune"]
    mains = {unit["successors"].split(";")[0] for unit in old_communes}
    assert len(old_communes) == 108 and len(mains) == 37
    assert mains <= {unit["code"] for unit in new}


def test_after_the_change_the_work_is_in_the_new_communes(cli) -> None:  # type: ignore[no-untyped-def]
    first_half = report(cli, "--from", "2025-01-01", "--to", "2025-06-30", "--locality", "06")
    second_half = report(cli, "--from", "2025-07-01", "--to", "2025-12-31", "--locality", "19")
    year = report(cli, "--year", "2025", "--locality", "19")
    old_year = report(cli, "--year", "2025", "--locality", "Bắc Kạn")
    # Nothing is received in the old units after their end; the new province's year counts
    # both halves (its predecessors' records lead into it).
    assert old_year["petitions"]["received"] == first_half["petitions"]["received"] > 0
    assert year["petitions"]["received"] == (first_half["petitions"]["received"]
                                             + second_half["petitions"]["received"])
    # Cases open on 1 July in the old communes are carried over into the new ones' figures.
    assert second_half["petitions"]["carried_over"] >= first_half["petitions"]["open_at_end"] > 0
    with_work = [part for part in second_half["by_locality"] if part["petitions"]["received"]]
    assert len(with_work) == 37
    for when in ("2025", "2026"):
        assert report(cli, "--year", when, "--locality", "Thái Nguyên")["petitions"][
            "resolution_rate"] > 80


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_read_commands_leave_the_sample_byte_identical(cli) -> None:  # type: ignore[no-untyped-def]
    before = digest(SAMPLE)
    siblings = set(SAMPLE.parent.iterdir())
    for args in (["report", "--year", "2024"], ["petition", "list", "--status", "overdue"],
                 ["petition", "show", "P2024-00001"], ["meeting", "list", "--year", "2023"],
                 ["dialogue", "list"], ["locality", "list"], ["locality", "show", "ba be"]):
        result = cli("--db", str(SAMPLE), *args)
        assert result.exit_code == 0, (args, result.stderr)
    assert digest(SAMPLE) == before
    assert set(SAMPLE.parent.iterdir()) == siblings  # no -wal, -shm or -journal left beside it


def table_contents(path: Path) -> dict[str, list[tuple]]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    contents = {t: connection.execute(f"select * from {t} order by 1, 2").fetchall()
                for t in TABLES}
    connection.close()
    return contents


def test_rebuilding_gives_the_same_records_and_figures(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    rebuilt = tmp_path / "sample.sqlite"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_sample.py"), "--out",
                    str(rebuilt)], check=True, capture_output=True)
    assert table_contents(rebuilt) == table_contents(SAMPLE)
    for year in ("2022", "2024"):
        fresh = cli("--db", str(rebuilt), "report", "--year", year, "--format", "json")
        assert json.loads(fresh.stdout) == report(cli, "--year", year)
