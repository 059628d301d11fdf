"""The transcript signal: timed words in, sentences out.

Suggest needs only this from any transcriber: a list of words with start and end times on the
footage. ``Word`` is that interface; :func:`load_words` reads it from JSON (a list of
``{"start", "end", "word"}`` objects, or ``{"words": [...]}``), :func:`words_from` accepts
any objects with ``start``, ``end`` and ``word`` (or ``text``) attributes, such as the word
timestamps faster-whisper returns, and :func:`transcribe_footage` asks the transcription extra.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidcamp.errors import MediaError
from vidcamp.transcribe.words import Word

SENTENCE_END = re.compile(r"[.!?…]['\")\]]*$")
LONG_PAUSE = 1.2  # seconds between words that end a sentence even without punctuation


@dataclass(frozen=True)
class Sentence:
    start: float
    end: float
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def words_from(items: Iterable[Any]) -> list[Word]:
    """Words from dicts or objects with start/end/word (or text); empty words dropped."""
    out: list[Word] = []
    for item in items:
        get = item.get if isinstance(item, dict) else lambda k, i=item: getattr(i, k, None)
        text = get("word") if get("word") is not None else get("text")
        start, end = get("start"), get("end")
        if text is None or start is None or end is None:
            raise ValueError("each word needs start, end and word (or text)")
        text = str(text).strip()
        if text:
            out.append(Word(text, float(start), max(float(start), float(end))))
    out.sort(key=lambda w: w.start)
    return out


def load_words(path: Path) -> list[Word]:
    """Timed words from a JSON file; MediaError naming the file when it is not that."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        items = data["words"] if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise ValueError("expected a list of words")
        return words_from(items)
    except OSError as exc:
        raise MediaError(f"{path}: cannot read transcript ({exc.strerror or exc})") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise MediaError(f"{path}: not a transcript of timed words ({exc})") from exc


def sentences(words: Sequence[Word]) -> list[Sentence]:
    """Group words into sentences at end punctuation or a long pause."""
    out: list[Sentence] = []
    current: list[Word] = []
    for k, word in enumerate(words):
        current.append(word)
        nxt = words[k + 1] if k + 1 < len(words) else None
        if nxt is None or SENTENCE_END.search(word.text) or nxt.start - word.end >= LONG_PAUSE:
            out.append(Sentence(current[0].start, current[-1].end, tuple(current)))
            current = []
    return out


CHUNK = 300.0  # seconds of footage per transcription piece (progress and cache granularity)


def transcribe_footage(
    path: Path,
    duration: float,
    *,
    model: str = "base",
    language: str = "auto",
    progress: Callable[[float], None] | None = None,
) -> list[Word]:
    """Timed words of the whole footage from the transcription extra (faster-whisper).

    The footage is transcribed in pieces of ``CHUNK`` seconds, through the same segment cache
    the build's ``captions: {auto: true}`` uses; UsageError with the install hint when the
    extra is missing.
    """
    from vidcamp.jobs import Segment
    from vidcamp.transcribe.whisper import transcribe_clip

    pieces = []
    t = 0.0
    while t < duration - 0.05:
        pieces.append(Segment(t, min(duration, t + CHUNK)))
        t += CHUNK
    result = transcribe_clip(path, pieces, language=language, model=model, on_segment=progress)
    # the pieces are contiguous from 0, so the clip timeline is the footage's
    return words_from(result.transcript.words)
