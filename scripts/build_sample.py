"""Build data/sample.sqlite: Bắc Kạn province, 2022–2026, through dantrack's own services.

Deterministic: a fixed seed, and history timestamps taken from the recorded dates rather than
the clock, so two builds hold the same records and give the same figures.

    python scripts/build_sample.py [--out data/sample.sqlite]

The totals follow the province's published figures for 2022–2024: administrative agencies
held 3,493 reception meetings with 3,630 citizens; Party leaders held about 200 meetings and
dialogues with about 250 citizens; 6,921 petitions were received. The years after, and the 2025
reorganisation, are scripts/sample_2025.py's; the register for the official forms (fields,
results, forwarding, visits) is scripts/sample_register.py's and scripts/sample_visits.py's.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCALITIES_CSV = HERE / "data" / "bac_kan_localities.csv"
SEED = 20241231

PETITIONS_PER_YEAR = {2022: 2418, 2023: 2297, 2024: 2206}
GOVERNMENT_MEETINGS_PER_YEAR = {2022: 1205, 2023: 1161, 2024: 1127}
GOVERNMENT_CITIZENS = 3630
PARTY_MEETINGS = 168
PARTY_DIALOGUES = 34
PARTY_CITIZENS = 250
GOVERNMENT_DIALOGUES = 57

# Relative weight of each district in the province's caseload (the city and the larger
# lowland districts receive more).
DISTRICT_WEIGHTS = {"058": 22, "060": 7, "061": 12, "062": 8, "063": 13, "064": 14, "065": 13,
                    "066": 11}
REMOTE_DISTRICTS = {"060", "061", "062", "066"}
# Petitions arrive unevenly: fewer around Tết (January–February), more mid-year.
MONTH_WEIGHTS = [6, 5, 9, 9, 10, 10, 9, 9, 9, 9, 8, 7]
KIND_WEIGHTS = {"complaint": 24, "denunciation": 7, "recommendation": 45, "reflection": 24}

FAMILY = ["Nguyễn", "Hoàng", "Nông", "Triệu", "Hà", "Lục", "Ma", "Bàn", "Đặng", "Lý", "Lưu",
          "Hứa", "Đinh", "Trần", "Lê", "Phùng", "Dương", "Lương", "Vi", "Sầm"]
MIDDLE_MALE = ["Văn", "Đức", "Minh", "Quang", "Xuân", "Hữu", "Tiến"]
MIDDLE_FEMALE = ["Thị", "Thu", "Ngọc", "Hồng", "Thanh"]
GIVEN_MALE = ["Sơn", "Hùng", "Tuấn", "Dũng", "Thắng", "Cường", "Khánh", "Lâm", "Phúc", "Toàn",
              "Vượng", "Quý", "Thành", "Đạt", "Hải", "Nghĩa"]
GIVEN_FEMALE = ["Hoa", "Lan", "Mai", "Hương", "Thảo", "Nhung", "Liên", "Duyên", "Hạnh", "Yến",
                "Phương", "Loan", "Thủy", "Ngân"]
SUBJECTS = {
    "complaint": ["Khiếu nại quyết định thu hồi đất", "Khiếu nại mức bồi thường giải phóng mặt bằng",
                  "Khiếu nại việc cấp giấy chứng nhận quyền sử dụng đất",
                  "Khiếu nại quyết định xử phạt vi phạm hành chính",
                  "Khiếu nại việc không được hưởng chế độ hộ nghèo",
                  "Khiếu nại quyết định kỷ luật cán bộ"],
    "denunciation": ["Tố cáo cán bộ xã nhận tiền khi làm thủ tục đất đai",
                     "Tố cáo việc lập khống danh sách hỗ trợ",
                     "Tố cáo hành vi lấn chiếm đất rừng",
                     "Tố cáo sai phạm trong đấu thầu công trình giao thông nông thôn",
                     "Tố cáo trưởng thôn thu tiền trái quy định"],
    "recommendation": ["Kiến nghị sửa chữa đường liên thôn", "Kiến nghị cấp nước sinh hoạt",
                       "Kiến nghị hỗ trợ giống cây trồng", "Kiến nghị điều chỉnh quy hoạch",
                       "Kiến nghị giải quyết chế độ chính sách người có công",
                       "Kiến nghị xây dựng cầu treo qua suối"],
    "reflection": ["Phản ánh ô nhiễm từ cơ sở chế biến gỗ", "Phản ánh tình trạng khai thác cát trái phép",
                   "Phản ánh chậm chi trả tiền hỗ trợ", "Phản ánh đường điện mất an toàn",
                   "Phản ánh thái độ phục vụ của cán bộ một cửa"],
}
HOSTS = [("Chủ tịch UBND", "periodic"), ("Phó Chủ tịch UBND", "periodic"),
         ("Trưởng Ban Tiếp công dân", "regular"), ("Chuyên viên Ban Tiếp công dân", "regular"),
         ("Chủ tịch UBND", "unscheduled")]
PARTY_HOSTS = ["Bí thư Tỉnh ủy", "Phó Bí thư Tỉnh ủy", "Bí thư Huyện ủy", "Bí thư Thành ủy",
               "Bí thư Đảng ủy xã"]


@dataclass
class Plan:
    """What will happen to one petition, decided before anything is written."""

    kind: str
    received_on: dt.date
    locality: str
    petitioner: str
    subject: str
    complex: bool = False
    remote: bool = False
    channel: str = "in_person"
    competence: str = "own"
    original: Plan | None = None  # the earlier petition this one repeats
    outcome: str | None = None
    closed_after: int | None = None  # days after receipt
    verdict: str | None = None
    meeting: str | None = None
    extra: dict = field(default_factory=dict)


def person(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"


def phone(rng: random.Random) -> str:
    return rng.choice(["091", "098", "097", "086", "035", "083", "088"]) + \
        f"{rng.randrange(10**7):07d}"


def id_number(rng: random.Random) -> str:
    return f"006{rng.choice('0123')}{rng.randrange(10**8):08d}"


def random_day(rng: random.Random, year: int) -> dt.date:
    month = rng.choices(range(1, 13), weights=MONTH_WEIGHTS)[0]
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    day = dt.date(year, month, rng.randint(1, last))
    while day.weekday() >= 5:  # offices receive petitions on working days
        day -= dt.timedelta(days=1)
        if day.year != year:
            day = dt.date(year, 1, 3)
    return day


def load_localities() -> list[dict[str, str]]:
    with LOCALITIES_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def communes_by_district(localities: list[dict[str, str]]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for row in localities:
        if row["level"] == "commune":
            result.setdefault(row["parent"], []).append(row["code"])
    return result


def plan_petitions(rng: random.Random, communes: dict[str, list[str]]) -> list[Plan]:
    plans: list[Plan] = []
    districts = list(DISTRICT_WEIGHTS)
    for year, count in PETITIONS_PER_YEAR.items():
        first_of_year = len(plans)
        for _ in range(count):
            kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
            district = rng.choices(districts, weights=list(DISTRICT_WEIGHTS.values()))[0]
            # About one petition in eight goes to a district office rather than a commune.
            locality = district if rng.random() < 0.12 else rng.choice(communes[district])
            plan = Plan(kind=kind, received_on=random_day(rng, year), locality=locality,
                        petitioner=person(rng), subject=rng.choice(SUBJECTS[kind]))
            plan.complex = kind in ("complaint", "denunciation") and rng.random() < 0.12
            plan.remote = kind == "complaint" and district in REMOTE_DISTRICTS and \
                rng.random() < 0.5
            plan.channel = rng.choices(["in_person", "mail", "online", "phone", "forwarded"],
                                       weights=[45, 30, 12, 5, 8])[0]
            recent = plans[max(first_of_year, len(plans) - 400):]
            if recent and rng.random() < 0.025:
                original = rng.choice(recent)
                if original.original is None and original.received_on < plan.received_on:
                    plan.kind, plan.locality = original.kind, original.locality
                    plan.petitioner, plan.subject = original.petitioner, original.subject
                    plan.complex, plan.remote = original.complex, original.remote
                    plan.original = original
            plans.append(plan)
    # Stable sort by date: an original always comes before the petitions that repeat it.
    plans.sort(key=lambda p: p.received_on)
    return plans


def decide_fates(rng: random.Random, plans: list[Plan]) -> None:
    end_of_data = dt.date(2024, 12, 31)
    for plan in plans:
        if plan.original is not None:
            plan.outcome, plan.closed_after = "dismissed", rng.randint(1, 5)
            plan.extra["note"] = "Đơn trùng nội dung, đã được xem xét"
            continue
        roll = rng.random()
        if roll < 0.07:
            plan.outcome = rng.choice(["guided", "forwarded"])
            plan.closed_after = rng.randint(1, 8)
            continue
        if roll < 0.09 or (plan.kind == "denunciation" and rng.random() < 0.1):
            if plan.kind == "denunciation" and rng.random() < 0.6:
                plan.petitioner = ""  # anonymous, without evidence
            plan.outcome, plan.closed_after = "dismissed", rng.randint(2, 10)
            continue
        limit = 10 if plan.kind in ("recommendation", "reflection") else \
            (45 if plan.complex or plan.remote else 30)
        limit_days = limit * 7 // 5 if limit == 10 else limit
        lateness = rng.random()
        if lateness < 0.07:
            took = rng.randint(120, 420)  # a drawn-out case, carried across years
        elif lateness < 0.2:
            took = rng.randint(limit_days + 1, limit_days + 100)  # resolved late
        else:
            took = rng.randint(3, limit_days)
        if plan.received_on.year == 2024 and rng.random() < 0.04:
            continue  # still open today: overdue cases the office must chase
        if plan.received_on + dt.timedelta(days=took) > end_of_data:
            continue  # received late in 2024: open at the end of the period
        plan.closed_after = took
        plan.outcome = "withdrawn" if rng.random() < 0.04 else "resolved"
        if plan.outcome == "resolved" and plan.kind == "complaint":
            plan.verdict = rng.choices(["upheld", "partly_upheld", "rejected"], [2, 3, 6])[0]
        if plan.outcome == "resolved" and plan.kind == "denunciation":
            plan.verdict = rng.choices(["founded", "partly_founded", "unfounded"], [2, 3, 5])[0]


def split_total(rng: random.Random, items: int, total: int, *, base: int = 1) -> list[int]:
    """items numbers ≥ base adding up to total, the surplus spread at random."""
    values = [base] * items
    for _ in range(total - base * items):
        values[rng.randrange(items)] += 1
    return values


class Clock:
    """History timestamps derived from the recorded date, so rebuilds are identical."""

    def __init__(self) -> None:
        self.day = dt.date(2022, 1, 1)
        self.tick = 0

    def set(self, day: dt.date) -> None:
        if day != self.day:
            self.day, self.tick = day, 0

    def now(self) -> str:
        self.tick += 1
        seconds = 8 * 3600 + self.tick * 37
        return f"{self.day.isoformat()}T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:" \
               f"{seconds % 60:02d}Z"


# The day the sample's register is as of (dantrack refuses dates after today): the last day
# of scripts/sample_2025.py's years.
AS_OF = "2026-11-30"


def build(out: Path) -> None:
    os.environ["DANTRACK_OPERATOR"] = "mau.bac-kan"
    os.environ["DANTRACK_TODAY"] = AS_OF
    from sample_2025 import build_after_2024
    from sample_register import Register, record_forwarding
    from sample_visits import add_visits

    from dantrack import db
    from dantrack.services import history, localities, meetings, petitions

    clock = Clock()
    history.now = clock.now  # type: ignore[assignment]
    rng = random.Random(SEED)
    locality_rows = load_localities()
    communes = communes_by_district(locality_rows)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "sample.sqlite"
        database = db.open_database(db.Location(str(work), "build"), write=True)
        with database.session() as s:
            for row in locality_rows:
                localities.add_locality(s, code=row["code"], name=row["name"],
                                        level=row["level"], parent=row["parent"] or None)
            meeting_refs = add_meetings(s, rng, communes, meetings, clock)
            plans = plan_petitions(rng, communes)
            decide_fates(rng, plans)
            register = Register()
            for plan in plans:
                plan.outcome = register.chased(plan.outcome, plan.locality in communes)
            refs = add_petitions(s, rng, plans, meeting_refs, petitions, clock, register)
            add_dialogues(s, rng, communes, refs, meetings, clock)
            close_petitions(s, plans, refs, petitions, clock, register)
            build_after_2024(s, plans, refs, communes, clock, register)
            record_forwarding(s, register, dt.date.fromisoformat(AS_OF), clock)
            add_visits(s)
        database.dispose()
        finish(work, out)


def add_meetings(s, rng, communes, meetings, clock) -> dict[tuple[str, dt.date], str]:  # type: ignore[no-untyped-def]
    """Government reception meetings and Party leaders' meetings; returns refs by place+day."""
    planned = []
    districts = list(DISTRICT_WEIGHTS)
    for year, count in GOVERNMENT_MEETINGS_PER_YEAR.items():
        for _ in range(count):
            district = rng.choices(districts, weights=list(DISTRICT_WEIGHTS.values()))[0]
            where = district if rng.random() < 0.35 else rng.choice(communes[district])
            host_title, kind = rng.choice(HOSTS)
            planned.append(("government", random_day(rng, year), where, host_title, kind))
    citizens = split_total(rng, len(planned), GOVERNMENT_CITIZENS)
    for i in range(PARTY_MEETINGS):
        year = 2022 + i % 3
        where = "06" if rng.random() < 0.3 else rng.choice(districts)
        planned.append(("party", random_day(rng, year), where, rng.choice(PARTY_HOSTS),
                        "periodic"))
    citizens += [1] * PARTY_MEETINGS
    order = sorted(range(len(planned)), key=lambda i: planned[i][1])
    refs: dict[tuple[str, dt.date], str] = {}
    for i in order:
        body, day, where, host_title, kind = planned[i]
        clock.set(day)
        delegations = 1 if body == "government" and citizens[i] >= 2 and rng.random() < 0.4 \
            else 0
        meeting = meetings.add_meeting(
            s, date=day, locality=where, kind=kind, body=body, host=person(rng),
            host_title=host_title, place="Trụ sở tiếp công dân" if body == "government"
            else "Văn phòng cấp ủy", citizens=citizens[i], delegations=delegations)
        refs.setdefault((where, day), meeting.ref)
    return refs


