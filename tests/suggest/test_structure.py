"""Suggest on footage whose shots and pauses are known: the signals find them, and every clip
starts and ends on one of them, within the length range, without overlap."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.spec.test_broken_specs import run_cli
from tests.suggest.conftest import Known
from vidcamp.cli import cli
from vidcamp.suggest.engine import suggest_clips
from vidcamp.suggest.score import WEIGHTS
from vidcamp.suggest.signals import measure_signals

TOLERANCE = 0.3


def _near(t: float, points: list[float]) -> float:
    return min(abs(t - p) for p in points)


def test_signals_find_every_cut_and_pause(structured: Known) -> None:
    from vidcamp.media.probe import probe

    signals = measure_signals(probe(structured.path))
    assert len(signals.cuts) == len(structured.cuts)
    for found, known in zip(signals.cuts, structured.cuts, strict=True):
        assert abs(found - known) <= 0.1
    assert len(signals.silences) == len(structured.pauses)
    for (s, e), (ks, ke) in zip(signals.silences, structured.pauses, strict=True):
        assert abs(s - ks) <= 0.1 and abs(e - ke) <= 0.1
    loud = max(signals.loudness[round(47 / 0.1)], signals.loudness[round(48 / 0.1)])
    quiet = signals.loudness[round(60 / 0.1)]
    assert loud > quiet + 6  # amplitude 0.8 against 0.25: about 10 dB apart


@pytest.mark.parametrize(("count", "length"), [(5, (10.0, 30.0)), (3, (20.0, 40.0))])
def test_clips_start_and_end_on_pauses_or_cuts(
    structured: Known, count: int, length: tuple[float, float]
) -> None:
    result = suggest_clips(structured.path, count=count, length=length, target="youtube_shorts")
    clips = result.suggestions
    assert len(clips) == count
    edges = structured.boundaries()
    for s in clips:
        assert _near(s.start, edges) <= TOLERANCE, (s.start, s.candidate.start)
        assert _near(s.end, edges) <= TOLERANCE, (s.end, s.candidate.end)
        assert length[0] - 1e-6 <= s.end - s.start <= length[1] + 1e-6
        # never in the middle of a burst (mid-word): a boundary is in or next to a pause
        for bound in (s.start, s.end):
            assert _near(bound, [t for p in structured.pauses for t in p]) <= TOLERANCE
    ordered = sorted(clips, key=lambda c: c.start)
    for a, b in itertools.pairwise(ordered):
        assert a.end <= b.start + 1e-6
    assert [c.score for c in clips] == sorted((c.score for c in clips), reverse=True)


def test_score_is_the_weighted_mean_of_its_parts(structured: Known) -> None:
    res = CliRunner().invoke(cli, ["suggest", str(structured.path), "--count", "4",
                                   "--length", "10-30", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["audio"] is True and len(data["clips"]) == 4
    for clip in data["clips"]:
        parts = clip["parts"]
        assert set(parts) == set(WEIGHTS)
        weight = sum(p["weight"] for p in parts.values())
        assert clip["score"] == pytest.approx(
            sum(p["points"] for p in parts.values()) / weight, abs=0.06)
        assert all(0 <= p["value"] <= 1 and p["detail"] for p in parts.values())
    # the loudest sentence (amplitude 0.8, 45.5-52 s) is inside the best-scored clip's loudness
    best = data["clips"][0]
    assert best["parts"]["loudness"]["value"] >= max(
        c["parts"]["loudness"]["value"] for c in data["clips"]) - 0.35


def test_no_audio_uses_shots_only_and_says_so_once(silent_film: Known, tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["suggest", str(silent_film.path), "--count", "3",
                                   "--length", "10-30", "--json"])
    assert res.exit_code == 0, res.output
    assert res.stderr.count("no audio") == 1
    data = json.loads(res.stdout)
    assert data["audio"] is False
    edges = silent_film.boundaries()
    for clip in data["clips"]:
        assert set(clip["parts"]) == {"pace", "motion", "boundaries", "length"}
        assert _near(clip["start"], edges) <= TOLERANCE and _near(clip["end"], edges) <= TOLERANCE
        assert 10 <= clip["duration"] <= 30


def test_footage_shorter_than_the_minimum_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from vidcamp.media.generate import generate_structured

    short = generate_structured(tmp_path / "short.mp4", shots=[3.0, 4.0],
                                bursts=[(0.5, 6.0, 0.5)])
    code, out, err = run_cli(["suggest", str(short), "--length", "20-60"], capsys)
    assert code == 3 and out == ""
    assert err.splitlines() == [
        f"error: {short}: footage is 7.0 s, shorter than the shortest clip asked for "
        "(20 s; see --length)"
    ]


@pytest.mark.parametrize(("args", "message"), [
    (["--length", "60-20"], "--length '60-20': expected MIN-MAX seconds"),
    (["--target", "myspace"], "unknown preset 'myspace'"),
    (["--length", "200-300", "--target", "facebook_reels"], "facebook_reels takes 3-90 s"),
])
def test_bad_options_are_usage_errors(
    structured: Known, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(["suggest", str(structured.path), *args], capsys)
    assert code == 2
    assert len(err.splitlines()) == 1 and message in err


def test_footage_without_pauses_or_cuts_falls_back_to_quiet_moments(tmp_path: Path) -> None:
    from vidcamp.media.generate import generate_footage

    steady = generate_footage(tmp_path / "steady.mp4", video="testsrc2=size=160x90:rate=25",
                              audio="sine=frequency=330", duration=30)
    result = suggest_clips(steady, count=3, length=(5.0, 10.0))
    assert len(result.suggestions) == 3
    assert any("quietest moment" in note for note in result.notes)
    ordered = sorted(result.suggestions, key=lambda c: c.start)
    for a, b in itertools.pairwise(ordered):
        assert a.end <= b.start + 1e-6
    for s in result.suggestions:
        assert 5 <= s.end - s.start <= 10
        assert {s.candidate.start.kind, s.candidate.end.kind} <= {"quiet", "edge"}
        parts = {p.name: p.value for p in s.candidate.parts}
        assert parts["boundaries"] < 1.0  # the score says these edges are second-best
