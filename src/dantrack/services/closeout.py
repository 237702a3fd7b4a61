"""Close-out and reopening (SPEC §1 "Close-out"): the one place their rules live.

Each write is a pure function of the petition's stored state that returns the new values and
the history entry; the command line (services.petitions) and every import path (a petitions
row that closes, a closures row, an update of a close-out: a reopen then a close) apply the
same Change, so a rule such as "a close as guided or forwarded sets competence to other, a
reopen gives it back" cannot drift between them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dantrack.errors import InvalidInput, RuleError
from dantrack.kinds import RESULT_FIELDS
from dantrack.limits import TEXT_MAX
from dantrack.schemas import Closure
from dantrack.text import parse_choice
from dantrack.vocab import (
    OUTSIDE_COMPETENCE,
    VERDICT_ALIASES,
    VERDICT_WORDS,
    VERDICTS_BY_KIND,
    Competence,
    Outcome,
    PetitionKind,
    Verdict,
    accepted_words,
)

# What a close-out reads of the petition, and what it may change.
STATE = ("kind", "received_on", "competence", "closed_on", "outcome", "verdict", "note")
# What holds only while the petition is closed (a reply to a forwarding, the results of a
# resolution: petition_writes.check_register), cleared by a reopen to its value when unset.
REOPEN_CLEARS: dict[str, Any] = {"reply_on": None,
                                 **{name: 0 for name in RESULT_FIELDS}}


@dataclass(frozen=True)
class Change:
    """A write's result: the stored values to set, and the history entry that says so."""

    action: str
    values: dict[str, Any]
    changes: dict[str, Any]


def state_of(row: Any) -> dict[str, Any]:
    """The close-out state of a petition (a model, or a mapping with STATE's keys)."""
    if isinstance(row, Mapping):
        state = {name: row[name] for name in STATE}
        state.update({name: row.get(name, unset) for name, unset in REOPEN_CLEARS.items()})
    else:
        state = {name: getattr(row, name) for name in (*STATE, *REOPEN_CLEARS)}
    for name in ("received_on", "closed_on"):
        if isinstance(state[name], str):
            state[name] = dt.date.fromisoformat(state[name])
    return state


def close(state: Mapping[str, Any], closure: Closure,
          results: Mapping[str, Any] | None = None) -> Change:
    """Close an open petition: not before receipt, a verdict only with resolved and in the
    words of its kind (check_close_out), then as closed says. `results`: the result fields
    given with the close (the caller checks that they fit: petition_writes.check_register)."""
    verdict = check_close_out(PetitionKind(state["kind"]), state["received_on"], closure)
    return closed(state["competence"], closed_on=closure.closed_on,
                  outcome=closure.outcome.value, verdict=verdict.value if verdict else None,
                  note=closure.note, results=results)


def closed(competence: str, *, closed_on: dt.date, outcome: str, verdict: str | None,
           note: str, results: Mapping[str, Any] | None = None) -> Change:
    """The close of a petition whose competence is `competence`, by a close-out checked
    already (check_close_out), in plain values: guided, forwarded and chased set competence
    to other. close is this after its checks; a bulk import, which checks each row's
    close-out where it reads the row, calls it for the rows it writes."""
    changes: dict[str, Any] = {"closed_on": closed_on.isoformat(), "outcome": outcome}
    if verdict:
        changes["verdict"] = verdict
    if note:
        changes["note"] = note
    changes.update(results or {})
    values: dict[str, Any] = {"closed_on": closed_on, "outcome": outcome, "verdict": verdict,
                              "note": note, **(results or {})}
    after = competence_after(outcome, competence)
    if after != competence:
        changes["competence"] = [competence, after]
        values["competence"] = after
    return Change("closed", values, changes)


def competence_after(outcome: Outcome | str | None, competence: str) -> str:
    """A close as guided, forwarded or chased means the matter is not within competence
    (`outcome` as a word or its text: an Outcome equals its value)."""
    if outcome in OUTSIDE_COMPETENCE:
        return Competence.other.value
    return competence


def reopen(state: Mapping[str, Any], reason: str,
           last_close: Mapping[str, Any] | None) -> Change:
    """Reopen a closed petition: the close-out is cleared, and the competence that its last
    close took away (last_close: that close's history entry) is given back."""
    check_reason(reason)
    closed_on = state["closed_on"]
    cleared = {"closed_on": closed_on.isoformat() if closed_on else None,
               "outcome": state["outcome"], "verdict": state["verdict"], "note": state["note"]}
    cleared.update({name: _plain(state[name]) for name, unset in REOPEN_CLEARS.items()
                    if state[name] != unset})
    changes: dict[str, Any] = {"reason": reason, "cleared": cleared}
    values: dict[str, Any] = {"closed_on": None, "outcome": None, "verdict": None, "note": "",
                              **REOPEN_CLEARS}
    taken = (last_close or {}).get("competence")
    if taken and state["competence"] == taken[1]:
        changes["competence"] = [state["competence"], taken[0]]
        values["competence"] = taken[0]
    return Change("reopened", values, changes)


def after(state: Mapping[str, Any], change: Change) -> dict[str, Any]:
    """The state once change is applied (for a reopen followed by a close)."""
    return {**state, **change.values}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def check_reason(reason: str | None) -> None:
    if not reason or not reason.strip():
        raise InvalidInput("reason must not be empty", field="reason", value=reason)
    if len(reason) > TEXT_MAX:
        raise InvalidInput(f"reason is longer than {TEXT_MAX} characters", field="reason")


def check_verdict(kind: PetitionKind, verdict: Verdict, text: str | None = None) -> None:
    if verdict not in VERDICTS_BY_KIND[kind]:
        fitting = ", ".join(sorted(v.value for v in VERDICTS_BY_KIND[kind])) or "none"
        reason = f"does not fit a {kind.value} (allowed: {fitting})"
        raise RuleError(f"verdict {verdict.value} {reason}", field="verdict",
                        value=text or verdict.value, reason=reason)


def parse_verdict(kind: PetitionKind, text: str) -> Verdict:
    try:
        return parse_choice(Verdict, text, VERDICT_ALIASES.get(kind, {}))
    except ValueError:
        words = VERDICT_WORDS.get(kind, {})
        reason = (f"a {kind.value}'s verdict is one of {accepted_words(Verdict, words, words)}"
                  if words else f"a {kind.value} takes no verdict")
        raise InvalidInput(f"invalid verdict {text!r}: {reason}", field="verdict",
                           value=text, reason=reason) from None


def check_close_out(kind: PetitionKind, received_on: dt.date, closure: Closure) -> Verdict | None:
    """The rules of a close-out that depend on the petition, for close and import alike: not
    before receipt, and a verdict only with resolved, in the words of the petition's kind."""
    if closure.closed_on < received_on:
        raise InvalidInput(
            f"invalid closed_on '{closure.closed_on}': before received_on {received_on}",
            field="closed_on", value=str(closure.closed_on),
            reason=f"is before received_on {received_on}")
    if not closure.verdict:
        return None
    if closure.outcome is not Outcome.resolved:
        reason = f"is given only with outcome resolved, not {closure.outcome.value}"
        raise RuleError(f"a verdict {reason}", field="verdict", value=closure.verdict,
                        reason=reason)
    verdict = parse_verdict(kind, closure.verdict)
    check_verdict(kind, verdict, closure.verdict)
    return verdict
