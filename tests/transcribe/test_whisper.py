"""Must show: the committed speech fixtures transcribed with the real Whisper base model."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.transcribe.conftest import FIXTURES
from vidcamp.errors import MediaError, SpecError
from vidcamp.jobs import Segment
from vidcamp.transcribe.whisper import transcribe_clip

TOLERANCE = 0.15  # seconds a word boundary may be off the reference alignment


def _norm(text: str) -> str:
    return re.sub(r"[^\w']", "", text.casefold())


def word_error_rate(reference: list[str], hypothesis: list[str]) -> float:
    """(substitutions + deletions + insertions) / reference words, by edit distance."""
    ref, hyp = [_norm(w) for w in reference], [_norm(w) for w in hypothesis]
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / len(ref)


def _reference(lang: str) -> dict:
    return json.loads((FIXTURES / f"{lang}.reference.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_english_fixture_word_error_rate_and_boundaries(whisper_base: Path) -> None:
    ref = _reference("en")
    result = transcribe_clip(FIXTURES / "en.wav", [Segment(0.0, 9.0)], language="en",
                             model=str(whisper_base))
    words = result.transcript.words
    wer = word_error_rate([w["word"] for w in ref["words"]], [w.text for w in words])
    assert wer <= 0.15, (wer, [w.text for w in words])
    # same number of words, so every boundary pairs with its reference word
    assert len(words) == len(ref["words"])
    worst = max(
        max(abs(w.start - r["start"]), abs(w.end - r["end"]))
        for w, r in zip(words, ref["words"], strict=True)
    )
    assert worst <= TOLERANCE, [(w.text, w.start, w.end) for w in words]
    assert result.transcribed == 1 and result.transcript.language == "en"


@pytest.mark.slow
def test_italian_fixture_is_transcribed_as_italian(whisper_base: Path) -> None:
    ref = _reference("it")
    result = transcribe_clip(FIXTURES / "it.wav", [Segment(0.0, 7.2)], language="auto",
                             model=str(whisper_base))
    assert result.transcript.language == "it"
    heard = {_norm(w.text) for w in result.transcript.words}
    said = {_norm(w["word"]) for w in ref["words"]}
    assert len(heard & said) >= len(said) * 0.7, heard


@pytest.mark.slow
def test_cut_segments_land_on_the_clip_timeline_and_are_cached(whisper_base: Path) -> None:
    ref = {w["word"]: w for w in _reference("en")["words"]}
    cut = [Segment(0.0, 3.1), Segment(5.75, 8.7)]  # "... fox jumps" and "then ... dinner"
    first = transcribe_clip(FIXTURES / "en.wav", cut, language="en", model=str(whisper_base))
    words = {_norm(w.text): w for w in first.transcript.words}
    assert {"quick", "jumps", "runs", "home", "dinner"} <= set(words), words
    assert "lazy" not in words  # cut out
    # "home" is 1.31 s into the second segment, which starts at 3.1 s of clip time
    assert abs(words["home"].start - (ref["home"]["start"] - 5.75 + 3.1)) <= TOLERANCE
    assert (first.transcribed, first.cached) == (2, 0)
    again = transcribe_clip(FIXTURES / "en.wav", cut, language="en", model=str(whisper_base))
    assert (again.transcribed, again.cached) == (0, 2)
    assert again.transcript == first.transcript


def test_unknown_language_and_a_folder_that_is_not_a_model(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="Whisper knows no language 'klingon'"):
        transcribe_clip(FIXTURES / "en.wav", [Segment(0, 1)], language="klingon")
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(MediaError, match=r"not a CTranslate2 Whisper model folder \(no model.bin\)"):
        transcribe_clip(FIXTURES / "en.wav", [Segment(0, 1)], model=str(tmp_path))
