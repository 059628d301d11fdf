"""Candidate windows between good boundaries, scored, then picked without overlap and spread out.

Boundaries, best first:
- with a transcript: sentence starts and ends (a clip holds whole sentences), moved out of a
  pause they fall in (transcribers often start a sentence's first word in the pause before);
- with sound: the edges of pauses, 0.15 s into the pause (never mid-word, never in dead air),
  and shot changes that fall in a pause;
- without sound: shot changes;
- the start and end of the footage (without a transcript).
A shot change in the middle of speech is used only when the rest cannot fill the count, and the
quietest moment of each second only when nothing else gives a clip of the right length.

Diversity: two picks' middles are at least ``spacing`` apart (a minute, or the footage length
over the count plus one when that is less), so the top ten do not all come from one minute.
When that leaves fewer picks than asked for, the rule is relaxed and the report says so.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from vidcamp.suggest.score import Boundary, Part, Scorer, boundary_quality, total
from vidcamp.suggest.signals import STEP, Signals
from vidcamp.suggest.transcript import Sentence

PAUSE_PAD = 0.15  # seconds into a pause that a clip starts before speech or ends after it
MERGE = 0.3  # boundaries closer than this are one
MAX_CANDIDATES_PER_START = 60


@dataclass(frozen=True)
class Candidate:
    start: Boundary
    end: Boundary
    parts: tuple[Part, ...]
    score: float

    @property
    def duration(self) -> float:
        return self.end.time - self.start.time

    @property
    def middle(self) -> float:
        return (self.start.time + self.end.time) / 2


@dataclass(frozen=True)
class Picks:
    chosen: tuple[Candidate, ...]
    considered: int
    notes: tuple[str, ...]


def boundaries(signals: Signals, sentences: Sequence[Sentence] | None,
               *, mid_speech_cuts: bool = False) -> tuple[list[Boundary], list[Boundary]]:
    """Where clips may start, and where they may end."""
    dur = signals.duration
    starts: list[Boundary] = [Boundary(0.0, "edge", boundary_quality("edge"))]
    ends: list[Boundary] = [Boundary(dur, "edge", boundary_quality("edge"))]
    if sentences:  # whole sentences only: the footage's own ends may cut one
        starts, ends = [], []
        pauses = signals.silences
        for k, said in enumerate(sentences):
            before = sentences[k - 1].end if k else 0.0
            after = sentences[k + 1].start if k + 1 < len(sentences) else dur
            # a transcriber's first word often begins in the pause before it: start where the
            # sound does (and end where it stops), never in dead air
            begin = _out_of_pause(said.start, pauses, forward=True)
            finish = _out_of_pause(said.end, pauses, forward=False)
            starts.append(Boundary(max(before, begin - PAUSE_PAD), "sentence", 1.0))
            ends.append(Boundary(min(after, finish + PAUSE_PAD), "sentence", 1.0))
        return _merge(starts), _merge(ends)
    pauses = signals.silences
    for s, e in pauses:
        pad = min(PAUSE_PAD, (e - s) / 2)
        if e < dur:
            starts.append(Boundary(e - pad, "pause", boundary_quality("pause")))
        if s > 0:
            ends.append(Boundary(s + pad, "pause", boundary_quality("pause")))
    for t in signals.cuts:
        in_pause = _in_pause(t, pauses)
        if not signals.has_audio or in_pause:
            starts.append(Boundary(t, "cut", boundary_quality("cut")))
            ends.append(Boundary(t, "cut", boundary_quality("cut")))
        elif mid_speech_cuts:
            starts.append(Boundary(t, "cut-mid-speech", boundary_quality("cut-mid-speech")))
            ends.append(Boundary(t, "cut-mid-speech", boundary_quality("cut-mid-speech")))
    return _merge(starts), _merge(ends)


def quiet_boundaries(signals: Signals, every: float = 1.0) -> list[Boundary]:
    """The last resort when nothing else fits: the quietest moment of each ``every`` seconds
    (or simply every ``every`` seconds without sound), as both starts and ends."""
    step = max(1, round(every / STEP))
    out = [Boundary(0.0, "edge", boundary_quality("edge"))]
    for a in range(step, signals.cells - 1, step):
        window = range(a, min(signals.cells, a + step))
        i = min(window, key=lambda k: signals.loudness[k]) if signals.has_audio else a
        out.append(Boundary(round(i * STEP, 3), "quiet", boundary_quality("quiet")))
    out.append(Boundary(signals.duration, "edge", boundary_quality("edge")))
    return _merge(out)


def _out_of_pause(t: float, pauses: Sequence[tuple[float, float]], *, forward: bool) -> float:
    """``t`` moved to the end (``forward``) or start of the pause it falls in, if any."""
    for s, e in pauses:
        if s <= t < e:
            return e if forward else s
    return t


def _in_pause(t: float, pauses: Sequence[tuple[float, float]]) -> bool:
    return any(s - MERGE <= t <= e + MERGE for s, e in pauses)


def _merge(points: list[Boundary]) -> list[Boundary]:
    """Sorted, with boundaries closer than MERGE folded into the best of them."""
    out: list[Boundary] = []
    for b in sorted(points, key=lambda b: b.time):
        if out and b.time - out[-1].time < MERGE:
            if b.quality > out[-1].quality:
                out[-1] = b
            continue
        out.append(b)
    return out


def candidates(scorer: Scorer, starts: Sequence[Boundary], ends: Sequence[Boundary],
               lo: float, hi: float) -> list[Candidate]:
    """Every (start, end) pair whose length is within [lo, hi], scored."""
    end_times = [b.time for b in ends]
    out: list[Candidate] = []
    for s in starts:
        i = bisect.bisect_left(end_times, s.time + lo - 1e-6)
        j = bisect.bisect_right(end_times, s.time + hi + 1e-6)
        for e in ends[i:min(j, i + MAX_CANDIDATES_PER_START)]:
            parts = tuple(scorer.parts(s, e))
            out.append(Candidate(s, e, parts, round(total(parts), 1)))
    return out


def choose(cands: Sequence[Candidate], count: int, spacing: float) -> Picks:
    """The best ``count`` candidates that do not overlap, spread by ``spacing``."""
    ranked = sorted(cands, key=lambda c: (-c.score, c.start.time))
    chosen: list[Candidate] = []
    notes: list[str] = []
    for c in ranked:
        if len(chosen) >= count:
            break
        if _fits(c, chosen, spacing):
            chosen.append(c)
    if len(chosen) < count:
        before = len(chosen)
        for c in ranked:
            if len(chosen) >= count:
                break
            if c not in chosen and _fits(c, chosen, 0.0):
                chosen.append(c)
        if len(chosen) > before:
            notes.append(f"diversity rule ({spacing:.0f} s between picks) relaxed to fill "
                         f"{len(chosen)} picks")
    chosen.sort(key=lambda c: (-c.score, c.start.time))
    return Picks(tuple(chosen), len(cands), tuple(notes))


def _fits(c: Candidate, chosen: Sequence[Candidate], spacing: float) -> bool:
    for o in chosen:
        if c.start.time < o.end.time - 1e-6 and o.start.time < c.end.time - 1e-6:
            return False
        if abs(c.middle - o.middle) < spacing:
            return False
    return True
