"""The preview page without a browser: what it says about built, unbuilt and queued campaigns."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from markupsafe import escape

from benchmarks.preview_page import write_campaign
from vidcamp.cli._common import load_and_check
from vidcamp.ledger import Ledger, queue_posts
from vidcamp.ledger.store import new_owner
from vidcamp.preview.page import build_preview
from vidcamp.preview.text import x_weighted_length, youtube_tags_length

from .conftest import vidcamp

SCRIPT_TITLE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2"> & co'


def preview(campaign: Path, ledger: Path | None = None) -> tuple[str, object]:
    result = build_preview(load_and_check(campaign), str(campaign), ledger_path=ledger)
    return result.page.read_text(encoding="utf-8"), result


def test_unbuilt_campaign_lists_every_missing_variant_and_the_command(small_campaign: Path) -> None:
    run = vidcamp("preview", "--no-ledger", str(small_campaign))
    assert run.returncode == 0, run.stderr
    page = small_campaign.parent / "build" / "small" / "index.html"
    assert run.stdout.strip() == f"preview: {page}"
    assert "warning: 4 of 4 variants are not ready" in run.stderr
    text = page.read_text(encoding="utf-8")
    assert "4 of 4 variants are not ready" in text
    for clip in ("clip00", "clip01"):
        for target in ("youtube_shorts", "x"):
            assert f'id="v-{clip}-{target}" data-target="{target}" data-status="not built"' in text
    assert f"vidcamp build {small_campaign}" in text
    assert "--only clip00:youtube_shorts" not in text  # all missing: build is the one command
    assert "<video" not in text  # nothing to play yet, and no broken players
    assert not list(page.parent.glob(".*partial*"))


def test_title_with_markup_is_escaped_everywhere(tmp_path: Path) -> None:
    campaign = write_campaign(tmp_path / "c", clips=1, targets=("youtube_shorts", "x"),
                              title=SCRIPT_TITLE, name="esc")
    text, _ = preview(campaign)
    assert "<script>window" not in text and "<img src=x" not in text
    escaped = str(escape(SCRIPT_TITLE))
    assert text.count(escaped) >= 3  # clip heading, YouTube title, the X text, UI mock
    assert "YouTube refuses &lt; and &gt; here" in text
    assert len(re.findall(r"<script\b", text)) == 1  # only the page's own toggle script


def test_text_as_each_platform_receives_it_with_counts_and_limits(tmp_path: Path) -> None:
    long_title = "Ù" * 101  # one over YouTube's 100 characters
    campaign = write_campaign(tmp_path / "c", clips=1,
                              targets=("youtube_shorts", "x", "dailymotion"),
                              title=long_title, name="txt")
    _, result = preview(campaign)
    variants = {v.target: v for v in result.data.clips[0].variants}
    yt = {f.name: f for f in variants["youtube_shorts"].posts[0].fields}
    assert (yt["title"].count, yt["title"].limit, yt["title"].over) == (101, 100, True)
    assert yt["description"].unit == "bytes"
    assert yt["tags"].text == "vidcamp, preview" and yt["tags"].count == 15
    (x_text,) = variants["x"].posts[0].fields
    assert x_text.text == f"{long_title}\n\nSeen first in the preview page.\n\n#vidcamp #preview"
    assert x_text.limit == 280 and x_text.count == 101 + 2 + 31 + 2 + 17
    dm = {f.name: f for f in variants["dailymotion"].posts[0].fields}
    assert dm["tags"].text == "vidcamp,preview"
    assert result.data.over_limit_count == 1


def test_x_counts_cjk_emoji_and_urls_as_x_does() -> None:
    assert x_weighted_length("hello") == 5
    assert x_weighted_length("日本") == 4
    assert x_weighted_length("☕") == 2
    assert x_weighted_length("👩🏽‍💻") == 2  # one ZWJ sequence with a skin tone
    assert x_weighted_length("see https://example.com/a/very/long/path/indeed") == 4 + 23
    assert x_weighted_length("e\u0301") == 1  # NFC: é
    assert youtube_tags_length(["a", "b c"]) == 1 + 5 + 1


def test_schedule_in_local_time_and_utc_and_a_calendar_by_day(small_campaign: Path) -> None:
    _, result = preview(small_campaign)
    data = result.data
    post = data.clips[1].variants[0].posts[0]
    assert post.local_time == "Wed 02 Dec 2026, 09:00 CET"
    assert post.utc_time == "2026-12-02 08:00 UTC"
    assert post.account == "acct-youtube"
    assert data.timezone == "Europe/Rome"
    assert [d.label for d in data.days] == ["Tue 01 Dec", "Wed 02 Dec"]
    assert data.platforms == ("youtube", "x")
    assert [[e.clip_id for e in cell] for cell in data.days[1].cells] == [["clip01"], ["clip01"]]


def test_ledger_states_queued_published_failed_and_unqueued(small_campaign: Path,
                                                             tmp_path: Path) -> None:
    from vidcamp.plan import plan_posts, plan_renders, render_environment

    loaded = load_and_check(small_campaign).campaign
    posts = plan_posts(loaded, plan_renders(loaded, render_environment()),
                       now=datetime.now(UTC))
    ledger = tmp_path / "ledger.sqlite3"
    # the generated clips are identical cuts: the same video to the same account, on purpose
    queue_posts(posts[:3], ledger_path=ledger, now=posts[0].publish_at - timedelta(days=1),
                allow_duplicate=True)
    owner = new_owner()
    with Ledger.open(ledger) as book:
        first = book.claim(owner, posts[0].publish_at)
        assert first is not None
        book.mark_published(first.id, owner, "r1", "https://youtu.be/r1?a=1&b=2")
        second = book.claim(owner, posts[0].publish_at)
        assert second is not None
        book.mark_problem(second.id, owner, state="failed", kind="permanent",
                          error="video rejected: <b>bad</b> aspect")
    text, result = preview(small_campaign, ledger)
    states = {p.key: p.ledger.state for c in result.data.clips for v in c.variants
              for p in v.posts if p.ledger}
    assert sorted(states.values()) == ["failed", "not queued", "published", "queued"]
    assert 'href="https://youtu.be/r1?a=1&amp;b=2"' in text
    assert "video rejected: &lt;b&gt;bad&lt;/b&gt; aspect" in text
    assert f"post states from {ledger}" in text


@pytest.mark.parametrize("content", [None, b"", b"not a database at all" * 100],
                         ids=["missing", "empty", "garbage"])
def test_an_unreachable_ledger_is_said_and_the_page_still_written(
    small_campaign: Path, tmp_path: Path, content: bytes | None
) -> None:
    ledger = tmp_path / "ledger.sqlite3"
    if content is not None:
        ledger.write_bytes(content)
    text, result = preview(small_campaign, ledger)
    assert all(p.ledger is None for c in result.data.clips for v in c.variants for p in v.posts)
    note = result.data.ledger_note
    assert note.startswith("no ledger at" if content is None else "ledger not readable:")
    assert str(escape(note)) in text


def test_a_30_clip_4_target_page_stays_under_one_megabyte(tmp_path: Path) -> None:
    campaign = write_campaign(tmp_path / "big", clips=30)
    _, result = preview(campaign)
    assert result.data.variant_count == 120 and result.data.post_count == 120
    size = result.page.stat().st_size
    assert size < 1_000_000, size
    # videos and thumbnails are referenced, never inlined
    assert "data:" not in result.page.read_text(encoding="utf-8")


def test_bad_campaign_file_is_one_line_and_exit_3(tmp_path: Path) -> None:
    spec = tmp_path / "campaign.yaml"
    spec.write_text(yaml.safe_dump({"name": "x", "clips": "nope"}))
    run = vidcamp("preview", str(spec))
    assert run.returncode == 3
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith("error: campaign.yaml:")
    assert not (tmp_path / "build").exists()


def test_variant_status_follows_the_manifest_and_the_files(small_campaign: Path) -> None:
    from vidcamp.plan import plan_renders, render_environment
    from vidcamp.preview.model import DELETED, NOT_BUILT, READY, STALE, variant_status

    loaded = load_and_check(small_campaign).campaign
    variant = plan_renders(loaded, render_environment())[0].variants[0]
    variant.output.parent.mkdir(parents=True)
    variant.output.write_bytes(b"0" * 10)
    variant.thumbnail.write_bytes(b"jpg")
    entry = {"content_hash": variant.content_hash, "bytes": 10}
    assert variant_status(variant, {"variants": {}})[0] == NOT_BUILT
    assert variant_status(variant, {"variants": {variant.target: entry}}) == (READY, "")
    changed = {**entry, "content_hash": "0" * 64}
    assert variant_status(variant, {"variants": {variant.target: changed}})[0] == STALE
    variant.output.write_bytes(b"0" * 11)  # overwritten by hand after the build
    assert variant_status(variant, {"variants": {variant.target: entry}})[0] == STALE
    variant.output.unlink()
    status, reason = variant_status(variant, {"variants": {variant.target: entry}})
    assert (status, reason) == (DELETED, "youtube_shorts.mp4 was deleted after the build")


def test_open_hands_the_page_to_the_web_browser(small_campaign: Path, tmp_path: Path) -> None:
    import sys

    opened = tmp_path / "opened.txt"
    # webbrowser runs $BROWSER with %s replaced by the URL
    browser = (f"{sys.executable} -c \"import sys; open(sys.argv[1], 'w').write(sys.argv[2])\" "
               f"{opened} %s")
    run = vidcamp("preview", "--open", "--no-ledger", str(small_campaign),
                  env={"BROWSER": browser})
    assert run.returncode == 0, run.stderr
    page = small_campaign.parent / "build" / "small" / "index.html"
    assert opened.read_text() == page.resolve().as_uri()
