"""Tighten recogniser word times to the audio: boundaries snap into the pauses around them.

Whisper's word times come from attention and tend to run a word's start back into the pause
before it. Where a pause in the audio lies near a boundary, the earlier word ends where the
pause begins and the later word starts where it ends; a word start or end that sits inside
silence moves to the nearest speech. Times are seconds from the start of ``samples``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vidcamp.transcribe.words import Word

FRAME = 0.01  # seconds per energy frame
SILENCE_DB = 35.0  # below the loudest frame by this much is silence
MIN_PAUSE = 0.05  # shorter dips are inside a word
SNAP = 0.3  # how far a boundary may move to reach a pause


def speech_mask(samples: Any, rate: int) -> list[bool]:
    """Per 10 ms frame: is there speech (energy within SILENCE_DB of the loudest frame)?"""
    import numpy as np

    hop = int(rate * FRAME)
    n = len(samples) // hop
    if n == 0:
        return []
    frames = np.asarray(samples[: n * hop], dtype=np.float32).reshape(n, hop)
    db = 10 * np.log10(np.mean(frames * frames, axis=1) + 1e-12)
    floor = max(float(db.max()) - SILENCE_DB, -60.0)
    return [bool(v) for v in db > floor]


def pauses(mask: Sequence[bool]) -> list[tuple[float, float]]:
    """Runs of silence at least MIN_PAUSE long, in seconds (the edges of the audio included)."""
    out = []
    k = 0
    while k < len(mask):
        if mask[k]:
            k += 1
            continue
        j = k
        while j < len(mask) and not mask[j]:
            j += 1
        if (j - k) * FRAME >= MIN_PAUSE or k == 0 or j == len(mask):
            out.append((k * FRAME, j * FRAME))
        k = j
    return out


def snap_words(words: Sequence[Word], samples: Any, rate: int) -> list[Word]:
    """``words`` with their boundaries moved into nearby pauses of ``samples``."""
    if not words:
        return []
    gaps = pauses(speech_mask(samples, rate))
    if not gaps:
        return list(words)
    starts = [w.start for w in words]
    ends = [w.end for w in words]
    # the first word starts where speech does; the last ends at the pause that follows it
    for gap in gaps:
        if gap[0] <= starts[0] < gap[1] and gap[1] < ends[0]:
            starts[0] = gap[1]
    tail = _nearest(gaps, ends[-1], ends[-1], ((starts[-1] + ends[-1]) / 2, float("inf")))
    if tail is not None:
        ends[-1] = tail[0]
    for k in range(len(words) - 1):
        # the pause must leave each word at least its first / last half
        within = ((starts[k] + ends[k]) / 2, (starts[k + 1] + ends[k + 1]) / 2)
        pause = _nearest(gaps, ends[k], starts[k + 1], within)
        if pause is not None:
            ends[k], starts[k + 1] = pause
    return [
        Word(w.text, round(s, 3), round(max(s, e), 3), w.probability)
        for w, s, e in zip(words, starts, ends, strict=True)
    ]


def _nearest(
    gaps: Sequence[tuple[float, float]], left: float, right: float,
    within: tuple[float, float],
) -> tuple[float, float] | None:
    """The pause that best explains the boundary span [left, right] within SNAP of it: the
    longest, less a quarter of its distance (a stop consonant's closure loses to a pause)."""
    best: tuple[float, float] | None = None
    best_score = float("-inf")
    for gap in gaps:
        if gap[1] < left - SNAP or gap[0] > right + SNAP:
            continue
        if gap[0] <= within[0] or gap[1] >= within[1]:
            continue
        if gap[1] >= left and gap[0] <= right:
            distance = 0.0
        else:
            distance = min(abs(gap[0] - right), abs(gap[1] - left))
        score = (gap[1] - gap[0]) - distance / 4
        if score > best_score:
            best, best_score = gap, score
    return best
