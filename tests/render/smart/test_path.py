"""The camera planner alone (pure): steadiness, bounded pans, shot changes, pins, two faces."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vidcamp.jobs import FocusPin, SmartReframe
from vidcamp.render.smart.analyse import Analysis, Face, Sample
from vidcamp.render.smart.path import ACCEL, STEP, CameraPlan, camera_plan

SRC = (1920, 1080)
CROP = (608, 1080)
OUT = (1080, 1920)


def analysis(track: list[float | None], cuts: tuple[float, ...] = (), fps: float = 5.0,
             second: list[float] | None = None) -> Analysis:
    samples = []
    for k, x in enumerate(track):
        faces = () if x is None else (Face(x, 0.4, 0.08, 0.14, 5.0),)
        if second is not None:
            faces += (Face(second[k], 0.4, 0.08, 0.14, 5.0),)
        samples.append(Sample(k / fps, faces))
    return Analysis(SRC[0], SRC[1], len(track) / fps, tuple(samples), cuts, "haar")


def plan(a: Analysis, **kw: Any) -> CameraPlan:
    return camera_plan(a, SmartReframe(**kw), CROP, OUT, (0.5, 0.5))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.05, 0.95), min_size=10, max_size=40), st.floats(0.1, 1.0))
def test_pans_keep_their_speed_and_acceleration_bounds(xs: list[float], speed: float) -> None:
    p = camera_plan(analysis(list(xs)), SmartReframe(max_speed=speed), CROP, OUT, (0.5, 0.5))
    span = CROP[0] / SRC[0]
    for shot in p.shots:
        assert all(span / 2 - 1e-9 <= c <= 1 - span / 2 + 1e-9 for _, c in shot.keys)
        times = [shot.start + k * STEP for k in range(int((shot.end - shot.start) / STEP))]
        xs_ = [shot.centre_at(t) for t in times]
        v = [(b - a) / STEP for a, b in pairwise(xs_)]
        # keyframes are within 0.2 px of the simulated path, so allow that much per step
        slack = 2 * 0.2 / SRC[0] / STEP
        assert all(abs(x) <= speed + slack for x in v)
        acc = [(b - a) / STEP for a, b in pairwise(v)]
        assert all(abs(a) <= ACCEL * speed + 2 * slack / STEP for a in acc)


def test_small_sway_is_a_steady_shot() -> None:
    sway = [0.3 + 0.01 * ((-1) ** k) for k in range(20)]
    p = plan(analysis(sway))
    assert [s.mode for s in p.shots] == ["steady"] and len(p.shots[0].keys) == 1


def test_each_shot_starts_on_its_own_subject() -> None:
    a = analysis([0.25] * 10 + [0.75] * 10, cuts=(2.0,))
    p = plan(a)
    first, second = p.shots
    assert (first.end, second.start) == (2.0, 2.0)
    assert abs(p.centre_at(1.99) - 0.25) < 0.01 and abs(p.centre_at(2.0) - 0.75) < 0.01


def test_pin_overrides_a_time_range() -> None:
    p = plan(analysis([0.25] * 20), pins=(FocusPin(1.0, 2.0, 0.8),))
    modes = [(s.mode, s.start, s.end) for s in p.shots]
    assert modes == [("steady", 0.0, 1.0), ("pinned", 1.0, 2.0), ("steady", 2.0, 4.0)]
    assert p.centre_at(1.5) == 0.8


def test_two_faces_close_together_share_one_crop() -> None:
    p = plan(analysis([0.45] * 10, second=[0.55] * 10), fallback="split")
    (shot,) = p.shots
    assert shot.mode == "steady" and shot.subject == "faces"
    assert abs(shot.keys[0][1] - 0.5) < 0.01


def test_two_faces_far_apart_use_the_fallback() -> None:
    for fallback in ("blur", "split", "wide"):
        p = plan(analysis([0.15] * 10, second=[0.85] * 10), fallback=fallback)
        (shot,) = p.shots
        assert shot.mode == fallback
    wide = plan(analysis([0.15] * 10, second=[0.85] * 10), fallback="wide")
    assert wide.wide_width > 0.7 * SRC[0]


def test_long_follow_paths_parse_in_ffmpeg(tmp_path: Any) -> None:
    """Hundreds of keyframes: ffmpeg's expression parser must take them (it nests ~100 deep)."""
    import subprocess

    from vidcamp.media.ffmpeg import find_ffmpeg
    from vidcamp.render.smart.chain import position_expr

    zigzag = [0.2 + 0.6 * ((k // 10) % 2) for k in range(300)]  # 60 s of back and forth
    p = plan(analysis(zigzag), max_speed=2.0)
    keys = sum(len(s.keys) for s in p.shots)
    assert keys > 150
    expr = position_expr(p, 0.01, lambda _s, c: c * SRC[0] - CROP[0] / 2, SRC[0] - CROP[0])
    graph = f"crop={CROP[0]}:{CROP[1]}:{expr.replace(',', chr(92) + ',')}:0"
    proc = subprocess.run(
        [str(find_ffmpeg()), "-v", "error", "-f", "lavfi", "-i",
         f"color=s={SRC[0]}x{SRC[1]}:r=1:d=60", "-vf", graph, "-f", "null", "-"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-500:]


def test_a_graph_too_long_for_one_argument_goes_by_file(tmp_path: Any) -> None:
    import subprocess

    from vidcamp.media.ffmpeg import find_ffmpeg
    from vidcamp.render.engine import GRAPH_ARG_LIMIT, _long_graph_by_file
    from vidcamp.render.smart.chain import position_expr

    zigzag = [0.2 + 0.6 * ((k // 10) % 2) for k in range(1500)]  # 5 minutes of back and forth
    p = plan(analysis(zigzag), max_speed=2.0)
    expr = position_expr(p, 0.01, lambda _s, c: c * SRC[0] - CROP[0] / 2, SRC[0] - CROP[0])
    graph = f"[0:v]crop={CROP[0]}:{CROP[1]}:{expr.replace(',', chr(92) + ',')}:0[o]"
    assert len(graph) > GRAPH_ARG_LIMIT
    args = [str(find_ffmpeg()), "-v", "error", "-f", "lavfi", "-i",
            f"color=s={SRC[0]}x{SRC[1]}:r=0.1:d=300", "-filter_complex", graph,
            "-map", "[o]", "-f", "null", "-"]
    short = _long_graph_by_file(args, tmp_path)
    assert "-/filter_complex" in short and max(len(a) for a in short) < 1000
    proc = subprocess.run(short, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-500:]
