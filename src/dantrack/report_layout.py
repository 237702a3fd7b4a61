"""How a report is laid out for people and spreadsheets: its CSV rows (per locality, its
total and then each kind, a column per figure, the period in each row) and the blocks of the
table and markdown views (totals, meetings by kind and by body, petitions by kind, by
locality). Plain data in, plain rows out: dantrack.output draws them. Every block fits a
terminal of 100 columns.
"""

from __future__ import annotations

from typing import Any

from dantrack.output import cell

REPORT_FIGURES = (
    "received", "duplicates", "due", "carried_over", "resolved", "withdrawn",
    "resolution_rate", "on_time", "open_at_end", "overdue_at_end", "guided", "forwarded",
    "chased", "dismissed",
)
# Added after REPORT_FIGURES (issue 14), so that every earlier column keeps its place.
MORE_FIGURES = ("on_time_rate",)
VERDICTS = ("upheld", "partly_upheld", "rejected", "founded", "partly_founded", "unfounded")
MEETING_KINDS = ("regular", "periodic", "unscheduled")
BODIES = ("party", "government", "front", "other")
RATES = ("resolution_rate", "on_time_rate")
# By locality: short headings, so that ten columns fit 100.
LOCALITY_COLUMNS = {"received": "received", "due": "due", "resolved": "resolved",
                    "resolution_rate": "rate", "on_time": "on time", "open_at_end": "open",
                    "overdue_at_end": "overdue"}
Block = tuple[str, list[str], list[list[str]], list[bool]]


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"


def _figure(name: str, value: Any) -> str:
    return percent(value) if name in RATES else cell(value)


def _label(name: str) -> str:
    return name.replace("_", " ")


# --- CSV -----------------------------------------------------------------------------------


