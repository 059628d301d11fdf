"""Campaigns for the preview tests, and a headless Chromium for the page tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from benchmarks.preview_page import write_campaign

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("VIDCAMP_TEST_CHROMIUM", "/usr/bin/chromium"))
# Flags that keep a headless Chromium from reaching for the (closed) network or hanging on it.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def vidcamp(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "vidcamp", *args], capture_output=True, text=True,
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=timeout, check=False,
    )


@pytest.fixture
def small_campaign(tmp_path: Path) -> Path:
    """Two clips x two targets from 4 s of 320x240 generated footage, nothing rendered."""
    return write_campaign(tmp_path / "small", clips=2, targets=("youtube_shorts", "x"),
                          name="small")


@pytest.fixture(scope="session")
def demo_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo campaign, rendered once (test encoder), in a folder of its own."""
    demo = tmp_path_factory.mktemp("demo") / "demo"
    shutil.copytree(ROOT / "campaigns" / "demo", demo,
                    ignore=shutil.ignore_patterns("footage", "build"))
    built = vidcamp("build", "--quiet", "--no-queue", str(demo / "campaign.yaml"),
                    env={"VIDCAMP_X264_PRESET": "ultrafast"}, timeout=900)
    assert built.returncode == 0, built.stderr
    return demo


@dataclass
class Browser:
    context: Any
    blocked: list[str] = field(default_factory=list)  # requests that were not for file://

    def open(self, page: Path) -> Any:
        tab = self.context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.errors = errors
        tab.goto(page.resolve().as_uri())
        return tab


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    """A fresh headless Debian Chromium driven by Playwright (skips when it is not installed)."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} not installed (CI installs Debian's chromium package)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1600, "height": 1000},
        )
        found = Browser(context)

        def refuse(route: Any) -> None:
            found.blocked.append(route.request.url)
            route.abort()

        # the page needs no network: every request that is not for a file is refused and noted
        context.route(lambda url: not url.startswith("file://"), refuse)
        try:
            yield found
        finally:
            context.close()
