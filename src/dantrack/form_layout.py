"""How a filled form (the "form result" of dantrack.forms) is laid out as rows: its CSV (one
row per unit, then the total; columns code, name and <number>_<key> in form order) and the
table people read (the units against the column numbers, then a legend of what each number
is). Plain data in, plain rows out: dantrack.output draws them.
"""

from __future__ import annotations

from typing import Any


def form_entries(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The unit rows, then the total."""
    return [*result["rows"], result["total"]]


def form_csv_rows(result: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    columns = ["code", "name", *(f"{c['number']}_{c['key']}" for c in result["columns"])]
    rows = [[entry["locality"]["code"], entry["locality"]["name"],
             *(entry["values"][c["key"]] for c in result["columns"])]
            for entry in form_entries(result)]
    return columns, rows


def form_title(result: dict[str, Any]) -> str:
    form, period, place = result["form"], result["period"], result["locality"]
    code = f" ({place['code']})" if place["code"] else ""
    official = ", official" if period.get("official") else ""
    body = f"{result['body']}: " if result.get("body") else ""
    return (f"{body}{form['number']} {form['title']} — {place['name']}{code}, "
            f"{period['from']} to {period['to']}{official}")


def form_table(result: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The units (and the total, last) against the column numbers."""
    columns = ["unit", *(str(c["number"]) for c in result["columns"])]
    rows = []
    for entry in form_entries(result):
        place = entry["locality"]
        name = place["name"] if entry is not result["total"] else f"Total: {place['name']}"
        rows.append([name, *(entry["values"][c["key"]] for c in result["columns"])])
    return columns, rows


def form_legend(result: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """What each column number shows: its header groups and label, and its JSON key."""
    rows = [[c["number"], " / ".join([*c["groups"], c["label"]]), c["key"]]
            for c in result["columns"]]
    return ["#", "column", "key"], rows
