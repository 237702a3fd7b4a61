"""The one way dantrack writes a file for the user: every `-o FILE`, backup and restore.

A file is written under a temporary name beside its target, created 0600 (it may hold
personal data), and moved into place only once complete and on disk; if anything fails or
the command is interrupted, the temporary is removed and an existing target is left as it
was. A target that is the database or one of its companion files, directly or through a
link, is refused before anything is written: writing there would destroy the records.

Temporary names (`.NAME.PID.TOKEN.dantrack-partial`) say which process made them, so a
later run can remove what a killed one left behind (with SQLite's journal of it) without
touching the file of a process still at work.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from dantrack.errors import DantrackError, RuleError

COMPANIONS = ("-wal", "-shm", "-journal")
PARTIAL = ".dantrack-partial"
_LEFTOVER = re.compile(r"^\..+\.(\d+)\.[0-9a-f]{8}\.dantrack-partial(?:-journal|-wal|-shm)?$")
# What earlier versions' backups left: removed only when it is an SQLite file (or empty),
# since another program might use such a name.
_LEGACY = re.compile(r"^\..+\.(\d+)\.partial$")
_NAME_ROOM = 120  # keeps the temporary's name within the file system's 255 bytes
_SQLITE_HEADER = b"SQLite format 3\x00"


class CannotWrite(DantrackError):
    """The target's directory is missing, not writable, or the target is a directory."""


def database_files(database: str | os.PathLike[str] | None) -> set[Path]:
    """The database file and its companions, as given and as resolved through links."""
    if database is None or "://" in str(database):
        return set()
    given = Path(database).expanduser().absolute()
    files = set()
    for base in (given, Path(os.path.realpath(given))):
        files.add(base)
        files.update(base.with_name(base.name + suffix) for suffix in COMPANIONS)
    return files


def refuse_database_files(target: Path, database: str | os.PathLike[str] | None) -> None:
    """RuleError when target is (or leads to) the database or one of its companions."""
    protected = database_files(database)
    if not protected:
        return
    resolved = Path(os.path.realpath(target.expanduser().absolute()))
    hit = resolved in protected or target.expanduser().absolute() in protected
    if not hit and resolved.exists():  # a hard link is the same file under another name
        hit = any(_same_file(resolved, path) for path in protected)
    if not hit:
        return
    main = Path(database).expanduser()  # type: ignore[arg-type]
    if _same_file(resolved, main) or resolved == Path(os.path.realpath(main.absolute())):
        raise RuleError(f"{target} is the database itself: give another file")
    raise RuleError(f"{target} is a companion file of the database {main} (its journal "
                    "or write-ahead log): give another file")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_target(target: Path, *, database: Any = None, force: bool | None = None,
                 what: str = "the output") -> Path:
    """Where the bytes will go (a link's target); refuse before anything is written.

    force None: the command has no --force and replaces an existing file; False: an existing
    target is refused."""
    target = target.expanduser()
    refuse_database_files(target, database)
    if target.is_dir():
        raise CannotWrite(f"{target} is a directory: give the {_noun(what)} file's name")
    if force is False and (target.exists() or target.is_symlink()):
        raise RuleError(f"{target} exists already: give --force to overwrite it")
    resolved = Path(os.path.realpath(target.absolute()))
    if not resolved.parent.is_dir():
        raise CannotWrite(f"cannot write {what} to {target}: no directory {target.parent}")
    return resolved


def _special(target: Path) -> bool:
    """Whether target exists and is not a regular file (a device, a pipe, a socket)."""
    try:
        return not stat.S_ISREG(os.stat(target.expanduser()).st_mode) and \
            not stat.S_ISDIR(os.stat(target.expanduser()).st_mode)
    except OSError:
        return False


def _noun(what: str) -> str:
    return what.removeprefix("the ")


