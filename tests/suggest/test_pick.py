"""Picking, without ffmpeg: no overlap, the diversity rule, and when it is relaxed."""

from __future__ import annotations

import itertools

from vidcamp.suggest.pick import Candidate, boundaries, choose
from vidcamp.suggest.score import Boundary, Part
from vidcamp.suggest.signals import Signals


def cand(start: float, end: float, score: float) -> Candidate:
    part = Part("length", score / 100, 1.0, "")
    return Candidate(Boundary(start, "pause", 1.0), Boundary(end, "pause", 1.0), (part,), score)


def test_the_best_minute_does_not_take_every_pick() -> None:
    # ten excellent clips packed into the first minute, weaker ones spread over an hour
    packed = [cand(k * 6.0, k * 6.0 + 5.5, 95 - k * 0.1) for k in range(10)]
    spread = [cand(300.0 * k, 300.0 * k + 5.5, 70 - k) for k in range(1, 11)]
    picks = choose(packed + spread, count=10, spacing=60)
    middles = sorted(c.middle for c in picks.chosen)
    assert len(picks.chosen) == 10 and not picks.notes
    assert all(b - a >= 60 for a, b in itertools.pairwise(middles))
    assert sum(1 for c in picks.chosen if c.start.time < 60) == 1
    assert picks.chosen[0].score == 95  # the best clip still comes first


def test_rule_relaxed_only_to_fill_the_count_and_never_overlaps() -> None:
    packed = [cand(k * 6.0, k * 6.0 + 5.5, 90 - k) for k in range(10)]
    overlapping = [cand(k * 6.0 + 3, k * 6.0 + 8.5, 99) for k in range(9)]
    picks = choose(packed + overlapping, count=5, spacing=60)
    assert len(picks.chosen) == 5
    assert picks.notes and "relaxed" in picks.notes[0]
    ordered = sorted(picks.chosen, key=lambda c: c.start.time)
    assert all(a.end.time <= b.start.time for a, b in itertools.pairwise(ordered))


def test_cuts_in_speech_are_not_boundaries_unless_asked() -> None:
    cells = 300
    signals = Signals(duration=30.0, has_audio=True, loudness=(-20.0,) * cells,
                      motion=(0.0,) * cells, cuts=(10.0, 20.05), silences=((19.9, 20.6),))
    starts, ends = boundaries(signals, None)
    # the cut at 20.05 s is in a pause; the one at 10 s is mid-speech and left out
    assert [round(b.time, 2) for b in starts] == [0.0, 20.05, 20.45]
    assert [round(b.time, 2) for b in ends] == [20.05, 30.0]
    starts, _ = boundaries(signals, None, mid_speech_cuts=True)
    assert (10.0, "cut-mid-speech") in [(b.time, b.kind) for b in starts]
