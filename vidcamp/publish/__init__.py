"""Publishing: upload one video file to one account, resumably, on the platform's own protocol.

    from vidcamp.publish import UploadRequest, upload
    result = upload(UploadRequest(path, "youtube_shorts", "Title"), "brand_yt",
                    on_state=ledger_save, resume=ledger_last_state)

``on_state`` receives a JSON-serialisable dict each time the resumable state advances; handing
the last one back as ``resume=`` (in any process) continues where the upload stopped. Every
failure is raised as a ``vidcamp.errors.PublishError`` subclass with a one-line reason:
``RetryableError`` (try again soon), ``DeferredError`` (``retry_at``), ``ReauthRequired`` /
``CredentialsError`` (run ``vidcamp auth login``), ``PermanentPublishError``.

This module stays import-light; the HTTP machinery is imported when ``upload`` runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from vidcamp.presets import Preset
    from vidcamp.publish.base import RetryPolicy
    from vidcamp.publish.progress import ProgressSink

__all__ = ["EditRequest", "ProgressSink", "RetryPolicy", "UploadRequest", "UploadResult",
           "default_progress", "edit", "upload"]

_LAZY = {
    "RetryPolicy": "vidcamp.publish.base",
    "ProgressSink": "vidcamp.publish.progress",
    "default_progress": "vidcamp.publish.progress",
    "LineProgress": "vidcamp.publish.progress",
    "NullProgress": "vidcamp.publish.progress",
}


def __getattr__(name: str) -> Any:
    """``RetryPolicy`` and the progress sinks, imported on first use."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class UploadRequest:
    """What to post: the file, its preset (which decides the platform) and the post fields."""

    path: Path
    preset: str  # a name from vidcamp.presets.PRESETS; its ``platform`` picks the client
    title: str
    description: str = ""
    tags: tuple[str, ...] = ()
    privacy: str = "public"  # public | unlisted | private
    publish_at: datetime | None = None  # tz-aware; scheduled publishing (not on X)
    thumbnail: Path | None = None
    made_for_kids: bool = False
    # a token unique to this post (see ``vidcamp.publish.base.post_marker``); the ledger derives
    # it from the post's key and render hash; empty: a random one is kept in the resumable state
    marker: str = ""


@dataclass(frozen=True)
class UploadResult:
    """The created post."""

    remote_id: str
    url: str
    state: str  # "published" | "scheduled" | "processing"


@dataclass(frozen=True)
class EditRequest:
    """A change to a published post: a new title and/or thumbnail (title/thumbnail rotation)."""

    remote_id: str
    preset: str
    title: str | None = None
    thumbnail: Path | None = None
    # YouTube's videos.update replaces the whole snippet: the fields that must stay as they are
    description: str = ""
    tags: tuple[str, ...] = ()


DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024


def edit(
    request: EditRequest,
    account: str,
    *,
    credentials: Path | None = None,
    policy: RetryPolicy | None = None,
    client: httpx.Client | None = None,
    api_root: str | None = None,
) -> None:
    """Change a published post's title and/or thumbnail where the platform allows it."""
    from vidcamp.credentials import credentials_file, load_account
    from vidcamp.errors import PermanentPublishError
    from vidcamp.platforms import get_platform
    from vidcamp.presets import PRESETS
    from vidcamp.publish.driver import Account, Driver

    preset = PRESETS[request.preset]
    platform = get_platform(preset.platform)
    builder = platform.client().build_edit
    if builder is None:
        raise PermanentPublishError(f"{platform.label} posts cannot be edited")
    if request.thumbnail is not None and not request.thumbnail.is_file():
        raise PermanentPublishError(f"{request.thumbnail}: no such thumbnail file")
    entry = load_account(account, credentials)
    acct = Account(account, entry, credentials_file(credentials), platform.refresher)
    with Driver(acct, policy=policy, client=client, api_root=api_root) as drv:
        drv.run(builder(request, entry))


