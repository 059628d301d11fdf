"""What the preview page shows, as plain frozen data gathered from plan, manifests and ledger.

``collect`` reads file metadata (which variants exist) but runs no ffmpeg and opens no
network; loudness figures and ledger states come in as arguments.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote

from vidcamp.jobs import ClipRender, Post, Variant
from vidcamp.platforms import REGISTRY
from vidcamp.preview.text import TextField, post_fields

# What a variant's files look like next to the plan.
READY = "ready"  # rendered from the current spec, files present
STALE = "stale"  # rendered, but the spec changed since: the file is not what would go out
DELETED = "deleted"  # the manifest records a render whose file is gone
NOT_BUILT = "not built"

PLATFORM_NAMES = {**{p.name: p.label for p in REGISTRY.values()}, "": "render only"}


@dataclass(frozen=True)
class LedgerState:
    """A post's row in the ledger, as far as the page needs it."""

    state: str
    url: str | None = None
    error: str | None = None
    waiting_render: bool = False  # a changed render is waiting for `vidcamp republish`


@dataclass(frozen=True)
class PostView:
    key: str
    platform: str
    account: str
    local_time: str
    utc_time: str
    day: date
    clock: str  # local HH:MM, for the calendar
    mode: str
    privacy: str
    fields: tuple[TextField, ...]
    ledger: LedgerState | None

    @property
    def platform_name(self) -> str:
        return PLATFORM_NAMES.get(self.platform, self.platform)


@dataclass(frozen=True)
class Probe:
    """The render's own probe, from its manifest, plus the measured loudness."""

    width: int | None
    height: int | None
    fps: float | None
    duration: float | None
    bytes: int | None
    video_codec: str | None
    audio_codec: str | None
    loudness: float | None  # integrated LUFS of the output, None when silent or unmeasured


@dataclass(frozen=True)
class SafeArea:
    top: float
    bottom: float
    left: float
    right: float

    def percent(self, side: str) -> str:
        return f"{getattr(self, side) * 100:.2f}%"


@dataclass(frozen=True)
class VariantView:
    clip_id: str
    target: str
    preset: str
    label: str
    platform: str
    width: int
    height: int
    status: str
    reason: str  # why it is not ready, for the page
    video_src: str | None  # relative to the page, URL-quoted
    thumb_src: str | None
    probe: Probe | None
    safe: SafeArea
    vertical: bool
    posts: tuple[PostView, ...]

    @property
    def aspect(self) -> str:
        from fractions import Fraction

        a = Fraction(self.width, self.height)
        return f"{a.numerator}:{a.denominator}"

    def display_width(self, height: int) -> int:
        return round(height * self.width / self.height)


@dataclass(frozen=True)
class ClipView:
    """One clip on the page: its contact sheet (if suggest made one), then its variants."""

    clip_id: str
    title: str
    duration: float
    sheet_src: str | None
    variants: tuple[VariantView, ...]


@dataclass(frozen=True)
class CalendarEntry:
    time: str
    clip_id: str
    target: str
    state: str


@dataclass(frozen=True)
class CalendarDay:
    day: date
    label: str
    cells: tuple[tuple[CalendarEntry, ...], ...]  # one per calendar platform row


@dataclass(frozen=True)
class Missing:
    clip_id: str
    target: str
    status: str
    reason: str


@dataclass(frozen=True)
class PreviewPage:
    campaign: str
    campaign_file: str
    generated: str
    timezone: str
    clips: tuple[ClipView, ...]
    platforms: tuple[str, ...]  # calendar rows
    days: tuple[CalendarDay, ...]
    warnings: tuple[str, ...]
    missing: tuple[Missing, ...]
    build_command: str
    render_command: str
    ledger_note: str
    post_count: int

    @property
    def variant_count(self) -> int:
        return sum(len(c.variants) for c in self.clips)

    @property
    def ready_count(self) -> int:
        return self.variant_count - len(self.missing)

    @property
    def over_limit_count(self) -> int:
        return sum(
            1 for c in self.clips for v in c.variants for p in v.posts for f in p.fields
            if f.over or f.problems
        )


def variant_status(variant: Variant, manifest: Mapping[str, Any]) -> tuple[str, str]:
    """(status, reason) of one variant's files against its planned content hash."""
    entry = manifest.get("variants", {}).get(variant.target)
    if not isinstance(entry, dict):
        return NOT_BUILT, "not rendered yet"
    exists = variant.output.is_file()
    if not exists:
        return DELETED, f"{variant.output.name} was deleted after the build"
    if entry.get("content_hash") != variant.content_hash:
        return STALE, "the spec changed since this render; it is not what would be posted"
    if variant.output.stat().st_size != entry.get("bytes"):
        return STALE, f"{variant.output.name} changed on disk after the build"
    if not variant.thumbnail.is_file():
        return DELETED, f"{variant.thumbnail.name} was deleted after the build"
    return READY, ""


