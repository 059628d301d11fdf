"""Score a candidate clip: every part is a number from 0 to 1 with the measurement behind it.

The score of a clip is ``100 * sum(weight * part) / sum(weight)`` over the parts that could be
measured (no audio: only the picture's parts count). ``WEIGHTS`` is the one table to change.

Each part, its weight, and what 1.0 means (docs/suggest.md has the same table):

    hook        0.25  speech within 0.3 s of the start and a loud first 3 s; with a transcript
                      also a question, a number or a strong word in those 3 s
    loudness    0.15  the clip's speech is as loud as the loudest tenth of the footage's speech
                      (EBU R128 momentary loudness)
    speech      0.15  2.2-3.6 words a second (transcript), else speech 90% of the time or more
    dead_air    0.10  no pause longer than 1 s inside the clip
    pace        0.10  2-12 shot changes a minute
    motion      0.05  the picture changes as much as in the busiest tenth of the footage
    boundaries  0.10  starts and ends on a pause, a sentence or a cut (not mid-speech)
    length      0.10  the middle of the length range (requested range within the target's limits)
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from vidcamp.suggest.signals import STEP, Signals
from vidcamp.suggest.transcript import Word

WEIGHTS: dict[str, float] = {
    "hook": 0.25,
    "loudness": 0.15,
    "speech": 0.15,
    "dead_air": 0.10,
    "pace": 0.10,
    "motion": 0.05,
    "boundaries": 0.10,
    "length": 0.10,
}
AUDIO_PARTS = frozenset({"hook", "loudness", "speech", "dead_air"})

HOOK_SECONDS = 3.0
DEAD_AIR = 1.0  # a pause longer than this inside a clip is dead air
STRONG_WORDS = frozenset((
    "secret", "never", "always", "mistake", "stop", "why", "how", "best", "worst", "free", "new",
    "first", "last", "only", "truth", "wrong", "biggest", "easiest", "fastest", "simple",
    "nobody", "everyone", "warning", "imagine",
))
_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred)\b", re.I)


@dataclass(frozen=True)
class Part:
    name: str
    value: float  # 0..1
    weight: float
    detail: str  # the measurement, in words

    @property
    def points(self) -> float:
        return self.value * self.weight


@dataclass(frozen=True)
class Boundary:
    """A place a clip may start or end, and what makes it a good one."""

    time: float
    kind: str  # pause | sentence | cut | edge | cut-mid-speech | quiet
    quality: float  # 0..1


def boundary_quality(kind: str) -> float:
    return {"pause": 1.0, "sentence": 1.0, "cut": 1.0, "edge": 0.8, "quiet": 0.4}.get(kind, 0.3)


class Scorer:
    """Scores windows of one footage in constant time each (prefix sums over the grid)."""

    def __init__(self, signals: Signals, words: Sequence[Word] | None,
                 length_range: tuple[float, float]) -> None:
        self.signals = signals
        self.words = list(words or [])
        self.word_starts = [w.start for w in self.words]
        self.lo, self.hi = length_range
        n = signals.cells
        speech = [1] * n
        dead = [0] * n
        for s, e in signals.silences:
            a, b = _cell(s, n), _cell(e, n)
            for i in range(a, b):
                speech[i] = 0
            if e - s > DEAD_AIR:
                for i in range(a, b):
                    dead[i] = 1
        if not signals.has_audio:
            speech = [0] * n
        self._speech = _prefix(speech)
        self._dead = _prefix(dead)
        loud_speech = [v if m else 0.0 for v, m in zip(signals.loudness, speech, strict=True)]
        self._loud = _prefix(loud_speech)
        self._motion = _prefix(signals.motion)
        spoken = sorted(v for v, m in zip(signals.loudness, speech, strict=True) if m)
        self.loud_lo = _quantile(spoken, 0.1)
        self.loud_hi = _quantile(spoken, 0.9)
        self.motion_hi = max(_quantile(sorted(signals.motion), 0.9), 1e-3)
        # next cell at or after i that has speech (n when none): the hook's onset delay
        nxt = [n] * (n + 1)
        for i in range(n - 1, -1, -1):
            nxt[i] = i if speech[i] else nxt[i + 1]
        self._next_speech = nxt

    def parts(self, start: Boundary, end: Boundary) -> list[Part]:
        s, e = start.time, end.time
        n = self.signals.cells
        a, b = _cell(s, n), max(_cell(s, n) + 1, _cell(e, n))
        cells = b - a
        length = e - s
        audio = self.signals.has_audio
        out: list[Part] = []
        if audio:
            out.append(self._hook(s, a, n))
            speech_cells = self._speech[b] - self._speech[a]
            if speech_cells:
                mean = (self._loud[b] - self._loud[a]) / speech_cells
                span = max(self.loud_hi - self.loud_lo, 1.0)
                value = _clamp((mean - self.loud_lo) / span)
                out.append(Part("loudness", value, WEIGHTS["loudness"],
                                f"speech at {mean:.1f} LUFS momentary"))
            else:
                out.append(Part("loudness", 0.0, WEIGHTS["loudness"], "no speech"))
            out.append(self._speech_part(s, e, speech_cells / cells))
            dead = (self._dead[b] - self._dead[a]) * STEP
            out.append(Part("dead_air", _clamp(1 - dead / max(length * 0.1, 1.0)),
                            WEIGHTS["dead_air"], f"{dead:.1f} s in pauses over {DEAD_AIR:g} s"))
        lo_i = bisect.bisect_right(self.signals.cuts, s + 0.05)
        hi_i = bisect.bisect_left(self.signals.cuts, e - 0.05)
        cuts = max(0, hi_i - lo_i)
        per_min = cuts * 60 / max(length, 1e-6)
        pace = 1.0 if 2 <= per_min <= 12 else (0.4 + 0.3 * per_min if per_min < 2
                                               else _clamp(1 - (per_min - 12) / 30, 0.3))
        plural = "" if cuts == 1 else "s"
        out.append(Part("pace", pace, WEIGHTS["pace"],
                        f"{cuts} shot change{plural} ({per_min:.1f}/min)"))
        motion = (self._motion[b] - self._motion[a]) / cells
        out.append(Part("motion", _clamp(motion / self.motion_hi), WEIGHTS["motion"],
                        f"mean scene change {motion:.3f}"))
        out.append(Part("boundaries", (start.quality + end.quality) / 2, WEIGHTS["boundaries"],
                        f"starts on {start.kind}, ends on {end.kind}"))
        mid, half = (self.lo + self.hi) / 2, max((self.hi - self.lo) / 2, 1e-6)
        out.append(Part("length", _clamp(1 - 0.5 * abs(length - mid) / half), WEIGHTS["length"],
                        f"{length:.1f} s (range {self.lo:g}-{self.hi:g} s)"))
        return out

    def _hook(self, s: float, a: int, n: int) -> Part:
        onset = (self._next_speech[a] - a) * STEP if self._next_speech[a] < n else HOOK_SECONDS
        onset_value = _clamp(1 - max(0.0, onset - 0.3) / 1.7)
        h = min(n, a + round(HOOK_SECONDS / STEP))
        speech_cells = self._speech[h] - self._speech[a]
        first = (self._loud[h] - self._loud[a]) / speech_cells if speech_cells else self.loud_lo
        loud_value = _clamp((first - self.loud_lo) / max(self.loud_hi - self.loud_lo, 1.0))
        details = [f"speech after {onset:.1f} s"]
        if not self.words:
            value = 0.6 * onset_value + 0.4 * loud_value
        else:
            text = " ".join(w.text for w in self._words_in(s, s + HOOK_SECONDS))
            bonus = 0.0
            if "?" in text:
                bonus += 0.4
                details.append("a question")
            if _NUMBER.search(text):
                bonus += 0.3
                details.append("a number")
            strong = sorted({t for t in re.findall(r"[a-z']+", text.lower()) if t in STRONG_WORDS})
            if strong:
                bonus += 0.3
                details.append("strong word " + "/".join(strong[:2]))
            value = 0.4 * onset_value + 0.2 * loud_value + 0.4 * _clamp(bonus)
        return Part("hook", value, WEIGHTS["hook"], ", ".join(details))

    def _speech_part(self, s: float, e: float, activity: float) -> Part:
        if self.words:
            count = len(self._words_in(s, e))
            rate = count / max(e - s, 1e-6)
            value = 1.0 if 2.2 <= rate <= 3.6 else _clamp(
                1 - (2.2 - rate) / 1.5 if rate < 2.2 else 1 - (rate - 3.6) / 1.5)
            return Part("speech", value, WEIGHTS["speech"], f"{rate:.1f} words/s")
        return Part("speech", _clamp(activity / 0.9), WEIGHTS["speech"],
                    f"speech {activity:.0%} of the time")

    def _words_in(self, s: float, e: float) -> list[Word]:
        i = bisect.bisect_left(self.word_starts, s - 0.05)
        out = []
        while i < len(self.words) and self.words[i].start < e:
            out.append(self.words[i])
            i += 1
        return out


def total(parts: Sequence[Part]) -> float:
    """The clip's score, 0..100: the weighted mean of its parts."""
    weight = sum(p.weight for p in parts)
    return 100 * sum(p.points for p in parts) / weight if weight else 0.0


def _cell(t: float, n: int) -> int:
    return min(n, max(0, round(t / STEP)))


def _prefix(values: Sequence[float]) -> list[float]:
    return [0.0, *accumulate(values)]


def _quantile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def _clamp(value: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return max(lo, min(hi, value))
