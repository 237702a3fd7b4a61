"""Shell completion (bash, zsh, fish): commands and options come from click; this module adds
the values: the words of each vocabulary, locality codes (with their names), and the refs of
meetings, visits, dialogues and petitions, read from the database the command line names.

Completion never shows a petitioner or a visitor: refs and locality names only. It never
creates a database, and a database that cannot be read completes nothing rather than fail.
The values are attached by parameter name (`attach`), only while the shell asks for
completions, so that an ordinary run pays nothing for them.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import Any

import typer

# click's completion items, from wherever this typer takes click (its own copy, or click).
_shell_completion = importlib.import_module(
    sys.modules[typer.BadParameter.__module__].__package__ + ".shell_completion")  # type: ignore[operator]

ENVIRONMENT = "_DANTRACK_COMPLETE"
LIMIT = 50  # enough to choose from; a shell asks again as more is typed


def active() -> bool:
    """Whether this run answers a shell asking for completions."""
    return ENVIRONMENT in os.environ


def _item(value: str, help: str | None = None) -> Any:
    return _shell_completion.CompletionItem(value, help=help)


# --- vocabularies ----------------------------------------------------------------------------


def _words(enum: type[StrEnum]) -> Callable[..., list[Any]]:
    def complete(ctx: Any, param: Any, incomplete: str) -> list[Any]:
        from dantrack.text import token
        from dantrack.vocab import WORDS

        typed = token(incomplete) if incomplete else ""
        words = WORDS.get(enum, {})
        items = []
        for member in enum:
            forms = words.get(member.value, ())
            if member.value.startswith(typed) or any(token(w).startswith(typed) for w in forms):
                items.append(_item(member.value, " / ".join(forms) or None))
        return items

    return complete


def _kind(ctx: Any, param: Any, incomplete: str) -> list[Any]:
    """--kind: a meeting's kind under `meeting`, else a petition's (or a visit's matter)."""
    from dantrack.vocab import MeetingKind, PetitionKind

    meeting = ctx.command_path.split()[1:2] == ["meeting"]
    return _words(MeetingKind if meeting else PetitionKind)(ctx, param, incomplete)


# --- values in the database --------------------------------------------------------------------


def _rows(ctx: Any, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """The rows of a read-only query on the database of --db / $DANTRACK_DB, or none."""
    from dantrack import peek
    from dantrack.engines import locate

    try:
        return peek.rows(locate(ctx.find_root().params.get("db")), sql, params)
    except Exception:  # a missing or unusable database completes nothing, silently
        return []


def _starting(column: str, name: str) -> str:
    """`column` starts with :name — as a range, which an index answers on either backend
    whatever its collation; the rows are filtered again in Python."""
    return f"({column} >= :{name} AND {column} < :{name}_end)"


_VALID_TODAY = ("(valid_from IS NULL OR valid_from <= :today) "
                "AND (valid_to IS NULL OR valid_to >= :today)")


def _localities(ctx: Any, param: Any, incomplete: str) -> list[Any]:
    """Codes of the units valid today, by code or by name (the name comes as the help)."""
    from dantrack import clock
    from dantrack.text import fold

    typed = incomplete.strip()
    by_code = not typed or typed[0].isdigit()
    prefix = typed if by_code else fold(typed)
    where = (_starting("code", "p") if by_code
             else f"({_starting('bare_folded', 'p')} OR {_starting('name_folded', 'p')})")
    rows = _rows(ctx, f"SELECT code, name, bare_folded, name_folded FROM locality WHERE {where} "
                 f"AND {_VALID_TODAY} ORDER BY code LIMIT {4 * LIMIT}",
                 p=prefix, p_end=prefix + _LAST, today=clock.today())
    return [_item(code, name) for code, name, bare, folded in rows
            if (code if by_code else bare).startswith(prefix)
            or (not by_code and folded.startswith(prefix))][:LIMIT]


# Above every character a ref, code or folded name holds: the end of a prefix's range.
_LAST = "\U0010ffff"


def _refs(table_name: str) -> Callable[..., list[Any]]:
    def complete(ctx: Any, param: Any, incomplete: str) -> list[Any]:
        typed = incomplete.strip().upper()
        rows = _rows(ctx, f"SELECT ref FROM {table_name} WHERE {_starting('ref', 'p')} "
                     f"ORDER BY ref DESC LIMIT {4 * LIMIT}", p=typed, p_end=typed + _LAST)
        return [_item(ref) for (ref,) in rows if ref.startswith(typed)][:LIMIT]

    return complete


def _ref_of_group(ctx: Any, param: Any, incomplete: str) -> list[Any]:
    """A command's REF argument: the ref of its group's records."""
    group = ctx.command_path.split()[1:2]
    table_name = group[0] if group and group[0] in ("meeting", "visit", "dialogue",
                                                     "petition") else None
    return _refs(table_name)(ctx, param, incomplete) if table_name else []


def _completers() -> dict[str, Callable[..., list[Any]]]:
    """Parameter name → what completes it."""
    from dantrack import vocab

    return {
        "kind": _kind,
        "channel": _words(vocab.Channel),
        "competence": _words(vocab.Competence),
        "outcome": _words(vocab.Outcome),
        "verdict": _words(vocab.Verdict),
        "field": _words(vocab.PetitionField),
        "prior": _words(vocab.Prior),
        "direction": _words(vocab.Direction),
        "level": _words(vocab.Level),
        "body": _words(vocab.Body),
        "status": _words(vocab.Status),
        "locality": _localities,
        "parent": _localities,
        "successor": _localities,
        "under": _localities,
        "province": _localities,
        "meeting": _refs("meeting"),
        "petition": _refs("petition"),
        "duplicate_of": _refs("petition"),
        "ref": _ref_of_group,
    }


def attach(command: Any) -> None:
    """Give every parameter of command (and of its subcommands) its value completion."""
    completers = _completers()
    pending = [command]
    while pending:
        current = pending.pop()
        pending.extend(getattr(current, "commands", {}).values())
        for param in current.params:
            complete = completers.get(param.name or "")
            if param.name == "ref" and param.param_type_name != "argument":
                continue  # `add --ref` names a new record: nothing to complete
            if complete and param._custom_shell_complete is None and not _completes_itself(param):
                param._custom_shell_complete = complete


def _completes_itself(param: Any) -> bool:
    """Flags and choices (an enum-typed option) complete without help from here."""
    if getattr(param, "is_flag", False):
        return True
    described = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if isinstance(described, type) and issubclass(described, StrEnum):
        return True
    return hasattr(getattr(param, "type", None), "choices")
