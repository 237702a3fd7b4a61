"""The visits (lượt tiếp) of the sample's reception meetings, for scripts/build_sample.py.

A meeting with visits has citizens = their people and delegations = its group visits. The
meetings were recorded with one or two citizens and, now and then, a delegation of two: a
group of many people is five or more. So the people of each year's meetings in each district
(each new commune after 1 July 2025) are laid out again, their totals kept: each delegation
becomes a group of five to nine, and the people it gains come from meetings of the same year
and place that received no petition — reception days on which, in the end, nobody came —
first from those whose commune went to the same new commune. Every report of a year and its
districts keeps its meetings, citizens and delegations, and so do the new communes' reports
of 2025 as long as each new commune's own meetings can give the people (in this build they
all can; tests/test_sample.py holds the published figures).

Visits are tied to the petitions received at their meeting; a later visit about a petition
visited before is a repeat visit. A head's deputy (a "Phó …" host) receives by delegation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby

from build_sample import KIND_WEIGHTS, SUBJECTS, person
from sample_register import stream

GROUP_SIZES = (5, 9)
REPEAT_SHARE = 0.12  # of the visits not about a petition received that day


@dataclass
class Sitting:
    """A meeting as the visits see it; people: its citizens once laid out again."""

    id: int
    ref: str
    date: dt.date
    kind: str
    body: str
    host_title: str
    citizens: int
    delegations: int
    place: int  # the district (or new commune) whose totals are kept
    heir: int | None  # the new commune an old commune went to
    petitions: list = field(default_factory=list)
    people: int = 0
    group: int = 0


def add_visits(s) -> None:  # type: ignore[no-untyped-def]
    from dantrack.services import meetings, visits

    rng = stream("visits")
    sittings = load(s)
    for _, members in groupby(sorted(sittings, key=bucket), key=bucket):
        lay_out(rng, list(members))
    visited: dict[int, list] = {}
    for done, sitting in enumerate(sittings):
        if done % 100 == 0:  # each visit's write expires the whole session: keep it small
            s.flush()
            s.expunge_all()
        if sitting.people == 0:
            meetings.edit_meeting(s, sitting.ref, citizens=0, delegations=0)
        for visit in book(rng, sitting, visited):
            visits.add_visit(s, meeting=sitting.ref, **visit)


def bucket(sitting: Sitting) -> tuple:
    return sitting.date.year, sitting.date >= dt.date(2025, 7, 1), sitting.body, sitting.place


def load(s) -> list[Sitting]:  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from dantrack.models import Locality, LocalitySuccessor, Meeting, Petition

    units = {row.id: row for row in s.exec(select(Locality)).all()}
    heirs = dict(s.exec(select(LocalitySuccessor.locality_id, LocalitySuccessor.successor_id)
                        .where(LocalitySuccessor.position == 0)).all())

    def place(unit_id: int) -> int:
        unit = units[unit_id]
        parent = units.get(unit.parent_id) if unit.parent_id else None
        return parent.id if unit.level == "commune" and parent and \
            parent.level == "district" else unit.id

    sittings = [Sitting(m.id, m.ref, m.date, m.kind, m.body, m.host_title, m.citizens,
                        m.delegations, place(m.locality_id), heirs.get(m.locality_id))
                for m in s.exec(select(Meeting).order_by(Meeting.date, Meeting.id)).all()]
    by_id = {sitting.id: sitting for sitting in sittings}
    for p in s.exec(select(Petition).where(Petition.meeting_id.is_not(None))  # type: ignore[union-attr]
                    .order_by(Petition.id)).all():
        by_id[p.meeting_id].petitions.append(
            (p.ref, p.kind, p.petitioner, p.subject, p.outcome, p.received_on))
    return sittings


def lay_out(rng, members: list[Sitting]) -> None:  # type: ignore[no-untyped-def]
    """The people of one year's meetings at one place, their total and their delegations
    kept: each delegation a group of five or more, the people it gains taken from meetings
    without petitions, which are left with fewer or none."""
    for sitting in members:
        sitting.people = sitting.citizens
    donors = [m for m in members if not m.delegations and not m.petitions and m.citizens]
    rng.shuffle(donors)
    for sitting in (m for m in members if m.delegations):
        size = rng.randint(*GROUP_SIZES)
        gain = size - min(sitting.citizens, 2)  # the delegation of two becomes the group
        # Those of the same new commune first (a stable sort keeps the shuffled order).
        donors.sort(key=lambda d: d.heir != sitting.heir)
        if gain > sum(d.people for d in donors):
            raise SystemExit(f"meetings at {sitting.ref}: too few people to form a group")
        sitting.group, sitting.people = size, sitting.people + gain
        for donor in donors:
            taken = min(donor.people, gain)
            donor.people, gain = donor.people - taken, gain - taken
        donors = [d for d in donors if d.people]


def book(rng, sitting: Sitting, visited: dict[int, list]) -> list[dict]:  # type: ignore[no-untyped-def]
    """The visits of one meeting, in the reception book's order."""
    sizes = [sitting.group] if sitting.group else []
    left = sitting.people - sum(sizes)
    while left:
        size = 2 if left >= 2 and rng.random() < 0.15 else 1
        sizes.append(size)
        left -= size
    delegated = sitting.kind != "regular" and sitting.host_title.startswith("Phó")
    pool = visited.setdefault(sitting.place, [])
    earlier = [p for p in pool if p[-1] < sitting.date]  # visited at an earlier meeting
    found = []
    for i, size in enumerate(sizes):
        if i < len(sitting.petitions):
            visit = about(sitting.petitions[i], DIRECTIONS.get(sitting.petitions[i][4] or "",
                                                               "accepted"))
        elif earlier and rng.random() < REPEAT_SHARE:
            visit = about(rng.choice(earlier), rng.choice(["accepted", "guided"]))
        else:
            kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
            visit = {"kind": kind, "subject": rng.choice(SUBJECTS[kind]),
                     "direction": rng.choices(["guided", "forwarded"], [3, 1])[0],
                     "visitor": person(rng)}
        found.append({**visit, "people": size, "group": i == 0 and bool(sitting.group),
                      "delegated": delegated})
    pool.extend(sitting.petitions[:len(sizes)])
    return found


# The direction given at the desk to a petition received there, by how it was closed.
DIRECTIONS = {"guided": "guided", "forwarded": "forwarded", "chased": "forwarded"}


def about(petition: tuple, direction: str) -> dict:
    """A visit about a petition: received at its meeting, or visited before (a repeat)."""
    ref, kind, petitioner, subject, _, _ = petition
    return {"kind": kind, "petition": ref, "subject": subject, "direction": direction,
            "visitor": petitioner}
