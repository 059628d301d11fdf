"""Run one command in a fresh process and measure it: wall time, CPU of the whole process tree,
peak RSS of the largest process and of the tree as a whole."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
SAMPLE_SECONDS = 0.05


@dataclass(frozen=True)
class Measurement:
    """One run of one command."""

    label: str
    wall: float  # seconds
    cpu: float  # user + sys of the process and every descendant it waited for, seconds
    max_rss_mib: float  # the largest single process (getrusage's ru_maxrss)
    tree_rss_mib: float  # peak sum of the tree's resident sets, sampled every SAMPLE_SECONDS
    load: float  # 1-minute load average when the run ended (other work on the machine)
    returncode: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class CommandFailed(RuntimeError):
    pass


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # the command name may hold spaces or parentheses: fields start after the last ')'
        ppid = int(stat[stat.rfind(b")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def tree_rss(pid: int) -> int:
    """Bytes resident in ``pid`` and all of its descendants right now (Linux /proc)."""
    kids = _children_map()
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(kids.get(p, ()))
        try:
            with open(f"/proc/{p}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def run_measured(
    label: str,
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    log: Path | None = None,
) -> Measurement:
    """Run ``args`` to the end; CommandFailed (with its log's tail) when it exits non-zero."""
    sink = open(log, "wb") if log is not None else subprocess.DEVNULL  # noqa: SIM115
    peak = 0
    began = time.perf_counter()
    try:
        proc = subprocess.Popen(
            list(args), env=dict(env) if env is not None else None, cwd=cwd,
            stdin=subprocess.DEVNULL, stdout=sink, stderr=sink,
        )
        done = threading.Event()
        sample_peak = [0]

        def sample() -> None:
            have_proc = os.path.isdir("/proc")
            while have_proc and not done.wait(SAMPLE_SECONDS):
                sample_peak[0] = max(sample_peak[0], tree_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        # wait4 reports the child's usage plus every grandchild it waited for (ffmpeg runs)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - began
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak = sample_peak[0]
    finally:
        if log is not None:
            sink.close()  # type: ignore[union-attr]
    m = Measurement(
        label=label,
        wall=round(wall, 3),
        cpu=round(usage.ru_utime + usage.ru_stime, 3),
        max_rss_mib=round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
        tree_rss_mib=round(peak / (1 << 20), 1),
        load=round(os.getloadavg()[0], 2),
        returncode=proc.returncode,
    )
    if proc.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:] if log is not None else ""
        raise CommandFailed(f"{label}: exit {proc.returncode}\n{tail}")
    return m


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2
