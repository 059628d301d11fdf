"""Word captions in the plan: options per clip and per target, the transcript in the hash."""

from __future__ import annotations

from pathlib import Path

from vidcamp.plan import RenderEnvironment, plan_renders
from vidcamp.render.captions import apply_options, load_style
from vidcamp.spec.loader import load_campaign
from vidcamp.transcribe.words import Transcript, Word, words_path, write_words

ENV = RenderEnvironment(ffmpeg_version="9.0.2", render_version="1", assets_digest="abc")

SPEC = """\
name: words
sources:
  main: footage.mp4
defaults:
  source: main
clips:
  - id: one
    cut: [{from: 0, to: 4}]
    captions:
      auto: true
      language: it
      highlight: [gratis]
      upper: false
      options: {words_per_chunk: 2, accent_color: "#FF0000"}
  - id: two
    cut: [{from: 0, to: 4}]
    captions: {auto: true}
targets:
  youtube_shorts: {caption_options: {size: 0.09, raise: 0.1, align: middle}}
  x: {caption_style: chunk}
"""


def _plan(tmp_path: Path) -> dict[str, object]:
    (tmp_path / "footage.mp4").write_bytes(b"\x00" * 4096)
    path = tmp_path / "campaign.yaml"
    path.write_text(SPEC)
    return {r.clip_id: r for r in plan_renders(load_campaign(path), ENV)}


def test_options_per_clip_and_per_target_reach_the_style(tmp_path: Path) -> None:
    renders = _plan(tmp_path)
    one = renders["one"]
    assert one.captions.style == "karaoke"  # word-timed captions default to karaoke
    assert one.captions.transcript == words_path(tmp_path, "one")
    assert (one.captions.language, one.captions.model) == ("it", "base")
    assert one.captions.highlight == ("gratis",) and one.captions.upper is False
    shorts, x = one.variants
    assert x.caption_style == "chunk" and x.caption_options == ()
    style = apply_options(load_style(shorts.caption_style),
                          (*one.captions.options, *shorts.caption_options))
    assert (style.words_per_chunk, style.accent_color) == (2, "#FF0000")
    assert (style.size, style.raise_, style.align) == (0.09, 0.1, "middle")


def test_an_edited_transcript_changes_only_its_clips_hashes(tmp_path: Path) -> None:
    write_words(words_path(tmp_path, "one"), Transcript((Word("ciao", 0.1, 0.5),)))
    write_words(words_path(tmp_path, "two"), Transcript((Word("hello", 0.1, 0.5),)))
    before = _plan(tmp_path)
    write_words(words_path(tmp_path, "one"), Transcript((Word("Ciao!", 0.1, 0.5),)))
    after = _plan(tmp_path)
    for a, b in zip(before["one"].variants, after["one"].variants, strict=True):
        assert a.content_hash != b.content_hash
    for a, b in zip(before["two"].variants, after["two"].variants, strict=True):
        assert a.content_hash == b.content_hash
