"""Run ffmpeg: argument lists only, ``-progress`` parsed into callbacks, errors quoted in one line.

Every ffmpeg process that touches media (loudness measurement, render, thumbnails) goes through
:func:`run_ffmpeg`, which counts launches (:data:`LAUNCHES`), so a caller can see that a cached
build started none. (``ffmpeg -version``, run once per process by the planner, is not counted.)
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO

from vidcamp.errors import RenderError

ProgressCallback = Callable[[float, float | None], None]  # (seconds written, speed x realtime)

# Lines ffmpeg prints after the real error; quoting them tells a user nothing.
_GENERIC = re.compile(
    r"^(Conversion failed!?|Error while filtering|Error while processing|Terminating thread"
    r"|Exiting normally|Error opening (input|output) files?\b|Error reinitializing filters!?"
    r"|Failed to inject frame|Error sending frames to consumers|Task finished with error code"
    r"|Nothing was written)",
    re.IGNORECASE,
)
_USEFUL = re.compile(
    r"(No such file|Invalid|not found|does not|cannot|Could not|Unable|unsupported|"
    r"Permission denied|moov atom|too small|out of range|No space|Unknown|failed to|error)",
    re.IGNORECASE,
)


_ADDRESS = re.compile(r" @ 0x[0-9a-f]+")
_NAMES_FILE = re.compile(r"^Error opening (input|output) file .+")


class LaunchCounter:
    """How many ffmpeg processes this Python process has started."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0

    def bump(self) -> None:
        with self._lock:
            self.value += 1


LAUNCHES = LaunchCounter()


@dataclass(frozen=True)
class FfmpegResult:
    returncode: int
    stderr: str


def run_ffmpeg(
    args: Sequence[str],
    *,
    what: str,
    on_progress: ProgressCallback | None = None,
    check: bool = True,
    feed: Callable[[IO[bytes]], None] | None = None,
) -> FfmpegResult:
    """Run one ffmpeg command line (``args[0]`` is the binary); RenderError quoting its error.

    ``feed``, if given, writes ffmpeg's stdin from a thread (raw frames for a ``pipe:0`` input);
    if it raises, ffmpeg is stopped and the feed's error is raised.
    """
    cmd = list(args)
    if on_progress is not None:
        cmd[1:1] = ["-progress", "pipe:1", "-nostats"]
    LAUNCHES.bump()
    try:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE if feed is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE if on_progress is not None else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    except OSError as exc:
        raise RenderError(f"{what}: cannot start {cmd[0]} ({exc.strerror or exc})") from exc
    err_chunks: list[str] = []
    reader = threading.Thread(target=_drain, args=(proc.stderr, err_chunks), daemon=True)
    reader.start()
    feed_errors: list[BaseException] = []
    writer = None
    if feed is not None:
        writer = threading.Thread(target=_feed, args=(proc, feed, feed_errors), daemon=True)
        writer.start()
    try:
        if on_progress is not None and proc.stdout is not None:
            _parse_progress(proc.stdout, on_progress)
        proc.wait()
    except BaseException:
        proc.kill()  # interrupted (Ctrl-C): do not leave ffmpeg running
        proc.wait()
        raise
    finally:
        reader.join()
        if writer is not None:
            writer.join()
    if feed_errors:
        raise feed_errors[0]
    stderr = "".join(err_chunks)
    if check and proc.returncode != 0:
        raise RenderError(f"{what}: ffmpeg failed (exit {proc.returncode}): {error_line(stderr)}")
    return FfmpegResult(proc.returncode, stderr)


def _feed(
    proc: subprocess.Popen[str], feed: Callable[[IO[bytes]], None], errors: list[BaseException]
) -> None:
    assert proc.stdin is not None
    stdin: IO[bytes] = proc.stdin.buffer  # type: ignore[attr-defined]  # text pipe, raw bytes
    try:
        feed(stdin)
    except BrokenPipeError:
        pass  # ffmpeg stopped reading: its own error says why
    except BaseException as exc:
        errors.append(exc)
        proc.kill()
    finally:
        with contextlib.suppress(OSError):
            stdin.close()


def _drain(stream: object, sink: list[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        sink.append(line)


def _parse_progress(stream: object, on_progress: ProgressCallback) -> None:
    seconds = 0.0
    speed: float | None = None
    for raw in stream:  # type: ignore[attr-defined]
        key, _, value = raw.strip().partition("=")
        if key == "out_time_us" and value.lstrip("-").isdigit():
            seconds = max(0.0, int(value) / 1_000_000)
        elif key == "speed":
            try:
                speed = float(value.rstrip("x"))
            except ValueError:
                speed = None
        elif key == "progress":
            on_progress(seconds, speed)


def error_line(stderr: str) -> str:
    """The line of ffmpeg's log that says what went wrong, without the noise around it."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    specific = [ln for ln in lines if not _GENERIC.match(_strip_prefix(ln))]
    chosen = next((ln for ln in specific if _USEFUL.search(ln)), None)
    if chosen is None:
        chosen = specific[-1] if specific else (lines[-1] if lines else "no error message")
    # "Error opening input: No such file" names no file; ffmpeg's next line does
    named = next((ln for ln in lines if _NAMES_FILE.match(ln)), None)
    if named and named != chosen and "/" not in chosen:
        chosen = f"{chosen} ({named.rstrip('.')})"
    return _ADDRESS.sub("", chosen)  # "[Parsed_pad_4 @ 0x55f3…]": the address means nothing


def _strip_prefix(line: str) -> str:
    return re.sub(r"^\[[^\]]+\]\s*", "", line)
