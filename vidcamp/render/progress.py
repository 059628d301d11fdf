"""Where render progress goes: a rich bar per clip on a TTY, plain lines otherwise, or nowhere."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any, Protocol, TextIO


class ProgressSink(Protocol):
    """Receives a clip's progress; must be safe to call from several render threads."""

    def start(self, clip: str, total: float, targets: list[str]) -> None: ...

    def update(self, clip: str, seconds: float, speed: float | None) -> None: ...

    def note(self, clip: str, text: str) -> None: ...

    def finish(self, clip: str, text: str) -> None: ...


class NullProgress:
    """``--quiet``: say nothing."""

    def start(self, clip: str, total: float, targets: list[str]) -> None:
        pass

    def update(self, clip: str, seconds: float, speed: float | None) -> None:
        pass

    def note(self, clip: str, text: str) -> None:
        pass

    def finish(self, clip: str, text: str) -> None:
        pass


class PlainProgress:
    """Plain lines for logs and pipes: start, every 25%, and the end of each clip."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self._lock = threading.Lock()
        self._total: dict[str, float] = {}
        self._next: dict[str, float] = {}
        self._began: dict[str, float] = {}

    def _say(self, text: str) -> None:
        with self._lock:
            print(text, file=self.stream, flush=True)

    def start(self, clip: str, total: float, targets: list[str]) -> None:
        self._total[clip] = max(total, 1e-6)
        self._next[clip] = 0.25
        self._began[clip] = time.monotonic()
        self._say(f"{clip}: rendering {', '.join(targets)} ({total:.1f} s)")

    def update(self, clip: str, seconds: float, speed: float | None) -> None:
        done = min(1.0, seconds / self._total.get(clip, 1.0))
        if done >= self._next.get(clip, 2.0) and done < 1.0:
            self._next[clip] = (int(done * 4) + 1) / 4
            eta = _eta(time.monotonic() - self._began[clip], done)
            self._say(f"{clip}: {done:4.0%}{eta}")

    def note(self, clip: str, text: str) -> None:
        self._say(f"{clip}: {text}")

    def finish(self, clip: str, text: str) -> None:
        self._say(f"{clip}: {text}")


class RichProgress:
    """A rich progress bar per clip with ETA; use as a context manager around the build."""

    def __init__(self, console: Any = None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[info]}"),
            transient=False,
            console=console or Console(stderr=True),
        )
        self._tasks: dict[str, Any] = {}
        self._totals: dict[str, float] = {}

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def start(self, clip: str, total: float, targets: list[str]) -> None:
        self._totals[clip] = max(total, 1e-6)
        self._tasks[clip] = self._progress.add_task(
            clip, total=max(total, 1e-6), info=", ".join(targets)
        )

    def update(self, clip: str, seconds: float, speed: float | None) -> None:
        task = self._tasks.get(clip)
        if task is not None:
            info = f"{speed:.2f}x" if speed else ""
            self._progress.update(task, completed=seconds, info=info)

    def note(self, clip: str, text: str) -> None:
        task = self._tasks.get(clip)
        if task is None:
            self._progress.console.print(f"{clip}: {text}")
        else:
            self._progress.update(task, info=text)

    def finish(self, clip: str, text: str) -> None:
        task = self._tasks.get(clip)
        if task is None:
            self._progress.console.print(f"{clip}: {text}")
            return
        self._progress.update(task, completed=self._totals[clip], info=text)


class BatchTally:
    """Clips done out of the batch, with an ETA from the footage seconds rendered so far.

    Cached clips count as done but not towards the rate (they cost nothing). Thread-safe.
    """

    def __init__(self, seconds: dict[str, float]) -> None:
        self._left = dict(seconds)
        self.total = len(seconds)
        self.done = 0
        self._rendered = 0.0
        self._busy = 0.0
        self._began = time.monotonic()
        self._lock = threading.Lock()

    def clip_done(self, clip: str, *, rendered: bool) -> str:
        """Count ``clip`` and return the batch line, e.g. ``3/30 clips done, about 80 s left``."""
        with self._lock:
            seconds = self._left.pop(clip, 0.0)
            self.done += 1
            if rendered:
                self._rendered += seconds
                self._busy = time.monotonic() - self._began
            left = sum(self._left.values())
            text = f"{self.done}/{self.total} clips done"
            if left and self._rendered > 0:
                text += f", about {self._busy / self._rendered * left:.0f} s left"
            return text


def _eta(elapsed: float, done: float) -> str:
    if done <= 0:
        return ""
    left = elapsed * (1 - done) / done
    return f", about {left:.0f} s left"


def make_progress(*, quiet: bool = False, stream: TextIO | None = None) -> Any:
    """The sink for a command: none when quiet, rich on a terminal, plain lines otherwise."""
    if quiet:
        return NullProgress()
    out = stream or sys.stderr
    return RichProgress() if out.isatty() else PlainProgress(out)
