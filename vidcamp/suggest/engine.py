"""Footage in, ranked clip suggestions out: probe, measure once, score every window, pick."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vidcamp.errors import MediaError, UsageError
from vidcamp.media.probe import MediaInfo
from vidcamp.presets import get_preset
from vidcamp.suggest.pick import MERGE, Candidate, boundaries, candidates, choose, quiet_boundaries
from vidcamp.suggest.score import Boundary, Scorer
from vidcamp.suggest.signals import Signals, measure_signals
from vidcamp.suggest.transcript import Sentence, Word, sentences

MAX_SPACING = 60.0  # seconds between two picks' middles, at most (the diversity rule)


@dataclass(frozen=True)
class Suggestion:
    """One suggested clip: where it is, its score and parts, a title draft, caption lines."""

    rank: int
    candidate: Candidate
    title: str
    captions: tuple[tuple[float, float, str], ...]  # clip-time (start, end, text)

    @property
    def start(self) -> float:
        return self.candidate.start.time

    @property
    def end(self) -> float:
        return self.candidate.end.time

    @property
    def score(self) -> float:
        return self.candidate.score

    def strongest(self, n: int = 3) -> list[str]:
        """The ``n`` parts that give the most points, as ``"name value"``."""
        parts = sorted(self.candidate.parts, key=lambda p: -p.points)[:n]
        return [f"{p.name} {p.value:.2f}" for p in parts]


@dataclass(frozen=True)
class SuggestResult:
    footage: Path
    target: str
    length_range: tuple[float, float]
    signals: Signals
    suggestions: tuple[Suggestion, ...]
    considered: int
    notes: tuple[str, ...]
    transcript: bool
    # (model, language) when the words came from the transcription extra: the clips then ask
    # for `captions: {auto: true}` so the build transcribes each cut into editable words
    auto_captions: tuple[str, str] | None = None


def parse_length(text: str) -> tuple[float, float]:
    """``"20-60"`` -> (20.0, 60.0); UsageError otherwise."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*", text)
    if not m or float(m.group(1)) <= 0 or float(m.group(1)) > float(m.group(2)):
        raise UsageError(f"--length {text!r}: expected MIN-MAX seconds, e.g. 20-60")
    return float(m.group(1)), float(m.group(2))


def effective_range(length: tuple[float, float], target: str) -> tuple[float, float]:
    """The requested length range within what the target's preset accepts."""
    try:
        preset = get_preset(target)
    except KeyError as exc:
        raise UsageError(f"--target: {exc.args[0]}") from None
    lo, hi = max(length[0], preset.min_duration), min(length[1], preset.max_duration)
    if lo > hi:
        raise UsageError(
            f"--length {length[0]:g}-{length[1]:g}: {target} takes "
            f"{preset.min_duration:g}-{preset.max_duration:g} s clips"
        )
    return lo, hi


def check_footage(footage: Path, shortest: float) -> MediaInfo:
    """The footage's probe; MediaError when it has no picture or is shorter than ``shortest``."""
    from vidcamp.media.probe import probe

    info = probe(footage)
    if info.video is None:
        raise MediaError(f"{footage}: has no video stream")
    if info.duration < shortest:
        raise MediaError(
            f"{footage}: footage is {info.duration:.1f} s, shorter than the shortest clip "
            f"asked for ({shortest:g} s; see --length)"
        )
    return info


