"""Word-timed captions: grouping, animated events, karaoke colours on screen, shaped Arabic."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.render.conftest import ffmpeg, frame_at, job, small, variant
from vidcamp.jobs import Captions
from vidcamp.paths import fonts_dir
from vidcamp.presets import PRESETS
from vidcamp.render import render_clip
from vidcamp.render.captions import CaptionStyle, load_style, write_ass
from vidcamp.render.word_captions import chunk_words, split_lines, word_events
from vidcamp.transcribe.words import Word


def _words(spec: str) -> list[Word]:
    """ "a@0-0.3 b@0.4-0.6" → words."""
    out = []
    for item in spec.split():
        text, times = item.rsplit("@", 1)
        start, end = times.split("-")
        out.append(Word(text, float(start), float(end)))
    return out


def test_chunks_break_at_pauses_punctuation_and_size() -> None:
    words = _words("one@0-0.2 two@0.25-0.4 three,@0.45-0.6 four@0.65-0.8 five@0.85-1 "
                   "six@1.05-1.2 seven@1.25-1.4 after@2.0-2.2")
    groups = [[w.text for w in g] for g in chunk_words(words, 3)]
    assert groups == [["one", "two", "three,"], ["four", "five", "six"], ["seven"], ["after"]]
    assert split_lines(["short", "one"], 2) == [[0, 1]]
    assert split_lines(["a", "much", "longer", "chunk", "here"], 2) == [[0, 1, 2], [3, 4]]


def test_karaoke_pop_and_chunk_events() -> None:
    words = _words("big@0-0.3 news@0.35-0.7 today@0.8-1.2")
    karaoke = load_style("karaoke")
    events = word_events(words, karaoke, highlight=["News!"])
    assert [(e.start, e.end) for e in events] == [(0.0, 0.35), (0.35, 0.8), (0.8, 1.6)]
    accent, keyword = "\\c&H00D4FF&", "\\c&HFFE237&"
    assert events[0].text == f"{{{accent}}}BIG{{\\r}} {{{keyword}}}NEWS{{\\r}} TODAY"
    assert events[1].text == f"BIG {{{accent}}}NEWS{{\\r}} TODAY"  # the spoken word wins
    pop = word_events(words, load_style("pop"))
    assert "\\t(0,120,\\fscx100\\fscy100)" in pop[0].text and "\\alpha&HFF&" in pop[0].text
    assert "\\alpha" not in pop[2].text  # every word said: all drawn
    chunk = word_events(words, load_style("chunk"))
    assert [(e.start, e.end, e.text) for e in chunk] == [(0.0, 1.6, "big news today")]


def test_emoji_and_upper_still_work_in_word_captions(tmp_path: Path) -> None:
    style = load_style("chunk")
    path = write_ass(tmp_path / "w.ass", PRESETS["x"], [], style, None, None,
                     words=_words("caffè@0-0.4 🚀@0.5-0.8"), upper=True)
    text = path.read_text(encoding="utf-8")
    assert "CAFFÈ {\\fnNoto Emoji}🚀{\\fnMontserrat ExtraBold}" in text


def _yellow(frame: Any) -> Any:
    r, g, b = (frame[..., k].astype(int) for k in range(3))
    return (r > 200) & (g > 170) & (b < 90)


def test_karaoke_highlight_moves_to_the_next_word_at_its_time(
    media: Any, tmp_path: Path
) -> None:
    """Pixel test: the accent-coloured word is the left one at 0.5 s, the right one at 1.4 s."""
    source = media("blue.mp4", video="color=c=0x224488:s=320x240:r=25:d=2.4", seconds=2.4)
    words = tmp_path / "words.vtt"  # one cue per word: exact word times
    words.write_text("WEBVTT\n\n00:00:00.200 --> 00:00:00.900\nWOW\n\n"
                     "00:00:01.000 --> 00:00:01.500\nMOM\n", encoding="utf-8")
    preset = small("youtube_shorts", 360, 640)
    out = tmp_path / "k"
    render_clip(job(source, out, [variant(out, "v", preset, caption_style="karaoke")],
                    segments=[(0.0, 2.2)],
                    captions=Captions(style="karaoke", word_file=words)))
    video = out / "v.mp4"
    centre = preset.width / 2
    for at, side in ((0.5, "left"), (1.4, "right")):
        mask = _yellow(frame_at(video, at))
        assert mask.sum() > 150, (at, int(mask.sum()))
        x = float(np.nonzero(mask)[1].mean())
        assert (x < centre - 15) if side == "left" else (x > centre + 15), (at, x)
    assert _yellow(frame_at(video, 2.1)).sum() < 20  # held 0.4 s after the last word, then gone


ARABIC = "مرحبا بالعالم"  # "hello, world"


def _ink(image: Any) -> Any:
    """The text's bounding box, as a 0/1 array resampled to 240x60."""
    from PIL import Image

    gray = np.asarray(image.convert("L")) > 128
    ys, xs = np.nonzero(gray)
    box = gray[ys.min(): ys.max() + 1, xs.min(): xs.max() + 1]
    resized = Image.fromarray((box * 255).astype("uint8")).resize((240, 60), Image.BILINEAR)
    return np.asarray(resized) > 100


