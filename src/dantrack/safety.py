"""What stored text may not do to the programs that show it: a spreadsheet or a terminal.

One formula guard for every CSV cell dantrack writes or reads, and one terminal sanitiser for
every table cell drawn on a terminal and every message written to stderr. No heavy imports:
the command line's error path uses this module.
"""

from __future__ import annotations

import re

# The first characters that make a spreadsheet run a cell as a formula: = + - @, tab and
# carriage return, and every character whose compatibility form (NFKC) is one of = + - @ —
# full-width ＝ ＋ － ＠, small ﹦ ﹢ ﹣ ﹫, super- and subscript ⁺ ⁼ ₊ ₌ and the Hebrew
# alternative plus ﬩ — because spreadsheets that fold width and compatibility forms as they
# read a cell see those as the ASCII ones. U+2212 MINUS SIGN has no such form: it stays text.
FORMULA_STARTS = (
    "=+-@\t\r"
    "\uff1d\uff0b\uff0d\uff20"  # full-width
    "\ufe66\ufe62\ufe63\ufe6b"  # small
    "\u207a\u207c\u208a\u208c"  # superscript and subscript
    "\ufb29"  # Hebrew letter alternative plus sign
)

# A cell is guarded when it starts, after any leading quotes, with one of those: export puts
# one more ' in front, import takes exactly one away, so a round trip is exact.
_GUARDED = re.compile("^'*[" + re.escape(FORMULA_STARTS) + "]")


def guard_cell(text: str) -> str:
    """A text cell as a CSV file holds it: a ' before a cell a spreadsheet would run."""
    return "'" + text if _GUARDED.match(text) else text


# Digits a spreadsheet would take for a number — a code, an ID number, a phone — losing their
# leading zeros: in CSV written for spreadsheets they are a text formula, ="0123", and read
# back as the digits.
_DIGITS = re.compile(r"^[0-9]+$", re.ASCII)


def excel_cell(text: str) -> str:
    """A text cell of CSV for spreadsheets: digits kept as text."""
    return f'="{text}"' if _DIGITS.match(text) else text


def read_cell(text: str) -> str:
    """A CSV cell as read: the ' of guard_cell or the ="…" of excel_cell taken away."""
    if text.startswith('="') and text.endswith('"') and _DIGITS.match(text[2:-1]):
        return text[2:-1]
    return unguard_cell(text)


def unguard_cell(text: str) -> str:
    """The text of a cell read from a CSV file: the one ' guard_cell added taken away."""
    return text[1:] if text.startswith("'") and _GUARDED.match(text) else text


# Control characters (C0 but the newline that separates a message's lines, DEL, C1), and the
# bidirectional embeddings, overrides and isolates that reorder what a terminal shows after
# them (the "Trojan Source" characters).
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """Control characters escaped (ESC as \\x1b …), so stored text cannot drive a terminal."""
    return _CONTROL.sub(lambda m: repr(m[0])[1:-1], text)
