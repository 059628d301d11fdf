"""`vidcamp --help` and the cheap commands must not import heavy libraries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("numpy", "av", "moviepy", "PIL", "httpx")
ROOT = Path(__file__).resolve().parents[2]


def imported_modules(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "vidcamp", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    modules = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            modules.add(line.rsplit("|", 1)[1].strip())
    assert modules, "python -X importtime printed nothing"
    return modules


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("presets",),
        ("schema",),
        ("validate", "--no-probe", "campaigns/demo/campaign.yaml"),
    ],
    ids=["help", "presets", "schema", "validate-no-probe"],
)
def test_cheap_commands_import_nothing_heavy(args: tuple[str, ...]) -> None:
    modules = imported_modules(*args)
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert heavy == []
    assert "vidcamp.cli" in modules  # the measurement really saw our imports


# what the optional extras bring: only a campaign that uses a capability may import them
EXTRAS = ("faster_whisper", "ctranslate2", "cv2", "distributed", "dask", "moviepy", "skimage")


@pytest.mark.parametrize(
    "args",
    [
        ("validate", "campaigns/demo/campaign.yaml"),
        ("plan", "--json", "campaigns/demo/campaign.yaml"),
        ("effects", "--json"),
        ("transcribe", "--help"),
        ("suggest", "--help"),
        ("build", "--help"),
        ("stats", "--help"),
    ],
    ids=["validate", "plan", "effects", "transcribe-help", "suggest-help", "build-help",
         "stats-help"],
)
def test_no_extra_is_imported_unless_a_campaign_uses_it(args: tuple[str, ...]) -> None:
    modules = imported_modules(*args)
    extras = sorted({m.split(".")[0] for m in modules} & set(EXTRAS))
    assert extras == []
    assert "vidcamp.cli" in modules
