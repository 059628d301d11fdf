"""Two-pass EBU R128 loudness: measure the cut's audio with loudnorm, then apply the values."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

from vidcamp.errors import RenderError
from vidcamp.jobs import ClipRender
from vidcamp.render.graph import Loudness, Part, measure_command
from vidcamp.render.runner import run_ffmpeg

# Below this the audio is silence (or nearly): there is nothing to normalise.
SILENCE_LUFS = -70.0


def measure(ffmpeg_exe: Path, job: ClipRender, parts: Sequence[Part]) -> Loudness | None:
    """Loudness of the joined cut (with bumpers), or None when it is silent."""
    if not any(p.info.has_audio for p in parts):
        return None
    result = run_ffmpeg(
        measure_command(ffmpeg_exe, job, parts), what=f"{job.clip_id}: loudness measurement"
    )
    values = parse_loudnorm_json(result.stderr, job.clip_id)
    if values.input_i <= SILENCE_LUFS or not math.isfinite(values.input_i):
        return None
    return values


def parse_loudnorm_json(stderr: str, what: str) -> Loudness:
    start = stderr.rfind("{")
    end = stderr.rfind("}")
    if start < 0 or end < start:
        raise RenderError(f"{what}: loudnorm printed no measurement")
    try:
        data = json.loads(stderr[start : end + 1])
        return Loudness(
            input_i=_float(data["input_i"]),
            input_tp=_float(data["input_tp"]),
            input_lra=_float(data["input_lra"]),
            input_thresh=_float(data["input_thresh"]),
            target_offset=_float(data["target_offset"]),
        )
    except (ValueError, KeyError) as exc:
        raise RenderError(f"{what}: unreadable loudnorm measurement ({exc})") from exc


def _float(value: object) -> float:
    text = str(value).strip()
    if text in {"-inf", "inf", "nan"}:
        return -math.inf if text == "-inf" else math.inf
    return float(text)
