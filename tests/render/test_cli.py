"""`vidcamp render` and `vidcamp build` on a small real campaign, in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.render.conftest import make_source
from vidcamp.cli import cli
from vidcamp.render.runner import LAUNCHES

CAMPAIGN = """\
name: tiny
sources:
  main: footage.mp4
defaults:
  source: main
clips:
  - id: one
    cut: [{from: 0.2, to: 1.4}]
    captions:
      lines: [{start: 0.1, end: 0.9, text: "Ciao 🚀"}]
    hook: {text: "Look", duration: 0.5}
  - id: two
    cut: [{from: 0, to: 0.6}, {from: 1.0, to: 1.6}]
targets:
  x: {}
  youtube_shorts: {reframe: pad}
"""


@pytest.fixture()
def campaign(tmp_path: Path) -> Path:
    make_source(tmp_path / "footage.mp4", size="640x360", seconds=2)
    spec = tmp_path / "campaign.yaml"
    spec.write_text(CAMPAIGN, encoding="utf-8")
    return spec


@pytest.mark.slow
def test_render_only_one_target_then_build_the_rest(campaign: Path) -> None:
    runner = CliRunner()
    build = campaign.parent / "build" / "tiny"
    res = runner.invoke(cli, ["render", str(campaign), "--only", "one:x", "-q"])
    assert res.exit_code == 0, res.output
    assert (build / "one" / "x.mp4").is_file()
    assert not (build / "one" / "youtube_shorts.mp4").exists()
    assert not (build / "two").exists()

    res = runner.invoke(cli, ["build", str(campaign), "-j", "2", "--no-queue"])
    assert res.exit_code == 0, res.output
    assert "one: rendered youtube_shorts" in res.output and "unchanged x" in res.output
    assert "two: rendered x, youtube_shorts" in res.output

    before = LAUNCHES.value
    res = runner.invoke(cli, ["build", str(campaign), "--no-queue"])
    assert res.exit_code == 0, res.output
    assert LAUNCHES.value == before
    assert "one: unchanged x, youtube_shorts" in res.output


def test_only_names_an_unknown_clip_or_target(campaign: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["render", str(campaign), "--only", "three"])
    assert res.exit_code != 0
    assert "no clip 'three' (clips: one, two)" in str(res.exception or res.output)
    res = runner.invoke(cli, ["render", str(campaign), "--only", "one:tiktok"])
    assert "clip one has no target 'tiktok'" in str(res.exception or res.output)


@pytest.mark.slow
def test_unchanged_rebuild_in_a_new_process_starts_no_ffmpeg_at_all(
    campaign: Path, tmp_path: Path
) -> None:
    """Every ffmpeg start (version query included) goes through a wrapper that logs it."""
    import os
    import subprocess
    import sys

    from vidcamp.media.ffmpeg import find_ffmpeg

    log = tmp_path / "ffmpeg-starts.log"
    wrapper = tmp_path / "bin" / "ffmpeg-logged"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{find_ffmpeg()}" "$@"\n')
    wrapper.chmod(0o755)
    env = {**os.environ, "VIDCAMP_FFMPEG": str(wrapper), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    root = Path(__file__).resolve().parents[2]

    def build() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "vidcamp", "build", str(campaign), "--no-queue"],
            cwd=root, env=env, capture_output=True, text=True, check=False,
        )

    first = build()
    assert first.returncode == 0, first.stderr
    starts = log.read_text().splitlines()
    assert any("-version" in s for s in starts) and any("-filter_complex" in s for s in starts)
    second = build()
    assert second.returncode == 0, second.stderr
    assert "one: unchanged x, youtube_shorts" in second.stdout
    assert log.read_text().splitlines() == starts  # not one more ffmpeg process
