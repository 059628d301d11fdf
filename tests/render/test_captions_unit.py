"""Caption reading, time remapping through cuts, ASS layout, escapes and emoji font runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from vidcamp.errors import SpecError
from vidcamp.jobs import CaptionLine, Captions, Hook, Segment
from vidcamp.presets import PRESETS
from vidcamp.render import captions as cap


def test_style_files_include_the_required_styles() -> None:
    names = cap.style_names()
    assert {"pop", "lower_third", "boxed", "hook"} <= set(names)
    for name in names:
        style = cap.load_style(name)
        assert style.font_file.is_file()
    assert cap.load_style("pop").uppercase
    assert cap.load_style("boxed").box


def test_remap_drops_outside_lines_and_clips_straddlers() -> None:
    events = [
        cap.TimedText(0.0, 0.9, "before the cut"),
        cap.TimedText(1.5, 2.5, "straddles the first cut's end"),
        cap.TimedText(3.0, 4.0, "in the gap"),
        cap.TimedText(10.2, 10.8, "inside the second cut"),
        cap.TimedText(10.9, 11.02, "too short after clipping"),
    ]
    segments = [Segment(1.0, 2.0), Segment(10.0, 11.0)]
    out = cap.remap_to_clip(events, segments)
    assert [(round(e.start, 3), round(e.end, 3), e.text) for e in out] == [
        (0.5, 1.0, "straddles the first cut's end"),
        (1.2, 1.8, "inside the second cut"),
    ]


def test_inline_lines_are_clipped_to_the_clip() -> None:
    lines = (CaptionLine(-1.0, 0.5, "a"), CaptionLine(1.5, 9.0, "b"), CaptionLine(5, 6, "c"))
    out, enc = cap.read_captions(Captions(style="pop", lines=lines), [Segment(0, 2)])
    assert enc == "utf-8"
    assert [(e.start, e.end, e.text) for e in out] == [(0.0, 0.5, "a"), (1.5, 2.0, "b")]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Perché già".encode(), "utf-8"),
        ("\ufeffPerché".encode(), "utf-8"),
        ("Perché “già”".encode("cp1252"), "cp1252"),
        (b"caf\xe9 \x81", "latin-1"),  # 0x81 is undefined in cp1252
        ("Perché".encode("utf-16"), "utf-16"),
    ],
)
def test_caption_encodings(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "c.srt"
    path.write_bytes(data)
    assert cap.decode_caption_file(path)[1] == encoding


def test_file_captions_read_from_vtt(tmp_path: Path) -> None:
    vtt = tmp_path / "c.vtt"
    vtt.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<i>Ciao</i> mondo\n")
    lines, _ = cap.read_captions(Captions(style="pop", file=vtt), [Segment(0.5, 3.0)])
    assert [(e.start, e.end, e.text) for e in lines] == [(0.5, 1.5, "Ciao mondo")]


def test_ass_text_uppercases_escapes_and_runs_emoji_in_the_emoji_font() -> None:
    pop = cap.load_style("pop")
    text = cap.ass_text("Caffè 🚀☕ {x} a\\nb ok", pop)
    assert text.startswith(
        "CAFFÈ {\\fnNoto Emoji}🚀☕{\\fnMontserrat ExtraBold} \\{X\\} A\\\u2060NB"
    )
    assert cap.ass_text("line one\nline two", cap.load_style("boxed")) == "line one\\Nline two"
    # a ZWJ sequence and a variation selector stay inside one emoji run
    family = cap.ass_text("hi ❤️ 👩‍💻", cap.load_style("boxed"))
    assert family.count("{\\fnNoto Emoji}") == 2


def test_written_ass_is_in_output_pixels_inside_the_safe_zone(tmp_path: Path) -> None:
    import pysubs2

    preset = PRESETS["facebook_reels"]
    path = cap.write_ass(tmp_path / "x.ass", preset, [cap.TimedText(0.0, 1.0, "hello")],
                         cap.load_style("pop"), Hook("look", 2.0), cap.load_style("hook"))
    subs = pysubs2.load(str(path))
    assert (subs.info["PlayResX"], subs.info["PlayResY"]) == ("1080", "1920")
    caption, hook = subs.styles["Caption"], subs.styles["Hook"]
    assert caption.marginv >= round(0.35 * 1920)  # Reels keep the bottom 35% clear
    assert hook.marginv >= round(0.14 * 1920)
    assert caption.marginl >= round(0.06 * 1080) and caption.marginr >= round(0.06 * 1080)
    assert int(caption.alignment) == 2 and int(hook.alignment) == 8
    assert [e.text for e in subs.events] == ["HELLO", "LOOK"]
    assert subs.events[1].end == 2000


def test_bad_style_fields(tmp_path: Path) -> None:
    fonts = Path(cap.fonts_dir())
    (tmp_path / "a.yaml").write_text("font: Montserrat-Medium.ttf\ncolour: red\n")
    with pytest.raises(SpecError, match="unknown field"):
        cap.load_style("a", directory=tmp_path, fonts=fonts)
    (tmp_path / "b.yaml").write_text("font: Montserrat-Medium.ttf\ncolor: red\n")
    with pytest.raises(SpecError, match="expected #RRGGBB"):
        cap.load_style("b", directory=tmp_path, fonts=fonts)
    (tmp_path / "c.yaml").write_text("font: Montserrat-Medium.ttf\nalign: left\n")
    with pytest.raises(SpecError, match="align"):
        cap.load_style("c", directory=tmp_path, fonts=fonts)


def test_missing_glyphs_are_named() -> None:
    assert cap.missing_glyphs("Caffè 🚀 ñ ß", cap.load_style("pop")) == ""
    assert cap.missing_glyphs("Tokyo 東京 ok", cap.load_style("boxed")) == "東京"
