from __future__ import annotations

import json

from click.testing import CliRunner

from vidcamp.cli import cli
from vidcamp.presets import PRESETS


def test_presets_lists_every_preset_with_its_source() -> None:
    result = CliRunner().invoke(cli, ["presets", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["name"] for r in rows] == list(PRESETS)
    shorts = next(r for r in rows if r["name"] == "youtube_shorts")
    assert (shorts["width"], shorts["height"], shorts["aspect"]) == (1080, 1920, "9:16")
    assert shorts["max_duration"] == 180
    assert all(r["source"].startswith("https://") for r in rows)


def test_presets_table_and_unknown_name() -> None:
    runner = CliRunner()
    table = runner.invoke(cli, ["presets", "x"])
    assert table.exit_code == 0
    assert "1280x720" in table.output
    bad = runner.invoke(cli, ["presets", "myspace"])
    assert bad.exit_code != 0


def test_schema_is_json_schema() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "vidcamp campaign"
    assert "clips" in schema["required"]


def test_help_teaches_the_first_run() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert "vidcamp build campaigns/demo/campaign.yaml" in result.output
    assert "validate" in result.output
