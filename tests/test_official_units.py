"""The official units shipped in the package: their shape, the succession, one province's part."""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from dantrack.errors import NotFound
from dantrack.official import OfficialUnit, official_units, units_for_province

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_TREE = ROOT / "scripts" / "data" / "bac_kan_localities.csv"
LAST_OLD_DAY, FIRST_NEW_DAY = date(2025, 6, 30), date(2025, 7, 1)
CODE_LENGTH = {"province": 2, "district": 3, "commune": 5}
PREFIX = re.compile(r"^(Tỉnh|Thành phố|Huyện|Quận|Thị xã|Xã|Phường|Thị trấn|Đặc khu) \S")


def valid_on(unit: OfficialUnit, day: date) -> bool:
    return ((unit.valid_from is None or unit.valid_from <= day)
            and (unit.valid_to is None or day <= unit.valid_to))


UNITS = official_units()
OLD = {u.code: u for u in UNITS if valid_on(u, LAST_OLD_DAY)}
NEW = {u.code: u for u in UNITS if valid_on(u, FIRST_NEW_DAY)}


def descendants(units: dict[str, OfficialUnit], code: str) -> list[OfficialUnit]:
    children: dict[str | None, list[OfficialUnit]] = {}
    for unit in units.values():
        children.setdefault(unit.parent, []).append(unit)
    found, pending = [], [code]
    while pending:
        below = children.get(pending.pop(), [])
        found += below
        pending += [u.code for u in below]
    return found


def test_two_lists_that_meet_on_the_reorganisation_day() -> None:
    assert len(OLD) + len(NEW) == len(UNITS)  # a code is unique within each list
    assert Counter(u.level for u in OLD.values()) == {
        "province": 63, "district": 696, "commune": 10035}
    assert Counter(u.level for u in NEW.values()) == {"province": 34, "commune": 3321}
    assert all(u.valid_from is None and u.valid_to == LAST_OLD_DAY for u in OLD.values())
    assert all(u.valid_from == FIRST_NEW_DAY and u.valid_to is None for u in NEW.values())


def test_codes_are_digit_strings_of_their_level_length_and_names_carry_a_prefix() -> None:
    for unit in UNITS:
        assert unit.code.isdigit() and len(unit.code) == CODE_LENGTH[unit.level], unit
        assert PREFIX.match(unit.name) and "  " not in unit.name, unit


def test_parents_are_of_the_level_above_in_the_same_list() -> None:
    above = {"district": "province", "commune": "district"}
    for unit in OLD.values():
        assert unit.parent is None if unit.level == "province" else (
            OLD[unit.parent].level == above[unit.level]), unit
    for unit in NEW.values():
        assert unit.parent is None if unit.level == "province" else (
            NEW[unit.parent].level == "province"), unit


def test_every_old_unit_leads_to_new_units_and_every_new_commune_has_a_predecessor() -> None:
    for unit in OLD.values():
        assert unit.successors and all(code in NEW for code in unit.successors), unit
        assert len(set(unit.successors)) == len(unit.successors), unit
    assert all(not u.successors for u in NEW.values())
    reached = {code for u in OLD.values() if u.level != "province" for code in u.successors}
    assert {u.code for u in NEW.values() if u.level == "commune"} <= reached


def test_a_new_commune_keeps_a_predecessors_code_but_the_five_island_special_zones() -> None:
    predecessors: dict[str, set[str]] = {}
    for unit in OLD.values():
        for code in unit.successors:
            predecessors.setdefault(code, set()).add(unit.code)
    fresh = {u.code: u.name for u in NEW.values()
             if u.level == "commune" and u.code not in predecessors[u.code]}
    assert fresh == {"11948": "Đặc khu Bạch Long Vĩ", "19742": "Đặc khu Cồn Cỏ",
                     "20333": "Đặc khu Hoàng Sa", "21548": "Đặc khu Lý Sơn",
                     "26732": "Đặc khu Côn Đảo"}


def test_the_main_successor_is_the_new_commune_that_keeps_the_old_code() -> None:
    for unit in OLD.values():
        if unit.code in unit.successors:
            assert unit.successors[0] == unit.code, unit
    assert OLD["00454"].successors == ("00454", "00466", "00475")  # Thị trấn Đông Anh, split
    assert NEW["00454"].name == "Xã Đông Anh"
    # Split, no part keeps its code: the package's default (Ngọc Hà), then by code.
    assert OLD["00022"].name == "Phường Đội Cấn"
    assert OLD["00022"].successors == ("00008", "00004")


