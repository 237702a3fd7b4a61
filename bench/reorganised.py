"""The reorganised tree of bench/report.py (issue 12): the same 2,110 units, ended mid-way
through the reported year, and the units that succeed them.

On 2024-07-01 every old unit has ended (valid_to 2024-06-30): each province is succeeded by a
new province that keeps its code, as the new Thái Nguyên keeps 19; the districts are abolished
(their successor is the new province); each province's communes merge three into one new
commune, and every seventh old commune is split between two new ones (the first its main
successor). A petition received from 2024-07-01 is placed in the main successor of the commune
the unreorganised tree places it in, so every province's and the country's totals are the
unreorganised tree's: a report has to find the same petitions through the successions.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from dantrack.text import fold, strip_prefix

CHANGE = dt.date(2024, 7, 1)
LAST_OLD_DAY = "2024-06-30"
MERGED = 3  # old communes per new commune
SPLIT_EVERY = 7  # every seventh old commune goes to two new ones

# (id, code, name, level, parent_id, path, name_folded, bare_folded), as report.build has them.
Unit = tuple


def reorganise(connection: sqlite3.Connection, units: list[Unit]) -> dict[int, int]:
    """End every unit in the table on 2024-06-30, add their successors from 2024-07-01 and
    the succession; returns each old commune's main successor, by id."""
    next_id = max(unit[0] for unit in units) + 1
    new_units: list[tuple] = []
    successions: list[tuple[int, int, int]] = []
    main: dict[int, int] = {}
    for province in (unit for unit in units if unit[3] == "province"):
        new_province, next_id = next_id, next_id + 1
        code = province[1]
        new_units.append((new_province, code, province[2], "province", None,
                          f"/{new_province}/", province[6], province[7]))
        successions.append((province[0], 0, new_province))
        successions += [(unit[0], 0, new_province) for unit in units
                        if unit[3] == "district" and unit[4] == province[0]]
        communes = [unit for unit in units
                    if unit[3] == "commune" and unit[5].startswith(province[5])]
        new_ids = list(range(next_id, next_id + -(-len(communes) // MERGED)))
        next_id += len(new_ids)
        for j, commune_id in enumerate(new_ids):
            name = f"Xã Mới {province[2].removeprefix('Tỉnh Thử ')}-{j}"
            new_units.append((commune_id, f"{code}N{j:02d}", name, "commune", new_province,
                              f"/{new_province}/{commune_id}/", fold(name),
                              strip_prefix(fold(name))))
        for k, commune in enumerate(communes):
            first = new_ids[k // MERGED]
            main[commune[0]] = first
            successions.append((commune[0], 0, first))
            if k % SPLIT_EVERY == SPLIT_EVERY - 1:
                successions.append((commune[0], 1, new_ids[(k // MERGED + 1) % len(new_ids)]))
    connection.execute("UPDATE locality SET valid_to = ?", (LAST_OLD_DAY,))
    connection.executemany(
        "INSERT INTO locality (id, code, name, level, parent_id, path, name_folded, bare_folded,"
        f" valid_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{CHANGE.isoformat()}')", new_units)
    connection.executemany("INSERT INTO locality_successor (locality_id, position, successor_id)"
                           " VALUES (?, ?, ?)", successions)
    return main
