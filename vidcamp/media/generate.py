"""Make footage with ffmpeg's lavfi sources (demo campaigns, tests, benchmarks)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from vidcamp.errors import MediaError


def generate_footage(
    path: Path,
    *,
    video: str = "testsrc2=size=1920x1080:rate=30",
    audio: str | None = "sine=frequency=440",
    duration: float = 20.0,
    preset: str = "ultrafast",
) -> Path:
    """Encode ``duration`` seconds of lavfi ``video`` (+ ``audio``) to ``path``, atomically."""
    args = ["-f", "lavfi", "-i", f"{video}:duration={duration}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"{audio}:duration={duration}"]
    args += ["-c:v", "libx264", "-preset", preset, "-crf", "23", "-pix_fmt", "yuv420p"]
    if audio:
        args += ["-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2", "-shortest"]
    return _encode(path, args)


def _encode(path: Path, args: list[str]) -> Path:
    """Run ffmpeg with ``args`` (inputs and encoding, no output) into ``path``, atomically."""
    from vidcamp.media.ffmpeg import find_ffmpeg

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part{os.getpid()}{path.suffix}")
    args = [str(find_ffmpeg()), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args,
            "-movflags", "+faststart", str(tmp)]
    try:
        result = subprocess.run(args, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["ffmpeg failed"])[-1]
            raise MediaError(f"{path}: could not generate footage: {last}")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


# Shot colours of structured footage, dark and light in turn: scene-change scores follow luma,
# so every cut changes the brightness and is unmistakable.
SHOT_COLOURS = ("0x202080", "0xF0E040", "0x802020", "0x80F0F0", "0x206020", "0xF0A0F0",
                "0x404040", "0xE0E0C0")


def generate_structured(
    path: Path,
    *,
    shots: list[float],
    bursts: list[tuple[float, float, float]] | None,
    size: str = "320x180",
    rate: int = 25,
    texture: bool = False,
    crf: int = 28,
) -> Path:
    """Footage with known structure: solid-colour shots of the given lengths (a cut between
    each), and tone bursts ``(start, end, amplitude)`` separated by silence (None: no audio).

    ``texture`` overlays a moving test pattern so the picture costs what real footage costs to
    decode. Used by the suggest tests and benchmark, whose answers are these known times.
    """
    total = sum(shots)
    w, h = (int(v) for v in size.split("x"))
    parts = [
        f"color=c={SHOT_COLOURS[i % len(SHOT_COLOURS)]}:s={size}:r={rate}:d={d:.3f}[s{i}]"
        for i, d in enumerate(shots)
    ]
    graph = ";".join(parts) + ";" + "".join(f"[s{i}]" for i in range(len(shots)))
    graph += f"concat=n={len(shots)}:v=1:a=0"
    if texture:
        tw, th = w // 3 // 2 * 2, h // 3 // 2 * 2
        graph += (f"[bg];testsrc2=s={tw}x{th}:r={rate}:d={total:.3f}[fg];"
                  f"[bg][fg]overlay=x='(W-w)*(0.5+0.4*sin(t/3))':y='(H-h)/2'")
    graph += "[v]"
    if bursts:
        gate = "+".join(f"{a:g}*between(t,{s:.3f},{e:.3f})" for s, e, a in bursts)
        graph += (f";aevalsrc=exprs='({gate})*sin(2*PI*330*t)':s=48000:d={total:.3f},"
                  "aformat=channel_layouts=stereo[a]")
    args = ["-filter_complex", graph, "-map", "[v]"]
    if bursts:
        args += ["-map", "[a]", "-c:a", "aac", "-b:a", "96k"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-crf", str(crf), "-pix_fmt", "yuv420p"]
    return _encode(path, args)
