"""Image sources: a folder of photos becomes shots with a slow pan/zoom at the target's size,
under the clip's `audio:` source; the output still meets its preset."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from tests.render.conftest import audio_samples, ffmpeg, frame_at, small
from vidcamp.errors import SpecErrors
from vidcamp.media.probe import probe
from vidcamp.plan import RenderEnvironment, plan_renders
from vidcamp.render import render_clip
from vidcamp.render.check import output_problems
from vidcamp.spec.checks import check_campaign
from vidcamp.spec.loader import load_campaign

COLOURS = {"1_red.jpg": (255, 0, 0), "2_green.jpg": (0, 255, 0), "3_blue.png": (0, 0, 255)}

SPEC = """\
name: photos
sources:
  photos: {{path: photos, shot: 1.0, kenburns: 0.2}}
  music: music.m4a
clips:
  - id: a
    source: photos
    audio: music
    cut: [{cut}]
targets:
  youtube_shorts: {{}}
  x: {{}}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "photos").mkdir()
    for name, (r, g, b) in COLOURS.items():
        tint = f"drawbox=x=0:y=0:w=iw:h=ih:color=0x{r:02X}{g:02X}{b:02X}@0.55:t=fill"
        ffmpeg("-f", "lavfi", "-i", f"testsrc2=s=400x300,{tint}", "-frames:v", "1",
               str(tmp_path / "photos" / name))
    (tmp_path / "photos" / "notes.txt").write_text("not an image")
    ffmpeg("-f", "lavfi", "-i", "sine=f=330:d=5", "-c:a", "aac", str(tmp_path / "music.m4a"))
    return tmp_path


def plan(folder: Path, cut: str = "{from: 0, to: 3}") -> list:  # type: ignore[type-arg]
    (folder / "c.yaml").write_text(SPEC.format(cut=cut))
    loaded = load_campaign(folder / "c.yaml")
    check_campaign(loaded)
    renders = plan_renders(loaded, RenderEnvironment("t", "t", "t"))
    sizes = {"youtube_shorts": (180, 320), "x": (320, 180)}
    return [
        dataclasses.replace(r, variants=tuple(
            dataclasses.replace(v, preset=small(v.preset.name, *sizes[v.preset.name]))
            for v in r.variants
        ))
        for r in renders
    ]


def test_photos_become_moving_shots_under_the_music(folder: Path) -> None:
    (render,) = plan(folder)
    assert [p.name for p in render.images] == list(COLOURS)
    render_clip(render)
    for v in render.variants:
        info = probe(v.output)
        assert output_problems(info, v.preset, expected_duration=3.0, fps=30.0) == []
        assert info.video is not None and info.video.pix_fmt == "yuv420p"
        for k, (r, g, b) in enumerate(COLOURS.values()):
            mean = frame_at(v.output, k + 0.5).reshape(-1, 3).mean(axis=0)
            strongest = int(np.argmax(mean))
            assert strongest == int(np.argmax((r, g, b))), (v.target, k, mean)
        # Ken Burns: the same photo moves between the start and the end of its shot
        early = frame_at(v.output, 0.05).astype(np.int16)
        late = frame_at(v.output, 0.95).astype(np.int16)
        assert np.abs(early - late).mean() > 2  # a still photo re-encoded differs by < 1
        samples, rate = audio_samples(v.output)
        assert rate == 48000 and float(np.sqrt(np.mean(samples[rate // 2: rate * 2] ** 2))) > 0.05


def test_cut_on_the_shots_timeline(folder: Path) -> None:
    (render,) = plan(folder, "{from: 1.0, to: 2.0}, {from: 2.5, to: 3.0}")
    render_clip(render)
    v = render.variants[0]
    assert abs(probe(v.output).duration - 1.5) < 0.05
    assert int(np.argmax(frame_at(v.output, 0.5).reshape(-1, 3).mean(axis=0))) == 1  # green
    assert int(np.argmax(frame_at(v.output, 1.25).reshape(-1, 3).mean(axis=0))) == 2  # blue


def test_cut_past_the_shots_is_a_spec_error(folder: Path) -> None:
    with pytest.raises(SpecErrors) as caught:
        plan(folder, "{from: 0, to: 3.5}")
    assert "its shots last 3 s" in str(caught.value)


def test_python_effect_on_photos_is_a_spec_error(folder: Path) -> None:
    (folder / "c.yaml").write_text(
        SPEC.format(cut="{from: 0, to: 3}").replace(
            "    audio: music\n", '    audio: music\n    effects: [{python: "m:f"}]\n'
        )
    )
    (folder / "m.py").write_text("def f(frame, t):\n    return frame\n")
    with pytest.raises(SpecErrors) as caught:
        check_campaign(load_campaign(folder / "c.yaml"))
    assert "python effects need a video source" in str(caught.value)
