"""Reading exchange files as a stream of rows: CSV, a JSON array, or JSON Lines.

Each row comes with a label that tells a person where it is in the file: "line 12" for CSV
(the line where the record starts) and JSON Lines, "item 3" for a JSON array (counting from 1).
A file that cannot be read at all raises InvalidInput naming where it broke.

Memory stays bounded whatever the file: a line (CSV, JSON Lines) or an item (JSON array) longer
than MAX_LINE characters, far beyond any valid row, is refused after reading no more than that.
Bytes that are not UTF-8 are kept as surrogates (surrogateescape) and reported at their row,
since a strict decoder reads ahead and would blame whatever line it was on.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from dantrack.errors import InvalidInput, UsageError
from dantrack.safety import guard_cell, read_cell, unguard_cell  # noqa: F401  (the other half)

FORMATS = ("csv", "json", "jsonl")
EXTENSIONS = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}

# The longest line or JSON item read (characters): names are at most 200, texts 4,000.
MAX_LINE = 1 << 20
_CHUNK = 1 << 16
# Where a line ends: after \n, or after a \r that no \n follows.
_LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")
_NOT_UTF8 = "is not UTF-8 text (save it as UTF-8, with or without a byte-order mark)"
_TOO_DEEP = "is nested too deeply"


@dataclass
class Row:
    label: str
    values: dict[str, Any]
    problem: str | None = None  # the row could not even be split into columns


def _split_lines(text: str, *, last: bool) -> tuple[list[str], str]:
    """text's complete lines, with their ends, and what follows the last one (to be
    continued by the next chunk; with last, it is a line of its own)."""
    if "\r" not in text or text.count("\r") == text.count("\r\n"):
        # \n ends every line (the common case, and CRLF): str.split, in C.
        parts = text.split("\n")
        rest = parts.pop()
        lines = [part + "\n" for part in parts]
    else:  # lone \r line ends too; a final \r waits, since a \n may follow it
        keep = not last and text.endswith("\r")
        lines = _LINE_END.split(text[:-1] if keep else text)
        rest = lines.pop() + ("\r" if keep else "")
    if last and rest:
        lines.append(rest)
        rest = ""
    return lines, rest


class Source:
    """A stream of rows, and the columns the file declares (None for JSON)."""

    def __init__(self, stream: IO[bytes], fmt: str, name: str) -> None:
        self.name = name
        self.format = fmt
        self.bytes_read = 0
        self.size: int | None = None  # the file's size in bytes, when it is a file
        self._binary = stream
        self.columns: list[str] | None = None
        self._text = io.TextIOWrapper(_Counting(stream, self), encoding="utf-8-sig",
                                      errors="surrogateescape", newline="")
        self._bad_lines: list[int] = []  # lines read so far holding bytes that are not UTF-8
        if fmt == "csv":
            self._reader = csv.reader(self._lines(), strict=True)
            self.columns = self._header()

    def _lines(self) -> Iterator[str]:
        """The file's lines (ended by \n, \r\n or \r, as newline="" reads them), each
        bounded by MAX_LINE; lines that are not UTF-8 are noted. Read a chunk at a time and
        split in C: a line at a time through readline costs more than the checks."""
        number = 0
        pending = ""
        while True:
            chunk = self._text.read(_CHUNK)
            text = pending + chunk
            lines, pending = _split_lines(text, last=not chunk)
            suspect = not text.isascii() and _has_surrogates(text)
            if not suspect and (not lines or max(map(len, lines)) <= MAX_LINE):
                number += len(lines)  # the common case: every line as it is
                yield from lines
            else:
                for line in lines:
                    number += 1
                    if len(line) > MAX_LINE:
                        self._too_long(number)
                    if suspect and _has_surrogates(line):
                        self._bad_lines.append(number)
                    yield line
            if not chunk:
                return
            if len(pending) > MAX_LINE:
                self._too_long(number + 1)

    def _too_long(self, number: int) -> None:
        raise InvalidInput(f"{self.name}, line {number}: is longer than {MAX_LINE:,} "
                           "characters, far beyond any valid row")

    def _header(self) -> list[str]:
        try:
            header = next(self._reader)
        except StopIteration:
            raise InvalidInput(f"{self.name} is empty: expected a header line") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InvalidInput(f"{self.name}, line 1: {_reason(exc)}") from None
        if self._bad_lines:
            raise InvalidInput(f"{self.name}, line 1: {_NOT_UTF8}")
        return [name.strip() for name in header]

    def rows(self) -> Iterator[Row]:
        try:
            if self.format == "csv":
                yield from self._csv_rows()
            elif self.format == "jsonl":
                yield from self._jsonl_rows()
            else:
                yield from self._json_rows()
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"{self.name}: {_reason(exc)}") from None

    def _csv_rows(self) -> Iterator[Row]:
        columns = self.columns or []
        line = self._reader.line_num + 1
        while True:
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InvalidInput(f"{self.name}, line {line}: {_reason(exc)}") from None
            label = f"line {line}"
            line = self._reader.line_num + 1
            if not cells:
                continue
            if self._bad_lines:  # the first line of this record that is not UTF-8
                yield Row(f"line {self._bad_lines[0]}", {}, _NOT_UTF8)
                self._bad_lines.clear()
                continue
            if len(cells) != len(columns):
                yield Row(label, {}, f"has {len(cells)} cells, the header has {len(columns)}")
                continue
            yield Row(label, {name: cell if cell[0] not in "'=" else read_cell(cell)
                              for name, cell in zip(columns, cells, strict=True) if cell})

    def _jsonl_rows(self) -> Iterator[Row]:
        for number, line in enumerate(self._lines(), start=1):
            if not line.strip():
                continue
            if self._bad_lines:
                self._bad_lines.clear()
                yield Row(f"line {number}", {}, _NOT_UTF8)
                continue
            try:
                item = json.loads(line, object_pairs_hook=_object)
            except json.JSONDecodeError as exc:
                yield Row(f"line {number}", {}, f"is not valid JSON ({exc.msg})")
                continue
            except RecursionError:
                yield Row(f"line {number}", {}, _TOO_DEEP)
                continue
            yield _json_row(f"line {number}", item)

    def _json_rows(self) -> Iterator[Row]:
        for index, item in enumerate(_json_array(self._text, self.name), start=1):
            yield _json_row(f"item {index}", item)


class _Counting(io.RawIOBase):
    """Counts the bytes read, for a progress bar over the file."""

    def __init__(self, stream: IO[bytes], source: Source) -> None:
        self._stream = stream
        self._source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        self._source.bytes_read += len(data)
        return len(data)


_REPEATED = "\x00repeated"


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object; a key given twice is noted, as a repeated CSV column is refused."""
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        result[_REPEATED] = sorted({k for k, _ in pairs if k in seen or seen.add(k)})
    return result


