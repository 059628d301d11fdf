"""``--write``: a new campaign that validates and builds; appending keeps the user's clips and
comments byte for byte; a target that does not parse is an error and nothing is written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.spec.test_broken_specs import run_cli
from tests.suggest.conftest import Known
from vidcamp.spec.loader import load_campaign

USER_CAMPAIGN = """\
# My launch campaign: keep this comment
name: launch
sources:
  talk: {footage}   # the webinar recording
defaults:
  source: talk
clips:
  - id: intro       # hand-picked, do not touch
    title: "Hand-picked intro"
    cut:
      - {{from: 1, to: 6}}
  # - id: maybe-later
  #   cut: [{{from: 30, to: 40}}]

# Targets below
targets:
  x:
"""


@pytest.mark.slow
def test_new_campaign_validates_and_builds(
    structured: Known, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    campaign = tmp_path / "suggested.yaml"
    code, out, err = run_cli(["suggest", str(structured.path), "--count", "2", "--length",
                              "3-8", "--target", "x", "--write", str(campaign), "--json"],
                             capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["written"]["created"] is True and len(data["written"]["clips"]) == 2
    sheet = Path(data["sheet"])
    assert sheet == tmp_path / "suggested.suggest.png"
    # one row per clip: the label, then four 240x135 frames (320x180 footage) with borders
    import struct

    from vidcamp.suggest.sheet import FRAME_HEIGHT, FRAMES, LABEL_WIDTH

    head = sheet.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    assert (width, height) == (LABEL_WIDTH + FRAMES * (240 + 6), 2 * (FRAME_HEIGHT + 6))
    assert [c["id"] for c in data["clips"]] == data["written"]["clips"]
    text = campaign.read_text()
    assert "# suggested #1, score" in text and "hook " in text

    code, out, err = run_cli(["validate", str(campaign)], capsys)
    assert code == 0, err
    code, out, err = run_cli(["build", str(campaign), "--no-queue"], capsys)
    assert code == 0, err
    # progress of the whole batch, after each clip
    assert "batch: 1/2 clips done, about " in err and "batch: 2/2 clips done" in err
    built = sorted(p.relative_to(tmp_path) for p in (tmp_path / "build").rglob("*.mp4"))
    assert [p.parent.name for p in built] == sorted(data["written"]["clips"])


def test_append_keeps_user_clips_and_comments(
    structured: Known, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(structured.path, tmp_path / "talk.mp4")
    campaign = tmp_path / "campaign.yaml"
    original = USER_CAMPAIGN.format(footage="talk.mp4")
    campaign.write_text(original)
    code, _out, err = run_cli(["suggest", str(tmp_path / "talk.mp4"), "--count", "3",
                              "--length", "10-30", "--write", str(campaign), "-q"], capsys)
    assert code == 0, err
    text = campaign.read_text()
    # every line the user wrote is still there, in order, unchanged
    new_lines = iter(text.splitlines())
    assert all(line in new_lines for line in original.splitlines())
    assert text.startswith(original.split("  # - id: maybe-later")[0])
    assert text.endswith("# Targets below\ntargets:\n  x:\n")
    spec = load_campaign(campaign).spec
    assert spec.clips[0].id == "intro" and spec.clips[0].title == "Hand-picked intro"
    assert len(spec.clips) == 4
    assert {c.source for c in spec.clips[1:]} == {"talk"}  # the existing source is reused
    assert list(spec.sources) == ["talk"]

    # again: ids stay unique, the clips go after the ones suggested before
    code, _, err = run_cli(["suggest", str(tmp_path / "talk.mp4"), "--count", "2",
                            "--length", "10-30", "--write", str(campaign), "-q"], capsys)
    assert code == 0, err
    ids = [c.id for c in load_campaign(campaign).spec.clips]
    assert len(ids) == 6 and len(set(ids)) == 6


def test_append_adds_a_source_for_other_footage(
    structured: Known, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    campaign = tmp_path / "campaign.yaml"
    (tmp_path / "other.mp4").write_bytes(b"")
    campaign.write_text(USER_CAMPAIGN.format(footage="other.mp4"))
    code, _, err = run_cli(["suggest", str(structured.path), "--count", "1", "--length",
                            "10-30", "--write", str(campaign), "-q"], capsys)
    assert code == 0, err
    spec = load_campaign(campaign).spec
    assert list(spec.sources) == ["talk", "suggested"]
    assert (campaign.parent / spec.sources["suggested"].path).resolve() == structured.path
    assert spec.clips[-1].source == "suggested"
    assert "  talk: other.mp4   # the webinar recording\n" in campaign.read_text()


@pytest.mark.parametrize(("text", "code", "message"), [
    ("name: x\nclips: [\n", 3, "c.yaml:"),
    ("name: x\nsources:\n\tmain: a.mp4\n", 3, "c.yaml:3"),
    ("name: launch\nsources:\n  main: a.mp4\nclips: [{id: a, cut: [{from: 1, to: 2}]}]\n"
     "targets: {x: }\n", 2, "`clips` is not a block list"),
    ("name: launch\nsources: {main: a.mp4}\nclips:\n  - {id: a, cut: [{from: 1, to: 2}]}\n"
     "targets: {x: }\n", 2, "`sources` is not a block mapping"),
])
def test_a_target_that_does_not_parse_is_left_alone(
    structured: Known, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
    code: int, message: str,
) -> None:
    campaign = tmp_path / "c.yaml"
    campaign.write_text(text)
    got, _out, err = run_cli(["suggest", str(structured.path), "--count", "1", "--length",
                             "10-30", "--write", str(campaign)], capsys)
    assert got == code
    assert message in err and err.startswith("error: ")
    assert campaign.read_text() == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]  # no temp file, no sheet



@pytest.mark.parametrize("text", [
    # clips last, four-space indent, no newline at the end of the file
    "name: launch\nsources:\n    talk: {footage}\ntargets:\n    x:\nclips:\n    - id: intro\n"
    "      source: talk\n      cut: [{{from: 1, to: 6}}]",
    # list items flush with the key, a comment after the last clip, a key after a blank line
    "name: launch\nsources:\n  talk: {footage}\nclips:\n- id: intro\n  source: talk\n"
    "  cut: [{{from: 1, to: 6}}]\n  # keep intro short\n\ntargets:\n  x:\n",
])
def test_append_fits_the_file_layout(structured: Known, tmp_path: Path, text: str) -> None:
    from vidcamp.suggest.engine import suggest_clips
    from vidcamp.suggest.output import write_campaign

    shutil.copy(structured.path, tmp_path / "talk.mp4")
    campaign = tmp_path / "campaign.yaml"
    original = text.format(footage="talk.mp4")
    campaign.write_text(original)
    result = suggest_clips(tmp_path / "talk.mp4", count=2, length=(10.0, 30.0))
    written = write_campaign(result, campaign)
    spec = load_campaign(campaign).spec
    assert [c.id for c in spec.clips] == ["intro", *written.clip_ids]
    new_lines = iter(campaign.read_text().splitlines())
    assert all(line in new_lines for line in original.splitlines())
