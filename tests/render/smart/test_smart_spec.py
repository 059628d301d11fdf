"""`reframe: smart` in the spec: settings reach the variant and its hash; plan --json shows shots;
bad settings are one line with the file, line and field; the build renders the smart target."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from vidcamp.cli import cli
from vidcamp.errors import SpecErrors
from vidcamp.plan import RenderEnvironment, plan_renders
from vidcamp.spec.loader import load_campaign

ENV = RenderEnvironment("ffmpeg-test", "r", "assets")

SPEC = """\
name: talk
sources:
  main: face.mp4
clips:
  - id: one
    source: main
    cut: [{from: 0, to: 3}]
targets:
  youtube_shorts:
    reframe: REFRAME
    over_length: trim
"""


def campaign(folder: Path, reframe: str, source: Path | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if source is not None:
        shutil.copy(source, folder / "face.mp4")
    path = folder / "campaign.yaml"
    path.write_text(SPEC.replace("REFRAME", reframe), encoding="utf-8")
    return path


def variant_of(path: Path):  # type: ignore[no-untyped-def]
    (render,) = plan_renders(load_campaign(path), ENV, fingerprint=lambda p: "fp")
    return render.variants[0]


def test_settings_reach_the_variant_and_its_hash(tmp_path: Path) -> None:
    short = variant_of(campaign(tmp_path / "a", "smart"))
    assert short.reframe == "smart" and short.smart is not None
    assert (short.smart.subject, short.smart.fallback) == ("auto", "blur")
    full = variant_of(campaign(
        tmp_path / "b",
        "{mode: smart, subject: face, fallback: split, max_speed: 0.2, "
        "focus: [{from: 1, to: 2, x: 0.3}]}",
    ))
    assert full.smart is not None
    assert (full.smart.subject, full.smart.fallback, full.smart.max_speed) == ("face", "split", 0.2)
    assert full.smart.pins[0].start == 1 and full.smart.pins[0].x == 0.3
    assert full.content_hash != short.content_hash
    faster = variant_of(campaign(tmp_path / "c", "{mode: smart, max_speed: 0.5}"))
    assert faster.content_hash not in {full.content_hash, short.content_hash}
    crop = variant_of(campaign(tmp_path / "d", "crop"))
    assert crop.smart is None and crop.content_hash != short.content_hash


def test_bad_settings_are_one_line_at_the_field(tmp_path: Path) -> None:
    path = campaign(tmp_path, "{mode: smart, fallback: zoom}")
    with pytest.raises(SpecErrors) as err:
        load_campaign(path)
    (line,) = err.value.lines
    assert line.startswith("campaign.yaml:10:38 targets.youtube_shorts.reframe.fallback: ")
    assert '"zoom" is not one of' in line and err.value.exit_code == 3


def test_plan_json_lists_shots_and_build_renders(
    footage: Callable[[str], Path], tmp_path: Path
) -> None:
    path = campaign(tmp_path, "{mode: smart, focus: [{from: 2, to: 3, x: 0.8}]}",
                    footage("moving"))
    result = CliRunner().invoke(cli, ["plan", "--json", str(path)])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)["variants"]
    shots = row["smart"]["shots"]
    assert [s["mode"] for s in shots] == ["follow", "pinned"]
    assert shots[1]["from"] == 2 and shots[1]["centre"] == 0.8
    assert 0.15 < shots[0]["centre"] < 0.3  # starts on the face at the left


def test_validate_names_a_missing_face_model(
    footage: Callable[[str], Path], tmp_path: Path
) -> None:
    path = campaign(tmp_path / "f", "{mode: smart, subject: face, yunet: models/yunet.onnx}",
                    footage("still"))
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert isinstance(result.exception, SpecErrors) and result.exception.exit_code == 3
    (line,) = result.exception.lines
    assert line.endswith("targets.youtube_shorts.reframe.yunet: models/yunet.onnx: file not found")
    auto = campaign(tmp_path / "a", "{mode: smart, yunet: models/yunet.onnx}", footage("still"))
    result = CliRunner().invoke(cli, ["validate", str(auto)])
    assert result.exit_code == 0, result.output
    assert "will follow motion" in result.output