def add_petitions(s, rng, plans, meeting_refs, petitions, clock, register) -> list[str]:  # type: ignore[no-untyped-def]
    refs: list[str] = []
    ref_of: dict[int, str] = {}
    for plan in plans:
        clock.set(plan.received_on)
        secret_fields = {}
        if plan.petitioner:
            secret_fields = {"id_number": id_number(rng), "phone": phone(rng),
                             "address": f"Thôn {rng.choice(['Nà', 'Bản', 'Khuổi', 'Pác'])} "
                                        f"{rng.choice(['Mòn', 'Lìn', 'Cáu', 'Hon', 'Sla'])}"}
        meeting = meeting_refs.get((plan.locality, plan.received_on)) \
            if plan.channel == "in_person" else None
        petition = petitions.add_petition(
            s, kind=plan.kind, received_on=plan.received_on, locality=plan.locality,
            channel=plan.channel, petitioner=plan.petitioner, subject=plan.subject,
            signatories=1 if rng.random() < 0.9 else rng.randint(2, 25), meeting=meeting,
            complex=plan.complex, remote=plan.remote,
            duplicate_of=ref_of[id(plan.original)] if plan.original else None,
            **secret_fields, **register_fields(plan, register))
        refs.append(petition.ref)
        ref_of[id(plan)] = petition.ref
    return refs