def test_bac_kan_108_communes_lead_to_37_communes_of_thai_nguyen() -> None:
    below = descendants(OLD, "06")
    districts = [u for u in below if u.level == "district"]
    communes = [u for u in below if u.level == "commune"]
    assert len(districts) == 8 and len(communes) == 108
    main = {u.successors[0] for u in communes}
    every = {code for u in communes for code in u.successors}
    assert len(main) == 37 and every == main
    assert {NEW[code].parent for code in every} == {"19"}
    assert all(u.successors == ("19",) for u in districts)


def test_spot_checks_by_name() -> None:
    assert OLD["01888"].name == "Thị trấn Chợ Rã" and OLD["01888"].successors == ("01912",)
    assert OLD["01912"].name == "Xã Thượng Giáo" and OLD["01912"].successors == ("01912",)
    assert NEW["01912"].name == "Xã Chợ Rã" and NEW["01912"].parent == "19"
    assert OLD["058"].name == "Thành phố Bắc Kạn"  # GSO's list spells it "Thành Phố"
    assert (OLD["06"].name, OLD["06"].successors) == ("Tỉnh Bắc Kạn", ("19",))
    assert (OLD["19"].name, OLD["19"].successors) == ("Tỉnh Thái Nguyên", ("19",))
    assert (OLD["02"].name, OLD["02"].successors) == ("Tỉnh Hà Giang", ("08",))
    assert NEW["19"].name == "Tỉnh Thái Nguyên" and NEW["08"].name == "Tỉnh Tuyên Quang"
    assert NEW["01"].name == "Thành phố Hà Nội"
    # An island district without communes became a special zone of the new Hồ Chí Minh City.
    assert OLD["755"].name == "Huyện Côn Đảo" and OLD["755"].successors == ("26732",)
    assert NEW["26732"].parent == "79"


def test_provinces_merge_per_resolution_202() -> None:
    merged: dict[str, set[str]] = {}
    for unit in OLD.values():
        if unit.level == "province":
            merged.setdefault(unit.successors[0], set()).add(unit.code)
    assert len(merged) == 34 and set(merged) == {c for c, u in NEW.items()
                                                  if u.level == "province"}
    assert all(code in members for code, members in merged.items())  # the code lives on
    assert merged["79"] == {"74", "77", "79"} and merged["92"] == {"92", "93", "94"}


@pytest.mark.parametrize("asked", ["Bắc Kạn", "bac kan", "Tỉnh Bắc Kạn", "06", "19",
                                   "Thái Nguyên"])
def test_the_part_of_bac_kan_holds_thai_nguyen_old_and_new(asked: str) -> None:
    part = units_for_province(asked)
    keys = {(u.is_new, u.code) for u in part}
    old_part = {u.code for u in descendants(OLD, "06") + descendants(OLD, "19")} | {"06", "19"}
    new_part = {u.code for u in descendants(NEW, "19")} | {"19"}
    assert keys == {(False, c) for c in old_part} | {(True, c) for c in new_part}
    assert len(part) == 2 + 17 + 280 + 1 + 92
    position = {id(u): i for i, u in enumerate(UNITS)}
    assert sorted(part, key=lambda u: position[id(u)]) == part  # file order: parents first


def test_the_part_of_a_province_that_merged_with_nobody() -> None:
    part = units_for_province("Hà Nội")
    assert [(u.is_new, u.code) for u in part if u.level == "province"] == [
        (False, "01"), (True, "01")]
    below = {(False, u.code) for u in descendants(OLD, "01")}
    below |= {(True, u.code) for u in descendants(NEW, "01")}
    assert {(u.is_new, u.code) for u in part} == below | {(False, "01"), (True, "01")}
    assert len(part) == 1 + 30 + 526 + 1 + 126


def test_an_unknown_province_is_named_in_the_error() -> None:
    with pytest.raises(NotFound, match="'Bắc Kan Xưa'"):
        units_for_province("Bắc Kan Xưa")
    with pytest.raises(NotFound):
        units_for_province("061")  # a district's code is not a province's


def test_the_sample_tree_of_bac_kan_is_the_official_one() -> None:
    with SAMPLE_TREE.open(encoding="utf-8", newline="") as handle:
        sample = {r["code"]: (r["name"], r["level"], r["parent"] or None)
                  for r in csv.DictReader(handle) if r["level"] != "village"}
    official = {u.code: (u.name, u.level, u.parent) for u in [OLD["06"], *descendants(OLD, "06")]}
    assert sample.keys() == official.keys()
    differ = {code: (sample[code], official[code]) for code in sample
              if sample[code] != official[code]}
    # The office writes its province without "Tỉnh"; every other name is GSO's.
    assert differ == {"06": (("Bắc Kạn", "province", None), ("Tỉnh Bắc Kạn", "province", None))}
