"""Today, as the law counts it: the date in Vietnam (Asia/Ho_Chi_Minh), whatever the machine's
time zone says. `DANTRACK_TODAY=YYYY-MM-DD` fixes it for scripts and tests.

Vietnam keeps UTC+7 all year (no daylight saving time since 1975), so a fixed offset gives the
same date as the tz database without needing one on the machine.
"""

from __future__ import annotations

import datetime as dt
import os

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")


def today() -> dt.date:
    """Today in Vietnam, or $DANTRACK_TODAY (YYYY-MM-DD)."""
    if pinned := os.environ.get("DANTRACK_TODAY"):
        try:
            return dt.date.fromisoformat(pinned)
        except ValueError:
            from dantrack.errors import InvalidInput

            shown = pinned if len(pinned) <= 40 else pinned[:37] + "…"
            raise InvalidInput(f"DANTRACK_TODAY must be a date YYYY-MM-DD, not {shown!r}",
                               field="DANTRACK_TODAY", value=pinned) from None
    return dt.datetime.now(VIETNAM).date()
