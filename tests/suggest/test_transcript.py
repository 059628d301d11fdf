"""The transcript signal: timed words (here made from a known word list, laid over the tone
bursts) give sentence boundaries, speech rate, hook words, title drafts and caption lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.spec.test_broken_specs import run_cli
from tests.suggest.conftest import BURSTS, Known
from vidcamp.suggest.engine import suggest_clips
from vidcamp.suggest.transcript import Word, sentences, words_from

TEXTS = [
    "Why do most launch videos fail?",
    "Here is the one number that matters most today.",
    "Nobody watches past the third second.",
    "So we open with the answer and keep the rest short.",
    "What happens when the light goes down?",
    "Seven of ten viewers leave right there.",
    "The fix is simple and it costs nothing.",
]
WORD = 0.3  # seconds per word
GAP = 0.05


def known_words() -> tuple[list[Word], list[tuple[float, float]]]:
    """Words laid over each burst in sentences of at most ~6 s, so several sentence boundaries
    fall inside continuous tone (not on a pause); returns the words and the sentence spans."""
    words: list[Word] = []
    spans: list[tuple[float, float]] = []
    k = 0
    for start, end, _ in BURSTS:
        t = start + 0.05
        while True:
            text = TEXTS[k % len(TEXTS)].split()
            length = len(text) * (WORD + GAP)
            if t + length > end - 0.05:
                break
            first = round(t, 3)
            for w in text:
                words.append(Word(w, round(t, 3), round(t + WORD, 3)))
                t += WORD + GAP
            spans.append((first, round(t - GAP, 3)))
            t += 0.6  # a breath between sentences, inside the tone
            k += 1
    return words, spans


def test_sentences_split_at_end_punctuation() -> None:
    words, spans = known_words()
    said = sentences(words)
    assert [(round(s.start, 2), round(s.end, 2)) for s in said] == [
        (round(a, 2), round(b, 2)) for a, b in spans]
    assert said[0].text == TEXTS[0]


def test_words_from_accepts_dicts_and_objects() -> None:
    class W:  # the shape of a faster-whisper word
        def __init__(self, start: float, end: float, word: str) -> None:
            self.start, self.end, self.word = start, end, word

    got = words_from([{"start": 1.0, "end": 1.2, "word": " b"}, W(0.0, 0.4, " a "),
                      {"start": 2, "end": 2.1, "text": "c."}])
    assert got == [Word("a", 0.0, 0.4), Word("b", 1.0, 1.2), Word("c.", 2.0, 2.1)]


@pytest.mark.parametrize("length", [(8.0, 20.0), (15.0, 35.0)])
def test_clips_start_and_end_on_sentence_boundaries(
    structured: Known, length: tuple[float, float]
) -> None:
    words, spans = known_words()
    result = suggest_clips(structured.path, count=4, length=length, words=words)
    assert result.transcript and len(result.suggestions) == 4
    starts = [a for a, _ in spans]
    ends = [b for _, b in spans]
    for s in result.suggestions:
        assert min(abs(s.start - a) for a in starts) <= 0.3, s.start
        assert min(abs(s.end - b) for b in ends) <= 0.3, s.end
        assert s.candidate.start.kind == "sentence" and s.candidate.end.kind == "sentence"
        inside = [w for w in words if s.start <= w.start and w.end <= s.end]
        # whole sentences: the clip's first word opens a sentence, its last word closes one
        assert inside[0].start in starts and inside[-1].text.endswith((".", "?"))
        assert s.title in {t for t in TEXTS}
        assert s.captions and " ".join(c[2] for c in s.captions) == " ".join(
            w.text for w in inside)
        parts = {p.name: p for p in s.candidate.parts}
        assert "words/s" in parts["speech"].detail
        if inside[0].text in ("Why", "What"):
            assert "a question" in parts["hook"].detail


def test_transcript_file_gives_caption_lines_in_the_written_campaign(
    structured: Known, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    words, _ = known_words()
    transcript = tmp_path / "words.json"
    transcript.write_text(json.dumps(
        {"words": [{"start": w.start, "end": w.end, "word": w.text} for w in words]}))
    campaign = tmp_path / "campaign.yaml"
    code, out, err = run_cli(["suggest", str(structured.path), "--count", "3", "--length",
                              "8-20", "--transcript", str(transcript), "--write",
                              str(campaign)], capsys)
    assert code == 0, err
    assert "analysing talk.mp4 (120 s)" in err and "analysing" not in out  # progress: stderr
    assert f"wrote {campaign}: 3 clips" in out
    from vidcamp.spec.loader import load_campaign

    spec = load_campaign(campaign).spec
    assert len(spec.clips) == 3
    for clip in spec.clips:
        assert clip.captions is not None and clip.captions.lines
        assert clip.title in TEXTS
        length = clip.cut[0].end - clip.cut[0].start
        assert all(0 <= line.start < line.end <= length + 0.01 for line in clip.captions.lines)


def test_a_transcript_that_is_not_timed_words_is_an_error(
    structured: Known, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "words.json"
    bad.write_text('[{"word": "hi"}]')
    code, _, err = run_cli(["suggest", str(structured.path), "--transcript", str(bad)], capsys)
    assert code == 3
    assert err.strip() == (f"error: {bad}: not a transcript of timed words "
                           "(each word needs start, end and word (or text))")


def test_footage_partly_without_words_uses_pauses_there(structured: Known) -> None:
    words, spans = known_words()
    covered = [w for w in words if w.end < 45]  # words for the first 45 s only
    result = suggest_clips(structured.path, count=5, length=(8.0, 20.0), words=covered)
    assert len(result.suggestions) == 5
    assert any("have no words in the transcript" in note for note in result.notes)
    kinds = {s.candidate.start.kind for s in result.suggestions}
    assert "pause" in kinds  # clips after the last word start on pauses
    for s in result.suggestions:
        for bound in (s.candidate.start, s.candidate.end):
            if bound.time < 45:  # where there are words, a sentence edge or a pause between
                assert min(abs(bound.time - t) for span in spans for t in span) <= 0.3 or (
                    bound.kind in ("pause", "cut", "edge"))
            assert not any(a + 0.3 < bound.time < b - 0.3 for a, b in spans if b < 45)
