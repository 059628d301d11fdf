"""validate/plan warn when a schedule asks an account for more posts a day than allowed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vidcamp.spec.checks import check_campaign
from vidcamp.spec.loader import load_campaign

HEAD = """\
name: busy
sources:
  main: clip.mp4
accounts:
  youtube: brand_yt
  x: brand_x
schedule:
  start: 2026-05-04T06:00:00-07:00
  every: {every}
clips:
"""
CLIP = "  - id: c{n}\n    source: main\n    title: Clip {n}\n    cut: [{{from: 0, to: 2}}]\n"


def warnings(tmp_path: Path, media_dir: Path, clips: int, every: str, targets: str) -> list[str]:
    shutil.copy(media_dir / "clip.mp4", tmp_path / "clip.mp4")
    spec = tmp_path / "c.yaml"
    body = HEAD.format(every=every) + "".join(CLIP.format(n=n) for n in range(clips))
    spec.write_text(body + "targets:\n" + targets)
    report = check_campaign(load_campaign(spec), probe_media=False)
    return [str(w) for w in report.warnings if "platform allows" in str(w)]


@pytest.fixture(autouse=True)
def no_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "credentials.yaml"
    monkeypatch.setenv("VIDCAMP_CREDENTIALS", str(path))
    return path


def test_youtube_uploads_over_the_daily_units_warn_naming_the_day(
    tmp_path: Path, media_dir: Path
) -> None:
    found = warnings(tmp_path, media_dir, 8, "1h", "  youtube_shorts:\n")
    [line] = found
    assert "account brand_yt (YouTube): 8 posts in one Pacific day on 2026-05-04" in line
    assert "6 uploads a day (10000 quota units, 1600 per upload)" in line
    # three a day: within the quota
    assert warnings(tmp_path, media_dir, 8, "6h", "  youtube_shorts:\n") == []


def test_spread_out_uploads_do_not_warn(tmp_path: Path, media_dir: Path) -> None:
    assert warnings(tmp_path, media_dir, 8, "1d", "  youtube_shorts:\n") == []


def test_x_posts_follow_the_accounts_tier(
    tmp_path: Path, media_dir: Path, no_credentials: Path
) -> None:
    [line] = warnings(tmp_path, media_dir, 20, "30m", "  x:\n")
    assert "account brand_x (X): 20 posts in one 24 h on 2026-05-04" in line and "free tier" in line
    no_credentials.write_text("brand_x:\n  platform: x\n  tier: basic\n")
    assert warnings(tmp_path, media_dir, 20, "30m", "  x:\n") == []
