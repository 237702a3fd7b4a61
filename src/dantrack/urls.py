"""Database targets as messages show them: a file path as it is, a URL never with a password.

One rule everywhere (`db check`, `db backup`, `db copy`, `db upgrade`, every connection
error): the user name is kept, a password becomes ***, in the userinfo and in the query
(password=, sslpassword=, or inside options=, percent-encoded or not). A password may
contain / @ : ? # and percent-escapes: the userinfo ends at the LAST @, so whatever comes
before it is never shown but for the user name. No heavy imports: error paths use this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*)://(.*)", re.DOTALL)
# A password given as a parameter: hidden up to the next parameter. Inside options= the = is
# usually percent-encoded (%3D), or twice (%253D) when the URL was quoted once more.
_QUERY_PASSWORD = re.compile(r"(password(?:=|%3d|%253d))[^&]*", re.IGNORECASE)
_NOT_IN_USER = re.compile(r"[/?#]")
MASK = "***"


@dataclass(frozen=True)
class Parts:
    """A URL split at the end of its userinfo; user and password as written (not decoded)."""

    scheme: str
    user: str | None
    password: str | None
    rest: str  # host, port, path and query, as written


def is_url(target: str) -> bool:
    return "://" in target


def split(target: str) -> Parts | None:
    """The parts of a URL, None when it has no scheme:// to start it.

    The userinfo ends at the last @ that can end it: not one inside a password= parameter
    (that is the query's password, hidden with it), nor one that would leave / ? or # in the
    user name (an @ in the query of a URL whose user has no password)."""
    match = _SCHEME.fullmatch(target)
    if match is None:
        return None
    scheme, remainder = match[1], match[2]
    query_password = _QUERY_PASSWORD.search(remainder)
    end = query_password.start() if query_password else len(remainder)
    at = remainder.rfind("@", 0, end)
    while at >= 0:
        user, colon, password = remainder[:at].partition(":")
        if not _NOT_IN_USER.search(user):
            return Parts(scheme, user, password if colon else None, remainder[at + 1:])
        at = remainder.rfind("@", 0, at)
    return Parts(scheme, None, None, remainder)


def shown(target: str) -> str:
    """The target as every message shows it: postgresql://clerk:***@host/db."""
    if not is_url(target):
        return target
    parts = split(target)
    if parts is None:  # unreadable: nothing up to the last @ can be told from a password
        text = target.rpartition("@")[2]
    else:
        userinfo = "" if parts.user is None else (
            parts.user + ("" if parts.password is None else ":" + MASK) + "@")
        text = f"{parts.scheme}://{userinfo}{parts.rest}"
    return _QUERY_PASSWORD.sub(lambda m: m[1] + MASK, text)
