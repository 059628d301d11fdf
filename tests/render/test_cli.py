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
