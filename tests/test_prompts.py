"""Prompts that help (issue 16 item 3), through a pseudo-terminal as a clerk meets them: each
missing required option is asked for and checked as it is answered — a wrong answer says why
and the question comes again, the answers already given kept; choices show their Vietnamese
words; an ambiguous locality lists its candidates; Ctrl-C writes nothing."""

from __future__ import annotations

import os
import pty
import select
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest

DANTRACK = str(Path(sys.executable).parent / "dantrack")


class Terminal:
    """dantrack ARGS… on a pseudo-terminal: read what it shows, type answers."""

    def __init__(self, *args: str, db: Path, env: dict[str, str] | None = None,
                 size: tuple[int, int] | None = None) -> None:
        env = {**os.environ, "DANTRACK_DB": str(db), "DANTRACK_TODAY": "2024-06-30",
               "COLUMNS": "100", "TERM": "dumb", **(env or {})}
        env = {key: value for key, value in env.items() if value != ""}
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: becomes dantrack, on a terminal of `size` (rows, columns)
            # As on a clerk's terminal, Ctrl-C interrupts: a background job (a CI run) would
            # otherwise hand down SIGINT ignored.
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
            if size is not None:
                import fcntl
                import struct
                import termios

                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", *size, 0, 0))
            os.execve(DANTRACK, [DANTRACK, *args], env)
        self.seen = ""
        self.position = 0  # how far expect has read

    def expect(self, text: str, timeout: float = 60) -> str:
        """Read until `text` has been shown; return what was shown up to its end since the
        last expect."""
        start, end = self.position, time.monotonic() + timeout
        while text not in self.seen[start:]:
            ready, _, _ = select.select([self.fd], [], [], max(0.0, end - time.monotonic()))
            if not ready:
                raise AssertionError(f"{text!r} not shown; got {self.seen[start:]!r}")
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:  # the program ended
                chunk = b""
            if not chunk:
                raise AssertionError(f"ended before {text!r}; got {self.seen[start:]!r}")
            self.seen += chunk.decode("utf-8", "replace")
        self.position = self.seen.index(text, start) + len(text)
        return self.seen[start:self.position]

    def type(self, line: str) -> None:
        os.write(self.fd, line.encode("utf-8") + b"\r")

    def interrupt(self) -> None:
        """Ctrl-C, as the terminal sends it; should the terminal not turn it into SIGINT
        within 15 s (a loaded machine), the signal the terminal would have sent."""
        os.write(self.fd, b"\x03")
        end = time.monotonic() + 15
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status  # ended by the interruption: reaped here
                return
            time.sleep(0.1)
        os.kill(self.pid, signal.SIGINT)

    def exit_code(self, timeout: float = 120) -> int:
        """Wait for the end, keeping what it shows meanwhile; a program still running after
        `timeout` seconds is killed and the test fails."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            ready, _, _ = select.select([self.fd], [], [], max(0.0, end - time.monotonic()))
            try:
                chunk = os.read(self.fd, 4096) if ready else b""
            except OSError:  # the program ended
                break
            if ready and not chunk:
                break
            self.seen += chunk.decode("utf-8", "replace")
        else:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
            raise AssertionError(f"still running after {timeout} s; showed {self.seen!r}")
        status = getattr(self, "status", None)
        if status is None:
            _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)


def petitions(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT ref, kind, received_on, subject FROM petition").fetchall()


@pytest.fixture
def desk(db_path: Path, tree) -> Path:  # type: ignore[no-untyped-def]
    return db_path


def test_each_wrong_answer_is_asked_again_keeping_the_others(desk: Path) -> None:
    term = Terminal("petition", "add", db=desk)
    shown = term.expect("): ")
    assert shown.startswith("Kind (")
    assert "complaint/khiếu nại" in shown and "denunciation/tố cáo" in shown
    term.type("khieu")
    assert "must be one of complaint (khiếu nại)" in term.expect("): ")
    term.type("khiếu nại")
    term.expect("Received on")
    term.type("31/02/2024")
    assert "no such day in the calendar" in term.expect("Received on")
    term.type("01/08/2024")  # after DANTRACK_TODAY
    assert "has not happened yet" in term.expect("Received on")
    term.type("01/03/2024")
    term.expect("Locality")
    term.type("Hà Nội")
    assert "no locality with code or name 'Hà Nội'" in term.expect("Locality")
    term.type("Trần Phú")  # two communes of that name
    again = term.expect("Locality")
    assert "ambiguous" in again and "01870" in again and "01960" in again
    term.type("01870")
    term.expect("Subject")
    term.type("Đền bù đất")
    term.expect("Recorded petition P2024-00001")
    assert term.exit_code() == 0
    assert petitions(desk) == [("P2024-00001", "complaint", "2024-03-01", "Đền bù đất")]


def test_an_empty_answer_is_asked_again(desk: Path) -> None:
    term = Terminal("petition", "add", "--kind", "complaint", "--received-on", "2024-03-01",
                    "--locality", "01864", db=desk)
    term.expect("Subject: ")
    term.type("   ")
    assert "an answer is needed" in term.expect("Subject: ")
    term.type("Đường liên thôn")
    term.expect("Recorded petition")
    assert term.exit_code() == 0


def test_ctrl_c_writes_nothing(desk: Path) -> None:
    term = Terminal("petition", "add", "--kind", "complaint", db=desk)
    term.expect("Received on")
    term.type("01/03/2024")
    term.expect("Locality")
    term.interrupt()
    assert term.exit_code() != 0
    assert petitions(desk) == []


def test_a_meeting_question_checks_the_choices_and_the_ref(desk: Path) -> None:
    term = Terminal("meeting", "add", "--date", "2024-03-01", "--locality", "01864", db=desk)
    assert "periodic/định kỳ" in term.expect("): ")
    term.type("dinh ky")
    assert "government/chính quyền" in term.expect("): ")
    term.type("chinh quyen")
    term.expect("Recorded meeting")
    assert term.exit_code() == 0
    visit = Terminal("visit", "add", "--kind", "complaint", "--direction", "accepted", db=desk)
    visit.expect("Meeting ref")
    visit.type("M2024-09999")
    assert "no meeting with ref 'M2024-09999'" in visit.expect("Meeting ref")
    visit.type("M2024-00001")
    visit.expect("Recorded visit")
    assert visit.exit_code() == 0


def test_without_a_terminal_a_missing_option_is_a_usage_error(cli, tree) -> None:
    result = cli("petition", "add", "--kind", "complaint")
    assert result.exit_code == 2
    assert "Missing option '--received-on'" in result.stderr