def _overlap(a: Any, b: Any) -> float:
    return float((a & b).sum() / (a | b).sum())


def test_arabic_line_renders_shaped_right_to_left(tmp_path: Path) -> None:
    """libass's rendering of the caption matches Pillow+raqm's shaped RTL rendering of the same
    text in the same font far better than an unshaped left-to-right rendering."""
    from PIL import Image, ImageDraw, ImageFont, features

    if not features.check("raqm"):
        pytest.skip("Pillow without raqm: no independent shaped reference")
    style = CaptionStyle(name="plain", font_file=fonts_dir() / "Montserrat-Medium.ttf",
                         size=0.2, outline=0.0, shadow=0.0, align="middle")
    preset = dataclasses.replace(PRESETS["x"], width=800, height=240)
    ass = write_ass(tmp_path / "ar.ass", preset, [], style, None, None,
                    words=[Word(w, 0.0, 2.0) for w in ARABIC.split()])
    assert "{\\fnNoto Sans Arabic}" in ass.read_text(encoding="utf-8")
    png = tmp_path / "libass.png"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=800x240:d=1", "-vf",
           f"ass=filename={ass}:fontsdir={fonts_dir()}", "-frames:v", "1", str(png))
    rendered = _ink(Image.open(png))

    font_path = str(fonts_dir() / "NotoSansArabic-Bold.ttf")

    def reference(engine: Any, **kwargs: Any) -> Any:
        font = ImageFont.truetype(font_path, 48, layout_engine=engine)
        image = Image.new("L", (800, 160))
        ImageDraw.Draw(image).text((20, 40), ARABIC, font=font, fill=255, **kwargs)
        return _ink(image)

    shaped = reference(ImageFont.Layout.RAQM, direction="rtl")
    unshaped = reference(ImageFont.Layout.BASIC)
    with_shaping, without = _overlap(rendered, shaped), _overlap(rendered, unshaped)
    print(f"overlap with shaped RTL {with_shaping:.2f}, with unshaped {without:.2f}")
    assert with_shaping > 0.6, with_shaping
    assert with_shaping > without + 0.2, (with_shaping, without)


def test_hebrew_and_arabic_phrases_stay_one_font_run_each() -> None:
    from vidcamp.render.captions import ass_text

    text = ass_text("שלום עולם and مرحبا بالعالم!", load_style("boxed"))
    assert text == ("{\\fnNoto Sans Hebrew}שלום עולם {\\fnMontserrat Medium}and "
                    "{\\fnNoto Sans Arabic}مرحبا بالعالم!{\\fnMontserrat Medium}")
    hindi = ass_text("नमस्ते दुनिया", load_style("boxed"))
    assert hindi == "{\\fnNoto Sans Devanagari}नमस्ते दुनिया{\\fnMontserrat Medium}"
