"""Reading and checking the rows of a large file in a second process, while this one writes.

The checking process is forked once the import has begun: it inherits the importer, with every
locality code loaded, and the open file. It reads and validates each row — work that needs no
database — and sends the results back in the file's order, a batch at a time, while this process
writes the batch before. A row that would need the database to be checked (a locality given by
name rather than code, say) is sent back as it was read, and checked here.

The database connection stays with this process: the child drops its reference to the session
before it starts, and ends with os._exit, so that nothing inherited is closed or flushed twice.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from dantrack.errors import DantrackError
from dantrack.importing.engine import Importer
from dantrack.importing.model import NeedsDatabase, Pending
from dantrack.readers import Row, Source

# Below this size a second process costs more than it saves.
MIN_BYTES = 1 << 20
# Rows per message from the checking process.
ROWS_PER_MESSAGE = 500
PIPE_BYTES = 1 << 20


def can_fork() -> bool:
    """Two cores for this process, and fork: sound for this on Linux (macOS's system libraries
    are not fork-safe)."""
    return sys.platform == "linux" and len(os.sched_getaffinity(0)) > 1


def usable(importer: Importer, source: Source) -> bool:
    """Whether this import is worth a checking process, and can have one."""
    return (importer.rows.checked_apart and source.size is not None and source.size >= MIN_BYTES
            and can_fork())


def run(importer: Importer, source: Source, progress: Callable[[int], None] | None) -> bool:
    """Every row of source through the importer, checked in a forked process. False, with
    nothing read, if no process could be started (the caller then reads the rows itself).

    Longer than most: starting the child, the receiving loop and the ending that must run
    whatever happens are one protocol, clearer read in one place."""
    importer.load_localities()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # nothing buffered may be written twice
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    _widen(sending)
    # The child never writes to stdout or stderr: a progress bar's thread may hold their locks
    # at the moment of the fork, and Rich has them redirected.
    child = context.Process(target=_check_rows, args=(importer, source, sending, receiving),
                            name="dantrack-check", daemon=True)
    try:
        child.start()
    except OSError:  # no process to be had (a limit on processes, say): check rows here
        receiving.close()
        sending.close()
        return False
    sending.close()
    try:
        while True:
            try:
                message = receiving.recv()
            except EOFError:
                raise DantrackError("the process checking the file's rows ended "
                                    "unexpectedly; nothing was imported") from None
            if message[0] == "end":
                return True
            if message[0] == "failed":
                raise message[1]
            _, bytes_read, entries = message
            for entry in entries:
                if entry[0] == "ok":
                    importer.take(Pending(entry[1], entry[2], entry[3]))
                elif entry[0] == "bad":
                    importer.take(entry[1])
                else:  # "raw": checked here, where the database is
                    importer.take(importer.check(Row(entry[1], entry[2])))
            if progress is not None:
                progress(bytes_read)
    finally:
        receiving.close()  # a child still sending gets a broken pipe, and ends
        if child.is_alive():
            child.terminate()
        child.join()


def _widen(pipe: Connection) -> None:
    """A pipe that holds the rows checked while this process writes a batch (1 MiB, where the
    system allows it): with the default 64 KiB the checking process would wait on every write,
    and the two would take turns instead of working at once."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)  # type: ignore[attr-defined]
    except (ImportError, AttributeError, OSError):
        pass  # not Linux, or a lower limit: slower, not wrong


def _check_rows(importer: Importer, source: Source, sending: Connection,
                inherited: Connection) -> None:
    """In the child: read and check every row, send the results in order, and end.

    Longer than most: each way the child can end (done, parent gone, failure) is handled
    here, where the os._exit that must follow them all is."""
    # Only the parent reads: should it die, this process's next send fails and it ends.
    inherited.close()
    # Ctrl-C is the parent's to handle: it stops listening and ends this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    importer.session = None  # type: ignore[assignment]  # the database is the parent's
    entries: list[tuple[Any, ...]] = []
    status = 0
    try:
        for row in source.rows():
            try:
                checked = importer.check(row)
            except NeedsDatabase:
                entries.append(("raw", row.label, row.values))
            else:
                if isinstance(checked, Pending):
                    entries.append(("ok", checked.label, checked.record, checked.values))
                else:
                    entries.append(("bad", checked))
            if len(entries) >= ROWS_PER_MESSAGE:
                sending.send(("rows", source.bytes_read, entries))
                entries = []
        sending.send(("rows", source.bytes_read, entries))
        sending.send(("end",))
    except (BrokenPipeError, ConnectionResetError):
        status = 1  # the parent has stopped listening
    except BaseException as exc:  # noqa: BLE001  (every failure goes to the parent, in words)
        status = 1
        if not isinstance(exc, DantrackError):  # a fault: keep where it happened
            exc.add_note("in the process checking the rows:\n" + traceback.format_exc())
        try:
            sending.send(("failed", exc))
        except Exception:  # noqa: BLE001  (an error that cannot be sent: say what it was)
            try:
                sending.send(("failed", RuntimeError(f"{type(exc).__name__}: {exc}")))
            except Exception:  # noqa: BLE001, S110  (the parent is gone)
                pass
    finally:
        os._exit(status)  # noqa: TID251  (the forked child ends here, see the docstring)
