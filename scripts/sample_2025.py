"""The sample's years after the 2025 reorganisation, for scripts/build_sample.py.

2025's first half happens in the old Bắc Kạn units. Then the official lists are loaded for
Bắc Kạn (`locality load official --province 06`: the office's own units are taken as the official
ones and end on 2025-06-30; old Thái Nguyên's units and the new Thái Nguyên's come in), and from
1 July 2025 to the sample's last day the activity is in the 37 new communes that Bắc Kạn's
communes became. Cases still open on 1 July stay where they were received and are closed
later: the new units' reports carry them over. Some cases left open at the end of 2024 are
closed in 2025, which leaves every 2022–2024 figure as it was.

Its own random seed, drawn after the earlier years are built, so those stay exactly as before.
The register (scripts/sample_register.py) draws from streams of its own: petitions received in
person at a meeting's place and day are tied to it, and some received in the last ten working
days are still pending acceptance.
"""

from __future__ import annotations

import datetime as dt
import random

from build_sample import (
    HOSTS,
    KIND_WEIGHTS,
    MONTH_WEIGHTS,
    SUBJECTS,
    Plan,
    id_number,
    person,
    phone,
)

SEED = 20251231
LAST_DAY = dt.date(2026, 11, 30)
CHANGE = dt.date(2025, 7, 1)
# Received from this day on (the last ten working days), an open petition may not be accepted
# yet (accepted_on pending).
PENDING_FROM = dt.date(2026, 11, 17)
# (first day, last day, petitions, government meetings) of each stretch.
STRETCHES = [(dt.date(2025, 1, 2), dt.date(2025, 6, 30), 1090, 560),
             (CHANGE, dt.date(2025, 12, 31), 1130, 570),
             (dt.date(2026, 1, 2), LAST_DAY, 1980, 1020)]


