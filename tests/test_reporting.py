"""Report figures against hand-computed expectations on small crafted data (SPEC §2)."""

from __future__ import annotations

import json

import pytest

from dantrack import models, reporting, tables
from dantrack.reporting import build_report, quarter_period, rate, year_period
from dantrack.services.localities import add_locality
from dantrack.services.meetings import add_dialogue, add_meeting
from dantrack.services.petitions import add_petition, close_petition, reopen_petition

# P 06 ─ D1 061 ─ C1 01864
#      └ D2 064 ─ C2 01966
TREE = [("06", "Bắc Kạn", "province", None), ("061", "Huyện Ba Bể", "district", "06"),
        ("01864", "Xã Cao Thượng", "commune", "061"), ("064", "Huyện Chợ Đồn", "district", "06"),
        ("01966", "Xã Quảng Bạch", "commune", "064")]

@pytest.fixture(autouse=True)
def later_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The register below closes a case in January 2025: today is after it."""
    monkeypatch.setenv("DANTRACK_TODAY", "2025-06-30")


# ref: (kind, received, locality, flags, closures) — closures are (outcome, date) or "reopen".
CASES = {
    "A": ("complaint", "2023-12-01", "01864", {}, [("resolved", "2024-01-10")]),
    "B": ("complaint", "2023-11-01", "01864", {}, [("resolved", "2023-12-31")]),
    "C": ("recommendation", "2024-01-01", "01864", {}, [("withdrawn", "2024-12-31")]),
    "D": ("reflection", "2024-12-31", "01966", {}, []),
    "E": ("complaint", "2024-02-01", "01864", {"duplicate_of": "A"}, []),
    "F": ("denunciation", "2024-03-01", "01966", {}, [("dismissed", "2024-03-05")]),
    "G": ("complaint", "2024-04-01", "01864", {}, [("guided", "2024-04-03")]),
    "H": ("reflection", "2024-05-06", "01966", {}, [("forwarded", "2024-05-07")]),
    "I": ("complaint", "2024-06-03", "01864", {"complex": True, "remote": True},
          [("resolved", "2024-08-02")]),
    "J": ("complaint", "2024-06-03", "01966", {"complex": True}, [("resolved", "2024-07-19")]),
    "K": ("denunciation", "2024-02-01", "01864", {"complex": True}, []),
    "L": ("complaint", "2024-09-02", "01966", {}, [("resolved", "2024-09-20"), "reopen"]),
    "M": ("complaint", "2023-06-01", "01864", {}, []),
    "N": ("complaint", "2024-10-01", "01966", {}, [("resolved", "2025-01-15")]),
}


@pytest.fixture
def crafted(db):  # type: ignore[no-untyped-def]
    with db.session() as s:
        for code, name, level, parent in TREE:
            add_locality(s, code=code, name=name, level=level, parent=parent)
        for ref, (kind, received, where, flags, closures) in CASES.items():
            extra = dict(flags)
            if "duplicate_of" in extra:
                extra["duplicate_of"] = f"X-{extra['duplicate_of']}"
            add_petition(s, ref=f"X-{ref}", kind=kind, received_on=received, locality=where,
                         subject=f"case {ref}", **extra)
            for step in closures:
                if step == "reopen":
                    reopen_petition(s, f"X-{ref}", reason="decision annulled")
                else:
                    close_petition(s, f"X-{ref}", outcome=step[0], closed_on=step[1])
        add_meeting(s, date="2024-01-01", locality="01864", kind="periodic", body="government",
                    citizens=3, delegations=1)
        add_meeting(s, date="2024-12-31", locality="01966", kind="regular", body="party",
                    citizens=2)
        add_meeting(s, date="2023-12-31", locality="01966", kind="regular", body="government",
                    citizens=9)
        add_dialogue(s, date="2024-06-30", locality="064", body="government", citizens=12)
    return db


def report_for(db, period, locality=None, body=None):  # type: ignore[no-untyped-def]
    with db.session() as s:
        return build_report(s, period=period, locality=locality, body=body)


EXPECTED_2024 = {
    "received": 11, "duplicates": 1, "due": 9, "carried_over": 2, "resolved": 4, "withdrawn": 1,
    "resolution_rate": 44.4, "on_time": 1, "open_at_end": 5, "overdue_at_end": 4, "guided": 1,
    "forwarded": 1, "chased": 0, "dismissed": 1,
}


def figures(block) -> dict:  # type: ignore[no-untyped-def]
    return {name: getattr(block, name) for name in EXPECTED_2024}


def test_year_totals_match_hand_count(crafted) -> None:  # type: ignore[no-untyped-def]
    report = report_for(crafted, year_period(2024), "06")
    assert figures(report.petitions) == EXPECTED_2024
    data = report.as_dict()
    meetings = {k: data["meetings"][k] for k in ("count", "citizens", "delegations")}
    assert meetings == {"count": 2, "citizens": 5, "delegations": 1}
    assert data["dialogues"] == {"count": 1, "citizens": 12}
    assert data["period"] == {"from": "2024-01-01", "to": "2024-12-31"}
    assert data["locality"] == {"code": "06", "name": "Bắc Kạn"}


def test_by_kind_hand_count(crafted) -> None:  # type: ignore[no-untyped-def]
    by_kind = report_for(crafted, year_period(2024), "06").petitions.by_kind
    assert list(by_kind) == ["complaint", "denunciation", "recommendation", "reflection"]
    complaint = by_kind["complaint"]
    assert (complaint.received, complaint.due, complaint.resolved, complaint.resolution_rate,
            complaint.carried_over, complaint.duplicates) == (6, 6, 3, 50.0, 2, 1)
    assert (by_kind["denunciation"].received, by_kind["denunciation"].due,
            by_kind["denunciation"].dismissed, by_kind["denunciation"].resolution_rate) \
        == (2, 1, 1, 0.0)
    assert (by_kind["recommendation"].resolved, by_kind["recommendation"].withdrawn,
            by_kind["recommendation"].resolution_rate) == (1, 1, 100.0)
    assert (by_kind["reflection"].received, by_kind["reflection"].due,
            by_kind["reflection"].forwarded, by_kind["reflection"].open_at_end) == (2, 1, 1, 1)


def test_children_add_up_to_parent(crafted) -> None:  # type: ignore[no-untyped-def]
    report = report_for(crafted, year_period(2024), "06")
    assert [c.locality.code for c in report.by_locality] == ["061", "064"]
    for name in reporting.COUNTED:
        assert sum(getattr(c.petitions, name) for c in report.by_locality) == \
            getattr(report.petitions, name), name
    d1, d2 = report.by_locality
    # D1 holds A C E G I K M; D2 holds D F H J L N.
    assert (d1.petitions.received, d1.petitions.due, d1.petitions.resolved) == (5, 5, 3)
    assert (d2.petitions.received, d2.petitions.due, d2.petitions.resolved) == (6, 4, 1)
    assert d1.petitions.resolution_rate == 60.0 and d2.petitions.resolution_rate == 25.0
    assert d1.meetings.count == 1 and d2.meetings.count == 1 and d2.dialogues.citizens == 12


def test_carry_over_across_the_year_boundary(crafted) -> None:  # type: ignore[no-untyped-def]
    last_year = report_for(crafted, year_period(2023), "06").petitions
    this_year = report_for(crafted, year_period(2023 + 1), "06").petitions
    # A and M were open at the end of 2023 and are the carry-over of 2024; B closed on
    # 31 December 2023 (the last day) counts as resolved in 2023 and nowhere in 2024.
    assert (last_year.received, last_year.due, last_year.resolved) == (3, 3, 1)
    assert last_year.open_at_end == 2 == this_year.carried_over
    assert last_year.overdue_at_end == 1  # M (due 1 July); A is due on 31 December itself


def test_first_and_last_day_of_period(crafted) -> None:  # type: ignore[no-untyped-def]
    q1 = report_for(crafted, quarter_period("2024-Q1"), "06").petitions
    # C received on 1 January (first day) is in; D received 31 December is not.
    assert q1.received == 4  # C, E, F, K
    assert q1.resolved == 1  # A, closed 10 January
    q4 = report_for(crafted, quarter_period("2024-Q4"), "06").petitions
    # C withdrawn on 31 December (last day) is resolved in Q4; D received that day is due.
    assert (q4.withdrawn, q4.received) == (1, 2)  # received: D, N


def test_reopened_petition_counts_as_open(crafted) -> None:  # type: ignore[no-untyped-def]
    report = report_for(crafted, year_period(2024), "01966").petitions
    # L was resolved on 20 September and reopened: open and overdue, not resolved.
    assert report.resolved == 1  # only J
    assert report.open_at_end == 3  # D, L, N


def test_nothing_due_gives_null_rate(crafted) -> None:  # type: ignore[no-untyped-def]
    report = report_for(crafted, year_period(2022), "064")
    assert report.petitions.due == 0
    assert report.petitions.resolution_rate is None
    assert all(k.resolution_rate is None for k in report.petitions.by_kind.values())


def test_body_filter_applies_to_meetings_only(crafted) -> None:  # type: ignore[no-untyped-def]
    report = report_for(crafted, year_period(2024), "06", body="party")
    assert report.meetings.count == 1 and report.meetings.citizens == 2
    assert report.dialogues.count == 0
    assert report.petitions.received == 11


def test_default_locality_is_the_root(crafted) -> None:  # type: ignore[no-untyped-def]
    assert report_for(crafted, year_period(2024)).locality.code == "06"


@pytest.mark.parametrize(("resolved", "due", "expected"), [
    (176, 221, 79.6), (1, 16, 6.3), (1, 8, 12.5), (1, 3, 33.3), (2, 3, 66.7), (0, 5, 0.0),
    (5, 5, 100.0), (3, 0, None), (1, 40, 2.5), (1, 80, 1.3),
])
def test_rate_rounds_half_up(resolved: int, due: int, expected: float | None) -> None:
    assert rate(resolved, due) == expected


def test_quarter_bounds() -> None:
    assert (quarter_period("2024-Q1").from_.isoformat(), quarter_period("2024-Q1").to.isoformat()) \
        == ("2024-01-01", "2024-03-31")
    assert quarter_period("2024-q4").to.isoformat() == "2024-12-31"
    assert quarter_period("2023-Q2").to.isoformat() == "2023-06-30"


# --- the command line --------------------------------------------------------------------

SPEC_KEYS = ["period", "locality", "meetings", "dialogues", "petitions", "by_locality"]
FIGURE_KEYS = list(EXPECTED_2024)


def test_cli_json_keys_are_the_contract(crafted, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("report", "--year", "2024", "--locality", "bac kan", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == SPEC_KEYS
    assert list(data["period"]) == ["from", "to"]
    assert list(data["locality"]) == ["code", "name"]
    # Keys added later come after the first ones, which keep their order.
    assert list(data["meetings"]) == ["count", "citizens", "delegations", "by_kind", "by_body"]
    assert list(data["dialogues"]) == ["count", "citizens"]
    assert list(data["petitions"]) == FIGURE_KEYS + ["by_kind", "on_time_rate", "verdicts"]
    assert list(data["petitions"]["by_kind"]["complaint"]) == FIGURE_KEYS + ["on_time_rate",
                                                                            "verdicts"]
    entry = data["by_locality"][0]
    assert list(entry) == ["locality", "meetings", "dialogues", "petitions"]
    assert {k: data["petitions"][k] for k in FIGURE_KEYS} == EXPECTED_2024


def test_cli_csv_one_row_per_locality(crafted, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("report", "--year", "2024", "--format", "csv")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("code,name,meetings,meeting_citizens,delegations,dialogues,")
    # A total row per locality first; the rows by kind (tests/test_report_more.py) follow.
    assert [line.split(",")[0] for line in lines[1:4]] == ["06", "061", "064"]
    header = lines[0].split(",")
    total = dict(zip(header, lines[1].split(","), strict=True))
    assert total["resolution_rate"] == "44.4" and total["received"] == "11"


def test_cli_markdown_and_table(crafted, cli) -> None:  # type: ignore[no-untyped-def]
    markdown = cli("report", "--quarter", "2024-Q3", "--format", "markdown").stdout
    assert markdown.startswith("## Report: Bắc Kạn (06), 2024-07-01 to 2024-09-30\n")
    assert "| figure | value |\n|---|---:|" in markdown
    assert "### By locality" in markdown and "| Huyện Chợ Đồn |" in markdown
    table = cli("report", "--year", "2024").stdout
    assert "resolution rate    44.4 %" in table
    assert "Petitions by kind" in table and "By locality" in table


@pytest.mark.parametrize(("args", "code", "message"), [
    ([], 2, "give exactly one of --year, --quarter or --from/--to"),
    (["--year", "2024", "--quarter", "2024-Q1"], 2, "got --year, --quarter"),
    (["--from", "2024-01-01"], 2, "--from and --to go together"),
    (["--from", "2024-02-01", "--to", "2024-01-31"], 3,
     "Error: invalid period: from 2024-02-01 is after to 2024-01-31"),
    (["--quarter", "2024-Q5"], 3, "Error: invalid quarter '2024-Q5'"),
    (["--from", "31/02/2024", "--to", "2024-03-01"], 3, "Error: invalid from '31/02/2024'"),
    (["--year", "2024", "--locality", "Hà Nội"], 1, "Error: no locality with code or name"),
])
def test_cli_report_errors(crafted, cli, args, code, message) -> None:  # type: ignore[no-untyped-def]
    result = cli("report", *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_report_missing_database(cli, db_path) -> None:  # type: ignore[no-untyped-def]
    result = cli("report", "--year", "2024")
    assert result.exit_code == 4
    assert f"no database at {db_path}" in result.stderr
    assert not db_path.exists()


def test_light_tables_name_real_columns() -> None:
    """The read-side table views must name columns the full models really have."""
    for light, model in ((tables.locality, models.Locality), (tables.petition, models.Petition),
                         (tables.meeting, models.Meeting), (tables.dialogue, models.Dialogue)):
        real = model.__table__
        assert light.name == real.name
        assert {c.name for c in light.c} <= {c.name for c in real.c}


def test_report_query_uses_the_covering_index(crafted) -> None:  # type: ignore[no-untyped-def]
    with crafted.connection() as c:
        compiled = reporting._petition_query(year_period(2024), reporting.lookup.subtree_ids("/"))
        sql = str(compiled.compile(c, compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(row) for row in c.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    assert "COVERING INDEX ix_petition_report" in plan
    assert "TEMP B-TREE" not in plan
