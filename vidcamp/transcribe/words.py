"""Word-timed transcripts: the editable ``captions/<clip>.words.json``, SRT out, importers in.

Everything here is plain Python (no model, no numpy) so that ``validate`` and the renderer can
read transcripts without the ``transcribe`` extra. Times are seconds on the clip's timeline
unless a name says otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidcamp.errors import MediaError
from vidcamp.files import write_atomic
from vidcamp.spec.timecode import format_timecode
from vidcamp.timeline import onto_cut

WORDS_FORMAT = 1
# Words shorter than this after clipping to a cut are dropped.
MIN_WORD_SECONDS = 0.02


@dataclass(frozen=True)
class Word:
    """One spoken word with its time span and the recogniser's confidence (1.0 when unknown)."""

    text: str
    start: float
    end: float
    probability: float = 1.0
    line: int | None = None  # line in the file it was read from, for error messages


@dataclass(frozen=True)
class Transcript:
    words: tuple[Word, ...]
    language: str | None = None
    model: str | None = None
    cut: tuple[tuple[float, float], ...] | None = None  # the source segments it was made from


def words_path(campaign_dir: Path, clip_id: str) -> Path:
    """Where a clip's editable transcript lives: ``captions/<clip>.words.json`` beside the spec."""
    return campaign_dir / "captions" / f"{clip_id}.words.json"


# --------------------------------------------------------------------------- words.json


