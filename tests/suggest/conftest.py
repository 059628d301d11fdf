"""Footage with known structure for the suggest tests: colour shots with cuts at known times and
tone bursts separated by known pauses, made with ffmpeg lavfi once per test run."""

from __future__ import annotations

import os
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

import pytest

from tests.conftest import made_once
from vidcamp.media.generate import generate_structured

os.environ.setdefault("VIDCAMP_X264_PRESET", "ultrafast")

SHOTS = [9.0, 14.0, 7.0, 12.0, 10.0, 16.0, 8.0, 13.0, 11.0, 20.0]
# (start, end, amplitude): "sentences" of tone with pauses of 0.7-1.1 s between them
BURSTS = [(0.5, 8.0, 0.5), (8.8, 21.5, 0.3), (22.3, 30.0, 0.7), (31.0, 44.5, 0.4),
          (45.5, 52.0, 0.8), (53.0, 70.4, 0.25), (71.5, 85.0, 0.6), (86.0, 100.0, 0.5),
          (101.0, 119.5, 0.35)]


@dataclass(frozen=True)
class Known:
    path: Path
    cuts: list[float]
    pauses: list[tuple[float, float]]  # silences, including before the first and after the last
    duration: float

    def boundaries(self) -> list[float]:
        """Every place a clip may honestly start or end: pause edges, cuts, the two ends."""
        edges = [t for p in self.pauses for t in p]
        return sorted({0.0, self.duration, *self.cuts, *edges})


def _known(path: Path, with_audio: bool) -> Known:
    total = sum(SHOTS)
    cuts = list(accumulate(SHOTS))[:-1]
    pauses: list[tuple[float, float]] = []
    if with_audio:
        prev = 0.0
        for s, e, _ in BURSTS:
            pauses.append((prev, s))
            prev = e
        pauses.append((prev, total))
    return Known(path, cuts, pauses, total)


@pytest.fixture(scope="session")
def structured(tmp_path_factory: pytest.TempPathFactory) -> Known:
    path = made_once(tmp_path_factory, "talk.mp4",
                     lambda p: generate_structured(p, shots=SHOTS, bursts=BURSTS), SHOTS, BURSTS)
    return _known(path, True)


@pytest.fixture(scope="session")
def silent_film(tmp_path_factory: pytest.TempPathFactory) -> Known:
    path = made_once(tmp_path_factory, "silent.mp4",
                     lambda p: generate_structured(p, shots=SHOTS, bursts=None), SHOTS)
    return _known(path, False)
