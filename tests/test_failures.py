"""Failures of the machine and of the files: a full disk, a damaged or unopenable database, a
full standard output, values another tool stored with the wrong type, hostile input files.

Each ends in one line on stderr with the SPEC's exit code: never a traceback, never the SQL's
parameters, never a denouncer's identity. The behaviour concerns the real process (exit codes,
stdout, tracebacks), so most tests run dantrack in a subprocess.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample.sqlite"  # this schema
# A denouncer whose identity must never reach a message.
NAME, ID_NUMBER, PHONE, ADDRESS = "Lò Thị Tốgiác", "001299887766", "0912765432", "Bản Mật Danh"
SECRETS = (NAME, ID_NUMBER, PHONE, ADDRESS)


def run(*args: str, db: Path | str | None = None, stdin: bytes | None = None,
        stdout: int | None = subprocess.PIPE, fsize: int | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """`dantrack ARGS…` in its own process; fsize limits the size of any file it writes, as a
    full disk would (SIGXFSZ ignored, so the write fails with EFBIG instead of killing it)."""
    def limit() -> None:
        if fsize is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    full_env = {**os.environ, **(env or {})}
    if db is not None:
        full_env["DANTRACK_DB"] = str(db)
    return subprocess.run([sys.executable, "-m", "dantrack", *args], input=stdin,
                          stdout=stdout, stderr=subprocess.PIPE, env=full_env,
                          preexec_fn=limit, timeout=300, check=False)


def one_line(result: subprocess.CompletedProcess[bytes], code: int) -> str:
    """The single error line of a failed run, checked for leaks."""
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == code, (result.returncode, err[-3000:])
    assert "Traceback" not in err, err[-3000:]
    assert len(err.strip().splitlines()) == 1, err[-3000:]
    assert err.startswith("Error: "), err
    for secret in SECRETS:
        assert secret not in err
    assert "INSERT" not in err and "SELECT" not in err and "[parameters" not in err
    return err.strip()


def denunciations(path: Path, rows: int) -> Path:
    lines = ["kind,received_on,locality,petitioner,id_number,phone,address,subject"]
    lines += [f"denunciation,2024-03-01,058,{NAME},{ID_NUMBER},{PHONE},{ADDRESS},"
              f"Tố cáo việc {number} {'x' * 200}" for number in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    """A new database holding one district, 058."""
    path = tmp_path / "small.sqlite"
    result = run("locality", "add", "058", "Thành phố Bắc Kạn", "--level", "district", db=path)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "sample.sqlite"
    shutil.copyfile(SAMPLE, path)
    return path


# --- a full disk -----------------------------------------------------------------------------


def test_engines_never_render_parameters(tmp_path: Path) -> None:
    from dantrack import db

    sqlite = db.open_database(db.Location(str(tmp_path / "x.sqlite"), "test"), write=True)
    assert sqlite.engine.hide_parameters
    sqlite.dispose()
    server = db._postgres_engine(db.Location("postgresql://u:pw@127.0.0.1:1/x", "test"),
                                 write=False)
    assert server.hide_parameters


def test_disk_full_during_an_import_is_one_line(small_db: Path, tmp_path: Path) -> None:
    source = denunciations(tmp_path / "to-cao.csv", 5000)
    before = sqlite3.connect(small_db).execute("SELECT count(*) FROM petition").fetchone()
    result = run("import", "petitions", str(source), db=small_db,
                 fsize=small_db.stat().st_size + 100_000)
    # EFBIG: SQLite says "disk I/O error" (ENOSPC on a real disk: "the disk is full").
    assert "cannot be used: disk I/O error" in one_line(result, 4)
    after = sqlite3.connect(small_db).execute("SELECT count(*) FROM petition").fetchone()
    assert before == after == (0,)


def test_disk_full_during_a_copy_into_a_file_is_one_line(sample: Path, tmp_path: Path) -> None:
    _store_a_denouncer(sample)
    result = run("db", "copy", str(tmp_path / "copy.sqlite"), db=sample, fsize=400_000)
    assert "copy.sqlite cannot be used: disk I/O error" in one_line(result, 4)


def _store_a_denouncer(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE petition SET petitioner = ?, id_number = ?, phone = ?, "
                           "address = ? WHERE kind = 'denunciation'",
                           (NAME, ID_NUMBER, PHONE, ADDRESS))


def test_disk_full_during_a_backup_is_one_line(sample: Path, tmp_path: Path) -> None:
    result = run("db", "backup", str(tmp_path / "backup.sqlite"), db=sample, fsize=1_000_000)
    assert "cannot write the backup to" in one_line(result, 4)
    assert not list(tmp_path.glob("*backup.sqlite*"))  # no half-written file is left


def test_a_real_full_file_system(small_db: Path, tmp_path: Path) -> None:
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mount)],
                          capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {made.stderr.decode().strip()}")
    try:
        target = mount / "small.sqlite"
        shutil.copyfile(small_db, target)
        source = denunciations(tmp_path / "to-cao.csv", 5000)
        assert "the disk is full" in one_line(run("import", "petitions", str(source),
                                                  db=target), 4)
        copy = run("db", "copy", str(mount / "copy.sqlite"), db=SAMPLE)
        assert "full" in one_line(copy, 4)
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_an_export_to_a_full_disk_is_one_line_exit_4(sample: Path) -> None:
    result = run("export", "petitions", "-o", "/dev/full", db=sample)
    assert one_line(result, 4) == "Error: cannot write /dev/full: No space left on device"


def test_a_full_standard_output_is_one_line_exit_1(sample: Path) -> None:
    for args in (("petition", "list"), ("export", "petitions"), ("report", "--year", "2022")):
        with open("/dev/full", "wb") as full:
            result = run(*args, db=sample, stdout=full.fileno())
        assert "cannot write standard output: No space left" in one_line(result, 1)


def test_postgres_storage_failures_become_exit_4() -> None:
    from sqlalchemy.exc import OperationalError

    from dantrack import db
    from dantrack.errors import DatabaseUnavailable

    location = db.Location("postgresql://u:secret@127.0.0.1:1/x", "test")
    database = db.Database(db._postgres_engine(location, write=True), location, writable=True)

    class Orig(Exception):
        def __init__(self, sqlstate: str) -> None:
            super().__init__("could not extend file: No space left on device")
            self.sqlstate = sqlstate

    for code in ("53100", "58030", "XX001"):
        error = db._translated(database, OperationalError("INSERT …", {"p": NAME}, Orig(code)))
        assert isinstance(error, DatabaseUnavailable)
        assert "secret" not in error.message and NAME not in error.message


# --- damaged, unopenable and wrongly typed databases ---------------------------------------


def test_a_damaged_file_is_one_line_for_list_and_report(sample: Path) -> None:
    size = sample.stat().st_size
    with open(sample, "r+b") as file:  # 4 KiB spoiled at each 40th of the file
        for part in range(1, 40):
            file.seek(size * part // 40)
            file.write(b"\xff" * 4096)
    for args in (("petition", "list"), ("report", "--year", "2022")):
        assert "is damaged" in one_line(run(*args, db=sample), 4)
    check = run("db", "check", db=sample)
    assert check.returncode == 1 and b"integrity" in check.stdout


@pytest.mark.skipif(os.geteuid() == 0, reason="root opens a file without permission anyway")
def test_an_unreadable_file_is_one_line(sample: Path) -> None:
    sample.chmod(0)
    assert "unable to open" in one_line(run("petition", "list", db=sample), 4)


def test_an_unopenable_path_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    for target in (tmp_path, tmp_path / "plain" / "inside.sqlite"):
        one_line(run("petition", "list", db=target), 4)
        one_line(run("locality", "add", "01", "Tỉnh X", "--level", "province", db=target), 4)


WRONG = [
    ("received_on = 'garbage'", "petition.received_on"),
    ("signatories = 'abc'", "petition.signatories"),
    ("accepted_on = '2024-02-30'", "petition.accepted_on"),
]


@pytest.mark.parametrize(("change", "column"), WRONG)
def test_values_of_the_wrong_type_are_one_line_and_a_check_finding(
        sample: Path, tmp_path: Path, change: str, column: str) -> None:
    with sqlite3.connect(sample) as connection:
        connection.execute(f"UPDATE petition SET {change} WHERE ref = 'P2022-00022'")
    for args in (("petition", "list"), ("petition", "show", "P2022-00022")):
        line = one_line(run(*args, db=sample), 4)
        assert f"wrong type in {column} (row P2022-00022)" in line
        assert "dantrack db check" in line
    if "signatories" not in change:  # an export reads integers as they come
        one_line(run("export", "petitions", "-o", str(tmp_path / "out.csv"), db=sample), 4)
    check = run("db", "check", db=sample)
    assert check.returncode == 1
    assert f"P2022-00022: {column} holds".encode() in check.stdout


def test_check_names_each_wrong_type_but_never_an_identity(sample: Path) -> None:
    with sqlite3.connect(sample) as connection:
        connection.execute("UPDATE meeting SET citizens = 'nhiều' WHERE id = 1")
        connection.execute("UPDATE petition SET complex = 7, phone = ? WHERE ref = 'P2022-00022'",
                           (sqlite3.Binary(PHONE.encode()),))
    check = run("db", "check", "--format", "json", db=sample)
    assert check.returncode == 1
    out = check.stdout.decode()
    assert "meeting.citizens holds text where an integer belongs" in out
    assert "petition.complex holds integer where 0 or 1 belongs" in out
    assert "petition.phone holds blob where text belongs" in out
    assert PHONE not in out and "nhiều" not in out


# --- hostile input files ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_deep_nesting_is_exit_3(small_db: Path, tmp_path: Path, fmt: str) -> None:
    deep = b"[" * 100_000 + b"\n"
    path = tmp_path / f"deep.{fmt}"
    path.write_bytes(deep)
    for args, stdin in (((str(path),), None), (("-", "--format", fmt), deep)):
        result = run("import", "petitions", *args, db=small_db, stdin=stdin)
        err = result.stderr.decode()
        assert result.returncode == 3 and "Traceback" not in err, err[-2000:]
        assert "nested too deeply" in err
        assert ("item 1" if fmt == "json" else "line 1") in err


def _peak_kib(*args: str, db: Path) -> tuple[int, str, int]:
    """Run dantrack in a child of a small watcher process; the child's peak memory (KiB)."""
    watcher = ("import resource, subprocess, sys; "
               "r = subprocess.run(sys.argv[1:], capture_output=True); "
               "sys.stderr.write(r.stderr.decode()); "
               "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", watcher, sys.executable, "-m", "dantrack",
                           *args], capture_output=True, env={**os.environ, "DANTRACK_DB": str(db)},
                          timeout=120, check=False)
    code, peak = done.stdout.split()
    return int(code), done.stderr.decode(), int(peak)