def dump_words(transcript: Transcript, *, clip: str | None = None) -> str:
    """The words.json text: one word per line, so an error can name the line of a word."""
    head: dict[str, Any] = {"format": WORDS_FORMAT}
    if clip:
        head["clip"] = clip
    head["language"] = transcript.language
    head["model"] = transcript.model
    if transcript.cut is not None:
        head["cut"] = [[round(a, 3), round(b, 3)] for a, b in transcript.cut]
    lines = ["{"]
    lines += [f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
    lines.append(' "words": [')
    body = [
        "  " + json.dumps(
            {"word": w.text, "start": round(w.start, 3), "end": round(w.end, 3),
             "probability": round(w.probability, 3)},
            ensure_ascii=False,
        )
        for w in transcript.words
    ]
    lines.append(",\n".join(body))
    lines += [" ]", "}"]
    return "\n".join(line for line in lines if line) + "\n"


def write_words(path: Path, transcript: Transcript, *, clip: str | None = None) -> None:
    """Write words.json and the SRT beside it, each through a temp name and a rename."""
    write_atomic(path, dump_words(transcript, clip=clip))
    write_atomic(path.with_name(path.name.removesuffix(".words.json") + ".srt"),
                 to_srt(transcript.words))


def read_words(path: Path) -> Transcript:
    """Read an edited words.json; MediaError ``file:line: why`` for bad JSON or bad words."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MediaError(f"{path}: cannot read transcript ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise MediaError(f"{path}: not UTF-8 text (offset {exc.start})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MediaError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("words"), list):
        raise MediaError(f"{path}:1: expected an object with a \"words\" list")
    lines = _element_lines(text, len(data["words"]))
    words = []
    for k, item in enumerate(data["words"]):
        line = lines[k] if k < len(lines) else None
        words.append(_word_from(item, path, line))
    check_order(words, path)
    language = data.get("language")
    model = data.get("model")
    cut = data.get("cut")
    try:
        segments = tuple((float(a), float(b)) for a, b in cut) if cut is not None else None
    except (TypeError, ValueError):
        segments = None
    return Transcript(
        tuple(words),
        language if isinstance(language, str) else None,
        model if isinstance(model, str) else None,
        segments,
    )


def stale_cut(transcript: Transcript, segments: Sequence[Any]) -> bool:
    """Whether the transcript was made for other cut segments than ``segments``."""
    if transcript.cut is None:
        return False
    now = [(round(s.start, 3), round(s.end, 3)) for s in segments]
    return [(round(a, 3), round(b, 3)) for a, b in transcript.cut] != now


def _word_from(item: Any, path: Path, line: int | None) -> Word:
    where = f"{path}:{line}" if line else str(path)
    if not isinstance(item, dict):
        raise MediaError(f"{where}: a word is an object with word, start and end")
    text = item.get("word", item.get("text"))
    if not isinstance(text, str) or not text.strip():
        raise MediaError(f"{where}: word: expected the word's text")
    values = []
    for key in ("start", "end"):
        value = item.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise MediaError(f"{where}: {key}: expected seconds (a number >= 0), got {value!r}")
        values.append(float(value))
    prob = item.get("probability", item.get("score", 1.0))
    if isinstance(prob, bool) or not isinstance(prob, int | float):
        prob = 1.0
    return Word(text.strip(), values[0], values[1], float(prob), line)


def check_order(words: Sequence[Word], path: Path) -> None:
    """Each word ends after it starts and starts no earlier than the word before it."""
    previous: Word | None = None
    for w in words:
        where = f"{path}:{w.line}" if w.line else str(path)
        if w.end < w.start:
            raise MediaError(
                f"{where}: word {w.text!r} ends ({w.end:g} s) before it starts ({w.start:g} s)"
            )
        if previous is not None and w.start < previous.start:
            raise MediaError(
                f"{where}: word {w.text!r} starts at {w.start:g} s, before the word before it "
                f"({previous.text!r} at {previous.start:g} s): words must be in time order"
            )
        previous = w


def _element_lines(text: str, count: int) -> list[int]:
    """The 1-based line on which each element of the top-level "words" array starts."""
    decoder = json.JSONDecoder()
    match = re.search(r'"words"\s*:\s*\[', text)
    if match is None:
        return []
    pos = match.end()
    out = []
    for _ in range(count):
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        out.append(text.count("\n", 0, pos) + 1)
        try:
            _, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            break
    return out


# --------------------------------------------------------------------------- SRT out


def _srt_time(seconds: float) -> str:
    return format_timecode(max(0.0, seconds)).replace(".", ",")


def to_srt(words: Sequence[Word], *, max_words: int = 7, pause: float = 0.6) -> str:
    """Readable SRT lines made from the words: broken at pauses, sentence ends and length."""
    cues: list[list[Word]] = []
    for w in words:
        if (
            not cues
            or len(cues[-1]) >= max_words
            or w.start - cues[-1][-1].end > pause
            or cues[-1][-1].text[-1:] in ".?!…。？！"
        ):
            cues.append([])
        cues[-1].append(w)
    out = []
    for n, cue in enumerate(cues, 1):
        text = " ".join(w.text for w in cue)
        out.append(f"{n}\n{_srt_time(cue[0].start)} --> {_srt_time(cue[-1].end)}\n{text}\n")
    return "\n".join(out)


# --------------------------------------------------------------------------- importers


def read_word_file(path: Path) -> Transcript:
    """Words from elsewhere, on the SOURCE timeline: whisper / faster-whisper / WhisperX JSON,
    words.json, SRT or VTT with one cue per word, or plain SRT/VTT lines (spread by syllables)."""
    if path.suffix.lower() == ".json":
        if path.name.endswith(".words.json"):
            return read_words(path)
        return _read_whisper_json(path)
    from vidcamp.render.captions import decode_caption_file, parse_caption_text

    text, _ = decode_caption_file(path)
    cues = [(c.start, c.end, c.text) for c in parse_caption_text(text, path)]
    return Transcript(tuple(spread_lines(cues)))


def _read_whisper_json(path: Path) -> Transcript:
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MediaError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise MediaError(f"{path}: cannot read word file ({exc})") from exc
    segments = data.get("segments") if isinstance(data, dict) else data
    if isinstance(data, dict) and isinstance(data.get("word_segments"), list):
        items: list[Any] = data["word_segments"]  # WhisperX
    elif isinstance(segments, list):
        items = []
        for seg in segments:
            if isinstance(seg, dict) and isinstance(seg.get("words"), list):
                items.extend(seg["words"])
    else:
        items = []
    if not items:
        raise MediaError(f"{path}: no word timestamps found (expected whisper, faster-whisper "
                         "or WhisperX JSON made with word timestamps)")
    words = []
    for item in items:
        # WhisperX leaves numbers it could not align without times: skip them
        if isinstance(item, dict) and ("start" not in item or "end" not in item):
            continue
        words.append(_word_from(item, path, None))
    check_order(words, path)
    language = data.get("language") if isinstance(data, dict) else None
    return Transcript(tuple(words), language if isinstance(language, str) else None)


_VOWELS = re.compile(r"[aeiouyàáâäèéêëìíîïòóôöùúûüæœøå]+", re.IGNORECASE)


def syllables(word: str) -> int:
    """A rough syllable count (vowel groups, at least one); other scripts count characters."""
    letters = [ch for ch in word if ch.isalnum()]
    if not letters:
        return 1
    if all(ord(ch) < 0x250 for ch in letters):
        return max(1, len(_VOWELS.findall(word)))
    return max(1, (len(letters) + 1) // 2)


def spread_lines(cues: Iterable[tuple[float, float, str]]) -> list[Word]:
    """Word times for cues: a one-word cue keeps its times; a line's words share its span by
    syllable weight."""
    out: list[Word] = []
    for start, end, text in cues:
        tokens = text.split()
        if not tokens:
            continue
        weights = [syllables(t) for t in tokens]
        total = sum(weights)
        at = start
        for token, weight in zip(tokens, weights, strict=True):
            span = (end - start) * weight / total
            out.append(Word(token, at, at + span))
            at += span
    return out


def remap_words(words: Iterable[Word], segments: Sequence[Any]) -> list[Word]:
    """Source-timed words onto the joined cut; words outside it dropped, straddlers clipped."""
    out = [Word(w.text, start, end, w.probability)
           for w, start, end in onto_cut(words, segments, MIN_WORD_SECONDS)]
    out.sort(key=lambda w: (w.start, w.end))
    return out


def timeline_words(
    path: Path, *, transcript: bool, segments: Sequence[Any]
) -> tuple[list[Word], Transcript | None]:
    """A word-timed clip's words on its timeline, and its transcript when it has one.

    A transcript (``words.json``) is already in clip time; a word file from elsewhere is in
    source time and is moved through the cut.
    """
    if transcript:
        made = read_words(path)
        return list(made.words), made
    return remap_words(read_word_file(path).words, segments), None
