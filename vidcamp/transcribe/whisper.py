"""Run faster-whisper on a clip's cut segments, with a cache so a rebuild transcribes nothing.

Only the cut segments' audio is decoded (16 kHz mono float, through the ffmpeg vidcamp already
uses), each segment is transcribed with word timestamps, the words are tightened to the pauses
in the audio, and moved onto the clip's timeline. A segment's words are cached under a key of
source fingerprint + segment + model + language.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidcamp.errors import MediaError, SpecError, UsageError
from vidcamp.files import write_atomic
from vidcamp.jobs import Segment
from vidcamp.transcribe import INSTALL_HINT, WHISPER_LANGUAGES
from vidcamp.transcribe.align import snap_words
from vidcamp.transcribe.words import Transcript, Word

RATE = 16000
CACHE_VERSION = 1  # bump when the words a segment gives change for the same inputs
CACHE_ENV = "VIDCAMP_TRANSCRIPT_CACHE"
MODEL_FILES = ("model.bin", "config.json")
SILENT_DBFS = -50.0  # a segment whose loudest 10 ms is below this has no speech
NO_SPEECH = 0.6


@dataclass(frozen=True)
class ClipTranscript:
    """Words on the clip timeline, plus how many segments had to be transcribed this time."""

    transcript: Transcript
    transcribed: int
    cached: int
    speech: bool  # False: no word was heard (the captions stay empty)


def cache_dir() -> Path:
    """Where transcribed segments are kept: $VIDCAMP_TRANSCRIPT_CACHE or the user cache dir."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    import platformdirs

    return Path(platformdirs.user_cache_dir("vidcamp")) / "transcripts"


def check_language(language: str) -> str | None:
    """``auto`` → None (Whisper detects it); a known code → itself; else SpecError."""
    if language == "auto":
        return None
    if language not in WHISPER_LANGUAGES:
        raise SpecError(f"captions.language: Whisper knows no language {language!r} "
                        "(use a code such as en, it, es, ar, ja, or auto)")
    return language


def model_identity(model: str) -> str:
    """What a model is for the cache: a size name, or a folder with its weights' size and time."""
    path = Path(model).expanduser()
    if path.is_dir():
        check_model_folder(path)
        stat = (path / "model.bin").stat()
        return f"{path.resolve()}:{stat.st_size}:{int(stat.st_mtime)}"
    return model


def check_model_folder(path: Path) -> None:
    missing = [name for name in MODEL_FILES if not (path / name).is_file()]
    if missing:
        raise MediaError(f"{path}: not a CTranslate2 Whisper model folder "
                         f"(no {', '.join(missing)})")


@functools.lru_cache(maxsize=2)
def load_model(model: str) -> Any:
    """A faster-whisper model by size name (downloaded by faster-whisper) or local folder."""
    try:
        from faster_whisper import WhisperModel  # type: ignore[import-untyped]
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    path = Path(model).expanduser()
    looks_like_path = path.is_dir() or os.sep in model or model.startswith(".")
    if looks_like_path:
        if not path.is_dir():
            raise MediaError(f"{path}: model folder not found")
        check_model_folder(path)
    threads = int(os.environ.get("VIDCAMP_TRANSCRIBE_THREADS", "0")) or min(4, os.cpu_count() or 1)
    try:
        return WhisperModel(
            str(path) if looks_like_path else model,
            device="cpu", compute_type="int8", cpu_threads=threads,
        )
    except Exception as exc:  # ctranslate2 / huggingface raise many kinds; name the model
        where = str(path) if looks_like_path else f"model {model!r}"
        raise MediaError(f"{where}: cannot load Whisper model ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0] if str(exc) else 'no detail'})") from exc


def decode_audio(exe: Path, source: Path, segment: Segment) -> Any:
    """One segment's audio as 16 kHz mono float32 samples (numpy), decoded by ffmpeg."""
    import numpy as np

    args = [
        str(exe), "-nostdin", "-v", "error", "-ss", f"{segment.start:.3f}",
        "-t", f"{segment.duration:.3f}", "-i", str(source), "-vn", "-sn", "-dn",
        "-ac", "1", "-ar", str(RATE), "-f", "f32le", "-",
    ]
    proc = subprocess.run(args, capture_output=True, check=False)
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = detail[-1] if detail else "ffmpeg failed"
        raise MediaError(f"{source}: cannot decode audio ({reason})")
    return np.frombuffer(proc.stdout, dtype=np.float32)


