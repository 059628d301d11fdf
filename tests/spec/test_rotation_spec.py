"""`titles:`/`thumbnails:` with `rotate:`: validated per target; X posts cannot rotate."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vidcamp.errors import SpecErrors
from vidcamp.jobs import Rotation
from vidcamp.plan import plan_posts
from vidcamp.spec.checks import check_campaign
from vidcamp.spec.loader import load_campaign

SPEC = """\
name: t
sources:
  main: clip.mp4
accounts:
  youtube: brand_yt
  x: brand_x
clips:
  - id: a
    source: main
    title: First
    cut: [{{from: 0, to: 2}}]
{rotation}targets:
{targets}
"""
ROTATE = "    titles: [First, Second]\n    thumbnails: [a.jpg, b.jpg]\n    rotate: 24h\n"


def write(tmp_path: Path, media_dir: Path, targets: str, rotation: str = ROTATE) -> Path:
    shutil.copy(media_dir / "clip.mp4", tmp_path / "clip.mp4")
    for name in ("a.jpg", "b.jpg"):
        (tmp_path / name).write_bytes(b"\xff\xd8\xff\xe0")
    spec = tmp_path / "c.yaml"
    spec.write_text(SPEC.format(rotation=rotation, targets=targets))
    return spec


def test_rotation_to_x_is_refused_naming_the_target(tmp_path: Path, media_dir: Path) -> None:
    spec = write(tmp_path, media_dir, "  youtube_shorts:\n  x:\n")
    with pytest.raises(SpecErrors) as info:
        check_campaign(load_campaign(spec))
    lines = info.value.lines
    assert [("titles" in line, "thumbnails" in line) for line in lines] == [
        (True, False), (False, True)]
    for line in lines:
        assert line.startswith("c.yaml:") and "rotate" in line
        assert 'target "x"' in line and "cannot be edited" in line


def test_rotation_without_x_is_planned(tmp_path: Path, media_dir: Path) -> None:
    spec = write(tmp_path, media_dir, "  youtube_shorts:\n")
    report = check_campaign(load_campaign(spec))
    assert report.campaign.spec.clips[0].rotate is not None


def test_variants_need_rotate_and_images_must_exist(tmp_path: Path, media_dir: Path) -> None:
    spec = write(tmp_path, media_dir, "  youtube_shorts:\n",
                 "    titles: [First, Second]\n    thumbnails: [missing.jpg]\n")
    with pytest.raises(SpecErrors, match="rotate only with `rotate:`"):
        check_campaign(load_campaign(spec))
    spec = write(tmp_path, media_dir, "  youtube_shorts:\n",
                 "    thumbnails: [missing.jpg]\n    rotate: 12h\n")
    with pytest.raises(SpecErrors, match=r"missing\.jpg: no such image file"):
        check_campaign(load_campaign(spec))


def test_posts_carry_the_rotation(tmp_path: Path, media_dir: Path) -> None:
    from datetime import UTC, datetime

    from vidcamp.plan import RenderEnvironment, plan_renders

    loaded = load_campaign(write(tmp_path, media_dir, "  youtube_shorts:\n"))
    renders = plan_renders(loaded, RenderEnvironment("9.0", "1", "abc"),
                           fingerprint=lambda path: "f")
    posts = plan_posts(loaded, renders, now=datetime(2026, 5, 1, tzinfo=UTC))
    [post] = posts
    assert post.rotation == Rotation(86400.0, ("First", "Second"),
                                     (tmp_path / "a.jpg", tmp_path / "b.jpg"))
    assert post.title == "First"
