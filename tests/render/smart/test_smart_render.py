"""Smart reframe end to end: analyse, plan, render in one ffmpeg run, then look at the output."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from tests.render.conftest import frame_at, job, small, variant
from tests.render.smart.conftest import CUT_AT, LEFT, RIGHT, moving
from tests.render.smart.footage import faces_in
from vidcamp.jobs import ClipRender, SmartReframe, Variant
from vidcamp.media.probe import probe
from vidcamp.render import render_clip
from vidcamp.render.smart.path import CameraPlan
from vidcamp.render.smart.service import plan_smart

OUT = (270, 480)  # a 9:16 preset shrunk for speed
SRC_W = 640


def smart_variant(out: Path, name: str = "shorts", **settings: Any) -> Variant:
    return variant(out, name, small("youtube_shorts", *OUT), reframe="smart",
                   smart=SmartReframe(**settings))


def render(src: Path, out: Path, variants: list[Variant], seconds: float) -> ClipRender:
    clip = job(src, out, variants, segments=((0.0, seconds),))
    render_clip(clip, force=True)
    return clip


def camera(clip: ClipRender, target: str = "shorts") -> CameraPlan:
    return plan_smart(clip, probe(clip.source), list(clip.variants)).plans[target]


@pytest.mark.slow
def test_moving_face_stays_inside_the_rendered_crop(
    footage: Callable[[str], Path], tmp_path: Path
) -> None:
    clip = render(footage("moving"), tmp_path, [smart_variant(tmp_path)], 3.0)
    seen = faces_in(clip.variants[0].output)
    # the detector, run on the rendered 9:16 output, finds the face in (nearly) every frame
    inside = [t for t, faces in seen if any(0 <= x < OUT[0] for x, _, _ in faces)]
    assert len(inside) >= 0.98 * len(seen), f"{len(inside)}/{len(seen)} frames show the face"
    # and, against the known path, the crop holds the face centre in every output frame
    plan = camera(clip)
    half = plan.crop[0] / 2
    for t, _ in seen:
        assert abs(plan.centre_at(t) * SRC_W - moving(t)[0]) < half - 10, t
    assert {s.mode for s in plan.shots} == {"follow"}


@pytest.mark.slow
def test_still_subject_crop_does_not_move(
    footage: Callable[[str], Path], tmp_path: Path
) -> None:
    import cv2
    import numpy as np

    clip = render(footage("still"), tmp_path, [smart_variant(tmp_path)], 3.0)
    plan = camera(clip)
    assert [s.mode for s in plan.shots] == ["steady"]
    # measured on the output: consecutive frames of the textured backdrop (the rows above the
    # swaying head) do not shift
    import av

    with av.open(str(clip.variants[0].output)) as container:
        frames = [np.float32(f.to_ndarray(format="gray")[:140]) for f in container.decode(video=0)]
    shifts = [cv2.phaseCorrelate(a, b)[0] for a, b in pairwise(frames)]
    worst = max(abs(dx) for dx, _ in shifts)
    assert worst < 1.0, f"crop moved {worst:.2f} output px between frames"
    # the face is still in view (centre band), not just a still crop of the wall
    seen = faces_in(clip.variants[0].output)
    assert sum(1 for _, f in seen if f) >= 0.98 * len(seen)


@pytest.fixture(scope="module")
def two_faces(footage: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("two")
    variants = [
        smart_variant(out, "split", fallback="split"),
        smart_variant(out, "wide", fallback="wide"),
        smart_variant(out, "blur", fallback="blur"),
        variant(out, "plainblur", small("youtube_shorts", *OUT), reframe="blur"),
    ]
    return render(footage("two"), out, variants, 3.0)


@pytest.mark.slow
def test_two_faces_split_shows_both_faces(two_faces: ClipRender) -> None:
    plan = camera(two_faces, "split")
    assert [s.mode for s in plan.shots] == ["split"]
    seen = faces_in(two_faces.variants[0].output)
    half = OUT[1] / 2
    both = [t for t, faces in seen
            if any(y < half for _, y, _ in faces) and any(y >= half for _, y, _ in faces)]
    assert len(both) >= 0.98 * len(seen), f"{len(both)}/{len(seen)} frames show both faces"


@pytest.mark.slow
def test_two_faces_wide_is_one_crop_holding_both(two_faces: ClipRender) -> None:
    import cv2
    import numpy as np

    plan = camera(two_faces, "wide")
    (shot,) = plan.shots
    assert shot.mode == "wide"
    ww = plan.wide_width
    x = round(shot.centres[0][0] * SRC_W - ww / 2)
    assert x < LEFT - 30 and x + ww > RIGHT + 30  # the crop holds both faces with room
    out = frame_at(two_faces.variants[1].output, 1.5).astype(np.int16)
    src = frame_at(two_faces.source, 1.5)
    h = round(OUT[0] * 360 / ww / 2) * 2
    expected = cv2.resize(src[:, x:x + ww], (OUT[0], h), interpolation=cv2.INTER_AREA)
    top = (OUT[1] - h) // 2 // 2 * 2
    band = out[top:top + h]
    assert float(np.abs(band - expected).mean()) < 12
    assert float(out[: top - 4].mean()) < 20  # letterboxed with the pad colour (black)


@pytest.mark.slow
def test_two_faces_blur_is_the_blurred_fill(two_faces: ClipRender) -> None:
    import numpy as np

    assert [s.mode for s in camera(two_faces, "blur").shots] == ["blur"]
    smart = frame_at(two_faces.variants[2].output, 1.5).astype(np.int16)
    plain = frame_at(two_faces.variants[3].output, 1.5).astype(np.int16)
    assert float(np.abs(smart - plain).mean()) < 2


@pytest.mark.slow
def test_shot_change_jumps_at_the_cut(footage: Callable[[str], Path], tmp_path: Path) -> None:
    clip = render(footage("cut"), tmp_path, [smart_variant(tmp_path)], 4.0)
    plan = camera(clip)
    assert len(plan.shots) == 2
    assert abs(plan.shots[0].end - CUT_AT) < 0.05
    fps = 30.0
    times = [n / fps for n in range(int(4.0 * fps))]
    xs = [plan.centre_at(t) * SRC_W for t in times]
    moves = [(t, b - a) for t, a, b in zip(times[1:], xs, xs[1:], strict=False) if abs(b - a) > 0.1]
    # one move, on the first frame of the new shot: a jump, no pan on either side
    assert len(moves) == 1 and abs(moves[0][0] - CUT_AT) < 1 / fps + 1e-6
    seen = faces_in(clip.variants[0].output)
    for t, faces in seen:
        if CUT_AT - 0.5 <= t < CUT_AT + 0.5:  # frames around the cut: the face is centred
            assert faces and min(abs(x - OUT[0] / 2) for x, _, _ in faces) < 30, t


def test_still_face_plan_is_cached(footage: Callable[[str], Path], tmp_path: Path) -> None:
    clip = job(footage("still"), tmp_path, [smart_variant(tmp_path)], segments=((0.0, 3.0),))
    info = probe(clip.source)
    first = plan_smart(clip, info, list(clip.variants))
    again = plan_smart(clip, info, list(clip.variants))
    assert again.cached and again.analysis_seconds == 0.0
    assert again.plans == first.plans
    # another segment list is another analysis
    other = job(clip.source, tmp_path, list(clip.variants), segments=((0.5, 3.0),))
    assert not plan_smart(other, info, list(other.variants)).cached
