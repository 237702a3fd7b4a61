"""Today, as the law counts it: the date in Vietnam (Asia/Ho_Chi_Minh), whatever the machine's
time zone says. `DANTRACK_TODAY=YYYY-MM-DD` fixes it for scripts and tests.

Vietnam keeps UTC+7 all year (no daylight saving time since 1975), so a fixed offset gives the
same date as the tz database without needing one on the machine.
"""

from __future__ import annotations

import datetime as dt
import os
import time

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")
# Asked once per date field of every imported row: the last answer is kept, with the text of
# $DANTRACK_TODAY it came from, or until the next midnight in Vietnam.
_last: tuple[str | None, dt.date, float] = ("", dt.date.min, 0.0)


def today() -> dt.date:
    """Today in Vietnam, or $DANTRACK_TODAY (YYYY-MM-DD)."""
    global _last
    pinned = os.environ.get("DANTRACK_TODAY") or None
    text, date, until = _last
    if pinned == text and (pinned is not None or time.time() < until):
        return date
    date = _pinned(pinned) if pinned else dt.datetime.now(VIETNAM).date()
    midnight = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(), VIETNAM)
    _last = (pinned, date, midnight.timestamp())
    return date


def _pinned(pinned: str) -> dt.date:
    try:
        return dt.date.fromisoformat(pinned)
    except ValueError:
        from dantrack.errors import InvalidInput

        shown = pinned if len(pinned) <= 40 else pinned[:37] + "…"
        raise InvalidInput(f"DANTRACK_TODAY must be a date YYYY-MM-DD, not {shown!r}",
                           field="DANTRACK_TODAY", value=pinned) from None
