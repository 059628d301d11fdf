from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from vidcamp.cli import cli
from vidcamp.errors import UsageError
from vidcamp.spec.checks import check_campaign
from vidcamp.spec.loader import load_campaign


def test_init_makes_a_campaign_that_validates(tmp_path: Path) -> None:
    folder = tmp_path / "Spring Sale"
    result = CliRunner().invoke(cli, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    loaded = load_campaign(folder / "campaign.yaml")
    assert loaded.spec.name == "Spring-Sale"
    report = check_campaign(loaded, probe_media=False)
    assert report.errors == []
    assert (folder / "captions" / "first.srt").is_file()


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(tmp_path)]).exit_code == 0
    again = runner.invoke(cli, ["init", str(tmp_path)])
    assert isinstance(again.exception, UsageError)
    assert again.exception.exit_code == 2
    assert "already exists" in str(again.exception)