@contextlib.contextmanager
def replacing(target: Path, *, database: Any = None, force: bool | None = None,
              what: str = "the output") -> Iterator[Path]:
    """Yield the path of an empty private temporary file beside target; when the block
    ends without an exception, move it into place (through a link: the link stays)."""
    final = check_target(target, database=database, force=force, what=what)
    if _special(final):
        raise CannotWrite(f"cannot write {what} to {target}: it is not a regular file")
    remove_leftovers(final.parent)
    temporary = _create_temporary(final, target, what)
    try:
        yield temporary
        _sync(temporary)
        _publish(temporary, final, target, overwrite=force is not False)
    except BaseException:
        discard(temporary)
        raise
    _sync_directory(final.parent)


@contextlib.contextmanager
def output_file(target: str | os.PathLike[str], *, database: Any = None, binary: bool = False,
                encoding: str = "utf-8", newline: str | None = "",
                force: bool | None = None, what: str = "the output") -> Iterator[IO[Any]]:
    """An open handle (text or binary) on a temporary beside target: see replacing().

    A target that is not a regular file — a terminal, a pipe, /dev/null or /dev/stdout — is
    written to as it is: there is nothing to replace, and replacing a device node with a
    file would break the system."""
    if _special(Path(target)):
        refuse_database_files(Path(target), database)
        mode = "wb" if binary else "w"
        with open(target, mode, **({} if binary else {"encoding": encoding,  # noqa: SIM115
                                                       "newline": newline})) as handle:
            yield handle
        return
    with replacing(Path(target), database=database, force=force, what=what) as temporary:
        if binary:
            handle: IO[Any] = open(temporary, "wb")  # noqa: SIM115
        else:
            handle = open(temporary, "w", encoding=encoding, newline=newline)  # noqa: SIM115
        try:
            with handle:
                yield handle
        except OSError as exc:  # a full disk, say: name the file the user asked for
            if exc.errno is None or exc.filename not in (None, str(temporary)):
                raise
            raise OSError(exc.errno, exc.strerror, str(target)) from None


def _create_temporary(final: Path, target: Path, what: str) -> Path:
    name = f".{final.name[:_NAME_ROOM]}.{os.getpid()}.{secrets.token_hex(4)}{PARTIAL}"
    temporary = final.with_name(name)
    try:
        fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        os.chmod(temporary, 0o600)  # whatever the umask
    except OSError as exc:
        raise CannotWrite(f"cannot write {what} to {target}: {exc.strerror}") from None
    return temporary


def discard(temporary: Path) -> None:
    """Remove a temporary and whatever SQLite left beside it."""
    for path in (temporary, *(temporary.with_name(temporary.name + s) for s in COMPANIONS)):
        with contextlib.suppress(OSError):
            path.unlink()


def _sync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _publish(temporary: Path, final: Path, target: Path, *, overwrite: bool) -> None:
    if overwrite:
        os.replace(temporary, final)
        return
    try:
        os.link(temporary, final)  # fails if target appeared meanwhile: never overwrite
    except FileExistsError:
        raise RuleError(f"{target} exists already: give --force to overwrite it") from None
    except OSError:  # a file system without hard links
        if final.exists():
            raise RuleError(f"{target} exists already: give --force to overwrite it") from None
        os.replace(temporary, final)
    temporary.unlink(missing_ok=True)


def _sync_directory(directory: Path) -> None:
    """The rename itself reaches the disk (where the system allows opening a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_leftovers(directory: Path) -> list[Path]:
    """Remove the temporaries (and their journals) of processes that no longer run."""
    removed = []
    try:
        names = [entry.name for entry in os.scandir(directory) if entry.name.startswith(".")]
    except OSError:
        return removed
    for name in names:
        if (match := _LEFTOVER.match(name)) and not _alive(int(match[1])):
            doomed = [directory / name]
        elif (match := _LEGACY.match(name)) and not _alive(int(match[1])) \
                and _is_sqlite(directory / name):
            doomed = [directory / name, directory / f"{name}-journal"]
        else:
            continue
        for path in doomed:
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return _SQLITE_HEADER.startswith(handle.read(len(_SQLITE_HEADER)))
    except OSError:
        return False


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except (OverflowError, OSError):
        return False
    return True
