"""Effects tied to words follow the speech: the transcript of `captions: {auto: true}` or a word
file moved through the cut gives the times, `highlight:` marks the words `on: highlight` fires on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.plan.test_word_caption_plan import ENV
from vidcamp.errors import SpecErrors
from vidcamp.plan import plan_renders
from vidcamp.spec.checks import check_campaign
from vidcamp.spec.loader import load_campaign
from vidcamp.transcribe.words import Transcript, Word, words_path, write_words

HEAD = """\
name: spoken
sources:
  main: footage.mp4
defaults:
  source: main
clips:
  - id: one
"""
TAIL = """\
targets:
  x: {}
"""
AUTO = HEAD + """\
    cut: [{from: 0, to: 4}]
    captions: {auto: true, highlight: [Gratis]}
    effects:
      - zoom: {on: highlight, factor: 1.4}
      - flash: {on: subito}
""" + TAIL
WORD_FILE = HEAD + """\
    cut: [{from: 10, to: 12}, {from: 20, to: 23}]
    captions: {words: words.json, highlight: [free]}
    effects:
      - zoom: {on: highlight}
""" + TAIL


def _campaign(tmp_path: Path, text: str) -> Path:
    (tmp_path / "footage.mp4").write_bytes(b"\x00" * 4096)
    path = tmp_path / "campaign.yaml"
    path.write_text(text)
    return path


def test_effects_fire_on_the_transcribed_words(tmp_path: Path) -> None:
    path = _campaign(tmp_path, AUTO)
    words = (Word("Tutto", 0.2, 0.5), Word("gratis!", 0.61, 1.0), Word("subito", 2.37, 2.8))
    write_words(words_path(tmp_path, "one"), Transcript(words))
    (render,) = plan_renders(load_campaign(path), ENV)
    (variant,) = render.variants
    starts = {e.name: e.start for e in variant.effects}
    assert starts == {"zoom": 0.61, "flash": 2.37}
    # the words reach the renderer too, with the highlighted one marked
    assert [(w.text, w.highlight) for w in render.words] == [
        ("Tutto", False), ("gratis!", True), ("subito", False)
    ]


def test_an_edited_transcript_moves_the_effect_and_changes_the_hash(tmp_path: Path) -> None:
    path = _campaign(tmp_path, AUTO)
    write_words(words_path(tmp_path, "one"),
                Transcript((Word("gratis", 0.6, 1.0), Word("subito", 2.0, 2.4))))
    (before,) = plan_renders(load_campaign(path), ENV)
    write_words(words_path(tmp_path, "one"),
                Transcript((Word("gratis", 1.1, 1.5), Word("subito", 2.0, 2.4))))
    (after,) = plan_renders(load_campaign(path), ENV)
    zoom = next(e for e in after.variants[0].effects if e.name == "zoom")
    assert zoom.start == 1.1
    assert before.variants[0].content_hash != after.variants[0].content_hash


def test_a_word_file_is_moved_through_the_cut(tmp_path: Path) -> None:
    path = _campaign(tmp_path, WORD_FILE)
    # whisper-style JSON in source time: "free" at 21.0 s is 1.0 s into the second segment,
    # which starts 2 s into the clip
    segments = [{"start": 10.0, "end": 23.0, "text": "all free",
                 "words": [{"word": " all", "start": 10.5, "end": 10.9},
                           {"word": " free", "start": 21.0, "end": 21.4}]}]
    (tmp_path / "words.json").write_text(json.dumps({"segments": segments}))
    (render,) = plan_renders(load_campaign(path), ENV)
    (zoom,) = render.variants[0].effects
    assert abs(zoom.start - 3.0) < 1e-6


def test_validate_waits_for_the_transcript_before_checking_tied_words(tmp_path: Path) -> None:
    path = _campaign(tmp_path, AUTO)
    report = check_campaign(load_campaign(path), probe_media=False)
    notes = [w.message for w in report.warnings]
    assert any("zoom.on: checked once clip one is transcribed" in n for n in notes), notes
    assert any(n.startswith("campaign.yaml:11:9 clips[0].effects[0]:") for n in notes), notes
    # once transcribed, a word the speech does not contain is an error at its line
    write_words(words_path(tmp_path, "one"), Transcript((Word("gratis", 0.6, 1.0),)))
    with pytest.raises(SpecErrors) as caught:
        check_campaign(load_campaign(path), probe_media=False)
    assert str(caught.value) == (
        'campaign.yaml:12:9 clips[0].effects[1]: flash.on: the captions do not contain the word'
        ' "subito"'
    )
