"""Check a rendered file against its preset before it gets its final name."""

from __future__ import annotations

import struct
from pathlib import Path

from vidcamp.errors import RenderError
from vidcamp.media.probe import MediaInfo, probe
from vidcamp.presets import Preset


def check_output(
    path: Path, preset: Preset, *, expected_duration: float, fps: float, what: str
) -> MediaInfo:
    """Probe ``path``; RenderError listing every way it misses ``preset``."""
    info = probe(path)
    problems = output_problems(info, preset, expected_duration=expected_duration, fps=fps)
    if problems:
        raise RenderError(f"{what}: output does not meet preset {preset.name}: "
                          + "; ".join(problems))
    return info


def output_problems(
    info: MediaInfo, preset: Preset, *, expected_duration: float, fps: float
) -> list[str]:
    problems: list[str] = []

    def want(label: str, got: object, expected: object) -> None:
        if got != expected:
            problems.append(f"{label} {got} (want {expected})")

    v, a = info.video, info.audio
    if v is None:
        problems.append("no video stream")
    else:
        want("video codec", v.codec, preset.video_codec)
        want("profile", (v.profile or "").lower(), preset.video_profile)
        want("pixel format", v.pix_fmt, preset.pix_fmt)
        want("size", f"{v.width}x{v.height}", preset.size)
        if v.sample_aspect_ratio not in (None, 1):
            problems.append(f"pixel aspect {v.sample_aspect_ratio} (want 1:1)")
        if v.rotation:
            problems.append(f"rotation metadata {v.rotation} (want none)")
        if not preset.fps_min <= round(v.fps, 3) <= preset.fps_max:
            problems.append(f"frame rate {v.fps:.3f} (want {preset.fps_min}-{preset.fps_max})")
        elif abs(v.fps - fps) > 0.01:
            problems.append(f"frame rate {v.fps:.3f} (want {fps:.3f})")
        if v.variable_frame_rate:
            problems.append("variable frame rate (want constant)")
    tolerance = 1.5 / fps + 0.05 if fps else 0.1
    if v is not None and v.duration and abs(v.duration - expected_duration) > tolerance:
        problems.append(f"video lasts {v.duration:.3f} s (want {expected_duration:.3f} s)")
    if abs(info.duration - expected_duration) > tolerance:
        problems.append(f"duration {info.duration:.3f} s (want {expected_duration:.3f} s)")
    if info.duration > preset.max_duration + tolerance:
        problems.append(f"duration {info.duration:.1f} s over the {preset.max_duration:g} s limit")
    if info.duration < preset.min_duration - tolerance:
        problems.append(
            f"duration {info.duration:.1f} s under the {preset.min_duration:g} s minimum"
        )
    if info.size > preset.max_bytes:
        problems.append(f"{info.size} bytes over the {preset.max_bytes} byte limit")
    if a is None:
        problems.append("no audio stream")
    else:
        want("audio codec", a.codec, preset.audio_codec)
        want("audio profile", (a.profile or "").upper(), "LC")
        want("audio rate", a.sample_rate, preset.audio_rate)
        want("audio channels", a.channels, preset.audio_channels)
    if not moov_before_mdat(info.path):
        problems.append("moov atom after mdat (want +faststart)")
    return problems


def moov_before_mdat(path: Path) -> bool:
    """True when the MP4's top-level ``moov`` box comes before its ``mdat`` box."""
    with open(path, "rb") as fh:
        offset = 0
        size_total = Path(path).stat().st_size
        while offset < size_total:
            fh.seek(offset)
            header = fh.read(16)
            if len(header) < 8:
                return False
            size, kind = struct.unpack(">I4s", header[:8])
            if size == 1 and len(header) >= 16:
                size = struct.unpack(">Q", header[8:16])[0]
            elif size == 0:
                size = size_total - offset
            if kind == b"moov":
                return True
            if kind == b"mdat":
                return False
            if size < 8:
                return False
            offset += size
    return False
