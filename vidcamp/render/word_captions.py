"""Word-timed captions → animated ASS events: karaoke, pop and chunk.

Words are grouped into chunks (at most ``words_per_chunk`` words, broken at pauses and at
punctuation) that sit on screen one after another on at most ``max_lines`` lines. ``karaoke``
draws the word being spoken in the accent colour, ``pop`` reveals each word with a quick
scale-in, ``chunk`` shows the chunk as it is. Every variant of a chunk lays out the whole chunk
(words still to come are transparent), so no word moves when the next one appears. Keywords
(``highlight:``) are drawn in the highlight colour throughout.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from vidcamp.jobs import ClipRender
from vidcamp.render.captions import CaptionStyle, _font_facts, font_chain, font_runs, parse_color
from vidcamp.transcribe.words import Word

PAUSE = 0.35  # a silence this long between words starts a new chunk
HOLD = 0.4  # a chunk stays this long after its last word when nothing follows at once
BREAK_AFTER = tuple(".,!?;:…。、！？，")
POP_MS = 120  # how long a word takes to scale in
POP_FROM = 60  # percent size a popping word starts at


@dataclass(frozen=True)
class WordEvent:
    """One ASS event: ``text`` is a finished event body (override tags included)."""

    start: float
    end: float
    text: str


def chunk_words(words: Sequence[Word], per_chunk: int, pause: float = PAUSE) -> list[list[Word]]:
    """Group words into on-screen chunks: at most ``per_chunk``, broken at pauses and
    after punctuation."""
    chunks: list[list[Word]] = []
    for w in words:
        if (
            not chunks
            or len(chunks[-1]) >= per_chunk
            or w.start - chunks[-1][-1].end >= pause
            or chunks[-1][-1].text.endswith(BREAK_AFTER)
        ):
            chunks.append([])
        chunks[-1].append(w)
    return chunks


def split_lines(chunk: Sequence[str], max_lines: int) -> list[list[int]]:
    """Word indexes per line: one line, or two balanced by length when the chunk is long."""
    indexes = list(range(len(chunk)))
    length = sum(len(t) for t in chunk) + len(chunk) - 1
    if max_lines < 2 or len(chunk) < 3 or length <= 16:
        return [indexes]
    best, best_cut = None, 1
    for cut in range(1, len(chunk)):
        top = sum(len(t) for t in chunk[:cut]) + cut - 1
        bottom = length - top - 1
        score = abs(top - bottom) + (0 if top <= bottom + 4 else 2)  # a shorter top reads well
        if best is None or score < best:
            best, best_cut = score, cut
    return [indexes[:best_cut], indexes[best_cut:]]


def highlight_key(text: str) -> str:
    """A word as highlight matching sees it: case-folded, without punctuation around it."""
    stripped = "".join(ch for ch in text if not unicodedata.category(ch).startswith("P"))
    return stripped.casefold()


def _ass_color(value: str) -> str:
    r, g, b, _ = parse_color(value)
    return f"&H{b:02X}{g:02X}{r:02X}&"


def word_events(
    words: Sequence[Word],
    style: CaptionStyle,
    *,
    highlight: Sequence[str] = (),
) -> list[WordEvent]:
    """The ASS events of word-timed captions in ``style`` (its ``animation`` decides the look)."""
    if not words:
        return []
    groups = chunk_words(words, style.words_per_chunk)
    chain = [_font_facts(p) for p in font_chain(style)]
    marked = {highlight_key(h) for h in highlight if highlight_key(h)}
    accent = _ass_color(style.accent_color or style.color)
    keyword = _ass_color(style.highlight_color)
    out: list[WordEvent] = []
    for n, group in enumerate(groups):
        texts = [w.text.upper() if style.uppercase else w.text for w in group]
        bodies = [font_runs(t, chain) for t in texts]
        layout = split_lines(texts, style.max_lines)
        start = group[0].start
        last_end = max(w.end for w in group)
        end = last_end + HOLD
        if n + 1 < len(groups):
            end = min(end, groups[n + 1][0].start)
        end = max(end, last_end)
        if style.animation in ("none", "chunk"):
            out.append(WordEvent(start, end, _compose(bodies, group, layout, marked, keyword)))
            continue
        for k, w in enumerate(group):
            w_start = start if k == 0 else w.start
            w_end = group[k + 1].start if k + 1 < len(group) else end
            if w_end - w_start < 0.01:
                continue
            text = _compose(
                bodies, group, layout, marked, keyword,
                current=k, accent=accent, pop=style.animation == "pop",
            )
            out.append(WordEvent(w_start, w_end, text))
    return out


def _compose(
    bodies: Sequence[str],
    group: Sequence[Word],
    layout: Sequence[Sequence[int]],
    marked: set[str],
    keyword: str,
    *,
    current: int | None = None,
    accent: str = "",
    pop: bool = False,
) -> str:
    lines = []
    for line in layout:
        parts = []
        for k in line:
            tags = ""
            if current is not None and k == current:
                tags += f"\\c{accent}"
                if pop:
                    tags += (f"\\fscx{POP_FROM}\\fscy{POP_FROM}"
                             f"\\t(0,{POP_MS},\\fscx100\\fscy100)")
            elif highlight_key(group[k].text) in marked:
                tags += f"\\c{keyword}"
            if pop and current is not None and k > current:
                tags += "\\alpha&HFF&"  # not said yet: laid out, not drawn
            parts.append(f"{{{tags}}}{bodies[k]}{{\\r}}" if tags else bodies[k])
        lines.append(" ".join(parts))
    return "\\N".join(lines)


def clip_words(job: ClipRender) -> tuple[list[Word], tuple[str, ...]]:
    """A word-timed clip's words on its timeline: from its transcript (transcribed now if it
    is missing) or from its word file (moved through the cut)."""
    from vidcamp.transcribe.words import stale_cut, timeline_words

    captions = job.captions
    assert captions is not None
    notes: tuple[str, ...] = ()
    if captions.transcript is not None and not captions.transcript.is_file():
        from vidcamp.transcribe.campaign import ensure_transcript

        result = ensure_transcript(job)
        if result is not None:
            notes += (result.summary(),)
    path = captions.transcript or captions.word_file
    assert path is not None
    words, transcript = timeline_words(
        path, transcript=captions.transcript is not None, segments=job.segments
    )
    if transcript is not None and stale_cut(transcript, job.segments):
        notes += (f"{path}: made for another cut of the clip; its word times "
                  f"may be off (vidcamp transcribe --force --only {job.clip_id})",)
    if not words:
        notes += (f"{job.clip_id}: no speech in the clip; its captions are empty",)
    return words, notes
