"""Write each auto-captioned clip's editable transcript before the campaign is planned.

The transcript (``captions/<clip>.words.json`` and an SRT beside it) is written once; from then
on it is the source of truth and is never overwritten unless asked (``transcribe --force``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vidcamp.jobs import ClipRender


@dataclass(frozen=True)
class TranscriptResult:
    clip_id: str
    path: Path
    words: int
    language: str | None
    transcribed: int  # segments run through the model
    cached: int  # segments found in the cache
    written: bool  # False: the transcript already existed and was kept

    def summary(self) -> str:
        if not self.written:
            return f"{self.clip_id}: kept {self.path.name} ({self.words} words)"
        heard = f"{self.words} words" if self.words else "no speech heard: captions empty"
        return (f"{self.clip_id}: {heard}" + (f" ({self.language})" if self.language else "")
                + f", {self.transcribed} segment(s) transcribed, {self.cached} from cache"
                + f" -> {self.path}")


def needs_transcript(job: ClipRender) -> bool:
    captions = job.captions
    return captions is not None and captions.transcript is not None


def ensure_transcript(
    job: ClipRender,
    *,
    force: bool = False,
    on_progress: Callable[[float], None] | None = None,
) -> TranscriptResult | None:
    """Transcribe ``job``'s clip into its words.json unless that file exists (or ``force``)."""
    from vidcamp.media.probe import probe
    from vidcamp.transcribe.whisper import transcribe_clip
    from vidcamp.transcribe.words import read_words, write_words

    captions = job.captions
    if captions is None or captions.transcript is None:
        return None
    path = captions.transcript
    if path.is_file() and not force:
        kept = read_words(path)
        return TranscriptResult(job.clip_id, path, len(kept.words), kept.language, 0, 0, False)
    info = probe(job.source)
    result = transcribe_clip(
        job.source, job.segments, language=captions.language, model=captions.model,
        has_audio=info.audio is not None, on_segment=on_progress,
    )
    from dataclasses import replace

    cut = tuple((s.start, s.end) for s in job.segments)
    write_words(path, replace(result.transcript, cut=cut), clip=job.clip_id)
    return TranscriptResult(
        job.clip_id, path, len(result.transcript.words), result.transcript.language,
        result.transcribed, result.cached, True,
    )

