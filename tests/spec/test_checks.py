"""Checks that warn rather than fail, and the platform lint."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.spec.conftest import lavfi
from vidcamp.errors import SpecErrors
from vidcamp.spec.checks import check_campaign
from vidcamp.spec.loader import load_campaign

SPEC = """\
name: t
sources:
  main: {source}
clips:
  - id: a
    source: main
    cut: [{{from: 0, to: 2}}]
{extra}targets:
{targets}
"""


@pytest.fixture(scope="module")
def wide_silent(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2.4:1 clip without audio."""
    path = tmp_path_factory.mktemp("wide") / "wide.mp4"
    return lavfi(path, "testsrc2=size=480x200:rate=25:duration=3",
                 extra=("-c:v", "libx264", "-preset", "ultrafast"))


def check(tmp_path: Path, media: Path, targets: str, extra: str = "") -> list[str]:
    shutil.copy(media, tmp_path / media.name)
    spec = tmp_path / "c.yaml"
    spec.write_text(SPEC.format(source=media.name, targets=targets, extra=extra))
    return [str(w) for w in check_campaign(load_campaign(spec)).warnings]


def test_a_crop_that_keeps_little_of_the_frame_warns(tmp_path: Path, wide_silent: Path) -> None:
    warnings = check(tmp_path, wide_silent, "  youtube_shorts: {}\n  youtube: {}")
    crop = [w for w in warnings if "cropping" in w]
    assert crop == [
        "c.yaml:9:3 targets.youtube_shorts: clips[0] (a): cropping 480x200 to 9:16 keeps only 23% "
        "of the frame; consider reframe: blur or pad"
    ]


def test_blur_or_pad_do_not_warn(tmp_path: Path, wide_silent: Path) -> None:
    warnings = check(tmp_path, wide_silent, "  youtube_shorts: {reframe: blur}")
    assert not [w for w in warnings if "cropping" in w]


def test_missing_audio_warns(tmp_path: Path, wide_silent: Path) -> None:
    warnings = check(tmp_path, wide_silent, "  youtube: {reframe: pad}")
    assert warnings == ["c.yaml:6:13 clips[0].source: main: no audio track; a silent one will be added"]


def test_over_length_trim_warns_and_error_fails(tmp_path: Path, media_dir: Path) -> None:
    # X allows 140 s: join the 3 s footage 61 times into a 183 s clip
    cut = "    cut: [{from: 0, to: 2}]\n"
    long_cut = "    cut: [" + ", ".join(["{from: 0, to: 3}"] * 61) + "]\n"
    shutil.copy(media_dir / "clip.mp4", tmp_path / "clip.mp4")
    spec = tmp_path / "c.yaml"
    text = SPEC.format(source="clip.mp4", extra="", targets="  x: {over_length: trim}").replace(
        "    cut: [{from: 0, to: 2}]\n", long_cut
    )
    assert cut not in text
    spec.write_text(text)
    warnings = [str(w) for w in check_campaign(load_campaign(spec)).warnings]
    assert any("clip is 183.0 s but x allows at most 140 s; it will be trimmed" in w for w in warnings)
    spec.write_text(text.replace("{over_length: trim}", "{}"))
    with pytest.raises(SpecErrors) as err:
        check_campaign(load_campaign(spec))
    assert "set targets.x.over_length: trim" in err.value.lines[0]


def test_non_utf8_captions_are_read_and_named(tmp_path: Path, media_dir: Path) -> None:
    (tmp_path / "subs.srt").write_bytes("1\n00:00:00,500 --> 00:00:01,500\nCaffè già\n".encode("cp1252"))
    extra = "    captions: {file: subs.srt}\n"
    warnings = check(tmp_path, media_dir / "clip.mp4", "  x: {}", extra=extra)
    assert any("subs.srt: not UTF-8; read as cp1252" in w for w in warnings)
