from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
    }


def test_demo_campaign_validates_on_a_fresh_checkout_and_writes_nothing(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(
        ROOT / "campaigns" / "demo", demo, ignore=shutil.ignore_patterns("footage", "build")
    )
    before = _tree(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "vidcamp", "validate", str(demo / "campaign.yaml")],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "valid — campaign demo, 2 clips, 5 targets, 10 variants, 1 warnings" in result.stdout
    assert result.stderr.strip() == (
        "warning: campaign.yaml:13:11 sources.main.path: footage/demo.mp4: not made yet; "
        "`vidcamp build` makes it from its `generate:` recipe (cuts against it are checked then)"
    )
    assert _tree(tmp_path) == before  # validation writes nothing; build makes the footage
