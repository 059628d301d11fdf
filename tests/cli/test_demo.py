from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_demo_campaign_validates_on_a_fresh_checkout(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(ROOT / "campaigns" / "demo", demo, ignore=shutil.ignore_patterns("footage", "build"))
    result = subprocess.run(
        [sys.executable, "-m", "vidcamp", "validate", str(demo / "campaign.yaml")],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "valid — campaign demo, 2 clips, 4 targets, 8 variants, 0 warnings" in result.stdout
    assert "making footage footage/demo.mp4" in result.stderr  # first use generated it
    assert (demo / "footage" / "demo.mp4").stat().st_size > 0
    assert not list((demo / "footage").glob(".*part*"))
