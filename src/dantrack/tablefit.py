"""Lists that fit the terminal (SPEC §3): which columns a list table shows at a given width,
and how wide each is, so that no ref, code, date or word is ever broken across lines.

- Columns with no value in any row are hidden (unless the user picked them).
- A column of short values (refs, codes, dates, numbers, words) keeps its full width; a column
  of running text (names, subjects) may be cut, to end in "…", down to TEXT_MIN cells.
- If even that is too wide, columns are dropped from the right, the first column, the ref and
  the status last of all.

Only for a terminal: piped output is never cut (output.table_text_plain).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

TEXT_MIN = 14  # the narrowest a column of running text becomes before columns are dropped
PADDING = 3  # the cells a drawn column takes beside its text: a space each side, a divider
PROTECTED = frozenset({"ref", "status"})


def width(text: str) -> int:
    """Terminal cells of text: combining marks take none, wide characters two."""
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@dataclass(frozen=True)
class Fit:
    shown: list[int]  # indices of the columns shown, in order
    widths: list[int]  # the width of each shown column's text
    cut: list[bool]  # whether each shown column may be cut with "…"


def fit(keys: Sequence[str], headers: Sequence[str], rows: Sequence[Sequence[str]],
        total: int, *, keep_empty: bool = False) -> Fit:
    """The columns of a table of `rows` (cells as text) that fit in `total` cells."""
    count = len(headers)
    natural = [max([width(headers[i])] + [width(row[i]) for row in rows]) for i in range(count)]
    text = [any(" " in row[i] for row in rows) and natural[i] > TEXT_MIN for i in range(count)]
    least = [max(width(headers[i]), TEXT_MIN) if text[i] else natural[i] for i in range(count)]
    shown = [i for i in range(count)
             if keep_empty or not rows or any(row[i] for row in rows)]
    droppable = [i for i in reversed(shown) if i != shown[0] and keys[i] not in PROTECTED]

    def need(columns: list[int], widths: Sequence[int]) -> int:
        return sum(widths[i] + PADDING for i in columns)

    while need(shown, least) > total and droppable:
        shown.remove(droppable.pop(0))
    widths = {i: least[i] for i in shown}
    spare = total - need(shown, least)
    for i in shown:  # running text back towards its full width, left to right
        if text[i] and spare > 0:
            grow = min(spare, natural[i] - least[i])
            widths[i] += grow
            spare -= grow
    return Fit(shown=shown, widths=[widths[i] for i in shown],
               cut=[text[i] and widths[i] < natural[i] for i in shown])
