"""Build src/dantrack/data/official_units.csv.gz: Vietnam's official administrative units.

The GSO units in force on 2025-06-30 (63 provinces, their districts and communes; they end on
that day), those in force from 2025-07-01 (34 provinces and their communes), and the succession
between them. The source is the MIT-licensed `vietnamadminunits` package (its SQLite dataset
and its 2025 conversion table), which must be installed where this script runs — dantrack does
not depend on it (it pulls in shapely and geopy):

    python -m venv /tmp/vau && /tmp/vau/bin/pip install vietnamadminunits==1.0.4
    /tmp/vau/bin/python scripts/build_official_units.py \\
        --gso-communes danhmuchanhchinh.gso.gov.vn_ward_2025-07-18.csv \\
        --gso-districts danhmuchanhchinh.gso.gov.vn_district_2025-07-18.csv

The two optional GSO exports (danhmuchanhchinh.gso.gov.vn; copies under data/raw/ in the
package's repository) give the pre-2025 units their names exactly as GSO writes them: the
package respells some ("Hòa" for GSO's "Hoà", "Sỹ Bình" for "Sĩ Bình"). Codes are GSO's either way.

Successors, main first:
- an old commune: the new communes it went into (the package's conversion table). The main one
  is the new commune that carries the old commune's code (GSO gave each new commune one
  predecessor's code), else the one the package marks as default (isDefaultNewWard: the new
  commune whose area holds, or lies nearest to, the old commune's centre), else the lowest
  code; the others follow by code. The package gives no shares of area or population.
- an old district (the level was abolished): the new commune that took all of it if there is
  one (the island districts without communes became special zones, đặc khu), else the new
  province, which holds all of its territory, so that its own records follow it there.
- an old province: the new province it merged into (Resolution 202/2025/QH15); a province
  that continued (Thái Nguyên, 19) is succeeded by the new unit with the same code.

The output is sorted and gzipped without a timestamp: a rebuild gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib.metadata
import importlib.util
import io
import json
import re
import sqlite3
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parent / "src" / "dantrack" / "data" / "official_units.csv.gz"
PACKAGE = "vietnamadminunits"
OLD_END, NEW_START = "2025-06-30", "2025-07-01"
COLUMNS = ("code", "name", "level", "parent", "valid_from", "valid_to", "successors")
LEVEL_RANK = {"province": 0, "district": 1, "commune": 2}
# GSO's prefixes, as GSO writes them; its lists sometimes capitalise the second word.
PREFIXES = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Tỉnh", "Huyện", "Quận", "Phường", "Xã")
_PREFIX = re.compile("^(" + "|".join(PREFIXES) + ") ", re.IGNORECASE)


@dataclass
class Unit:
    code: str
    name: str
    level: str
    parent: str
    old: bool
    successors: tuple[str, ...] = ()

    def row(self) -> tuple[str, ...]:
        validity = ("", OLD_END) if self.old else (NEW_START, "")
        return (self.code, self.name, self.level, self.parent, *validity,
                ";".join(self.successors))


def clean_name(name: str) -> str:
    """Single spaces, and the prefix spelt as GSO usually spells it ("Thành Phố" → "Thành phố")."""
    name = " ".join(name.split())
    match = _PREFIX.match(name)
    if match is None:
        raise SystemExit(f"unit name without an administrative prefix: {name!r}")
    prefix = next(p for p in PREFIXES if p.casefold() == match[1].casefold())
    return prefix + name[len(match[1]):]


def package_files() -> tuple[Path, str, str]:
    """The package's data directory, its version, and its licence's name and copyright line."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise SystemExit(f"{PACKAGE} is not installed here: pip install {PACKAGE}")
    dist = importlib.metadata.distribution(PACKAGE)
    licence = next((f for f in dist.files or () if f.name.upper().startswith("LICENSE")), None)
    lines = [line.strip() for line in (licence.read_text() if licence else "").splitlines()]
    notice = [line for line in lines if line][:1] + [line for line in lines
                                                     if line.startswith("Copyright")][:1]
    if len(notice) < 2:
        raise SystemExit(f"{PACKAGE} {dist.version}: no licence text found")
    return Path(spec.origin).parent / "data", dist.version, ", ".join(notice)


def read_gso_names(communes: Path | None, districts: Path | None) -> dict[str, str]:
    """Code → name from GSO's exports (columns Mã, Tên; the commune one names provinces too)."""
    names: dict[str, str] = {}
    for path in (p for p in (communes, districts) if p):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                names[row["Mã"]] = row["Tên"]
                if "Mã TP" in row and "Quận Huyện" in row:
                    names.setdefault(row["Mã TP"], row["Tỉnh / Thành Phố"])
    return names


def old_units(db: sqlite3.Connection, gso: dict[str, str]) -> tuple[dict[str, Unit], dict]:
    """Units in force on 2025-06-30 by code, and the package's key of each unit → its code."""
    units: dict[str, Unit] = {}
    keys: dict[str, str] = {}
    rows = db.execute(
        "SELECT provinceCode, province, districtCode, district, wardCode, ward,"
        " provinceKey, districtKey, coalesce(wardKey, '') FROM admin_units_legacy")
    for pc, pname, dc, dname, wc, wname, pkey, dkey, wkey in rows:
        units.setdefault(pc, Unit(pc, clean_name(gso.get(pc, pname)), "province", "", True))
        units.setdefault(dc, Unit(dc, clean_name(gso.get(dc, dname)), "district", pc, True))
        if wc:  # the island districts have no communes: their row stands for the district
            units[wc] = Unit(wc, clean_name(gso.get(wc, wname)), "commune", dc, True)
        keys[f"{pkey}_{dkey}_{wkey}"] = wc or dc
        keys[pkey] = pc
    return units, keys


