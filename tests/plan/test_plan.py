from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from vidcamp.plan import RenderEnvironment, plan_posts, plan_renders
from vidcamp.spec.loader import load_campaign
from vidcamp.spec.templates import TemplateError, render_template

ENV = RenderEnvironment(ffmpeg_version="9.0.2", render_version="1", assets_digest="abc")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)

SPEC = """\
name: spring
sources:
  main: footage.mp4
defaults:
  source: main
  description: "Spring is here"
  tags: [spring, "#sale"]
clips:
  - id: one
    title: First
    cut: [{from: 0, to: 4}, {from: 6, to: 7.5}]
  - id: two
    title: Second
    targets: [youtube_shorts]
    cut: [{from: 1, to: 3}]
targets:
  youtube_shorts: {title: "{clip.title} #shorts"}
  x: {reframe: pad, description: "{clip.description} {clip.hashtags}"}
  tiktok: {}
accounts:
  youtube: brand-yt
  x: brand-x
schedule:
  start: 2026-12-01T09:00:00+01:00
  every: 1d
"""


@pytest.fixture
def campaign_file(tmp_path: Path) -> Path:
    (tmp_path / "footage.mp4").write_bytes(b"\x00" * 4096)
    path = tmp_path / "campaign.yaml"
    path.write_text(SPEC)
    return path


def fake_fingerprint(path: Path) -> str:
    return f"{path.name}:{path.stat().st_size}"


def plan(path: Path) -> list:  # type: ignore[type-arg]
    return plan_renders(load_campaign(path), ENV, fingerprint=fake_fingerprint)


def test_one_render_per_clip_with_a_variant_per_target(campaign_file: Path) -> None:
    renders = plan(campaign_file)
    assert [r.clip_id for r in renders] == ["one", "two"]
    one, two = renders
    assert [v.target for v in one.variants] == ["youtube_shorts", "x", "tiktok"]
    assert [v.target for v in two.variants] == ["youtube_shorts"]
    assert one.duration == pytest.approx(5.5)
    assert one.variants[0].output == campaign_file.parent / "build/spring/one/youtube_shorts.mp4"
    assert one.variants[1].reframe == "pad"


def test_hashes_are_stable_and_distinct(campaign_file: Path) -> None:
    first = [v.content_hash for r in plan(campaign_file) for v in r.variants]
    again = [v.content_hash for r in plan(campaign_file) for v in r.variants]
    assert first == again
    assert len(set(first)) == len(first)


@pytest.mark.parametrize(
    ("old", "new", "changed"),
    [
        ("{reframe: pad,", "{reframe: blur,", {("one", "x")}),
        (
            "{from: 6, to: 7.5}",
            "{from: 6, to: 7.4}",
            {("one", "youtube_shorts"), ("one", "x"), ("one", "tiktok")},
        ),
        # titles and descriptions are publish data, not render inputs
        ('"{clip.title} #shorts"', '"{clip.title}"', set()),
    ],
)
def test_hash_changes_only_for_what_changed(
    campaign_file: Path, old: str, new: str, changed: set[tuple[str, str]]
) -> None:
    before = {
        (r.clip_id, v.target): v.content_hash for r in plan(campaign_file) for v in r.variants
    }
    campaign_file.write_text(SPEC.replace(old, new))
    after = {(r.clip_id, v.target): v.content_hash for r in plan(campaign_file) for v in r.variants}
    assert {k for k in before if before[k] != after[k]} == changed


def test_hash_covers_the_environment_and_the_footage(campaign_file: Path) -> None:
    loaded = load_campaign(campaign_file)
    base = plan_renders(loaded, ENV, fingerprint=fake_fingerprint)[0].variants[0].content_hash
    newer = RenderEnvironment("9.1", "1", "abc")
    assert (
        plan_renders(loaded, newer, fingerprint=fake_fingerprint)[0].variants[0].content_hash
        != base
    )
    (campaign_file.parent / "footage.mp4").write_bytes(b"\x01" * 5000)
    assert (
        plan_renders(loaded, ENV, fingerprint=fake_fingerprint)[0].variants[0].content_hash != base
    )


def test_posts_follow_the_schedule_and_accounts(campaign_file: Path) -> None:
    loaded = load_campaign(campaign_file)
    posts = plan_posts(loaded, plan_renders(loaded, ENV, fingerprint=fake_fingerprint), now=NOW)
    # tiktok is render-only; x and youtube_shorts have accounts
    assert [(p.clip_id, p.target, p.account) for p in posts] == [
        ("one", "x", "brand-x"),
        ("one", "youtube_shorts", "brand-yt"),
        ("two", "youtube_shorts", "brand-yt"),
    ]
    start = datetime(2026, 12, 1, 9, tzinfo=timezone(timedelta(hours=1)))
    assert [p.publish_at for p in posts] == [start, start, start + timedelta(days=1)]
    by_target = {(p.clip_id, p.target): p for p in posts}
    shorts = by_target["one", "youtube_shorts"]
    assert shorts.title == "First #shorts"
    assert shorts.mode == "platform"
    assert shorts.tags == ("spring", "sale")
    x_post = by_target["one", "x"]
    assert x_post.mode == "cron"  # X cannot schedule through its API
    assert x_post.description == "Spring is here #spring #sale"
    assert x_post.key == "spring/one/x/brand-x"
    assert x_post.video.name == "x.mp4"


def test_without_a_schedule_posts_are_due_now(campaign_file: Path) -> None:
    campaign_file.write_text(SPEC.split("schedule:")[0])
    loaded = load_campaign(campaign_file)
    posts = plan_posts(loaded, plan_renders(loaded, ENV, fingerprint=fake_fingerprint), now=NOW)
    assert {p.publish_at for p in posts} == {NOW}


def test_templates_escape_and_refuse_unknown_fields() -> None:
    values = {"clip.title": "Hi", "platform": "x"}
    assert render_template("{{{clip.title}}} on {platform}", values) == "{Hi} on x"
    with pytest.raises(TemplateError, match="unknown template field"):
        render_template("{clip.__class__}", values)
    with pytest.raises(TemplateError, match="stray"):
        render_template("50% } off", values)
