"""`vidcamp report --html`: the stats section with its SVG charts, in a real headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from benchmarks.preview_page import write_campaign

from .conftest import T0, Browser, Loop, hours

# slow: headless Chromium
pytestmark = pytest.mark.slow

CHART_FACTS = """() => ({
  sections: document.querySelectorAll('#vidcamp-stats').length,
  lines: document.querySelectorAll('svg.vc-views polyline.vc-series').length,
  bars: Array.from(document.querySelectorAll('svg.vc-platforms rect.vc-bar'))
          .map(r => r.getBoundingClientRect().width),
  rows: document.querySelectorAll('table.vc-posts tr').length,
  hooks: Array.from(document.querySelectorAll('table.vc-rank-hooks td:first-child'))
          .map(td => td.textContent),
  chartBox: document.querySelector('svg.vc-views').getBoundingClientRect().height,
  previewKept: document.querySelectorAll('.clip-title').length,
})"""


def test_report_html_adds_charts_to_the_preview_page(
    loop: Loop, browser: Browser, tmp_path: Path
) -> None:
    campaign = write_campaign(tmp_path / "c", clips=2, targets=("youtube_shorts", "x"),
                              name="demo")
    spec = yaml.safe_load(campaign.read_text())
    spec["clips"][0]["hook"] = {"text": "Wait for the <b>end</b>"}
    spec["clips"][1]["hook"] = {"text": "Nobody expected this"}
    campaign.write_text(yaml.safe_dump(spec, sort_keys=False))
    preview = loop.vidcamp("preview", "--no-ledger", str(campaign), at=T0)
    assert preview.returncode == 0, preview.stderr
    page = Path(preview.stdout.strip().splitlines()[-1].removeprefix("preview: "))

    for platform in ("youtube", "x", "facebook", "dailymotion"):
        loop.publish(platform, 2, T0 - hours(3), prefix="clip0")  # clip00, clip01
    for at in (T0, T0 + hours(1), T0 + hours(2)):
        assert loop.vidcamp("stats", "--due", at=at).returncode == 0
    for _ in range(2):  # a second run replaces the section instead of adding another
        done = loop.vidcamp("report", str(campaign), "--html", at=T0 + hours(2))
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"stats page: {page}"

    tab = browser.open(page)
    facts = tab.evaluate(CHART_FACTS)
    assert facts["sections"] == 1
    assert facts["lines"] == 6  # every variant with views; Dailymotion has none (empty)
    assert len(facts["bars"]) == 3 and all(w > 0 for w in facts["bars"])
    assert facts["rows"] == 1 + 8
    assert sorted(h.split(". ", 1)[1] for h in facts["hooks"]) == [
        "Nobody expected this", "Wait for the <b>end</b>"]  # shown as text, not markup
    assert facts["chartBox"] > 100
    assert facts["previewKept"] == 2  # the preview page is still there around the section
    assert tab.locator("#vidcamp-stats").is_visible()
    assert tab.errors == [] and browser.blocked == []


def test_report_html_without_a_preview_page_writes_its_own(
    loop: Loop, browser: Browser, tmp_path: Path
) -> None:
    loop.publish("youtube", 1, T0 - hours(3))
    assert loop.vidcamp("stats", "--due", at=T0).returncode == 0
    build = tmp_path / "build"
    done = loop.vidcamp("report", "demo", "--html", "--build-dir", str(build), at=T0)
    assert done.returncode == 0, done.stderr
    page = build / "demo" / "stats.html"
    assert done.stdout.strip() == f"stats page: {page}"
    tab = browser.open(page)
    assert tab.evaluate(CHART_FACTS)["lines"] == 1
    assert tab.errors == [] and browser.blocked == []
