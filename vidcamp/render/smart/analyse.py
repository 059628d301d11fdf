"""The analysis pass: the clip's cut decoded small and sparse, with what a director looks at.

Per sampled frame (``SAMPLE_FPS`` a second, ``ANALYSIS_WIDTH`` pixels wide) it records the faces
and the centre of motion; over the whole cut it finds the shot changes. Every decoded frame also
leaves a tiny grey thumbnail, so a shot change found between two samples is placed on the exact
frame where it happens.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidcamp.jobs import Segment

ANALYSIS_WIDTH = 320
SAMPLE_FPS = 5.0
ANALYSIS_VERSION = "1"
# Half the L1 distance of two HSV histograms, 0..1: above this the samples are different shots.
SHOT_THRESHOLD = 0.3
THUMB_SIZE = (64, 36)
# Motion: grey difference of blurred samples; a pixel moves when its change is over this.
MOTION_LEVEL = 30
MOTION_MIN_SHARE = 0.0005  # of the frame's pixels; below it the frame is still


@dataclass(frozen=True)
class Face:
    """A face, in 0..1 of the source frame: centre and size."""

    x: float
    y: float
    w: float
    h: float
    score: float


@dataclass(frozen=True)
class Sample:
    t: float  # clip seconds
    faces: tuple[Face, ...] = ()
    motion: tuple[float, float] | None = None  # centre of what moved since the last sample


@dataclass(frozen=True)
class Analysis:
    width: int  # source frame, square pixels
    height: int
    duration: float
    samples: tuple[Sample, ...]
    cuts: tuple[float, ...]  # clip seconds where a new shot starts (segment joins included)
    detector: str  # haar | yunet | none
    seconds: float = 0.0  # how long the analysis took
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class AnalysisSettings:
    faces: bool  # run a face detector
    yunet: Path | None


def analyse(
    path: Path, segments: Sequence[Segment], size: tuple[int, int], settings: AnalysisSettings,
    rotation: int = 0,
) -> Analysis:
    """Decode ``segments`` of ``path`` once and collect shots, faces and motion.

    ``size`` is the upright frame in square pixels; ``rotation`` the clockwise degrees a player
    turns the stored frames by (ffmpeg does the same when it renders).
    """
    from vidcamp.render.smart import require_extra
    from vidcamp.render.smart.detect import face_detector

    np, cv2 = require_extra()
    began = time.monotonic()
    src_w, src_h = size
    aw = ANALYSIS_WIDTH if src_w >= src_h else round(ANALYSIS_WIDTH * src_w / src_h)
    ah = round(aw * src_h / src_w)
    aw, ah = max(2, aw // 2 * 2), max(2, ah // 2 * 2)
    detector = (
        face_detector(settings.yunet, (aw, ah), max(20, min(aw, ah) // 8))
        if settings.faces
        else None
    )
    # one thread: the render beside this analysis already keeps every core busy, and OpenCV's
    # thread pool was measured slower than one thread on a loaded 2-core machine
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        return _analyse(np, cv2, path, segments, (src_w, src_h), (aw, ah), detector, began,
                        rotation)
    finally:
        cv2.setNumThreads(threads)


def _analyse(
    np: Any, cv2: Any, path: Path, segments: Sequence[Segment], size: tuple[int, int],
    small: tuple[int, int], detector: Any, began: float, rotation: int = 0,
) -> Analysis:
    src_w, src_h = size
    aw, ah = small
    samples: list[Sample] = []
    hists: list[Any] = []
    thumbs: list[tuple[float, Any]] = []
    sample_thumb: list[int] = []  # index into thumbs of each sample
    prev_gray = None
    starts: list[int] = []  # index of each segment's first sample
    for seg_start, t, frame in _frames(path, segments):
        if t == seg_start:
            starts.append(len(samples))
        thumbs.append((t, _thumb(np, frame)))
        if samples and t < samples[-1].t + 1.0 / SAMPLE_FPS - 1e-6 and t != seg_start:
            continue
        turned = rotation % 180 == 90
        bgr = frame.to_ndarray(width=ah if turned else aw, height=aw if turned else ah,
                               format="bgr24")
        if rotation % 360:
            bgr = cv2.rotate(bgr, _ROTATE[rotation % 360])
        hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
        hist = cv2.calcHist([hsv], [0, 1, 2], None, [12, 4, 4], [0, 180, 0, 256, 0, 256])
        hists.append(hist.ravel() / max(1.0, float(hist.sum())))
        gray = cv2.GaussianBlur(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY), (5, 5), 0)
        motion = None
        if prev_gray is not None and t != seg_start:
            motion = _motion_centre(np, cv2, prev_gray, gray)
        prev_gray = gray
        faces: tuple[Face, ...] = ()
        if detector is not None:
            faces = tuple(
                Face((b.x + b.w / 2) / aw, (b.y + b.h / 2) / ah, b.w / aw, b.h / ah, b.score)
                for b in detector.detect(bgr)
            )
        samples.append(Sample(t, faces, motion))
        sample_thumb.append(len(thumbs) - 1)

    cuts = _shot_changes(np, samples, hists, thumbs, sample_thumb, set(starts))
    duration = sum(s.duration for s in segments)
    return Analysis(
        src_w, src_h, duration, tuple(samples), tuple(cuts),
        detector.name if detector is not None else "none", time.monotonic() - began,
    )


_ROTATE = {90: 0, 180: 1, 270: 2}  # cv2.ROTATE_90_CLOCKWISE, ROTATE_180, ROTATE_90_COUNTERCLOCKWISE


def _frames(path: Path, segments: Sequence[Segment]) -> Iterator[tuple[float, float, Any]]:
    """(clip time of the segment's first frame, clip time, frame) for every frame of the cut."""
    import av

    offset = 0.0
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for seg in segments:
            container.seek(int(max(0.0, seg.start) * 1_000_000), backward=True, any_frame=False)
            first: float | None = None
            for frame in container.decode(stream):
                if frame.time is None or frame.time < seg.start - 1e-3:
                    continue
                if frame.time >= seg.end - 1e-6:
                    break
                t = offset + frame.time - seg.start
                if first is None:
                    first = t
                yield first, t, frame
            offset += seg.duration


def _thumb(np: Any, frame: Any) -> Any:
    """A tiny grey copy of the frame: every n-th luma sample, without a scaler."""
    if frame.format.name.startswith(("yuv", "yuvj", "nv12", "gray")):
        plane = frame.planes[0]
        luma = np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)[: frame.height,
                                                                           : frame.width]
        sy = max(1, frame.height // THUMB_SIZE[1])
        sx = max(1, frame.width // THUMB_SIZE[0])
        return luma[::sy, ::sx][: THUMB_SIZE[1], : THUMB_SIZE[0]].astype(np.int16)
    return frame.to_ndarray(width=THUMB_SIZE[0], height=THUMB_SIZE[1], format="gray").astype(
        np.int16
    )


def _motion_centre(np: Any, cv2: Any, before: Any, after: Any) -> tuple[float, float] | None:
    diff = cv2.absdiff(before, after)
    level = max(MOTION_LEVEL, float(diff.mean() + 3 * diff.std()))
    moving = diff > level
    count = int(moving.sum())
    if count < MOTION_MIN_SHARE * moving.size:
        return None
    weights = diff.astype(np.float32) * moving
    total = float(weights.sum())
    h, w = diff.shape
    ys, xs = np.indices(diff.shape)
    return (float((weights * xs).sum()) / total / w, float((weights * ys).sum()) / total / h)


def _shot_changes(
    np: Any, samples: list[Sample], hists: list[Any], thumbs: list[tuple[float, Any]],
    sample_thumb: list[int], seg_starts: set[int],
) -> list[float]:
    """Clip times where a new shot starts: segment joins, and big colour changes between samples.

    A change between two samples is placed on the decoded frame, between them, that differs most
    from the frame before it.
    """
    cuts = []
    for i in range(1, len(samples)):
        if i in seg_starts:
            cuts.append(samples[i].t)
            continue
        distance = 0.5 * float(np.abs(hists[i] - hists[i - 1]).sum())
        if distance < SHOT_THRESHOLD:
            continue
        lo, hi = sample_thumb[i - 1] + 1, sample_thumb[i]
        best, best_t = -1.0, samples[i].t
        for k in range(lo, hi + 1):
            change = float(np.abs(thumbs[k][1] - thumbs[k - 1][1]).mean())
            if change > best:
                best, best_t = change, thumbs[k][0]
        cuts.append(best_t)
    return cuts
