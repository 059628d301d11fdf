"""Bad input for smart reframe: detector missing or unusable, nothing to follow, nothing to crop."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.render.conftest import job, make_source, small, variant
from vidcamp.jobs import SmartReframe
from vidcamp.media.probe import probe
from vidcamp.render import render_clip
from vidcamp.render.smart import ReframeError, require_extra
from vidcamp.render.smart.service import plan_smart


def smart(out: Path, **settings: object) -> object:
    return variant(out, "shorts", small("youtube_shorts", 270, 480), reframe="smart",
                   smart=SmartReframe(**settings))  # type: ignore[arg-type]


def test_missing_extra_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cv2", None)  # what an environment without OpenCV gives
    with pytest.raises(ReframeError) as err:
        require_extra()
    assert "pip install 'vidcamp[reframe]'" in err.value.message
    assert err.value.exit_code == 4


def test_yunet_path_that_is_not_a_model(
    footage: Callable[[str], Path], tmp_path: Path
) -> None:
    fake = tmp_path / "face.onnx"
    fake.write_bytes(b"not an onnx model\n" * 10)
    missing = tmp_path / "nowhere.onnx"
    for model, words in ((fake, "not a usable YuNet ONNX model"), (missing, "not found")):
        clip = job(footage("moving"), tmp_path / "o", [smart(tmp_path / "o", subject="face",
                                                            yunet=model)],
                   segments=((0.0, 3.0),))
        with pytest.raises(ReframeError) as err:
            plan_smart(clip, probe(clip.source), list(clip.variants), use_cache=False)
        assert str(model) in err.value.message and words in err.value.message
        assert "\n" not in err.value.message


def test_auto_with_a_bad_model_follows_motion_and_says_so(
    footage: Callable[[str], Path], tmp_path: Path
) -> None:
    clip = job(footage("moving"), tmp_path, [smart(tmp_path, yunet=tmp_path / "none.onnx")],
               segments=((0.0, 3.0),))
    result = plan_smart(clip, probe(clip.source), list(clip.variants), use_cache=False)
    assert any("following motion instead" in n for n in result.notes), result.notes
    assert {s.subject for s in result.plans["shorts"].shots} == {"motion"}


def test_nothing_found_centres_with_a_note(tmp_path: Path) -> None:
    src = make_source(tmp_path / "flat.mp4", video="color=c=gray:s=640x360:r=10:d=2",
                      seconds=2.0)
    clip = job(src, tmp_path / "out", [smart(tmp_path / "out")], segments=((0.0, 2.0),))
    result = render_clip(clip, force=True)
    assert any("nothing to follow" in n for n in result.notes), result.notes
    plan = plan_smart(clip, probe(src), list(clip.variants)).plans["shorts"]
    assert [s.mode for s in plan.shots] == ["centre"] and plan.centre_at(1.0) == 0.5
    assert clip.variants[0].output.is_file()


def test_vertical_source_into_vertical_target_skips_analysis(tmp_path: Path) -> None:
    src = make_source(tmp_path / "tall.mp4", size="360x640", rate=10, seconds=2.0)
    clip = job(src, tmp_path / "out", [smart(tmp_path / "out")], segments=((0.0, 2.0),))
    result = plan_smart(clip, probe(src), list(clip.variants), use_cache=False)
    assert result.plans == {} and result.analysis_seconds == 0.0
    render_clip(clip, force=True)
    assert clip.variants[0].output.is_file()


def test_moving_bright_object_is_followed(tmp_path: Path) -> None:
    """No faces: a bright square crossing a noisy frame leads the crop."""
    video = ("color=c=black:s=640x360:r=10:d=3,noise=alls=25:allf=t[bg];"
             "color=c=white:s=50x50:r=10:d=3[box];[bg][box]overlay=x='60+t*160':y=150")
    src = make_source(tmp_path / "motion.mp4", video=video, seconds=3.0)
    clip = job(src, tmp_path / "out", [smart(tmp_path / "out", subject="auto")],
               segments=((0.0, 3.0),))
    plan = plan_smart(clip, probe(src), list(clip.variants), use_cache=False).plans["shorts"]
    assert {s.subject for s in plan.shots} == {"motion"}
    half = plan.crop[0] / 2
    for k in range(3, 28):
        t = k / 10
        box = 60 + t * 160 + 25
        assert abs(plan.centre_at(t) * 640 - box) < half, t


def test_opencv_without_cascades(
    footage: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OpenCV 5 dropped CascadeClassifier: an error for `face`, motion (and a note) for `auto`."""
    import cv2

    monkeypatch.delattr(cv2, "CascadeClassifier")
    face = job(footage("moving"), tmp_path / "f", [smart(tmp_path / "f", subject="face")],
               segments=((0.0, 3.0),))
    with pytest.raises(ReframeError) as err:
        plan_smart(face, probe(face.source), list(face.variants), use_cache=False)
    assert "opencv-python-headless<5" in err.value.message
    auto = job(footage("moving"), tmp_path / "a", [smart(tmp_path / "a")],
               segments=((0.0, 3.0),))
    result = plan_smart(auto, probe(auto.source), list(auto.variants), use_cache=False)
    assert any("following motion instead" in n for n in result.notes)
