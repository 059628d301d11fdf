"""Pure camera planning: an Analysis and the target's settings -> a crop path per shot.

A shot is held still when its subject stays inside a central band of the crop (the commonest
case, and the one where a jittery crop is most visible). Otherwise the crop follows a smoothed
version of the subject with a dead zone, a top speed and a top acceleration, like a camera
operator easing into a pan. Nothing moves across a shot change: every shot starts framed on its
own subject. Two faces too far apart for one crop hand the shot to the target's fallback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from vidcamp.jobs import FocusPin, SmartReframe
from vidcamp.render.smart.analyse import Analysis, Face, Sample

STEP = 1.0 / 30.0  # simulation step of the follow controller, seconds
BAND = 0.4  # subject spread within this share of the crop: hold the crop still
DEAD_ZONE = 0.12  # share of the crop the subject may drift from its centre before a pan
GAIN = 3.0  # pan speed per unit of error beyond the dead zone, 1/s
ACCEL = 2.5  # top acceleration, in top speeds per second
SMOOTH = 0.6  # seconds of the centred moving average applied to the subject track
FACE_SHARE = 0.25  # `auto`: faces lead a shot when this share of its samples has one
TWO_SHARE = 0.5  # two people: this share of the samples shows two faces
SECOND_FACE = 0.4  # a second face counts when its area is this share of the largest's
FACE_MARGIN = 0.35  # room kept on each side of a face, in face widths
SPLIT_ZOOM = 0.8  # split crops are this share of the source height
KEY_TOLERANCE = 0.2  # source pixels: keyframes drop points the straight path is this close to

MODES = ("steady", "follow", "centre", "pinned", "blur", "split", "wide")


@dataclass(frozen=True)
class Shot:
    start: float
    end: float
    mode: str  # one of MODES
    subject: str  # face | faces | motion | none | pin
    keys: tuple[tuple[float, float], ...]  # (clip s, crop centre 0..1 along the axis)
    centres: tuple[tuple[float, float], ...] = ()  # split: one (x, y) per face; wide: one

    def centre_at(self, t: float) -> float:
        return _interp(self.keys, t)


@dataclass(frozen=True)
class CameraPlan:
    """The crop path of one variant; sizes in source pixels (square)."""

    axis: str  # x: the crop pans left-right (source wider than the output); y: up-down
    src: tuple[int, int]
    crop: tuple[int, int]
    shots: tuple[Shot, ...]
    notes: tuple[str, ...] = ()
    split_crop: tuple[int, int] = (0, 0)
    wide_width: int = 0

    def shot_at(self, t: float) -> Shot:
        for shot in self.shots:
            if t < shot.end:
                return shot
        return self.shots[-1]

    def centre_at(self, t: float) -> float:
        return self.shot_at(t).centre_at(t)

    def as_dict(self) -> dict[str, object]:
        """What ``vidcamp plan --json`` shows."""
        return {
            "axis": self.axis,
            "crop": list(self.crop),
            "shots": [
                {
                    "from": round(s.start, 3),
                    "to": round(s.end, 3),
                    "mode": s.mode,
                    "subject": s.subject,
                    "centre": round(s.keys[0][1], 4),
                    "keys": len(s.keys),
                    **({"centres": [[round(a, 4), round(b, 4)] for a, b in s.centres]}
                       if s.centres else {}),
                }
                for s in self.shots
            ],
            "notes": list(self.notes),
        }


def camera_plan(
    analysis: Analysis,
    settings: SmartReframe,
    crop: tuple[int, int],
    output: tuple[int, int],
    focus: tuple[float, float],
    what: str = "",
) -> CameraPlan:
    src_w, src_h = analysis.width, analysis.height
    axis = "x" if crop[0] < src_w else "y"
    along = src_w if axis == "x" else src_h
    span = (crop[0] if axis == "x" else crop[1]) / along  # crop size along the axis, 0..1
    default = focus[0] if axis == "x" else focus[1]
    split_crop = _split_crop(src_w, src_h, output)
    bounds = _boundaries(analysis, settings.pins)
    shots: list[Shot] = []
    notes: list[str] = []
    wide = 0.0
    for start, end in pairwise(bounds):
        pin = _pin_over(settings.pins, start, end)
        if pin is not None:
            value = _clamp(pin.x if axis == "x" else pin.y, span)
            shots.append(Shot(start, end, "pinned", "pin", ((start, value),)))
            continue
        samples = [s for s in analysis.samples if start - 1e-6 <= s.t < end - 1e-6]
        shot, need = _plan_shot(samples, start, end, settings, axis, span, along, default)
        wide = max(wide, need)
        if shot.subject == "none":
            notes.append(f"{what}: nothing to follow in {start:.1f}-{end:.1f} s; crop centred")
        shots.append(shot)
    wide_width = 0
    if wide:
        wide_width = min(src_w, max(crop[0], int(wide * src_w) // 2 * 2))
    return CameraPlan(axis, (src_w, src_h), crop, tuple(shots), tuple(notes), split_crop,
                      wide_width)


def _boundaries(analysis: Analysis, pins: Sequence[FocusPin]) -> list[float]:
    edges = {0.0, analysis.duration}
    edges.update(analysis.cuts)
    for pin in pins:
        edges.update((pin.start, pin.end))
    return sorted(e for e in edges if 0.0 <= e <= analysis.duration)


def _pin_over(pins: Sequence[FocusPin], start: float, end: float) -> FocusPin | None:
    for pin in pins:
        if pin.start <= start + 1e-6 and end <= pin.end + 1e-6:
            return pin
    return None


def _split_crop(src_w: int, src_h: int, output: tuple[int, int]) -> tuple[int, int]:
    """The size of each of the two stacked crops: half the output's aspect, zoomed in a little."""
    aspect = output[0] / (output[1] / 2)
    h = int(src_h * SPLIT_ZOOM) // 2 * 2
    w = int(h * aspect) // 2 * 2
    if w > src_w:
        w = src_w // 2 * 2
        h = int(w / aspect) // 2 * 2
    return w, h


