"""The inspection sector's official forms (SPEC §2 "Official forms", FORMS.md): each form a
declaration (forms.declare) filled by one engine (forms.engine); FORMS lists them by number.
"""

from __future__ import annotations

import re
from typing import Any

from dantrack.errors import UsageError
from dantrack.forms.declare import Form
from dantrack.forms.kqgq import KQGQ01, KQGQ03
from dantrack.forms.tcd import TCD01
from dantrack.forms.xld import XLD01, XLD02, XLD03, XLD04
from dantrack.periods import Period

FORMS: dict[str, Form] = {form.number: form for form in (TCD01, XLD01, XLD02, XLD03, XLD04,
                                                          KQGQ01, KQGQ03)}


def find(number: str) -> Form:
    """The form a number names: '01/XLD', in any case, or with '-' or nothing for the '/'."""
    found = re.fullmatch(r"\s*(\d{2})\s*[/\-_ ]?\s*([A-Za-z]+)\s*", number)
    key = f"{found[1]}/{found[2].upper()}" if found else None
    if key not in FORMS:
        raise UsageError(f"no form {number!r}: the forms are {', '.join(FORMS)}")
    return FORMS[key]


def fill_form(connection: Any, number: str | Form, *, period: Period,
              locality: str | None = None, body: str | None = None) -> dict[str, Any]:
    """The filled form (the "form result" of `dantrack form --format json`)."""
    from dantrack.forms.engine import fill

    form = number if isinstance(number, Form) else find(number)
    return fill(connection, form, period=period, locality=locality, body=body)
