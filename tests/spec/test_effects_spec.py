"""Effects in the spec: bad entries give one file:line error listing the known choices; good ones
plan into per-target effects whose content hashes follow them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.spec.test_broken_specs import BASE, run_cli
from vidcamp.plan import RenderEnvironment, plan_renders
from vidcamp.spec.loader import load_campaign

ENV = RenderEnvironment("ffmpeg-test", "r", "assets")


@pytest.fixture
def folder(tmp_path: Path, media_dir: Path) -> Path:
    shutil.copy(media_dir / "clip.mp4", tmp_path / "clip.mp4")
    return tmp_path


def with_effects(effects: str, *, words: str = "", target: str = "x: {}") -> str:
    text = BASE.replace("      - {from: 0, to: 2}\n", "      - {from: 0, to: 2}\n" + effects + words)
    return text.replace("x: {}", target)


BAD = [
    ("unknown-effect", "    effects:\n      - zooom: {factor: 2}\n",
     "c.yaml:10:9 clips[0].effects[0]:", 'unknown effect "zooom" (known: zoom, progress_bar,'),
    ("unknown-param", "    effects:\n      - zoom: {factr: 2}\n",
     "c.yaml:10:9 clips[0].effects[0]:", 'unknown zoom parameter "factr" (known: factor, ease,'),
    ("bad-value", "    effects:\n      - zoom: {factor: 9}\n",
     "c.yaml:10:9 clips[0].effects[0]:", "zoom.factor: 9 is outside 1.01..4"),
    ("bad-colour", '    effects:\n      - progress_bar: {color: "red;evil"}\n',
     "c.yaml:10:9 clips[0].effects[0]:", "is not a colour"),
    ("outside-clip", "    effects:\n      - flash: {at: 5}\n",
     "c.yaml:10:9 clips[0].effects[0]:", "outside the clip (0-2 s)"),
    ("to-past-end", "    effects:\n      - zoom: {from: 1, to: 2.5}\n",
     "c.yaml:10:9 clips[0].effects[0]:", "outside the clip"),
    ("missing-word", "    effects:\n      - zoom: {on: banana}\n",
     "c.yaml:10:9 clips[0].effects[0]:", 'the captions do not contain the word "banana"'),
    ("no-highlight", "    effects:\n      - zoom: {on: highlight}\n",
     "c.yaml:10:9 clips[0].effects[0]:", "no caption word is highlighted"),
    ("python-bad-name", '    effects:\n      - python: "not a function"\n',
     "c.yaml:10:9 clips[0].effects[0]:", 'expected "module:function"'),
    ("python-missing", '    effects:\n      - python: "no_such_module_x:fn"\n',
     "c.yaml:10:9 clips[0].effects[0]:", "module not found"),
    ("sticker-no-glyph", '    effects:\n      - sticker: {emoji: "★"}\n',
     "c.yaml:10:9 clips[0].effects[0]:", "the bundled emoji font does not draw it"),
    ("sticker-both", "    effects:\n      - sticker: {emoji: x, image: a.png}\n",
     "c.yaml:10:9 clips[0].effects[0]:", "exactly one of image or emoji"),
]


@pytest.mark.parametrize(("effects", "where", "reason"), [c[1:] for c in BAD],
                         ids=[c[0] for c in BAD])
def test_bad_effect_is_one_line_naming_file_and_line(
    effects: str, where: str, reason: str, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = folder / "c.yaml"
    spec.write_text(with_effects(effects), encoding="utf-8")
    code, _, err = run_cli(["validate", str(spec)], capsys)
    lines = err.strip().splitlines()
    assert code == 3, err
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: {where}"), lines[0]
    assert reason in lines[0], lines[0]


def test_target_override_error_names_the_target(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = folder / "c.yaml"
    spec.write_text(with_effects("", target="x: {effects: [{freeze: {at: 3}}]}"))
    code, _, err = run_cli(["validate", str(spec)], capsys)
    assert code == 3
    assert "targets.x.effects[0]" in err and "outside the clip" in err and "(clip a)" in err


WORDS = (
    "    words:\n"
    "      - {word: Hello, start: 0.2, end: 0.6}\n"
    "      - {word: world, start: 1.1, end: 1.5, highlight: true}\n"
)


def test_effects_plan_per_target_and_join_the_hash(folder: Path) -> None:
    spec = folder / "c.yaml"
    spec.write_text(with_effects(
        "    effects:\n      - zoom: {on: highlight, factor: 1.5}\n      - progress_bar\n",
        words=WORDS, target="x: {}\n  plain: {preset: x, effects: []}",
    ))
    (render,) = plan_renders(load_campaign(spec), ENV)
    by = {v.target: v for v in render.variants}
    zoom, bar = by["x"].effects
    assert (zoom.name, zoom.start, zoom.end, zoom.param("factor")) == ("zoom", 1.1, 1.5, 1.5)
    assert (bar.name, bar.start, bar.end) == ("progress_bar", 0.0, 2.0)
    assert by["plain"].effects == ()
    assert [w.text for w in render.words] == ["Hello", "world"]

    before = by["x"].content_hash
    spec.write_text(spec.read_text().replace("factor: 1.5", "factor: 1.6"))
    (again,) = plan_renders(load_campaign(spec), ENV)
    after = {v.target: v.content_hash for v in again.variants}
    assert after["x"] != before
    assert after["plain"] == by["plain"].content_hash


def test_words_come_from_caption_lines_when_not_given(folder: Path) -> None:
    spec = folder / "c.yaml"
    spec.write_text(with_effects(
        "    effects:\n      - flash: {on: World}\n"
        "    captions:\n      lines:\n        - {start: 1.0, end: 2.0, text: \"hi world\"}\n"
    ))
    (render,) = plan_renders(load_campaign(spec), ENV)
    (flash,) = render.variants[0].effects
    # "hi world": 7 characters over 1 s, "world" gets the last 5/7 of it
    assert flash.start == pytest.approx(1.0 + 2 / 7, abs=1e-6)
    assert flash.end == pytest.approx(flash.start + 0.12)


def test_defaults_carry_effects(folder: Path) -> None:
    spec = folder / "c.yaml"
    spec.write_text(with_effects("") + "defaults:\n  effects: [{shake: {from: 0.5, to: 1}}]\n")
    (render,) = plan_renders(load_campaign(spec), ENV)
    assert [e.name for e in render.variants[0].effects] == ["shake"]