def new_units(db: sqlite3.Connection) -> tuple[dict[str, Unit], dict[str, str]]:
    """Units in force from 2025-07-01 by code, and the package's key of each unit → its code."""
    units: dict[str, Unit] = {}
    keys: dict[str, str] = {}
    rows = db.execute(
        "SELECT provinceCode, province, provinceKey, wardCode, ward, wardKey FROM admin_units")
    for pc, pname, pkey, wc, wname, wkey in rows:
        units.setdefault(pc, Unit(pc, clean_name(pname), "province", "", False))
        units[wc] = Unit(wc, clean_name(wname), "commune", pc, False)
        keys[f"{pkey}_{wkey}"] = wc
        keys[pkey] = pc
    return units, keys


def commune_successors(conversion: dict, old_keys: dict[str, str],
                       new_keys: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """Old commune (or commune-less district) code → new commune codes, main first."""
    found: dict[str, tuple[str, ...]] = {}
    for province, wards in conversion["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_key, old_list in wards.items():
            for old_key in old_list:
                found[old_keys[old_key]] = (new_keys[f"{province}_{new_key}"],)
    for province, divided in conversion["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in divided.items():
            old_code = old_keys[old_key]
            codes = sorted(new_keys[f"{province}_{p['newWardKey']}"] for p in parts)
            default = [new_keys[f"{province}_{p['newWardKey']}"] for p in parts
                       if p["isDefaultNewWard"]]
            main = old_code if old_code in codes else (default or codes)[0]
            found[old_code] = (main, *(c for c in codes if c != main))
    return found


def link(old: dict[str, Unit], conversion: dict, old_keys: dict[str, str],
         new_keys: dict[str, str]) -> None:
    """Fill in every old unit's successors."""
    for new_province, members in conversion["DICT_PROVINCE"].items():
        for member in members:
            old[old_keys[member]].successors = (new_keys[new_province],)
    reached: dict[str, set[str]] = {}
    for code, successors in commune_successors(conversion, old_keys, new_keys).items():
        unit = old[code]
        if unit.level == "commune":
            unit.successors = successors
        district = code if unit.level == "district" else unit.parent
        reached.setdefault(district, set()).update(successors)
    for unit in old.values():
        if unit.level == "district":
            whole = reached[unit.code]
            unit.successors = tuple(whole) if len(whole) == 1 else old[unit.parent].successors


def check(old: dict[str, Unit], new: dict[str, Unit]) -> None:
    """Refuse to write a file that breaks what dantrack relies on."""
    counts = Counter((u.old, u.level) for u in (*old.values(), *new.values()))
    if counts[(True, "province")] != 63 or counts[(False, "province")] != 34:
        raise SystemExit(f"unexpected province counts: {counts}")
    for unit in old.values():
        if not unit.successors or any(code not in new for code in unit.successors):
            raise SystemExit(f"{unit.code} {unit.name}: successors {unit.successors} are not new")


def header(version: str, licence: str, gso: bool) -> list[str]:
    names = ("names of the units ending 2025-06-30 as GSO writes them (danhmuchanhchinh.gso.gov.vn)"
             if gso else "names as the package gives them")
    return [
        "# dantrack official units: GSO lists in force on 2025-06-30 and from 2025-07-01,"
        " and the succession between them (main successor first).",
        f"# source: {PACKAGE} {version} ({licence}),"
        " https://github.com/tranngocminhhieu/vietnamadminunits, from danhmuchanhchinh.gso.gov.vn"
        " and sapnhap.bando.com.vn; " + names + ".",
        "# built by scripts/build_official_units.py, which documents the main-successor rule.",
    ]


def render(units: list[Unit], lines: list[str]) -> bytes:
    buffer = io.StringIO()
    buffer.write("\n".join(lines) + "\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    order = sorted(units, key=lambda u: (not u.old, LEVEL_RANK[u.level], u.code))
    writer.writerows(u.row() for u in order)
    # mtime=0 and no file name inside: the same rows give the same bytes.
    return gzip.compress(buffer.getvalue().encode("utf-8"), compresslevel=9, mtime=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="file to write")
    parser.add_argument("--gso-communes", type=Path, help="GSO's export of communes (CSV)")
    parser.add_argument("--gso-districts", type=Path, help="GSO's export of districts (CSV)")
    args = parser.parse_args(argv)
    data, version, licence = package_files()
    gso = read_gso_names(args.gso_communes, args.gso_districts)
    with sqlite3.connect(f"file:{data / 'dataset.db'}?mode=ro", uri=True) as db:
        old, old_keys = old_units(db, gso)
        new, new_keys = new_units(db)
    unknown = sorted(set(gso) - set(old))
    if unknown:
        raise SystemExit(f"GSO codes the package does not know: {unknown[:10]}")
    conversion = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    link(old, conversion, old_keys, new_keys)
    check(old, new)
    payload = render([*old.values(), *new.values()], header(version, licence, bool(gso)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(payload)
    print(f"{args.out}: {len(old)} old and {len(new)} new units, {len(payload)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