@pytest.mark.parametrize(("name", "head"), [
    ("one-line.csv", b"kind,received_on,locality,subject\ncomplaint,2024-01-01,058,"),
    ("one-line.jsonl", b'{"kind": "complaint", "subject": "'),
    ("one-line.json", b'[{"kind": "complaint", "subject": "'),
])
def test_a_huge_line_is_refused_in_bounded_memory(small_db: Path, tmp_path: Path, name: str,
                                                  head: bytes) -> None:
    size = 80 << 20
    path = tmp_path / name
    with open(path, "wb") as file:
        file.write(head)
        for _ in range(size >> 20):
            file.write(b"x" * (1 << 20))
    code, err, peak_kib = _peak_kib("import", "petitions", str(path), db=small_db)
    assert code == 3 and "Traceback" not in err, err[-2000:]
    assert "longer than 1,048,576 characters" in err
    assert peak_kib * 1024 < size, peak_kib  # the file is never held whole
    path.unlink()


@pytest.mark.parametrize(("name", "content"), [
    ("bad.csv", b"kind,received_on,locality,subject\ncomplaint,2024-01-01,058,ab\xffc\n"
                b"complaint,2024-01-02,058,ok\n"),
    ("bad.jsonl", b'{"kind": "complaint", "received_on": "2024-01-01", "locality": "058", '
                  b'"subject": "ok"}\n{"kind": "complaint", "subject": "\xff"}\n'),
])
def test_a_bad_byte_is_reported_at_its_line(small_db: Path, tmp_path: Path, name: str,
                                            content: bytes) -> None:
    # Many good lines first: the strict decoder read ahead and blamed the line it stood on.
    path = tmp_path / name
    path.write_bytes(content)
    result = run("import", "petitions", str(path), db=small_db)
    err = result.stderr.decode()
    assert result.returncode == 3 and "Traceback" not in err
    assert "line 2: is not UTF-8 text" in err
    assert "line 1" not in err


