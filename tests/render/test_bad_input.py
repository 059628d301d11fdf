"""Bad input: a one-line error of the right class naming the file, and nothing final-named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import vidcamp.render.captions as captions_mod
from tests.render.conftest import ffmpeg, job, make_source, small, variant
from vidcamp.errors import MediaError, RenderError, SpecError
from vidcamp.jobs import Captions
from vidcamp.media.probe import probe
from vidcamp.render import render_clip


def _assert_nothing_final(out: Path) -> None:
    if out.exists():
        assert [p.name for p in out.iterdir()] == []


def _one_line(exc: BaseException) -> str:
    text = str(exc)
    assert "\n" not in text and "Traceback" not in text
    return text


def test_corrupt_source(tmp_path: Path) -> None:
    bad = tmp_path / "corrupt.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    out = tmp_path / "out"
    with pytest.raises(MediaError) as err:
        render_clip(job(bad, out, [variant(out, "v", small("x", 320, 180))]))
    assert "corrupt.mp4" in _one_line(err.value)
    _assert_nothing_final(out)


def test_truncated_source(media: Any, tmp_path: Path) -> None:
    whole = make_source(tmp_path / "whole.mp4", seconds=3)  # moov at the end
    cut = tmp_path / "truncated.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    out = tmp_path / "out"
    with pytest.raises(MediaError) as err:
        render_clip(job(cut, out, [variant(out, "v", small("x", 320, 180))]))
    assert "truncated.mp4" in _one_line(err.value)
    _assert_nothing_final(out)


def test_truncated_faststart_source_fails_the_output_check(tmp_path: Path) -> None:
    whole = make_source(tmp_path / "whole.mp4", seconds=3, extra=["-movflags", "+faststart"])
    cut = tmp_path / "truncated.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 3])
    out = tmp_path / "out"
    with pytest.raises((MediaError, RenderError)) as err:
        render_clip(job(cut, out, [variant(out, "v", small("x", 320, 180))],
                        segments=[(0.0, 2.8)]))
    message = _one_line(err.value)
    assert "video lasts" in message and "truncated.mp4 truncated?" in message
    _assert_nothing_final(out)


def test_no_video_stream(tmp_path: Path) -> None:
    audio_only = tmp_path / "voice.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac", str(audio_only))
    out = tmp_path / "out"
    with pytest.raises(MediaError, match=r"voice\.m4a: has no video stream"):
        render_clip(job(audio_only, out, [variant(out, "v", small("x", 320, 180))]))
    _assert_nothing_final(out)


def test_cut_past_the_end(media: Any, tmp_path: Path) -> None:
    source = media("src.mp4", seconds=2)
    out = tmp_path / "out"
    with pytest.raises(MediaError, match=r"segment 2 \(1\.5-9 s\) ends past the end"):
        render_clip(job(source, out, [variant(out, "v", small("x", 320, 180))],
                        segments=[(0.0, 1.0), (1.5, 9.0)]))
    _assert_nothing_final(out)


def test_non_utf8_caption_file_is_detected_as_cp1252(media: Any, tmp_path: Path) -> None:
    source = media("src.mp4", seconds=2)
    srt = tmp_path / "legacy.srt"
    srt.write_bytes("1\r\n00:00:00,100 --> 00:00:00,900\r\n“Café” – déjà vu\r\n".encode("cp1252"))
    text, encoding = captions_mod.decode_caption_file(srt)
    assert encoding == "cp1252" and "“Café” – déjà vu" in text
    out = tmp_path / "out"
    result = render_clip(job(source, out, [variant(out, "v", small("x", 320, 180))],
                             captions=Captions(style="pop", file=srt)))
    assert result.notes == (f"{srt}: not UTF-8, read as cp1252",)
    with pytest.raises(MediaError, match=r"legacy\.srt: not valid utf-8"):
        captions_mod.decode_caption_file(srt, "utf-8")


def test_missing_font(media: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    styles, fonts = tmp_path / "styles", tmp_path / "fonts"
    styles.mkdir()
    fonts.mkdir()
    (styles / "mine.yaml").write_text("font: Gone-Bold.ttf\nsize: 0.05\n")
    with pytest.raises(MediaError, match=r"Gone-Bold\.ttf: font file of caption style 'mine'"):
        captions_mod.load_style("mine", directory=styles, fonts=fonts)
    with pytest.raises(SpecError, match=r"unknown caption style 'nope' \(known: mine\)"):
        captions_mod.load_style("nope", directory=styles, fonts=fonts)

    # the bundled fonts gone: the render stops before ffmpeg, naming the missing file
    monkeypatch.setattr(captions_mod, "fonts_dir", lambda: fonts)
    source = media("src.mp4", seconds=2)
    out = tmp_path / "out"
    lines = (captions_mod.CaptionLine(0.1, 0.5, "hi"),)
    clip = job(source, out, [variant(out, "v", small("x", 320, 180))],
               captions=Captions(style="pop", lines=lines))
    with pytest.raises(MediaError, match=r"Montserrat-ExtraBold\.ttf: font file of caption"):
        render_clip(clip)
    _assert_nothing_final(out)


def test_ffmpeg_failure_quotes_ffmpeg_own_error_line(media: Any, tmp_path: Path) -> None:
    source = media("src.mp4", seconds=2)
    out = tmp_path / "out"
    clip = job(source, out, [variant(out, "v", small("x", 320, 180), reframe="pad",
                                     pad_color="notacolour")])
    with pytest.raises(RenderError) as err:
        render_clip(clip)
    message = _one_line(err.value)
    assert message.startswith(f"{out.name}: render: ffmpeg failed (exit ")
    assert "notacolour" in message and len(message) < 300, message
    _assert_nothing_final(out)


def test_over_length_error_and_trim(media: Any, tmp_path: Path) -> None:
    source = media("src.mp4", seconds=2)
    out = tmp_path / "out"
    short = small("x", 320, 180, max_duration=1.0)
    with pytest.raises(RenderError, match=r"1\.5 s is over x's 1 s limit"):
        render_clip(job(source, out, [variant(out, "v", short)], segments=[(0.0, 1.5)]))
    _assert_nothing_final(out)
    render_clip(job(source, out, [variant(out, "v", short, over_length="trim")],
                    segments=[(0.0, 1.5)]))
    assert abs(probe(out / "v.mp4").duration - 1.0) <= 1 / 30 + 0.03


def test_a_failing_clip_does_not_stop_the_others(media: Any, tmp_path: Path) -> None:
    from vidcamp.render import render_all

    source = media("src.mp4", seconds=2)
    bad, good = tmp_path / "bad", tmp_path / "good"
    jobs = [
        job(source, bad, [variant(bad, "v", small("x", 320, 180))], segments=[(0.0, 5.0)]),
        job(source, good, [variant(good, "v", small("x", 320, 180))]),
    ]
    for parallel in (1, 2):
        with pytest.raises(MediaError, match="ends past the end"):
            render_all(jobs, jobs_parallel=parallel, force=True)
        assert (good / "v.mp4").is_file()
        _assert_nothing_final(bad)


def test_characters_no_bundled_font_draws_are_reported(media: Any, tmp_path: Path) -> None:
    from vidcamp.jobs import Hook

    source = media("src.mp4", seconds=2)
    out = tmp_path / "cjk"
    result = render_clip(job(source, out, [variant(out, "v", small("x", 320, 180))],
                             hook=Hook("Tokyo 東京", 0.5)))
    assert result.notes == ("cjk: no bundled font draws '東京'; those characters will not show",)