def upload(
    request: UploadRequest,
    account: str,
    *,
    resume: dict[str, Any] | None = None,
    on_state: Callable[[dict[str, Any]], None] | None = None,
    progress: ProgressSink | None = None,
    credentials: Path | None = None,
    policy: RetryPolicy | None = None,
    chunk_size: int | None = None,
    client: httpx.Client | None = None,
    api_root: str | None = None,
) -> UploadResult:
    """Upload ``request.path`` to ``account`` and create the post; see the module docstring.

    ``api_root`` sends every request to a sandbox (``https://HOST/PATH`` is served at
    ``API_ROOT/HOST/PATH``); None falls back to ``$VIDCAMP_API_ROOT``, else the real hosts.
    """
    from vidcamp.credentials import credentials_file, load_account
    from vidcamp.errors import CredentialsError, PermanentPublishError
    from vidcamp.platforms import get_platform
    from vidcamp.presets import PRESETS
    from vidcamp.publish.base import FlowArgs
    from vidcamp.publish.driver import Account, Driver

    preset = PRESETS.get(request.preset)
    if preset is None:
        raise PermanentPublishError(
            f"unknown preset {request.preset!r} (known: {', '.join(PRESETS)})"
        )
    if not preset.platform:
        raise PermanentPublishError(f"preset {preset.name!r} is render-only; nothing uploads it")
    entry = load_account(account, credentials)
    if entry["platform"] != preset.platform:
        raise CredentialsError(
            f"account {account!r} is a {entry['platform']} account but preset"
            f" {preset.name!r} publishes to {preset.platform}"
        )
    _check_request(request)
    _check_media(request, preset)
    size = request.path.stat().st_size
    if size > preset.max_bytes:
        raise PermanentPublishError(
            f"{request.path}: {size} bytes is over the {preset.max_bytes} bytes"
            f" {preset.label} accepts"
        )
    platform = get_platform(preset.platform)
    flow = platform.client().build_flow(
        FlowArgs(request, preset, entry, chunk_size or DEFAULT_CHUNK_SIZE, resume)
    )
    acct = Account(account, entry, credentials_file(credentials), platform.refresher)
    with Driver(acct, policy=policy, progress=progress, on_state=on_state, client=client,
                api_root=api_root) as drv:
        drv.progress.start(f"{preset.platform}:{request.path.name}", size)
        done = False
        try:
            result: UploadResult = drv.run(flow)
            done = True
        finally:
            drv.progress.finish(done)
    return result


def _check_media(request: UploadRequest, preset: Preset) -> None:
    """Refuse what the platform would refuse anyway; warn where it would quietly demote."""
    import logging

    from vidcamp.errors import PermanentPublishError
    from vidcamp.publish.mp4info import read_mp4_info

    info = read_mp4_info(request.path)
    if info is None:
        return  # not an MP4 we can read: the platform decides
    if preset.name == "facebook_reels" and not (
        preset.min_duration <= info.duration <= preset.max_duration
    ):
        raise PermanentPublishError(
            f"{request.path}: {info.duration:.1f} s; Facebook Reels must be"
            f" {preset.min_duration:g}-{preset.max_duration:g} s"
        )
    if preset.name == "youtube_shorts" and (
        info.duration > preset.max_duration
        or (info.width and info.height and info.width > info.height)
    ):
        logging.getLogger("vidcamp.publish").warning(
            "%s: %.1f s, %sx%s; YouTube shows it as a regular video, not a Short"
            " (Shorts are vertical or square and at most %g s)",
            request.path.name, info.duration, info.width, info.height, preset.max_duration,
        )


def _check_request(request: UploadRequest) -> None:
    from vidcamp.errors import PermanentPublishError

    if not request.path.is_file():
        raise PermanentPublishError(f"{request.path}: no such video file")
    if request.path.stat().st_size == 0:
        raise PermanentPublishError(f"{request.path}: video file is empty")
    if request.privacy not in ("public", "unlisted", "private"):
        raise PermanentPublishError(
            f"privacy {request.privacy!r} is not one of public, unlisted, private"
        )
    if request.publish_at is not None and request.publish_at.tzinfo is None:
        raise PermanentPublishError("publish_at must carry a time zone")
    if request.thumbnail is not None and not request.thumbnail.is_file():
        raise PermanentPublishError(f"{request.thumbnail}: no such thumbnail file")