def test_a_bad_byte_in_the_header_is_line_1(small_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_bytes(b"kind,received_\xe9on,locality,subject\ncomplaint,2024-01-01,058,x\n")
    assert "line 1: is not UTF-8 text" in one_line(run("import", "petitions", str(path),
                                                       db=small_db), 3)


def test_many_unknown_columns_give_a_short_line(small_db: Path, tmp_path: Path) -> None:
    columns = ["kind", "received_on", "locality", "subject"] + [f"c{n}" for n in range(50_000)]
    path = tmp_path / "wide.csv"
    path.write_text(",".join(columns) + "\n", encoding="utf-8")
    line = one_line(run("import", "petitions", str(path), db=small_db), 3)
    assert "unknown columns: c0, c1, c2, c3, c4 and 49,995 more" in line
    assert len(line) < 600


# --- db copy -------------------------------------------------------------------------------


def test_a_copy_the_target_refuses_names_the_row(sample: Path, postgres_url: str) -> None:
    _store_a_denouncer(sample)
    with sqlite3.connect(sample) as connection:
        connection.execute("UPDATE petition SET signatories = 'nhiều' WHERE ref = 'P2022-00022'")
    line = one_line(run("db", "copy", postgres_url, db=sample), 3)
    assert "petition P2022-00022" in line
    assert "nhiều" not in line and "Pipeline" not in line


def test_an_io_error_on_a_file_is_one_line_exit_4(cli, sample: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from dantrack import output

    def failing(*_args: object, **_kwargs: object) -> int:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(output, "write_export", failing)
    out = tmp_path / "out.csv"
    result = cli("--db", str(sample), "export", "petitions", "-o", str(out))
    assert result.exit_code == 4
    assert result.stderr == f"Error: cannot read or write {out}: Input/output error\n"