def report_csv_rows(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """A row per locality (the reported one first, then its children), then a row per
    locality and kind; with compare, the reported locality's rows for the earlier period.
    Each row names its kind ("all" for the total) and its period."""
    columns = ["code", "name", "meetings", "meeting_citizens", "delegations", "dialogues",
               "dialogue_citizens", *REPORT_FIGURES, *MORE_FIGURES, *VERDICTS,
               *(f"meetings_{k}" for k in (*MEETING_KINDS, *BODIES)), "kind", "from", "to"]
    entries = [report] + report["by_locality"]
    rows = _csv_rows(entries, report["period"])
    if "compare" in report:
        earlier = {**report["compare"], "locality": report["locality"]}
        rows += _csv_rows([earlier], report["compare"]["period"])
    return columns, rows


def _csv_rows(entries: list[dict[str, Any]], period: dict[str, str]) -> list[list[Any]]:
    rows = [_csv_row(e, e["petitions"], "all", period, activity=True) for e in entries]
    for entry in entries:
        rows += [_csv_row(entry, figures, kind, period, activity=False)
                 for kind, figures in entry["petitions"]["by_kind"].items()]
    return rows


def _csv_row(entry: dict[str, Any], p: dict[str, Any], kind: str, period: dict[str, str], *,
             activity: bool) -> list[Any]:
    """Meetings and dialogues have no petition kind: their cells are empty in a kind's row,
    as are the verdicts a kind does not have."""
    m, d = entry["meetings"], entry["dialogues"]
    meetings = [m["count"], m["citizens"], m["delegations"], d["count"], d["citizens"]]
    by = [m["by_kind"][k]["count"] for k in MEETING_KINDS] + [
        m["by_body"][b]["count"] for b in BODIES]
    if not activity:
        meetings, by = [None] * len(meetings), [None] * len(by)
    return [entry["locality"]["code"], entry["locality"]["name"], *meetings,
            *[p[name] for name in (*REPORT_FIGURES, *MORE_FIGURES)],
            *[p["verdicts"].get(v) for v in VERDICTS], *by, kind, period["from"], period["to"]]


# --- tables and markdown ---------------------------------------------------------------------


def report_blocks(report: dict[str, Any]) -> list[Block]:
    """The blocks every human-readable view shows: totals (with compare: now, a year earlier
    and the change), meetings by kind and by body, petitions by kind, by locality."""
    blocks = [_totals(report), _meetings_by(report["meetings"], "by_kind", MEETING_KINDS),
              _meetings_by(report["meetings"], "by_body", BODIES), _by_kind(report["petitions"])]
    if report["by_locality"]:
        blocks.append(_by_locality(report["by_locality"]))
    return blocks


def _title(report: dict[str, Any]) -> str:
    period, place, code = report["period"], report["locality"]["name"], report["locality"]["code"]
    title = f"{place}{f' ({code})' if code else ''}, {period['from']} to {period['to']}"
    if "compare" in report:
        earlier = report["compare"]["period"]
        title += f", against {earlier['from']} to {earlier['to']}"
    return f"Report: {title}"


def _total_figures(entry: dict[str, Any]) -> list[tuple[str, Any]]:
    """(figure, raw value) in the order of the totals block."""
    m, d, p = entry["meetings"], entry["dialogues"], entry["petitions"]
    return [("meetings", m["count"]), ("meeting_citizens", m["citizens"]),
            ("delegations", m["delegations"]), ("dialogues", d["count"]),
            ("dialogue_citizens", d["citizens"]),
            *[(name, p[name]) for name in (*REPORT_FIGURES, *MORE_FIGURES)],
            *[(verdict, p["verdicts"][verdict]) for verdict in VERDICTS]]


def _totals(report: dict[str, Any]) -> Block:
    now = _total_figures(report)
    if "compare" not in report:
        return (_title(report), ["figure", "value"],
                [[_label(name), _figure(name, value)] for name, value in now], [False, True])
    compare = report["compare"]
    then, change = _total_figures(compare), _total_figures(compare["change"])
    rows = [[_label(name), _figure(name, value), _figure(name, earlier), _change(name, delta)]
            for (name, value), (_, earlier), (_, delta) in zip(now, then, change, strict=True)]
    return (_title(report), ["figure", "now", "a year earlier", "change"], rows,
            [False, True, True, True])


def _change(name: str, value: Any) -> str:
    """+3, -2, 0; a rate's change in percentage points, — when either rate is null."""
    if name in RATES:
        return "—" if value is None else f"{value:+.1f} pts"
    return f"{value:+d}" if value else "0"


def _meetings_by(meetings: dict[str, Any], key: str, names: tuple[str, ...]) -> Block:
    groups = meetings[key]
    rows = [[_label(figure)] + [cell(groups[n][column]) for n in names]
            + [cell(meetings[column])]
            for figure, column in (("meetings", "count"), ("citizens", "citizens"),
                                   ("delegations", "delegations"))]
    title = "Meetings by kind" if key == "by_kind" else "Meetings by body"
    return (title, ["figure", *names, "total"], rows, [False] + [True] * (len(names) + 1))


def _by_kind(p: dict[str, Any]) -> Block:
    kinds = list(p["by_kind"])
    rows = [[_label(name)] + [_figure(name, p["by_kind"][k][name]) for k in kinds]
            + [_figure(name, p[name])] for name in (*REPORT_FIGURES, *MORE_FIGURES)]
    rows += [[_label(v)] + [cell(p["by_kind"][k]["verdicts"].get(v)) for k in kinds]
             + [cell(p["verdicts"][v])] for v in VERDICTS]
    return ("Petitions by kind", ["figure", *kinds, "total"], rows,
            [False] + [True] * (len(kinds) + 1))


def _by_locality(entries: list[dict[str, Any]]) -> Block:
    columns = ["locality", "meetings", "citizens", *LOCALITY_COLUMNS.values()]
    rows = [[entry["locality"]["name"], cell(entry["meetings"]["count"]),
             cell(entry["meetings"]["citizens"])]
            + [_figure(c, entry["petitions"][c]) for c in LOCALITY_COLUMNS]
            for entry in entries]
    return ("By locality", columns, rows, [False] + [True] * (len(columns) - 1))