def collect(
    *,
    campaign: str,
    campaign_file: str,
    renders: Sequence[ClipRender],
    posts: Sequence[Post],
    manifests: Mapping[str, Mapping[str, Any]],
    titles: Mapping[str, str],
    warnings: Sequence[str],
    page_dir: Path,
    zone: tzinfo | None,
    ledger: Mapping[str, LedgerState] | None,
    ledger_note: str,
    loudness: Mapping[Path, float | None],
    sheets: Mapping[str, Path],
    now: datetime,
) -> PreviewPage:
    """Everything the page shows; ``ledger`` None means the ledger was not reachable."""
    by_variant: dict[tuple[str, str], list[PostView]] = {}
    for post in posts:
        by_variant.setdefault((post.clip_id, post.target), []).append(
            _post_view(post, zone, ledger)
        )
    clips = []
    missing = []
    for render in renders:
        manifest = manifests.get(render.clip_id, {})
        views = []
        for v in render.variants:
            status, reason = variant_status(v, manifest)
            if status != READY:
                missing.append(Missing(render.clip_id, v.target, status, reason))
            views.append(
                _variant_view(render, v, status, reason, manifest, page_dir, loudness,
                              tuple(by_variant.get((render.clip_id, v.target), ())))
            )
        sheet = sheets.get(render.clip_id)
        clips.append(
            ClipView(clip_id=render.clip_id, title=titles.get(render.clip_id, ""),
                     duration=render.duration,
                     sheet_src=_href(sheet, page_dir) if sheet else None, variants=tuple(views))
        )
    all_posts = [p for c in clips for v in c.variants for p in v.posts]
    platforms = tuple(sorted({p.platform for p in all_posts}, key=_platform_order))
    quoted = _shell_quote(campaign_file)
    only = " ".join(f"--only {m.clip_id}:{m.target}" for m in missing)
    return PreviewPage(
        campaign=campaign,
        campaign_file=campaign_file,
        generated=now.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        timezone=_zone_name(zone),
        clips=tuple(clips),
        platforms=platforms,
        days=_calendar(all_posts, clips, platforms),
        warnings=tuple(warnings),
        missing=tuple(missing),
        build_command=f"vidcamp build {quoted}",
        render_command=f"vidcamp render {quoted} {only}".strip(),
        ledger_note=ledger_note,
        post_count=len(posts),
    )


def _variant_view(
    render: ClipRender, v: Variant, status: str, reason: str, manifest: Mapping[str, Any],
    page_dir: Path, loudness: Mapping[Path, float | None], posts: tuple[PostView, ...],
) -> VariantView:
    p = v.preset
    entry = manifest.get("variants", {}).get(v.target)
    probe = None
    if status in (READY, STALE) and isinstance(entry, dict):
        facts = entry.get("probe") or {}
        video = facts.get("video") or {}
        audio = facts.get("audio") or {}
        probe = Probe(
            width=video.get("width"), height=video.get("height"), fps=video.get("fps"),
            duration=entry.get("duration"), bytes=entry.get("bytes"),
            video_codec=video.get("codec"), audio_codec=audio.get("codec"),
            loudness=loudness.get(v.output),
        )
    has_video = status in (READY, STALE)
    zone = p.safe_zone
    return VariantView(
        clip_id=render.clip_id,
        target=v.target,
        preset=p.name,
        label=p.label,
        platform=p.platform,
        width=p.width, height=p.height,
        status=status,
        reason=reason,
        video_src=_href(v.output, page_dir) if has_video else None,
        thumb_src=_href(v.thumbnail, page_dir) if has_video and v.thumbnail.is_file() else None,
        probe=probe,
        safe=SafeArea(zone.top, zone.bottom, zone.left, zone.right),
        vertical=p.width * 10 < p.height * 7,  # full-screen placements: 9:16 and near it
        posts=posts,
    )


def _post_view(
    post: Post, zone: tzinfo | None, ledger: Mapping[str, LedgerState] | None
) -> PostView:
    local = post.publish_at.astimezone(zone) if zone is not None else post.publish_at
    state = None
    if ledger is not None:
        state = ledger.get(post.key, LedgerState("not queued"))
    return PostView(
        key=post.key,
        platform=post.platform,
        account=post.account,
        local_time=f"{local:%a %d %b %Y, %H:%M} {_offset(local)}",
        utc_time=f"{post.publish_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC",
        day=local.date(),
        clock=f"{local:%H:%M}",
        mode=post.mode,
        privacy=post.privacy,
        fields=post_fields(post),
        ledger=state,
    )


def _calendar(
    posts: Sequence[PostView], clips: Sequence[ClipView], platforms: Sequence[str]
) -> tuple[CalendarDay, ...]:
    where = {p.key: (c.clip_id, v.target) for c in clips for v in c.variants for p in v.posts}
    days: dict[date, dict[str, list[CalendarEntry]]] = {}
    for post in sorted(posts, key=lambda p: (p.day, p.clock)):
        clip_id, target = where[post.key]
        state = post.ledger.state if post.ledger is not None else ""
        days.setdefault(post.day, {}).setdefault(post.platform, []).append(
            CalendarEntry(post.clock, clip_id, target, state)
        )
    return tuple(
        CalendarDay(day, f"{day:%a %d %b}",
                    tuple(tuple(rows.get(platform, ())) for platform in platforms))
        for day, rows in sorted(days.items())
    )


def _href(path: Path, page_dir: Path) -> str:
    """``path`` relative to the page, as a URL path (works from file://)."""
    rel = os.path.relpath(path, page_dir)
    return quote(Path(rel).as_posix())


def _offset(moment: datetime) -> str:
    name = moment.tzname() or ""
    return name if name and not name.startswith(("+", "-", "UTC")) else moment.strftime("%z")


def _zone_name(zone: tzinfo | None) -> str:
    if zone is None:
        return "each post's own offset"
    return str(getattr(zone, "key", zone))


def _platform_order(name: str) -> tuple[int, str]:
    order = list(PLATFORM_NAMES)
    return (order.index(name) if name in order else len(order), name)


def _shell_quote(text: str) -> str:
    import shlex

    return shlex.quote(text)
