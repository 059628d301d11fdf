"""Footage for smart reframe tests, made once per session (tiny: 640x360, 10 fps, 3-4 s)."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.render.smart.footage import scene

pytest.importorskip("cv2")
pytest.importorskip("skimage")

# The moving face: left to right across most of the frame in 3 s.
def moving(t: float) -> tuple[float, float]:
    return 120 + 400 * t / 3.0, 170.0


# A still speaker: sways by 4 px, as a person talking does.
def still(t: float) -> tuple[float, float]:
    return 200 + 4 * math.sin(2 * math.pi * t), 175.0


LEFT, RIGHT = 110.0, 530.0
CUT_AT = 2.0


@pytest.fixture(scope="session")
def footage(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    root = tmp_path_factory.mktemp("smart")
    made: dict[str, Path] = {}
    recipes: dict[str, Callable[[Path], Path]] = {
        "moving": lambda p: scene(p, 3.0, [moving]),
        "still": lambda p: scene(p, 3.0, [still]),
        "two": lambda p: scene(p, 3.0, [lambda t: (LEFT, 170.0), lambda t: (RIGHT, 170.0)]),
        "cut": lambda p: scene(
            p, 4.0, [lambda t: (150.0, 170.0)],
            shots=[(CUT_AT, 7, [lambda t: (490.0, 170.0)])],
        ),
    }

    def get(name: str) -> Path:
        if name not in made:
            made[name] = recipes[name](root / f"{name}.mp4")
        return made[name]

    return get