def register_fields(plan: Plan, register) -> dict:  # type: ignore[no-untyped-def]
    """field, prior and round (a duplicate repeats its original's matter)."""
    plan.extra["register"] = plan.original.extra["register"] if plan.original else \
        register.intake(plan.kind, plan.subject)
    return plan.extra["register"]


def add_dialogues(s, rng, communes, refs, meetings, clock) -> None:  # type: ignore[no-untyped-def]
    planned = []
    party_citizens = split_total(rng, PARTY_DIALOGUES, PARTY_CITIZENS - PARTY_MEETINGS)
    for i in range(PARTY_DIALOGUES):
        planned.append(("party", random_day(rng, 2022 + i % 3), rng.choice(list(DISTRICT_WEIGHTS)),
                        party_citizens[i]))
    for i in range(GOVERNMENT_DIALOGUES):
        district = rng.choice(list(DISTRICT_WEIGHTS))
        planned.append(("government", random_day(rng, 2022 + i % 3),
                        rng.choice(communes[district]), rng.randint(3, 20)))
    for body, day, where, citizens in sorted(planned, key=lambda p: p[1]):
        clock.set(day)
        petition = rng.choice(refs) if body == "government" and rng.random() < 0.5 else None
        meetings.add_dialogue(
            s, date=day, locality=where, body=body, leader=person(rng),
            leader_title="Bí thư Huyện ủy" if body == "party" else "Chủ tịch UBND huyện",
            citizens=citizens, topic="Đối thoại về bồi thường, hỗ trợ, tái định cư"
            if petition else "Đối thoại với Nhân dân về cải cách hành chính",
            outcome="Thống nhất phương án giải quyết theo quy định", petition=petition)


def close_petitions(s, plans, refs, petitions, clock, register) -> None:  # type: ignore[no-untyped-def]
    closures = [(plan.received_on + dt.timedelta(days=plan.closed_after), i)
                for i, plan in enumerate(plans) if plan.outcome]
    for closed_on, i in sorted(closures):
        plan = plans[i]
        clock.set(closed_on)
        petitions.close_petition(s, refs[i], outcome=plan.outcome, closed_on=closed_on,
                                 verdict=plan.verdict, note=plan.extra.get("note", ""),
                                 **register.close_out(plan))


def finish(work: Path, out: Path) -> None:
    """Leave a compact file in rollback-journal mode, so readers never need side files."""
    connection = sqlite3.connect(work)
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.execute("VACUUM")
    connection.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(work.read_bytes())
    os.chmod(out, 0o644)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE.parent / "data" / "sample.sqlite")
    args = parser.parse_args()
    build(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
