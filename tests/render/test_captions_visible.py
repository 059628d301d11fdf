"""Must show: captions (and the hook, and the watermark) are drawn exactly when expected."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tests.render.conftest import ffmpeg, frame_at, job, small, variant
from vidcamp.jobs import CaptionLine, Captions, Hook, Watermark
from vidcamp.render import render_clip

STYLES = ("pop", "lower_third", "boxed")


def _diff(a: Any, b: Any) -> float:
    """Percentage of pixels that differ clearly (more than 40 levels in some channel)."""
    delta = np.abs(a.astype("int16") - b.astype("int16")).max(axis=-1)
    return float((delta > 40).mean() * 100)


def test_captions_hook_and_watermark_visible_only_when_expected(
    media: Any, tmp_path: Path
) -> None:
    source = media("plain.mp4", video="color=c=0x336699:s=320x240:r=30:d=2", seconds=2.0)
    preset = small("youtube_shorts", 360, 640)
    logo = tmp_path / "logo.png"
    ffmpeg("-f", "lavfi", "-i", "color=c=red:s=80x40", "-frames:v", "1", str(logo))

    plain_dir, styled_dir = tmp_path / "plain", tmp_path / "styled"
    plain = job(source, plain_dir, [variant(plain_dir, s, preset, caption_style=s) for s in STYLES],
                segments=[(0.0, 1.6)])
    styled = job(
        source, styled_dir,
        [variant(styled_dir, s, preset, caption_style=s) for s in STYLES],
        segments=[(0.0, 1.6)],
        captions=Captions(style="pop", lines=(CaptionLine(0.1, 0.7, "Caffè perché 🚀 ñ"),)),
        hook=Hook("Watch this", duration=0.5),
        watermark=Watermark(logo, corner="top-left", scale=0.2, opacity=1.0),
    )
    render_clip(plain)
    render_clip(styled)

    h, w = preset.height, preset.width
    bottom = (slice(int(h * 0.45), int(h * 0.80)), slice(0, w))  # above the 25% bottom zone
    top = (slice(int(h * 0.08), int(h * 0.30)), slice(int(w * 0.25), w))
    corner = (slice(0, int(h * 0.08)), slice(0, int(w * 0.2)))
    for style in STYLES:
        with_on = frame_at(styled_dir / f"{style}.mp4", 0.3)
        without_on = frame_at(plain_dir / f"{style}.mp4", 0.3)
        with_off = frame_at(styled_dir / f"{style}.mp4", 1.2)
        without_off = frame_at(plain_dir / f"{style}.mp4", 1.2)
        # caption line 0.1-0.7 s: drawn at 0.3 s, gone at 1.2 s
        assert _diff(with_on[bottom], without_on[bottom]) > 0.5, style
        assert _diff(with_off[bottom], without_off[bottom]) < 0.05, style
        # hook for the first 0.5 s only
        assert _diff(with_on[top], without_on[top]) > 0.5, style
        assert _diff(with_off[top], without_off[top]) < 0.05, style
        # watermark all along, top-left, red
        for with_frame in (with_on, with_off):
            patch = with_frame[corner].reshape(-1, 3).mean(axis=0)
            assert patch[0] > 0.5 and patch[2] < 100, patch
    assert _diff(frame_at(plain_dir / "pop.mp4", 0.3)[corner], without_on[corner]) < 0.05
