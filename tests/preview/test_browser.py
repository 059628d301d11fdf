"""The preview page in a real headless Chromium, loaded from file:// with the network refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.preview_page import write_campaign

from .conftest import Browser, vidcamp
from .test_page import SCRIPT_TITLE

# slow: headless Chromium, and the demo campaign rendered once
pytestmark = pytest.mark.slow

ALL_VIDEOS_SETTLED = """() => {
  const videos = Array.from(document.querySelectorAll('video'));
  return videos.every(v => v.error !== null || v.readyState >= 1);
}"""
VIDEO_STATES = """() => Array.from(document.querySelectorAll('video')).map(v => ({
  src: v.getAttribute('src'), ready: v.readyState, error: v.error && v.error.code,
  width: v.videoWidth, height: v.videoHeight, duration: v.duration,
}))"""
OVERLAYS_SHOWN = """() => Array.from(document.querySelectorAll('.overlay'))
  .map(o => getComputedStyle(o).display !== 'none')"""


def preview_page(campaign: Path) -> Path:
    run = vidcamp("preview", "--no-ledger", str(campaign))
    assert run.returncode == 0, run.stderr
    return Path(run.stdout.strip().removeprefix("preview: "))


def test_script_in_a_title_shows_as_text_and_never_runs(browser: Browser, tmp_path: Path) -> None:
    campaign = write_campaign(tmp_path / "c", clips=1, targets=("youtube_shorts", "x"),
                              title=SCRIPT_TITLE, name="esc")
    tab = browser.open(preview_page(campaign))
    assert tab.evaluate("() => window.__pwned") is None
    assert tab.inner_text(".clip-title") == SCRIPT_TITLE
    texts = tab.eval_on_selector_all(".field-text", "els => els.map(e => e.textContent)")
    assert SCRIPT_TITLE in texts  # YouTube's title field, verbatim
    assert any(t.startswith(SCRIPT_TITLE) for t in texts if t != SCRIPT_TITLE)  # X's text
    assert tab.locator("#missing").is_visible()
    assert "vidcamp build" in tab.inner_text("#build-command")
    assert tab.evaluate(OVERLAYS_SHOWN) == [False, False]
    tab.click("label.switch")  # the overlay shows over unbuilt variants' cards too
    assert tab.evaluate(OVERLAYS_SHOWN) == [True, True]
    assert tab.errors == [] and browser.blocked == []


def test_demo_page_plays_every_variant_and_toggles_safe_zones(
    browser: Browser, demo_built: Path, tmp_path: Path
) -> None:
    page = preview_page(demo_built / "campaign.yaml")
    tab = browser.open(page)
    tab.wait_for_function(ALL_VIDEOS_SETTLED, timeout=30_000)
    videos = tab.evaluate(VIDEO_STATES)
    expected = {f"{clip}/{target}.mp4" for clip in ("teaser", "recap")
                for target in ("youtube_shorts", "facebook", "youtube", "x", "dailymotion")}
    assert {v["src"] for v in videos} == expected
    sizes = {"youtube_shorts": (1080, 1920), "facebook": (1080, 1350),
             "youtube": (1920, 1080), "x": (1280, 720), "dailymotion": (1920, 1080)}
    for v in videos:
        assert v["error"] is None and v["ready"] >= 1, v
        assert (v["width"], v["height"]) == sizes[Path(v["src"]).stem], v
        assert v["duration"] > 5
    # every player sits at its variant's true aspect ratio
    boxes = tab.eval_on_selector_all(
        ".media", "els => els.map(e => [e.clientWidth, e.clientHeight])")
    ratios = sorted({round(w / h, 2) for w, h in boxes})
    assert ratios == [0.56, 0.8, 1.78]
    thumbs = tab.eval_on_selector_all("img.thumb", "els => els.map(e => e.naturalWidth)")
    assert len(thumbs) == 10 and all(w > 0 for w in thumbs)

    assert not any(tab.evaluate(OVERLAYS_SHOWN))
    tab.screenshot(path=str(tmp_path / "plain.png"), full_page=True)
    tab.click("label.switch")
    assert all(tab.evaluate(OVERLAYS_SHOWN)) and len(tab.evaluate(OVERLAYS_SHOWN)) == 10
    shot = tmp_path / "safe-zones.png"
    tab.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    tab.click("label.switch")
    assert not any(tab.evaluate(OVERLAYS_SHOWN))
    assert tab.errors == [] and browser.blocked == []


def test_a_variant_deleted_after_build_is_shown_missing_and_the_rest_still_play(
    browser: Browser, demo_built: Path, tmp_path: Path
) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(demo_built, demo, ignore=shutil.ignore_patterns("index.html"))
    (demo / "build" / "demo" / "recap" / "x.mp4").unlink()
    tab = browser.open(preview_page(demo / "campaign.yaml"))
    tab.wait_for_function(ALL_VIDEOS_SETTLED, timeout=30_000)
    videos = tab.evaluate(VIDEO_STATES)
    assert len(videos) == 9 and all(v["error"] is None for v in videos)
    assert "recap/x.mp4" not in {v["src"] for v in videos}
    card = tab.locator("#v-recap-x")
    assert card.get_attribute("data-status") == "deleted"
    assert "x.mp4 was deleted after the build" in card.inner_text()
    assert "1 of 10 variants are not ready" in tab.inner_text("#missing")
    assert "--only recap:x" in tab.inner_text("#missing")
