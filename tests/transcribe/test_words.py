"""The editable transcript and the importers of word times from elsewhere (no model needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vidcamp.errors import MediaError
from vidcamp.jobs import Segment
from vidcamp.transcribe.words import (
    Transcript,
    Word,
    read_word_file,
    read_words,
    remap_words,
    spread_lines,
    syllables,
    write_words,
)

WORDS = (Word("Ciao", 0.1, 0.4, 0.9), Word("a", 0.5, 0.6), Word("tutti!", 0.7, 1.2, 0.8))


def test_words_json_round_trip_one_word_a_line_with_srt(tmp_path: Path) -> None:
    path = tmp_path / "captions" / "c.words.json"
    write_words(path, Transcript(WORDS, "it", "base"), clip="c")
    back = read_words(path)
    assert [(w.text, w.start, w.end) for w in back.words] == [(w.text, w.start, w.end) for w in WORDS]
    assert back.language == "it"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [w.line for w in back.words] == [n for n, t in enumerate(lines, 1) if '"word"' in t]
    assert (tmp_path / "captions" / "c.srt").read_text() == (
        "1\n00:00:00,100 --> 00:00:01,200\nCiao a tutti!\n"
    )


def test_invalid_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "c.words.json"
    write_words(path, Transcript(WORDS))
    text = path.read_text().replace('"end": 0.6', '"end": 0.6,,')
    path.write_text(text)
    bad_line = next(n for n, t in enumerate(text.splitlines(), 1) if ",," in t)
    with pytest.raises(MediaError, match=rf"c\.words\.json:{bad_line}: not valid JSON"):
        read_words(path)


def test_words_out_of_order_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "c.words.json"
    write_words(path, Transcript(WORDS))
    text = path.read_text().replace('"start": 0.7', '"start": 0.2')
    path.write_text(text)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "tutti" in t)
    with pytest.raises(MediaError, match=rf"c\.words\.json:{line}: word 'tutti!' starts at 0.2 s, "
                       r"before the word before it"):
        read_words(path)
    path.write_text(path.read_text().replace('"start": 0.2, "end": 1.2', '"start": 0.9, "end": 0.8'))
    with pytest.raises(MediaError, match=rf":{line}: word 'tutti!' ends \(0.8 s\) before it starts"):
        read_words(path)


def test_whisper_faster_whisper_and_whisperx_json(tmp_path: Path) -> None:
    whisper = {"language": "en", "segments": [
        {"text": " Hello world", "words": [
            {"word": " Hello", "start": 1.0, "end": 1.4, "probability": 0.9},
            {"word": " world", "start": 1.5, "end": 2.0, "probability": 0.8}]}]}
    whisperx = {"segments": [], "word_segments": [
        {"word": "Hello", "start": 1.0, "end": 1.4, "score": 0.9},
        {"word": "2024"},  # WhisperX leaves numbers it could not align untimed
        {"word": "world", "start": 1.5, "end": 2.0, "score": 0.7}]}
    for name, data in (("w.json", whisper), ("x.json", whisperx)):
        path = tmp_path / name
        path.write_text(json.dumps(data))
        got = read_word_file(path)
        assert [(w.text, w.start, w.end) for w in got.words] == [("Hello", 1.0, 1.4), ("world", 1.5, 2.0)]
    (tmp_path / "none.json").write_text(json.dumps({"segments": [{"text": "no words"}]}))
    with pytest.raises(MediaError, match="no word timestamps found"):
        read_word_file(tmp_path / "none.json")


def test_srt_one_cue_per_word_keeps_its_times_and_lines_spread_by_syllables(tmp_path: Path) -> None:
    per_word = tmp_path / "w.vtt"
    per_word.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:01.300\nCiao\n\n"
                        "00:00:01.400 --> 00:00:02.000\nmondo\n")
    assert [(w.text, w.start, w.end) for w in read_word_file(per_word).words] == [
        ("Ciao", 1.0, 1.3), ("mondo", 1.4, 2.0)]
    line = tmp_path / "l.srt"
    line.write_text("1\n00:00:00,000 --> 00:00:03,000\nhello beautiful world\n")
    words = read_word_file(line).words
    # 2 + 3 + 1 syllables share 3 s
    assert [(w.text, round(w.start, 3), round(w.end, 3)) for w in words] == [
        ("hello", 0.0, 1.0), ("beautiful", 1.0, 2.5), ("world", 2.5, 3.0)]
    assert syllables("perché") == 2 and syllables("ثلاثة") == 3


def test_words_move_through_the_cut() -> None:
    words = spread_lines([(0.0, 1.0, "uno"), (2.0, 3.0, "due"), (5.0, 6.0, "tre")])
    got = remap_words(words, [Segment(1.8, 3.2), Segment(4.5, 5.5)])
    assert [(w.text, round(w.start, 3), round(w.end, 3)) for w in got] == [
        ("due", 0.2, 1.2), ("tre", 1.9, 2.4)]