def _plan_shot(
    samples: list[Sample], start: float, end: float, settings: SmartReframe, axis: str,
    span: float, along: int, default: float,
) -> tuple[Shot, float]:
    """One shot's plan, and the wide crop width (0..1) it needs (0 unless its mode is wide)."""
    with_face = sum(1 for s in samples if s.faces)
    use_faces = settings.subject == "face" or (
        settings.subject == "auto" and samples and with_face >= FACE_SHARE * len(samples)
    )
    track: list[tuple[float, float | None]] = []
    subject = "face" if use_faces else "motion"
    if use_faces:
        pairs = [_two_faces(s.faces) for s in samples]
        two = [p for p in pairs if p is not None]
        if axis == "x" and samples and len(two) >= TWO_SHARE * len(samples):
            left = _median([p[0].x - p[0].w * (0.5 + FACE_MARGIN) for p in two])
            right = _median([p[1].x + p[1].w * (0.5 + FACE_MARGIN) for p in two])
            if right - left > span:
                mode = settings.fallback
                centres: tuple[tuple[float, float], ...]
                if mode == "split":
                    centres = (
                        (_median([p[0].x for p in two]), _median([p[0].y for p in two])),
                        (_median([p[1].x for p in two]), _median([p[1].y for p in two])),
                    )
                elif mode == "wide":
                    centres = (((left + right) / 2, 0.5),)
                else:
                    centres = ()
                hold = ((start, _clamp(default, span)),)
                need = min(1.0, right - left) if mode == "wide" else 0.0
                return Shot(start, end, mode, "faces", hold, centres), need
            subject = "faces"
            for s, p in zip(samples, pairs, strict=True):
                if p is not None:
                    track.append((s.t, (p[0].x + p[1].x) / 2))
                else:
                    track.append((s.t, _face_pos(s.faces, axis)))
        else:
            track = [(s.t, _face_pos(s.faces, axis)) for s in samples]
    else:
        track = [(s.t, None if s.motion is None else s.motion[0 if axis == "x" else 1])
                 for s in samples]
    known = [(t, _clamp(v, span)) for t, v in track if v is not None]
    if not known:
        return Shot(start, end, "centre", "none", ((start, _clamp(default, span)),)), 0.0
    values = sorted(v for _, v in known)
    lo, hi = _percentile(values, 0.1), _percentile(values, 0.9)
    if hi - lo <= BAND * span:
        return Shot(start, end, "steady", subject, ((start, _clamp((lo + hi) / 2, span)),)), 0.0
    keys = _follow(known, start, end, settings.max_speed, span)
    keys = _simplify(keys, KEY_TOLERANCE / along)
    return Shot(start, end, "follow", subject, tuple(keys)), 0.0


