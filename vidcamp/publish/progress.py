"""Progress sinks for uploads: a rich bar on a terminal, plain lines otherwise, or nothing."""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO


class ProgressSink(Protocol):
    """Receives byte progress of one upload at a time."""

    def start(self, label: str, total: int) -> None: ...

    def update(self, completed: int) -> None: ...

    def finish(self, ok: bool = True) -> None:
        """The upload ended: ``ok`` says whether it succeeded."""


class NullProgress:
    """Shows nothing (``--quiet``)."""

    def start(self, label: str, total: int) -> None:
        pass

    def update(self, completed: int) -> None:
        pass

    def finish(self, ok: bool = True) -> None:
        pass


class LineProgress:
    """One plain line every ``step`` fraction of the file, for logs and cron mail."""

    def __init__(self, stream: TextIO | None = None, step: float = 0.1) -> None:
        self.stream = stream or sys.stderr
        self.step = step
        self.label = ""
        self.total = 0
        self.began = 0.0
        self.next_mark = 0.0

    def start(self, label: str, total: int) -> None:
        self.label, self.total, self.began = label, total, time.monotonic()
        self.next_mark = self.step
        self.stream.write(f"{label}: uploading {_mb(total)}\n")
        self.stream.flush()

    def update(self, completed: int) -> None:
        if not self.total:
            return
        fraction = completed / self.total
        if fraction + 1e-9 < self.next_mark:
            return
        while self.next_mark <= fraction + 1e-9:
            self.next_mark += self.step
        elapsed = max(time.monotonic() - self.began, 1e-6)
        self.stream.write(
            f"{self.label}: {fraction:4.0%} {_mb(completed)}/{_mb(self.total)}"
            f" {completed / elapsed / 1e6:.1f} MB/s\n"
        )
        self.stream.flush()

    def finish(self, ok: bool = True) -> None:
        self.stream.write(f"{self.label}: {'upload done' if ok else 'upload stopped'}\n")
        self.stream.flush()


class RichProgress:
    """A rich progress bar per upload: bytes, rate and time left."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            transient=False,
            console=Console(stderr=True),  # stdout stays for the result (and --json)
        )
        self._task: int | None = None

    def start(self, label: str, total: int) -> None:
        self._progress.start()
        self._task = self._progress.add_task(label, total=total)

    def update(self, completed: int) -> None:
        if self._task is not None:
            self._progress.update(self._task, completed=completed)  # type: ignore[arg-type]

    def finish(self, ok: bool = True) -> None:
        self._progress.stop()
        if not ok:
            self._progress.console.print("upload stopped")


def default_progress(quiet: bool = False, stream: TextIO | None = None) -> ProgressSink:
    """Rich bar on a TTY, plain lines otherwise, silent when ``quiet``."""
    if quiet:
        return NullProgress()
    out = stream or sys.stderr
    return RichProgress() if out.isatty() else LineProgress(out)


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"
