"""Must show: a user Python effect (a colour inversion) gives inverted frames in every target;
changing its source re-renders, an unchanged one does not. Bad functions fail in one line with
nothing left behind."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.render.conftest import frame_at, make_source, small
from vidcamp.errors import RenderError
from vidcamp.jobs import ClipRender
from vidcamp.media.probe import probe
from vidcamp.plan import RenderEnvironment, plan_renders
from vidcamp.render import render_all
from vidcamp.render.check import output_problems
from vidcamp.render.runner import LAUNCHES
from vidcamp.spec.loader import load_campaign

INVERT = '''\
def invert(frame, t, **args):
    return 255 - frame
'''

SPEC = """\
name: fx
sources: {{main: src.mp4}}
clips:
  - id: a
    source: main
    cut: [{{from: 0.5, to: 2.0}}]
    captions:
      lines: [{{start: 0.0, end: 1.5, text: "HELLO"}}]
    effects: [{{python: "{function}", args: {args}}}]
targets:
  youtube_shorts: {{}}
  x: {{}}
  plain_shorts: {{preset: youtube_shorts, effects: []}}
  plain_x: {{preset: x, effects: []}}
"""

SIZES = {"youtube_shorts": (180, 320), "x": (320, 180)}


def campaign(folder: Path, function: str = "user_fx:invert", args: str = "{}") -> list[ClipRender]:
    (folder / "c.yaml").write_text(SPEC.format(function=function, args=args))
    env = RenderEnvironment("test", "test", "test")
    renders = plan_renders(load_campaign(folder / "c.yaml"), env)
    small_presets = []
    for render in renders:
        variants = []
        for v in render.variants:
            size = SIZES[v.preset.name]
            variants.append(dataclasses.replace(v, preset=small(v.preset.name, *size)))
        small_presets.append(dataclasses.replace(render, variants=tuple(variants)))
    return small_presets


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    make_source(tmp_path / "src.mp4", size="320x240", seconds=2.5)
    (tmp_path / "user_fx.py").write_text(INVERT)
    return tmp_path


@pytest.mark.slow
def test_inversion_in_every_target_and_rerender_on_change(folder: Path) -> None:
    (render,) = campaign(folder)
    (result,) = render_all([render])
    assert set(result.rendered) == {"youtube_shorts", "x", "plain_shorts", "plain_x"}
    for name, plain in (("youtube_shorts", "plain_shorts"), ("x", "plain_x")):
        out = render.clip_dir / f"{name}.mp4"
        v = next(v for v in render.variants if v.target == name)
        assert output_problems(probe(out), v.preset, expected_duration=1.5, fps=30.0) == []
        for t in (0.2, 1.0):  # during and after the caption line
            fx = frame_at(out, t).astype(np.int16)
            ref = frame_at(render.clip_dir / f"{plain}.mp4", t).astype(np.int16)
            # the picture is inverted: fx + ref is 255 everywhere but on the caption text,
            # which the main graph draws after the effect (so it is not inverted)
            close = np.abs(fx + ref - 255) < 40
            assert close.mean() > 0.9, (name, t, close.mean())
            assert np.abs(fx - ref).mean() > 60

    # unchanged: nothing is rendered again
    (again,) = campaign(folder)
    before = LAUNCHES.value
    (result,) = render_all([again])
    assert result.rendered == () and LAUNCHES.value == before
    # a changed source re-renders the targets that use it, only those
    (folder / "user_fx.py").write_text(INVERT.replace("255 - frame", "(255 - frame) // 2 * 2"))
    (changed,) = campaign(folder)
    (result,) = render_all([changed])
    assert set(result.rendered) == {"youtube_shorts", "x"}
    assert set(result.cached) == {"plain_shorts", "plain_x"}


BAD = [
    ("raises", "def invert(frame, t, **args):\n    if t > 0.5:\n        raise ValueError('nope')\n"
               "    return frame\n",
     "python effect user_fx:invert failed at 0.5"),
    ("wrong-size", "def invert(frame, t, **args):\n    return frame[::2]\n",
     "returned a frame of shape (120, 320, 3) at 0.000 s; expected (240, 320, 3)"),
    ("wrong-type", "def invert(frame, t, **args):\n    return frame.astype('float32')\n",
     "returned float32 pixels at 0.000 s; expected uint8"),
    ("not-a-frame", "def invert(frame, t, **args):\n    return None\n",
     "returned NoneType at 0.000 s, not a numpy array"),
    ("import-error", "import no_such_module_anywhere\n",
     "python effect user_fx:invert: cannot import it (ModuleNotFoundError"),
    ("no-function", "def other(frame, t):\n    return frame\n",
     "python effect user_fx:invert: user_fx has no function 'invert'"),
]


@pytest.mark.parametrize(("source", "message"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_function_fails_in_one_line_with_no_output(
    folder: Path, source: str, message: str
) -> None:
    (folder / "user_fx.py").write_text(source)
    (render,) = campaign(folder)
    with pytest.raises(RenderError) as caught:
        render_all([render])
    text = caught.value.message
    assert message in text and "\n" not in text, text
    leftovers: list[Any] = sorted(p.name for p in render.clip_dir.glob("*") if p.is_file()
                                  and p.suffix in (".mp4", ".jpg"))
    assert leftovers == [], leftovers


def test_only_the_python_tier_imports_moviepy() -> None:
    import re
    import tomllib

    root = Path(__file__).resolve().parents[2]
    importers = sorted(
        str(p.relative_to(root)) for p in (root / "vidcamp").rglob("*.py")
        if re.search(r"^\s*(import moviepy|from moviepy\b)", p.read_text(), re.MULTILINE)
    )
    assert importers == ["vidcamp/render/pyeffects.py"]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert not any(d.startswith("moviepy") for d in project["dependencies"])
    assert any(d.startswith("moviepy") for d in project["optional-dependencies"]["effects"])