def _json_row(label: str, item: Any) -> Row:
    if not isinstance(item, dict):
        return Row(label, {}, f"is a JSON {type(item).__name__}, expected an object")
    if _REPEATED in item:
        return Row(label, {}, f"repeats the key {', '.join(item[_REPEATED])}")
    # Numbers become text, so a code or ref written as a number reads as the CLI's would.
    return Row(label, {k: str(v) if isinstance(v, (int, float)) and not isinstance(v, bool)
                       else v for k, v in item.items() if v is not None and v != ""})


def _json_array(text: IO[str], name: str, chunk: int = 1 << 16) -> Iterator[Any]:
    """Items of a top-level JSON array, decoded one by one so memory stays flat.

    Longer than most: one state machine over a sliding buffer (an item, a comma, the end),
    whose states share the buffer's bookkeeping."""
    decoder = json.JSONDecoder(object_pairs_hook=_object)
    buffer = text.read(chunk)
    position = _skip_space(buffer, 0)
    if position >= len(buffer):
        raise InvalidInput(f"{name} is empty: expected a JSON array")
    if buffer[position] != "[":
        raise InvalidInput(f"{name}: expected a JSON array (starting with '['), "
                           f"found {buffer[position]!r}")
    position += 1
    index = 0
    expect_item = True
    while True:
        position = _skip_space(buffer, position)
        if position >= len(buffer) or (expect_item is False and buffer[position] not in ",]"):
            more = text.read(chunk)
            if not more:
                if position >= len(buffer):
                    raise InvalidInput(f"{name}: the JSON array is truncated after item {index}")
                raise InvalidInput(f"{name}, after item {index}: expected ',' or ']', "
                                   f"found {buffer[position]!r}")
            buffer = buffer[position:] + more
            position = 0
            continue
        if buffer[position] == "]":
            if _skip_space(buffer, position + 1) < len(buffer) or text.read(1).strip():
                raise InvalidInput(f"{name}: unexpected text after the JSON array")
            return
        if not expect_item:
            position += 1  # the comma
            expect_item = True
            continue
        try:
            item, end = decoder.raw_decode(buffer, position)
        except json.JSONDecodeError as exc:
            if len(buffer) - position > MAX_LINE:
                raise InvalidInput(f"{name}, item {index + 1}: is longer than {MAX_LINE:,} "
                                   "characters, far beyond any valid row") from None
            more = text.read(chunk)
            if more:
                buffer = buffer[position:] + more
                position = 0
                continue
            raise InvalidInput(f"{name}, item {index + 1}: invalid or truncated JSON "
                               f"({exc.msg})") from None
        except RecursionError:
            raise InvalidInput(f"{name}, item {index + 1}: {_TOO_DEEP}") from None
        if _has_surrogates(buffer, position, end):
            raise InvalidInput(f"{name}, item {index + 1}: {_NOT_UTF8}")
        if end >= len(buffer) and not isinstance(item, (dict, list)):
            # a number or literal at the end of the buffer may continue in the next chunk
            more = text.read(chunk)
            if more:
                buffer = buffer[position:] + more
                position = 0
                continue
        index += 1
        yield item
        position = end
        expect_item = False


def _has_surrogates(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether text (or text[start:end]) holds a byte that was not UTF-8 (surrogateescape)."""
    return _SURROGATE.search(text, start, len(text) if end is None else end) is not None


_SURROGATE = re.compile("[\udc80-\udcff]")


def _skip_space(buffer: str, position: int) -> int:
    while position < len(buffer) and buffer[position] in " \t\r\n":
        position += 1
    return position


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return _NOT_UTF8
    return str(exc)


def detect_format(path: str, given: str | None) -> str:
    """--format if given, else from the file's extension."""
    if given:
        return given
    for extension, fmt in EXTENSIONS.items():
        if path.lower().endswith(extension):
            return fmt
    raise ValueError(f"cannot tell the format of {path!r} from its extension: "
                     "give --format csv, json or jsonl")


def open_source(path: str, fmt: str, stdin: IO[bytes]) -> Source:
    """The rows of a file (or of standard input for '-'), with the file's size if known."""
    if path == "-":
        return Source(stdin, fmt, "standard input")
    try:
        stream = open(path, "rb")  # noqa: SIM115  (closed with the process; streamed lazily)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    source = Source(stream, fmt, path)
    source.size = _size(stream)
    return source


def _size(stream: IO[bytes]) -> int | None:
    try:
        import os

        return os.fstat(stream.fileno()).st_size
    except OSError:
        return None
