"""The analysis on disk: one JSON file per (source fingerprint, segments, analysis settings)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from vidcamp.jobs import Segment
from vidcamp.render.smart.analyse import (
    ANALYSIS_VERSION,
    ANALYSIS_WIDTH,
    SAMPLE_FPS,
    Analysis,
    AnalysisSettings,
    Face,
    Sample,
)


def cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("vidcamp")) / "reframe"


def analysis_key(
    source_print: str, segments: tuple[Segment, ...], settings: AnalysisSettings,
    model_print: str | None, rotation: int,
) -> str:
    value = {
        "version": ANALYSIS_VERSION,
        "source": source_print,
        "segments": [[s.start, s.end] for s in segments],
        "faces": settings.faces,
        "model": model_print,
        "width": ANALYSIS_WIDTH,
        "fps": SAMPLE_FPS,
        "rotation": rotation,
    }
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def load(key: str) -> Analysis | None:
    try:
        data = json.loads((cache_dir() / f"{key}.json").read_text(encoding="utf-8"))
        return _from_dict(data)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged: analyse again


def save(key: str, analysis: Analysis) -> None:
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".partial", dir=folder)
    except OSError:
        return  # an unwritable cache costs the next run an analysis, nothing more
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(analysis), fh, separators=(",", ":"))
        os.replace(tmp, folder / f"{key}.json")
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _from_dict(data: dict[str, Any]) -> Analysis:
    samples = tuple(
        Sample(
            float(s["t"]),
            tuple(Face(**f) for f in s["faces"]),
            None if s["motion"] is None else (float(s["motion"][0]), float(s["motion"][1])),
        )
        for s in data["samples"]
    )
    return Analysis(
        int(data["width"]), int(data["height"]), float(data["duration"]), samples,
        tuple(float(c) for c in data["cuts"]), str(data["detector"]), float(data["seconds"]),
        tuple(data.get("notes", ())),
    )
