"""Every official form's identities (FORMS.md, e.g. 01/XLD 1 = 2 + 3 = 4 + 5) and "the total
row is the sum of the unit rows" (SPEC §2), on random registers written through the
services, for several official and calendar periods. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dantrack import forms
from dantrack.errors import DantrackError
from dantrack.forms.declare import Form
from dantrack.periods import half_period, quarter_period, year_period
from dantrack.services.meetings import add_meeting
from dantrack.services.petitions import add_petition, close_petition, edit_petition
from dantrack.services.register import accept_petition
from dantrack.services.visits import add_visit

pytestmark = pytest.mark.backends

COMMUNES = ("01864", "01870", "01960", "01966")
START = dt.date(2023, 11, 1)
TODAY = dt.date(2024, 12, 31)  # conftest's
PERIODS = (year_period(2024, official=True), year_period(2024),
           quarter_period("2024-Q1", official=True), quarter_period("2024-Q3", official=True),
           half_period("2024-H2", official=True))
OUTCOMES = (None, "resolved", "withdrawn", "guided", "forwarded", "chased", "dismissed")
VERDICTS = {"complaint": ("upheld", "partly_upheld", "rejected"),
            "denunciation": ("founded", "partly_founded", "unfounded")}

petition_specs = st.fixed_dictionaries({
    "kind": st.sampled_from(("complaint", "denunciation", "recommendation", "reflection")),
    "received": st.integers(0, (TODAY - START).days),
    "where": st.sampled_from(COMMUNES),
    "pending": st.booleans(),
    "competence": st.sampled_from(("own", "own", "other")),
    "accept": st.none() | st.integers(0, 40),
    "outcome": st.sampled_from(OUTCOMES),
    "close": st.integers(0, 90),
    "verdict": st.integers(0, 2),
    "second": st.booleans(),
    "prior": st.sampled_from(("none", "once", "many", "judgment")),
    "field": st.sampled_from(("land", "policy", "administrative", "judicial", "party",
                              "corruption", "conduct", "other")),
    "duplicate": st.none() | st.integers(0, 20),
    "reply": st.none() | st.integers(0, 60),
    "money": st.sampled_from((0, 0.125, 2.5)),
})
visit_specs = st.fixed_dictionaries({
    "meeting": st.integers(0, 5), "people": st.integers(1, 9), "group": st.booleans(),
    "delegated": st.booleans(), "about": st.none() | st.integers(0, 20),
})
meeting_specs = st.fixed_dictionaries({
    "day": st.integers(0, (TODAY - START).days), "where": st.sampled_from(COMMUNES),
    "kind": st.sampled_from(("regular", "periodic", "unscheduled")),
})


class Rollback(Exception):
    """Ends an example's transaction: the next example starts from the tree alone."""


def day(offset: int) -> dt.date:
    return min(START + dt.timedelta(days=offset), TODAY)


def attempt(write, *args: Any, **kwargs: Any) -> bool:  # type: ignore[no-untyped-def]
    """A write the rules may refuse (a random register asks for odd things): refused, it
    leaves the register as it was."""
    try:
        write(*args, **kwargs)
    except DantrackError:
        return False
    return True


def record(s, n: int, spec: dict[str, Any], made: list[str]) -> None:  # type: ignore[no-untyped-def]
    ref, received = f"R{n}", day(spec["received"])
    extra: dict[str, Any] = {"prior": spec["prior"], "field": spec["field"],
                             "competence": spec["competence"]}
    if spec["pending"]:
        extra["accepted_on"] = "pending"
    if spec["kind"] == "complaint" and spec["second"]:
        extra["round"] = 2
    if spec["duplicate"] is not None and made:
        extra["duplicate_of"] = made[spec["duplicate"] % len(made)]
    if not attempt(add_petition, s, ref=ref, kind=spec["kind"], received_on=received,
                   locality=spec["where"], subject=ref, **extra):
        return
    made.append(ref)
    if spec["pending"] and spec["accept"] is not None:
        attempt(accept_petition, s, ref, on=day(spec["received"] + spec["accept"]))
    if spec["outcome"] is None:
        return
    closed = day(spec["received"] + spec["close"])
    results: dict[str, Any] = {}
    if spec["outcome"] == "resolved" and spec["kind"] in VERDICTS:
        results = {"verdict": VERDICTS[spec["kind"]][spec["verdict"]],
                   "recovered_money": spec["money"], "disciplined": 1}
    if not attempt(close_petition, s, ref, outcome=spec["outcome"], closed_on=closed,
                   **results):
        return
    if spec["outcome"] == "forwarded" and spec["reply"] is not None:
        attempt(edit_petition, s, ref, reply_on=day(spec["received"] + spec["close"]
                                                    + spec["reply"]))


def visits(s, meetings: list[dict[str, Any]], specs: list[dict[str, Any]],  # type: ignore[no-untyped-def]
           made: list[str]) -> None:
    for n, spec in enumerate(meetings):
        add_meeting(s, ref=f"RM{n}", date=day(spec["day"]), locality=spec["where"],
                    kind=spec["kind"], body="government")
    for spec in specs:
        about = made[spec["about"] % len(made)] if spec["about"] is not None and made else None
        attempt(
            add_visit, s, meeting=f"RM{spec['meeting'] % len(meetings)}",
            people=max(spec["people"], 5) if spec["group"] else spec["people"],
            group=spec["group"], delegated=spec["delegated"], kind="complaint",
            direction="accepted", petition=about)


def check_form(result: dict[str, Any], form: Form) -> None:
    keys = [c.key for c in form.columns]
    total = result["total"]["values"]
    for key in keys:
        assert sum(row["values"][key] for row in result["rows"]) == pytest.approx(
            total[key]), (form.number, key)
    for entry in [*result["rows"], result["total"]]:
        values = entry["values"]
        assert all(values[key] >= 0 for key in keys), (form.number, values)
        for whole, parts in form.identities:
            assert values[whole] == sum(values[p] for p in parts), (form.number, whole, parts)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(specs=st.lists(petition_specs, max_size=14), meetings=st.lists(meeting_specs,
                                                                       min_size=1, max_size=4),
       visit_list=st.lists(visit_specs, max_size=8), period=st.sampled_from(PERIODS))
def test_every_form_holds_its_identities(db, tree, specs, meetings, visit_list,  # type: ignore[no-untyped-def]
                                         period) -> None:
    with pytest.raises(Rollback), db.session() as s:
        made: list[str] = []
        for n, spec in enumerate(sorted(specs, key=lambda spec: spec["received"])):
            record(s, n, spec, made)
        visits(s, meetings, visit_list, made)
        s.flush()
        for form in forms.FORMS.values():
            check_form(forms.fill_form(s, form, period=period, locality="06"), form)
        xld01 = forms.fill_form(s, "01/XLD", period=period, locality="06")["total"]["values"]
        assert xld01["eligible_cases"] <= xld01["eligible"]
        raise Rollback
