from __future__ import annotations

from pathlib import Path

import pytest

from vidcamp.errors import SpecErrors
from vidcamp.spec.loader import load_campaign
from vidcamp.spec.models import json_schema

SPEC = """\
name: demo
sources:
  main: clip.mp4
defaults:
  tags: [a, b]
  captions:
    style: boxed
  hook: {duration: 2}
clips:
  - id: one
    source: main
    cut:
      - {from: 1:30, to: 01:32.5}
    captions: {file: one.srt}
  - id: two
    source: main
    tags: [c]
    hook: {text: Hi}
    cut: [{from: 0, to: 1}]
targets:
  youtube_shorts:
  x: {reframe: pad}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "campaign.yaml"
    path.write_text(text)
    return path


def test_defaults_are_inherited_and_nested_mappings_merge(tmp_path: Path) -> None:
    spec = load_campaign(write(tmp_path, SPEC)).spec
    one, two = spec.clips
    assert one.tags == ["a", "b"]
    assert two.tags == ["c"]  # lists are replaced, not merged
    assert one.captions is not None and one.captions.style == "boxed"
    assert one.captions.file == "one.srt"
    assert two.hook is not None and (two.hook.text, two.hook.duration) == ("Hi", 2)


def test_base60_looking_timecodes_stay_timecodes(tmp_path: Path) -> None:
    # YAML 1.1 would read 1:30 as the integer 90 and 01:32.5 as a float; both mean the same
    # here, but only because we parse them as timecodes ourselves.
    spec = load_campaign(write(tmp_path, SPEC)).spec
    assert (spec.clips[0].cut[0].start, spec.clips[0].cut[0].end) == (90, 92.5)


def test_empty_target_means_preset_defaults(tmp_path: Path) -> None:
    spec = load_campaign(write(tmp_path, SPEC)).spec
    assert spec.targets["youtube_shorts"].reframe == "crop"
    assert spec.targets["x"].reframe == "pad"


def test_an_error_in_an_inherited_value_points_at_defaults(tmp_path: Path) -> None:
    text = SPEC.replace("style: boxed", "style: [boxed]")
    with pytest.raises(SpecErrors) as err:
        load_campaign(write(tmp_path, text))
    assert err.value.lines == [
        "campaign.yaml:7:12 defaults.captions.style: expected text, got a list"
    ]


def test_anchors_and_merge_keys_work(tmp_path: Path) -> None:
    text = SPEC.replace("  x: {reframe: pad}", "  x: &pad {reframe: pad}\n  dailymotion: *pad")
    spec = load_campaign(write(tmp_path, text)).spec
    assert spec.targets["dailymotion"].reframe == "pad"


def test_json_schema_names_every_top_level_field() -> None:
    schema = json_schema()
    assert set(schema["properties"]) == {
        "name",
        "sources",
        "defaults",
        "clips",
        "targets",
        "brand",
        "accounts",
        "schedule",
        "review",
    }
    assert schema["properties"]["review"]["enum"] == ["required", "none"]
    cut = schema["$defs"]["Cut"]
    assert set(cut["properties"]) == {"from", "to"}
    assert cut["additionalProperties"] is False
