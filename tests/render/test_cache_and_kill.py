"""Must show: an unchanged build starts no ffmpeg; a killed build leaves no final-named output."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.render.conftest import job, make_source, small, variant
from vidcamp.render import render_clip
from vidcamp.render.runner import LAUNCHES

ROOT = Path(__file__).resolve().parents[2]


def test_second_build_of_unchanged_job_starts_no_ffmpeg(media: Any, tmp_path: Path) -> None:
    source = media("src.mp4", seconds=2)
    out = tmp_path / "clip"
    variants = [variant(out, "a", small("x", 320, 180)),
                variant(out, "b", small("youtube_shorts", 180, 320))]
    clip = job(source, out, variants)

    first = render_clip(clip)
    assert set(first.rendered) == {"a", "b"} and first.cached == ()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["variants"]["a"]["content_hash"] == "h-a"
    assert manifest["variants"]["a"]["probe"]["video"]["width"] == 320
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}

    launches = LAUNCHES.value
    second = render_clip(clip)
    assert second.rendered == () and set(second.cached) == {"a", "b"}
    assert LAUNCHES.value == launches  # no ffmpeg process at all
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps

    # one changed variant: only it is rendered again, in one ffmpeg run (+ loudness), which
    # also writes its thumbnail
    changed = dataclasses.replace(variants[1], content_hash="h-b2")
    third = render_clip(dataclasses.replace(clip, variants=(variants[0], changed)))
    assert third.rendered == ("b",) and third.cached == ("a",)
    assert LAUNCHES.value == launches + 2
    assert (out / "a.mp4").stat().st_mtime_ns == stamps["a.mp4"]

    forced = render_clip(clip, force=True)
    assert set(forced.rendered) == {"a", "b"}


_RENDER_SCRIPT = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.render.conftest import job, small, variant
from vidcamp.render import render_clip
out = Path({out!r})
render_clip(job(Path({source!r}), out, [variant(out, "v", small("youtube", 1280, 720))],
                segments=[(0.0, 20.0)]), encoder="medium")
"""


@pytest.mark.slow
def test_killed_build_leaves_no_final_named_output(tmp_path: Path) -> None:
    source = make_source(tmp_path / "long.mp4", size="1280x720", seconds=20)
    out = tmp_path / "clip"
    script = _RENDER_SCRIPT.format(root=str(ROOT), out=str(out), source=str(source))
    proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        partial: list[Path] = []
        while not partial and time.monotonic() < deadline and proc.poll() is None:
            partial = [p for p in out.glob(".v.*partial*.mp4") if p.stat().st_size > 0]
            time.sleep(0.05)
        assert partial, "the render never started writing"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the Python process and its ffmpeg child
        proc.wait()
    assert not (out / "v.mp4").exists()
    assert not (out / "v.jpg").exists()
    assert not (out / "manifest.json").exists()

    # the next build cleans up and renders normally
    short = job(source, out, [variant(out, "v", small("youtube", 320, 180))])
    assert render_clip(short).rendered == ("v",)
    assert (out / "v.mp4").is_file()
    assert not list(out.glob(".*partial*"))


def test_stale_temps_are_removed_but_not_a_live_build_s(tmp_path: Path) -> None:
    from vidcamp.render.cache import remove_stale_temps

    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    dead = tmp_path / f".v.{done.pid}.partial.mp4"
    live = tmp_path / f".v.{os.getppid()}.partial.mp4"  # the process that started pytest
    manifest_tmp = tmp_path / ".manifest.json.x1y2.partial"
    for path in (dead, live, manifest_tmp):
        path.write_bytes(b"x")
    remove_stale_temps(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [live.name]