def _segment_key(fingerprint: str, segment: Segment, model_id: str, language: str | None) -> str:
    key = json.dumps([CACHE_VERSION, fingerprint, round(segment.start, 3), round(segment.end, 3),
                      model_id, language or "auto"])
    return hashlib.sha256(key.encode()).hexdigest()


def transcribe_clip(
    source: Path,
    segments: Sequence[Segment],
    *,
    language: str = "auto",
    model: str = "base",
    has_audio: bool = True,
    on_segment: Callable[[float], None] | None = None,
) -> ClipTranscript:
    """The clip's words on its own timeline; segments in the cache are not transcribed again."""
    from vidcamp.media.ffmpeg import find_ffmpeg
    from vidcamp.plan import file_fingerprint

    lang = check_language(language)
    model_id = model_identity(model)
    fingerprint = file_fingerprint(source)
    folder = cache_dir()
    words: list[Word] = []
    detected: list[str] = []
    transcribed = cached = 0
    offset = 0.0
    for segment in segments:
        entry = folder / f"{_segment_key(fingerprint, segment, model_id, lang)}.json"
        found = _read_cache(entry)
        if found is None:
            def heard(seconds: float, at: float = offset, span: float = segment.duration) -> None:
                if on_segment is not None:
                    on_segment(at + min(seconds, span))

            seg_words, seg_lang = (
                _transcribe_segment(find_ffmpeg(), source, segment, lang, model, heard)
                if has_audio else ([], lang)
            )
            _write_cache(entry, seg_words, seg_lang)
            transcribed += 1
        else:
            seg_words, seg_lang = found
            cached += 1
        if seg_lang and seg_words:
            detected.append(seg_lang)
        words += [Word(w.text, round(w.start + offset, 3), round(w.end + offset, 3), w.probability)
                  for w in seg_words if w.end <= segment.duration + 0.05]
        offset += segment.duration
        if on_segment is not None:
            on_segment(offset)
    chosen = lang or (max(set(detected), key=detected.count) if detected else None)
    transcript = Transcript(tuple(words), chosen, model)
    return ClipTranscript(transcript, transcribed, cached, bool(words))


def _transcribe_segment(
    exe: Path, source: Path, segment: Segment, language: str | None, model: str,
    on_progress: Callable[[float], None] | None = None,
) -> tuple[list[Word], str | None]:
    samples = decode_audio(exe, source, segment)
    if len(samples) < RATE // 10 or _silent(samples):
        return [], language  # Whisper makes words up from silence ("Thank you.")
    whisper = load_model(model)
    pieces, info = whisper.transcribe(
        samples, language=language, word_timestamps=True, beam_size=5,
        condition_on_previous_text=False,
    )
    raw = []
    for piece in pieces:  # a generator: the model works as it is iterated
        if on_progress is not None:
            on_progress(float(piece.end))
        # Whisper's own rule for a piece that is no speech: likely silent and unsure of its text
        if piece.no_speech_prob > NO_SPEECH and piece.avg_logprob < -1.0:
            continue
        raw += [
            Word(w.word.strip(), float(w.start), float(w.end), round(float(w.probability), 3))
            for w in (piece.words or [])
            if w.word.strip()
        ]
    return snap_words(raw, samples, RATE), info.language


def _silent(samples: Any) -> bool:
    import numpy as np

    hop = RATE // 100
    n = len(samples) // hop
    if n == 0:
        return True
    frames = np.asarray(samples[: n * hop], dtype=np.float32).reshape(n, hop)
    loudest = float(np.sqrt(np.mean(frames * frames, axis=1)).max())
    return 20 * np.log10(loudest + 1e-12) < SILENT_DBFS


def _read_cache(entry: Path) -> tuple[list[Word], str | None] | None:
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
        words = [Word(w[0], w[1], w[2], w[3]) for w in data["words"]]
        return words, data.get("language")
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None


def _write_cache(entry: Path, words: Sequence[Word], language: str | None) -> None:
    data = {"language": language,
            "words": [[w.text, w.start, w.end, round(w.probability, 3)] for w in words]}
    write_atomic(entry, json.dumps(data, ensure_ascii=False))
