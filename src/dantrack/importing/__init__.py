"""Batch import: stream a file, validate each row with the CLI's own models, write in bulk.

One import is one transaction (the caller's session): every row is written or none. Rows are
validated as they stream in and written in batches with SQLAlchemy Core; a batch is written
early when a row refers to a row still waiting in it, so a reference may name anything in the
database or earlier in the same file. `ref` (a locality's `code`) is the identity: a row equal
to what is stored changes nothing, a different one is a conflict handled as --on-conflict says.
"""

from __future__ import annotations

import difflib
import gc
from collections import Counter
from collections.abc import Callable

from sqlmodel import Session

from dantrack import records
from dantrack.errors import InvalidInput
from dantrack.importing import bulk, worker
from dantrack.importing.engine import Importer
from dantrack.importing.model import ImportFailed, Summary
from dantrack.readers import Source

__all__ = ["ImportFailed", "Summary", "check_columns", "run_import"]


def check_columns(kind: str, columns: list[str], *, ignore_extra: bool) -> None:
    """Before any row is read: duplicated, unknown and missing columns of a CSV header."""
    known = records.COLUMNS[kind]
    duplicated = sorted(name for name, n in Counter(columns).items() if n > 1)
    if duplicated:
        raise InvalidInput(f"duplicated columns: {first_few(duplicated)}")
    unknown = [name for name in columns if name not in known]
    if unknown and not ignore_extra:
        raise InvalidInput(f"unknown columns: {first_few(unknown)} ({_known(kind, unknown)}; "
                           "--ignore-extra skips unknown columns)")
    missing = sorted(records.REQUIRED[kind] - set(columns))
    if missing:
        raise InvalidInput(f"missing required columns: {', '.join(missing)}")


# The longest list of known columns an error gives in full: past it (petitions have 36), the
# line names the nearest ones and where to see them all.
KNOWN_SHOWN = 150


def _known(kind: str, unknown: list[str]) -> str:
    known = records.COLUMNS[kind]
    if len(listed := ", ".join(known)) <= KNOWN_SHOWN:
        return f"known for {kind}: {listed}"
    near = difflib.get_close_matches(unknown[0][:NAME_SHOWN], known, n=3)
    guess = f"did you mean {' or '.join(near)}? " if near else ""
    return f"{guess}known for {kind}: the {len(known)} columns `dantrack export {kind}` writes"


# Names listed in one message at most (a header may hold thousands), each cut to a length.
FEW = 5
NAME_SHOWN = 40


def first_few(names: list[str]) -> str:
    """The first few names and how many more, so the error stays one short line."""
    shown = [name if len(name) <= NAME_SHOWN else name[:NAME_SHOWN] + "…" for name in names[:FEW]]
    more = f" and {len(names) - FEW:,} more" if len(names) > FEW else ""
    return ", ".join(shown) + more


def run_import(session: Session, *, kind: str, source: Source, on_conflict: str = "fail",
               ignore_extra: bool = False, dry_run: bool = False,
               progress: Callable[[int], None] | None = None, reveal: bool = False,
               revealed: list[int] | None = None) -> Summary:
    """Import every row of source; raise (and so leave the database as it was) on any problem.

    A row naming a stored secret petition (a denunciation's) may carry identity columns only
    with reveal; the ids of the secret petitions compared are appended to `revealed`, even when
    the import fails, for the caller to record in a transaction of its own before it says
    anything of the comparison (services.secrecy.record_reveals)."""
    if source.columns is not None:
        check_columns(kind, source.columns, ignore_extra=ignore_extra)
    importer = Importer(session, kind, on_conflict, ignore_extra,
                        Summary(kind=kind, source=source.name, dry_run=dry_run),
                        reveal=reveal, revealed=revealed)
    # The modules and objects made so far live as long as the process: set them aside, so
    # that the collector's passes over a long import only walk what the import allocates.
    gc.freeze()
    # A dry run does all the work inside a savepoint it then rolls back: it writes nothing,
    # whatever the caller does with its transaction.
    dry = session.begin_nested() if dry_run else None
    try:
        with bulk.tuned(session):
            if not (worker.usable(importer, source) and worker.run(importer, source, progress)):
                for row in source.rows():
                    importer.add(row)
                    if progress is not None and importer.summary.rows % 1000 == 0:
                        progress(source.bytes_read)
            importer.flush()
        importer.finish()
    finally:
        if dry is not None and dry.is_active:
            dry.rollback()
    return importer.summary