def suggest_clips(
    footage: Path,
    *,
    count: int = 12,
    length: tuple[float, float] = (20.0, 60.0),
    target: str = "youtube_shorts",
    words: Sequence[Word] | None = None,
    progress: Callable[[float], None] | None = None,
    auto_captions: tuple[str, str] | None = None,
) -> SuggestResult:
    """Rank non-overlapping clips of ``footage``; ``words`` (timed) adds sentence boundaries."""
    if count < 1:
        raise UsageError(f"--count must be at least 1, got {count}")
    lo, hi = effective_range(length, target)
    info = check_footage(footage, lo)
    notes: list[str] = []
    if not info.has_audio:
        notes.append(f"{footage.name} has no audio: clips are chosen from shot and motion "
                     "signals only")
        words = None
    signals = measure_signals(info, progress=progress)
    said = sentences(list(words)) if words else []
    scorer = Scorer(signals, words, (lo, hi))
    starts, ends = boundaries(signals, said)
    wordless = _wordless(said, signals.duration, lo)
    if wordless:
        # stretches of a clip's length or more without words (music, an untranscribed part):
        # their pauses and cuts are boundaries too
        more_starts, more_ends = boundaries(signals, None)
        starts = _merge_in(starts, [b for b in more_starts if _inside(b.time, wordless)])
        ends = _merge_in(ends, [b for b in more_ends if _inside(b.time, wordless)])
        notes.append(f"{sum(b - a for a, b in wordless):.0f} s of the footage have no words in "
                     "the transcript: pauses and cuts there are used too")
    cands = candidates(scorer, starts, ends, lo, hi)
    if len(cands) < count and signals.has_audio and not said and signals.cuts:
        starts, ends = boundaries(signals, said, mid_speech_cuts=True)
        more = candidates(scorer, starts, ends, lo, hi)
        if len(more) > len(cands):
            cands = more
            notes.append("few pauses fit the length range: shot changes in speech used too")
    if not cands:
        quiet = quiet_boundaries(signals)
        cands = candidates(scorer, quiet, quiet, lo, hi)
        notes.append(f"no pause, sentence or shot change pair is {lo:g}-{hi:g} s apart: clips "
                     "cut at the quietest moment of a second instead (check their edges)")
    spacing = min(MAX_SPACING, signals.duration / (count + 1))
    picks = choose(cands, count, spacing)
    notes.extend(picks.notes)
    out = tuple(
        Suggestion(k, c, _title(c, said), _caption_lines(c, words or []))
        for k, c in enumerate(picks.chosen, 1)
    )
    return SuggestResult(
        footage=footage, target=target, length_range=(lo, hi), signals=signals,
        suggestions=out, considered=picks.considered, notes=tuple(notes),
        transcript=bool(said), auto_captions=auto_captions if said else None,
    )


def _wordless(said: Sequence[Sentence], duration: float, shortest: float
              ) -> list[tuple[float, float]]:
    """Stretches between sentences (and before the first, after the last) of at least
    ``shortest`` seconds, kept 0.3 s clear of the sentences."""
    if not said:
        return []
    edges = [0.0, *(t for x in said for t in (x.start, x.end)), duration]
    gaps = [(edges[k], edges[k + 1]) for k in range(0, len(edges), 2)]
    return [(a + MERGE if a > 0 else a, b - MERGE if b < duration else b)
            for a, b in gaps if b - a >= shortest]


def _inside(t: float, spans: Sequence[tuple[float, float]]) -> bool:
    return any(a <= t <= b for a, b in spans)


def _merge_in(first: list[Boundary], more: list[Boundary]) -> list[Boundary]:
    """Both lists in time order; a boundary of ``more`` too close to one of ``first`` is
    dropped."""
    kept = [b for b in more if all(abs(b.time - f.time) >= MERGE for f in first)]
    return sorted([*first, *kept], key=lambda b: b.time)


def _title(c: Candidate, said: Sequence[Sentence]) -> str:
    inside = [s for s in said if c.start.time <= (s.start + s.end) / 2 <= c.end.time]
    if inside:
        question = next((s for s in inside if s.text.rstrip().endswith("?")), None)
        text = (question or inside[0]).text.strip()
        return text if len(text) <= 80 else text[:79].rsplit(" ", 1)[0] + "…"
    m, s = divmod(int(c.start.time), 60)
    return f"Clip at {m}:{s:02d}"


def _caption_lines(c: Candidate, words: Sequence[Word]) -> tuple[tuple[float, float, str], ...]:
    """Words of the clip in short lines (at most 4 words or 2.5 s), timed on the clip."""
    # by the word's middle: a transcriber may start a clip's first word in the pause before
    inside = [w for w in words if c.start.time <= (w.start + w.end) / 2 <= c.end.time]
    lines: list[tuple[float, float, str]] = []
    group: list[Word] = []
    for w in inside:
        if group and (len(group) >= 4 or w.end - group[0].start > 2.5):
            lines.append(_line(group, c.start.time, c.end.time))
            group = []
        group.append(w)
        if w.text.endswith((".", "?", "!")):
            lines.append(_line(group, c.start.time, c.end.time))
            group = []
    if group:
        lines.append(_line(group, c.start.time, c.end.time))
    return tuple(lines)


def _line(group: Sequence[Word], offset: float, clip_end: float) -> tuple[float, float, str]:
    start = max(0.0, round(group[0].start - offset, 2))
    end = max(start + 0.1, round(min(group[-1].end, clip_end) - offset, 2))
    return (start, end, " ".join(w.text for w in group))
