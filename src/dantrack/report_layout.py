"""How a report is laid out for people and spreadsheets: its CSV rows (one per locality, a
column per figure) and the blocks of the table and markdown views (totals, by kind, by
locality). Plain data in, plain rows out: dantrack.output draws them.
"""

from __future__ import annotations

from typing import Any

from dantrack.output import cell

REPORT_FIGURES = (
    "received", "duplicates", "due", "carried_over", "resolved", "withdrawn",
    "resolution_rate", "on_time", "open_at_end", "overdue_at_end", "guided", "forwarded",
    "chased", "dismissed",
)
LOCALITY_COLUMNS = ("received", "due", "resolved", "resolution_rate", "on_time",
                    "open_at_end", "overdue_at_end")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"


def _figure(name: str, value: Any) -> str:
    return percent(value) if name == "resolution_rate" else cell(value)


def report_csv_rows(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """One row per locality (the reported one first, then its children), a column per figure."""
    columns = ["code", "name", "meetings", "meeting_citizens", "delegations", "dialogues",
               "dialogue_citizens", *REPORT_FIGURES]
    entries = [report] + report["by_locality"]
    rows = []
    for entry in entries:
        m, d, p = entry["meetings"], entry["dialogues"], entry["petitions"]
        rows.append([entry["locality"]["code"], entry["locality"]["name"], m["count"],
                     m["citizens"], m["delegations"], d["count"], d["citizens"],
                     *[p[name] for name in REPORT_FIGURES]])
    return columns, rows


def report_blocks(report: dict[str, Any]) -> list[tuple[str, list[str], list[list[str]],
                                                          list[bool]]]:
    """The three blocks every human-readable view shows: totals, by kind, by locality."""
    period = report["period"]
    place = report["locality"]["name"]
    code = report["locality"]["code"]
    title = f"{place}{f' ({code})' if code else ''}, {period['from']} to {period['to']}"
    m, d, p = report["meetings"], report["dialogues"], report["petitions"]
    totals = [["meetings", cell(m["count"])], ["meeting citizens", cell(m["citizens"])],
              ["delegations", cell(m["delegations"])], ["dialogues", cell(d["count"])],
              ["dialogue citizens", cell(d["citizens"])]]
    totals += [[name.replace("_", " "), _figure(name, p[name])] for name in REPORT_FIGURES]
    kinds = list(p["by_kind"])
    by_kind = [[name.replace("_", " ")] + [_figure(name, p["by_kind"][k][name]) for k in kinds]
               + [_figure(name, p[name])] for name in REPORT_FIGURES]
    locality_columns = ["locality", "meetings", "citizens",
                        *[c.replace("_", " ") for c in LOCALITY_COLUMNS]]
    by_locality = []
    for entry in report["by_locality"]:
        e = entry["petitions"]
        by_locality.append([entry["locality"]["name"], cell(entry["meetings"]["count"]),
                            cell(entry["meetings"]["citizens"])]
                           + [_figure(c, e[c]) for c in LOCALITY_COLUMNS])
    blocks = [
        (f"Report: {title}", ["figure", "value"], totals, [False, True]),
        ("Petitions by kind", ["figure", *kinds, "total"], by_kind,
         [False] + [True] * (len(kinds) + 1)),
    ]
    if by_locality:
        blocks.append(("By locality", locality_columns, by_locality,
                       [False] + [True] * (len(locality_columns) - 1)))
    return blocks


