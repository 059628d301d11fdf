"""Auto captions through the commands: transcript written once, edited, cached, bad input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.render.conftest import ffmpeg
from tests.transcribe.conftest import FIXTURES
from vidcamp.cli import cli
from vidcamp.errors import VidcampError
from vidcamp.render.runner import LAUNCHES
from vidcamp.transcribe.whisper import load_model

CAMPAIGN = """\
name: talk
sources:
  main: footage.mp4
clips:
  - id: intro
    source: main
    cut: [{{from: 0.2, to: 4.2}}]
    captions: {{auto: true, language: en, model: {model}, highlight: [fox]}}
targets:
  x: {{}}
"""


def _footage(path: Path, audio: list[str]) -> Path:
    ffmpeg("-f", "lavfi", "-i", "color=c=0x224466:s=320x240:r=25:d=5", *audio,
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
           "-shortest", str(path))
    return path


@pytest.fixture()
def talk(tmp_path: Path, whisper_base: Path) -> Path:
    _footage(tmp_path / "footage.mp4", ["-i", str(FIXTURES / "en.wav")])
    spec = tmp_path / "campaign.yaml"
    spec.write_text(CAMPAIGN.format(model=whisper_base), encoding="utf-8")
    return spec


def _block_faster_whisper(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the transcribe extra were not installed: importing faster_whisper fails."""
    load_model.cache_clear()
    monkeypatch.setitem(sys.modules, "faster_whisper", None)


@pytest.mark.slow
def test_transcript_written_once_edited_then_rebuilt_from_cache(
    talk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    words_json = talk.parent / "captions" / "intro.words.json"
    res = runner.invoke(cli, ["transcribe", str(talk), "-q"])
    assert res.exit_code == 0, res.output
    assert "1 segment(s) transcribed, 0 from cache" in res.output
    data = json.loads(words_json.read_text(encoding="utf-8"))
    assert [w["word"].strip(".").lower() for w in data["words"]][1:4] == ["quick", "brown", "fox"]
    assert (talk.parent / "captions" / "intro.srt").read_text().startswith("1\n00:00:00,")
    assert data["cut"] == [[0.2, 4.2]]

    res = runner.invoke(cli, ["build", str(talk), "--no-queue", "-q"])
    assert res.exit_code == 0, res.output
    assert (talk.parent / "build" / "talk" / "intro" / "x.mp4").is_file()

    # the user fixes a word: the clip renders again, nothing is transcribed
    _block_faster_whisper(monkeypatch)
    words_json.write_text(words_json.read_text().replace('"fox', '"FOX'), encoding="utf-8")
    res = runner.invoke(cli, ["build", str(talk), "--no-queue"])
    assert res.exit_code == 0, res.output
    assert "intro: rendered x" in res.output
    assert "FOX" in words_json.read_text()  # never overwritten

    # a lost transcript comes back from the segment cache without a model
    words_json.unlink()
    before = LAUNCHES.value
    res = runner.invoke(cli, ["build", str(talk), "--no-queue"])
    assert res.exit_code == 0, res.output
    assert "0 segment(s) transcribed, 1 from cache" in res.output
    assert words_json.is_file()
    assert LAUNCHES.value > before  # the restored (unedited) words differ: it rendered

    # the cut changes under an existing transcript: said, not silently misplaced
    talk.write_text(talk.read_text().replace("to: 4.2", "to: 4.0"))
    res = runner.invoke(cli, ["validate", str(talk)])
    assert res.exit_code == 0, res.output
    assert "intro.words.json: made for another cut of the clip" in res.output


def test_missing_extra_is_one_line_saying_how_to_install(
    talk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _block_faster_whisper(monkeypatch)
    res = CliRunner().invoke(cli, ["transcribe", str(talk), "-q"])
    assert isinstance(res.exception, VidcampError) and res.exception.exit_code == 2
    assert res.exception.lines == [
        'word captions need the transcribe extra: pip install "vidcamp[transcribe]"'
    ]
    assert not (talk.parent / "captions" / "intro.words.json").exists()
    res = CliRunner().invoke(cli, ["validate", str(talk)])
    assert res.exit_code == 0, res.output
    assert 'no transcript yet and word captions need the transcribe extra: pip install' in res.output


@pytest.mark.slow
def test_no_speech_leaves_captions_empty_and_the_render_goes_on(
    tmp_path: Path, whisper_base: Path
) -> None:
    _footage(tmp_path / "footage.mp4", ["-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono"])
    spec = tmp_path / "campaign.yaml"
    spec.write_text(CAMPAIGN.format(model=whisper_base), encoding="utf-8")
    res = CliRunner().invoke(cli, ["build", str(spec), "--no-queue"])
    assert res.exit_code == 0, res.output
    assert "no speech heard: captions empty" in res.output
    assert json.loads((tmp_path / "captions" / "intro.words.json").read_text())["words"] == []
    assert (tmp_path / "build" / "talk" / "intro" / "x.mp4").is_file()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("language: en", 'Whisper knows no language "xx"'),
        ("model: MODEL", "./notamodel: not a CTranslate2 Whisper model folder (no model.bin, config.json)"),
    ],
)
def test_bad_language_or_model_fails_validation(
    talk: Path, change: str, message: str
) -> None:
    text = talk.read_text()
    if change.startswith("language"):
        text = text.replace("language: en", "language: xx")
    else:
        (talk.parent / "notamodel").mkdir()
        text = text.replace(f"model: {text.split('model: ')[1].split(',')[0]}", "model: ./notamodel")
    talk.write_text(text)
    res = CliRunner().invoke(cli, ["validate", str(talk)])
    assert isinstance(res.exception, VidcampError) and res.exception.exit_code == 3
    (line,) = res.exception.lines
    assert message in line and line.startswith("campaign.yaml:8:"), line
