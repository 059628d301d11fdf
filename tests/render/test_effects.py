"""Must show: each built-in effect changes the frames it should and only those; outputs still meet
their presets; a zoom tied to a highlighted word starts within one frame of the word's start.

Every effect is one variant of the same clip beside a variant without effects (one ffmpeg run),
so a frame is compared with the same instant of the plain render.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.render.conftest import ffmpeg, job, make_source, small, variant
from vidcamp.jobs import Effect
from vidcamp.media.probe import probe
from vidcamp.render import render_clip
from vidcamp.render.check import output_problems

FPS = 30
W, H = 180, 320  # a 9:16 preset shrunk for speed


def frames(path: Path) -> dict[int, Any]:
    """Every decoded frame by index (constant rate from 0), as int RGB arrays."""
    import av

    with av.open(str(path)) as container:
        return {
            round(f.time * FPS): f.to_ndarray(format="rgb24").astype(np.int16)
            for f in container.decode(video=0)
        }


def diff(a: Any, b: Any) -> float:
    return float(np.abs(a - b).mean())


EFFECTS = {
    "zoom": Effect("zoom", 1.0, 2.0, (("ease", 0.1), ("factor", 1.6))),
    "bar": Effect("progress_bar", 0.5, 3.5,
                  (("color", "#FF0000"), ("position", "bottom"), ("thickness", 0.05))),
    "shake": Effect("shake", 1.0, 1.5, (("amplitude", 0.05), ("speed", 8.0))),
    "flash": Effect("flash", 2.0, 2.2, (("color", "white"), ("opacity", 1.0))),
    "sticker": Effect("sticker", 1.0, 2.0,
                      (("emoji", "🔥"), ("size", 0.4), ("x", 0.5), ("y", 0.5))),
    "freeze": Effect("freeze", 1.0, 2.0, ()),
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[int, Any]]:
    root = tmp_path_factory.mktemp("effects")
    source = make_source(root / "src.mp4", size="320x240", seconds=4.0)
    out = root / "clip"
    preset = small("youtube_shorts", W, H)
    variants = [variant(out, "plain", preset)] + [
        variant(out, name, preset, effects=(effect,)) for name, effect in EFFECTS.items()
    ] + [
        # zoom and shake take another path when the reframe is not a crop
        variant(out, "plain_pad", preset, reframe="pad"),
        variant(out, "zoom_pad", preset, reframe="pad",
                effects=(EFFECTS["zoom"], EFFECTS["shake"])),
    ]
    png = root / "sticker.png"
    ffmpeg("-f", "lavfi", "-i", "color=c=red:s=64x64", "-frames:v", "1", str(png))
    variants.append(variant(out, "sticker_png", preset, effects=(
        Effect("sticker", 1.0, 2.0, (("image", str(png)), ("size", 0.3), ("x", 0.0),
                                     ("y", 1.0))),
    )))
    render_clip(job(source, out, variants, segments=[(0.0, 4.0)]))
    result = {}
    for v in variants:
        info = probe(v.output)
        assert output_problems(info, preset, expected_duration=4.0, fps=FPS) == []
        assert info.video is not None and (info.video.width, info.video.height) == (W, H)
        result[v.target] = frames(v.output)
    return result


def same(r: dict[str, dict[int, Any]], name: str, t: float) -> float:
    n = round(t * FPS)
    return diff(r[name][n], r["plain"][n])


# encoder noise between two encodes of the same picture stays well under this
SAME = 3.0


@pytest.mark.slow
def test_zoom_changes_only_its_range(rendered: dict[str, dict[int, Any]]) -> None:
    for t in (0.5, 0.98, 2.1, 3.5):
        assert same(rendered, "zoom", t) < SAME, t
    for t in (1.2, 1.5, 1.85):
        assert same(rendered, "zoom", t) > 10 * SAME, t
    # eased: the change grows through the ease-in
    assert same(rendered, "zoom", 1.04) < same(rendered, "zoom", 1.5)


@pytest.mark.slow
def test_zoom_and_shake_on_a_padded_target(rendered: dict[str, dict[int, Any]]) -> None:
    def vs_pad(t: float) -> float:
        n = round(t * FPS)
        return diff(rendered["zoom_pad"][n], rendered["plain_pad"][n])

    for t in (0.5, 0.98, 2.1, 3.5):
        assert vs_pad(t) < SAME, t
    for t in (1.2, 1.5, 1.85):
        assert vs_pad(t) > 5 * SAME, t


@pytest.mark.slow
def test_progress_bar_fills_along_the_bottom(rendered: dict[str, dict[int, Any]]) -> None:
    bar_rows = slice(H - 14, H)
    for t in (0.2, 0.45):
        assert same(rendered, "bar", t) < SAME, t
    for t, share in ((1.25, 0.25), (2.75, 0.75)):
        f = rendered["bar"][round(t * FPS)]
        red = (f[bar_rows, :, 0] > 180) & (f[bar_rows, :, 1] < 80) & (f[bar_rows, :, 2] < 80)
        filled = red.mean(axis=0) > 0.5
        assert abs(filled.mean() - share) < 0.06, (t, filled.mean())
        assert filled[: round(W * share) - 8].all() and not filled[round(W * share) + 8 :].any()
        # the picture above the bar is untouched
        above = diff(f[: H - 24], rendered["plain"][round(t * FPS)][: H - 24])
        assert above < SAME


@pytest.mark.slow
def test_shake_moves_the_picture_only_in_its_range(rendered: dict[str, dict[int, Any]]) -> None:
    for t in (0.9, 1.7, 3.0):
        assert same(rendered, "shake", t) < SAME, t
    assert min(same(rendered, "shake", t) for t in (1.1, 1.2, 1.3, 1.4)) > 5 * SAME


@pytest.mark.slow
def test_flash_whitens_its_frames_only(rendered: dict[str, dict[int, Any]]) -> None:
    for t in (1.9, 2.3):
        assert same(rendered, "flash", t) < SAME, t
    for t in (2.04, 2.15):
        assert rendered["flash"][round(t * FPS)].mean() > 240


@pytest.mark.slow
def test_sticker_shows_inside_the_safe_zone_in_its_range(
    rendered: dict[str, dict[int, Any]],
) -> None:
    from vidcamp.presets import PRESETS

    for t in (0.9, 2.1):
        assert same(rendered, "sticker", t) < SAME, t
    n = round(1.5 * FPS)
    changed = np.abs(rendered["sticker"][n] - rendered["plain"][n]).max(axis=2) > 60
    ys, xs = np.nonzero(changed)
    assert len(xs) > 200
    zone = PRESETS["youtube_shorts"].safe_zone
    assert xs.min() >= zone.left * W - 1 and xs.max() <= W * (1 - zone.right) + 1
    assert ys.min() >= zone.top * H - 1 and ys.max() <= H * (1 - zone.bottom) + 1


@pytest.mark.slow
def test_image_sticker_sits_in_the_safe_zone_corner(rendered: dict[str, dict[int, Any]]) -> None:
    from vidcamp.presets import PRESETS

    for t in (0.9, 2.1):
        assert same(rendered, "sticker_png", t) < SAME, t
    f = rendered["sticker_png"][round(1.5 * FPS)]
    red = (f[..., 0] > 200) & (f[..., 1] < 60) & (f[..., 2] < 60)
    ys, xs = np.nonzero(red)
    zone = PRESETS["youtube_shorts"].safe_zone
    side = round(0.3 * W / 2) * 2
    assert abs(len(xs) - side * side) < side * 4, len(xs)
    # x: 0 and y: 1 put it in the bottom-left corner of the safe zone, inside it
    assert abs(xs.min() - zone.left * W) <= 2 and xs.max() < W * (1 - zone.right)
    assert abs(ys.max() - H * (1 - zone.bottom)) <= 2 and ys.min() > zone.top * H


@pytest.mark.slow
def test_freeze_holds_one_frame(rendered: dict[str, dict[int, Any]]) -> None:
    f = rendered["freeze"]
    held = [f[n] for n in range(30, 60)]
    assert all(diff(held[0], x) < 1.0 for x in held)
    assert diff(held[0], rendered["plain"][30]) < SAME
    assert same(rendered, "freeze", 1.5) > 3 * SAME  # the plain render moved on
    for t in (0.5, 2.5, 3.5):
        assert same(rendered, "freeze", t) < SAME, t


def test_zoom_on_a_highlighted_word_starts_within_one_frame(tmp_path: Path) -> None:
    import dataclasses

    from vidcamp.plan import RenderEnvironment, plan_renders
    from vidcamp.spec.loader import load_campaign

    make_source(tmp_path / "src.mp4", size="320x240", seconds=2.5)
    start = 1.23  # between frames 36 (1.2 s) and 37 (1.233 s)
    (tmp_path / "c.yaml").write_text(
        "name: words\nsources: {main: src.mp4}\n"
        "clips:\n  - id: a\n    source: main\n    cut: [{from: 0, to: 2.5}]\n"
        "    words:\n"
        "      - {word: look, start: 0.4, end: 0.8}\n"
        f"      - {{word: here, start: {start}, end: 1.8, highlight: true}}\n"
        "    effects: [{zoom: {on: highlight, factor: 1.5}}]\n"
        "targets:\n  youtube_shorts: {}\n  plain: {preset: youtube_shorts, effects: []}\n"
    )
    env = RenderEnvironment("test", "test", "test")
    (render,) = plan_renders(load_campaign(tmp_path / "c.yaml"), env)
    preset = small("youtube_shorts", W, H)
    render = dataclasses.replace(
        render, variants=tuple(dataclasses.replace(v, preset=preset) for v in render.variants)
    )
    render_clip(render)
    zoomed = frames(render.clip_dir / "youtube_shorts.mp4")
    plain = frames(render.clip_dir / "plain.mp4")
    changed = [n for n in sorted(zoomed) if diff(zoomed[n], plain[n]) > 1.0]
    assert changed, "the zoom changed no frame"
    first = changed[0] / FPS
    assert start <= first <= start + 1 / FPS + 1e-6, (first, changed[:5])
    assert changed[-1] / FPS <= 1.8 + 1 / FPS


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["crop", "blur"])
def test_every_family_with_effects_meets_its_preset_at_full_size(
    mode: str, tmp_path: Path
) -> None:
    from vidcamp.presets import PRESETS

    families = ("youtube_shorts", "facebook", "youtube", "x")
    source = make_source(tmp_path / "src.mp4", size="640x360", seconds=2.0)
    out = tmp_path / "clip"
    effects = tuple(EFFECTS.values())
    variants = [variant(out, n, PRESETS[n], reframe=mode, effects=effects) for n in families]
    result = render_clip(job(source, out, variants, segments=[(0.0, 2.0)]))
    assert set(result.rendered) == set(families)
    for n in families:
        info = probe(out / f"{n}.mp4")
        assert output_problems(info, PRESETS[n], expected_duration=2.0, fps=FPS) == []
        assert info.video is not None
        assert (info.video.width, info.video.height) == (PRESETS[n].width, PRESETS[n].height)
