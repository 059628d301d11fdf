"""End to end with the transcription extra: real speech (the committed espeak-ng fixture) in
footage, transcribed by faster-whisper through `vidcamp suggest --transcribe`; every clip starts
and ends on a sentence boundary and asks for auto captions."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.spec.test_broken_specs import run_cli
from vidcamp.media.ffmpeg import find_ffmpeg
from vidcamp.media.generate import generate_structured

# slow: Whisper transcription of generated footage
pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "speech"
GAP = 1.5  # seconds of silence between the three sentences


@pytest.fixture(scope="module")
def whisper_model() -> Path:
    pytest.importorskip("faster_whisper")
    import os

    from tests.transcribe.conftest import _join_model

    os.environ["HF_HUB_OFFLINE"] = "1"
    return _join_model()


def speech_footage(folder: Path) -> tuple[Path, list[tuple[float, float]]]:
    """Three takes of the English fixture with pauses between them, over colour shots; returns
    the footage and each sentence's (first word start, last word end) on the footage."""
    ref = json.loads((FIXTURES / "en.reference.json").read_text(encoding="utf-8"))
    take = 8.8335  # seconds in en.wav
    first, last = ref["words"][0]["start"], ref["words"][-1]["end"]
    offsets = [GAP + k * (take + GAP) for k in range(3)]
    total = offsets[-1] + take + GAP
    video = generate_structured(folder / "video.mp4", shots=[total / 2, total / 2], bursts=None)
    silence = f"anullsrc=r=16000:cl=mono:d={GAP}"
    graph = (f"{silence}[g0];{silence}[g1];{silence}[g2];{silence}[g3];"
             "[g0][1:a][g1][2:a][g2][3:a][g3]concat=n=7:v=0:a=1[a]")
    out = folder / "speech.mp4"
    wav = str(FIXTURES / "en.wav")
    subprocess.run(
        [str(find_ffmpeg()), "-v", "error", "-y", "-i", str(video), "-i", wav, "-i", wav,
         "-i", wav, "-filter_complex", graph, "-map", "0:v", "-map", "[a]", "-c:v", "copy",
         "-c:a", "aac", "-ar", "48000", str(out)],
        check=True,
    )
    return out, [(o + first, o + last) for o in offsets]


def test_transcribed_clips_start_and_end_on_sentences(
    whisper_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VIDCAMP_TRANSCRIPT_CACHE", str(tmp_path / "cache"))
    footage, spans = speech_footage(tmp_path)
    campaign = tmp_path / "campaign.yaml"
    code, out, err = run_cli(
        ["suggest", str(footage), "--count", "2", "--length", "6-20", "--target", "x",
         "--transcribe", "--model", str(whisper_model), "--language", "en", "--json",
         "--write", str(campaign)], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["transcript"] is True and len(data["clips"]) == 2
    for clip in data["clips"]:
        assert clip["starts_on"] == "sentence" and clip["ends_on"] == "sentence"
        # within 0.4 s: Whisper's word times against the fixture's, plus the 0.15 s lead-in
        assert min(abs(clip["start"] - a) for a, _ in spans) <= 0.4, clip
        assert min(abs(clip["end"] - b) for _, b in spans) <= 0.4, clip
        assert "quick brown fox" in clip["title"].lower()
        assert "words/s" in clip["parts"]["speech"]["detail"]
    from vidcamp.spec.loader import load_campaign

    spec = load_campaign(campaign).spec
    for clip in spec.clips:
        assert clip.captions is not None and clip.captions.auto is True
        assert clip.captions.language == "en" and clip.captions.model == str(whisper_model)