def _two_faces(faces: Sequence[Face]) -> tuple[Face, Face] | None:
    if len(faces) < 2:
        return None
    big = sorted(faces, key=lambda f: f.w * f.h, reverse=True)
    if big[1].w * big[1].h < SECOND_FACE * big[0].w * big[0].h:
        return None
    a, b = sorted(big[:2], key=lambda f: f.x)
    return a, b


def _face_pos(faces: Sequence[Face], axis: str) -> float | None:
    if not faces:
        return None
    face = max(faces, key=lambda f: f.w * f.h)
    return face.x if axis == "x" else face.y


def _follow(
    known: list[tuple[float, float]], start: float, end: float, max_speed: float, span: float
) -> list[tuple[float, float]]:
    """Ease after the smoothed subject: dead zone, bounded speed and acceleration."""
    steps = max(1, round((end - start) / STEP))
    grid = [start + (end - start) * k / steps for k in range(steps + 1)]
    raw = [_interp(known, t) for t in grid]
    half = max(0, round(SMOOTH / 2 / STEP))
    target = [
        sum(raw[max(0, k - half):k + half + 1]) / len(raw[max(0, k - half):k + half + 1])
        for k in range(len(raw))
    ]
    dead = DEAD_ZONE * span
    accel = ACCEL * max_speed
    c, v = target[0], 0.0
    out = []
    for k, (t, goal) in enumerate(zip(grid, target, strict=True)):
        error = goal - c
        if abs(error) <= dead:
            wanted = 0.0
        else:
            # out of the dead zone: move with the subject (its smoothed speed) and close the gap
            ahead = target[min(k + 1, len(target) - 1)] - target[max(k - 1, 0)]
            pace = ahead / (2 * STEP) if 0 < k < len(target) - 1 else 0.0
            if pace * error < 0:
                pace = 0.0  # never feed forward away from the subject
            excess = abs(error) - dead
            wanted = pace + (1 if error > 0 else -1) * GAIN * excess
            wanted = max(-max_speed, min(max_speed, wanted))
        # brake before the frame edge instead of stopping dead on it
        room = (1 - span / 2 - c) if wanted > 0 else (c - span / 2)
        brake = (2 * 0.8 * accel * max(0.0, room)) ** 0.5  # 0.8: room for the time step
        wanted = max(-brake, min(brake, wanted))
        v += max(-accel * STEP, min(accel * STEP, wanted - v))
        c += v * STEP
        clamped = _clamp(c, span)
        if clamped != c:
            c, v = clamped, 0.0
        out.append((t, c))
    return out


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Ramer-Douglas-Peucker on the path: fewer keyframes, none further than ``tolerance``."""
    if len(points) < 3:
        return points
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ta, ca), (tb, cb) = points[a], points[b]
        worst, at = 0.0, -1
        for k in range(a + 1, b):
            t, c = points[k]
            line = ca + (cb - ca) * (t - ta) / (tb - ta)
            if abs(c - line) > worst:
                worst, at = abs(c - line), k
        if at >= 0 and worst > tolerance:
            keep.add(at)
            stack += [(a, at), (at, b)]
    return [points[k] for k in sorted(keep)]


def _interp(known: Sequence[tuple[float, float]], t: float) -> float:
    if t <= known[0][0]:
        return known[0][1]
    for (ta, va), (tb, vb) in pairwise(known):
        if t < tb:
            return va + (vb - va) * (t - ta) / (tb - ta)
    return known[-1][1]


def _clamp(centre: float, span: float) -> float:
    return min(max(centre, span / 2), 1 - span / 2)


def _median(values: list[float]) -> float:
    return _percentile(sorted(values), 0.5)


def _percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]