def working_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A working day in [first, last], months weighted as in the earlier years."""
    while True:
        day = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
        if day.weekday() < 5 and rng.random() * 10 < MONTH_WEIGHTS[day.month - 1]:
            return day


def places(stretch_first: dt.date, old_places: list[str], new_places: list[str]) -> list[str]:
    return old_places if stretch_first < CHANGE else new_places


def plan(rng: random.Random, first: dt.date, last: dt.date, count: int,
         where: list[str]) -> list[Plan]:
    plans = []
    for _ in range(count):
        kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        item = Plan(kind=kind, received_on=working_day(rng, first, last),
                    locality=rng.choice(where), petitioner=person(rng),
                    subject=rng.choice(SUBJECTS[kind]))
        item.complex = kind in ("complaint", "denunciation") and rng.random() < 0.12
        item.channel = rng.choices(["in_person", "mail", "online", "phone", "forwarded"],
                                   weights=[45, 30, 12, 5, 8])[0]
        plans.append(item)
    plans.sort(key=lambda p: p.received_on)
    return plans


def fate(rng: random.Random, item: Plan) -> None:
    """Outcome and days taken; a case whose close-out would fall after the last day stays
    open."""
    roll = rng.random()
    if roll < 0.07:
        item.outcome, item.closed_after = rng.choice(["guided", "forwarded"]), rng.randint(1, 8)
        return
    if roll < 0.09:
        item.outcome, item.closed_after = "dismissed", rng.randint(2, 10)
        return
    limit = 14 if item.kind in ("recommendation", "reflection") else \
        (45 if item.complex else 30)
    took = rng.randint(limit + 1, limit + 90) if rng.random() < 0.14 else rng.randint(3, limit)
    if item.received_on + dt.timedelta(days=took) > LAST_DAY or rng.random() < 0.02:
        return
    item.closed_after = took
    item.outcome = "withdrawn" if rng.random() < 0.04 else "resolved"
    if item.outcome == "resolved" and item.kind == "complaint":
        item.verdict = rng.choices(["upheld", "partly_upheld", "rejected"], [2, 3, 6])[0]
    if item.outcome == "resolved" and item.kind == "denunciation":
        item.verdict = rng.choices(["founded", "partly_founded", "unfounded"], [2, 3, 5])[0]


def build_after_2024(s, old_plans, old_refs, communes, clock, register) -> None:  # type: ignore[no-untyped-def]
    """Everything from 2025 on, in date order (see the module's docstring)."""
    from dantrack.services import meetings, petitions
    from dantrack.services.official_load import load_official

    rng = random.Random(SEED)
    old_places = [code for codes in communes.values() for code in codes] + list(communes)
    closures = late_closures(rng, old_plans, old_refs)
    new_places: list[str] = []
    meeting_refs: dict[tuple[str, dt.date], str] = {}
    for first, last, count, meeting_count in STRETCHES:
        if first >= CHANGE and not new_places:
            close_until(s, closures, CHANGE - dt.timedelta(days=1), petitions, clock, register)
            clock.set(CHANGE)
            load_official(s, province="06")
            new_places = successor_communes(s, communes)
        where = places(first, old_places, new_places)
        meeting_refs.update(add_meetings(s, rng, first, last, meeting_count, where, meetings,
                                         clock))
        for item in plan(rng, first, last, count, where):
            clock.set(item.received_on)
            # The identity is drawn before the fate, as when the petition was written first.
            identity = {"id_number": id_number(rng), "phone": phone(rng)}
            fate(rng, item)
            item.outcome = register.chased(item.outcome, item.locality in communes)
            ref = add_petition(s, item, identity, register, meeting_refs, petitions)
            if item.outcome:
                closures.append((item.received_on + dt.timedelta(days=item.closed_after),
                                 ref, item))
        close_until(s, closures, last, petitions, clock, register)


def late_closures(rng: random.Random, plans: list[Plan], refs: list[str]) -> list:
    """Cases received in 2022–2024 and open at the end of 2024: most are resolved in 2025."""
    found = []
    for item, ref in zip(plans, refs, strict=True):
        if item.outcome is None and rng.random() < 0.75:
            closed_on = max(item.received_on + dt.timedelta(days=rng.randint(40, 260)),
                            dt.date(2025, 1, 2))
            if closed_on <= LAST_DAY:
                item.outcome = "resolved"
                item.verdict = {"complaint": "partly_upheld",
                                "denunciation": "unfounded"}.get(item.kind)
                found.append((closed_on, ref, item))
    return found


def close_until(s, closures: list, day: dt.date, petitions, clock, register) -> None:  # type: ignore[no-untyped-def]
    """Close, in date order, every planned close-out on or before day."""
    due = sorted((c for c in closures if c[0] <= day), key=lambda c: (c[0], c[1]))
    for closed_on, ref, item in due:
        clock.set(closed_on)
        petitions.close_petition(s, ref, outcome=item.outcome, closed_on=closed_on,
                                 verdict=item.verdict, **register.close_out(item))
    closures[:] = [c for c in closures if c[0] > day]


def successor_communes(s, communes) -> list[str]:  # type: ignore[no-untyped-def]
    """The codes of the new communes Bắc Kạn's communes went to (their main successors)."""
    from dantrack import lookup

    found = set()
    for codes in communes.values():
        for code in codes:
            unit = lookup.resolve(s, code, on=CHANGE - dt.timedelta(days=1))
            found.add(lookup.successors(s, unit.id)[0].code)
    return sorted(found)


def add_meetings(s, rng, first, last, count, where, meetings, clock) -> dict:  # type: ignore[no-untyped-def]
    """The stretch's meetings; returns the first one's ref by place and day."""
    refs: dict[tuple[str, dt.date], str] = {}
    for day in sorted(working_day(rng, first, last) for _ in range(count)):
        clock.set(day)
        host_title, kind = rng.choice(HOSTS)
        citizens = 1 + (rng.random() < 0.06)
        where_held = rng.choice(where)
        meeting = meetings.add_meeting(
            s, date=day, locality=where_held, kind=kind, body="government",
            host=person(rng), host_title=host_title, place="Trụ sở tiếp công dân",
            citizens=citizens, delegations=int(citizens > 1 and rng.random() < 0.4))
        refs.setdefault((where_held, day), meeting.ref)
    return refs


def add_petition(s, item: Plan, identity: dict, register, meeting_refs, petitions) -> str:  # type: ignore[no-untyped-def]
    item.extra["register"] = register.intake(item.kind, item.subject)
    pending = item.outcome is None and item.received_on >= PENDING_FROM and \
        register.pending()
    meeting = meeting_refs.get((item.locality, item.received_on)) \
        if item.channel == "in_person" else None
    return petitions.add_petition(
        s, kind=item.kind, received_on=item.received_on, locality=item.locality,
        channel=item.channel, petitioner=item.petitioner, subject=item.subject,
        signatories=1, complex=item.complex, address="Tổ dân phố 3", meeting=meeting,
        accepted_on="pending" if pending else None, **identity, **item.extra["register"]).ref
