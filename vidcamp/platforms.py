"""Every platform vidcamp publishes to, as one typed record each: the single source of truth.

    from vidcamp.platforms import REGISTRY, get_platform
    get_platform("youtube").schedule_lead      # 300.0
    list(REGISTRY)                             # ["youtube", "facebook", "x", "dailymotion"]

A ``Platform`` holds what the rest of the code asks about a platform: its OAuth settings and
refresher, the module that builds its upload flow (imported only when a post is uploaded), its
default preset, whether and how far ahead it can schedule a post, which post fields can be
edited after publishing, and its documented posting quota. Lists of platforms, defaults and
per-platform branches elsewhere are derived from ``REGISTRY``; adding a platform is adding a row
here and a client module under ``vidcamp/publish/`` that exports ``CLIENT``.

This module imports nothing heavy: spec validation and ``--help`` read it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from vidcamp.publish.base import OAuthEndpoints, StandardRefresher

if TYPE_CHECKING:
    from vidcamp.publish.base import PlatformClient

EditableField = Literal["title", "thumbnail"]
Feature = Literal["upload", "thumbnails", "analytics"]


@dataclass(frozen=True)
class Quota:
    """How many posts an account may make in one quota day, as the platform documents it.

    ``posts_per_day`` is the plain count (Dailymotion, Facebook Reels, X by tier); YouTube counts
    API units instead: ``units_per_day`` shared by every call, an upload costing
    ``units_per_upload``. An account's entry in the credentials file may override the figures
    (``quota_units_per_day``, ``upload_cost``, ``posts_per_day``, and for X ``tier``), because
    they differ per project, tier and account and have changed over time.
    """

    posts_per_day: int | None = None
    units_per_day: int | None = None
    units_per_upload: int | None = None
    # the day the quota counts: "pacific" = calendar day in America/Los_Angeles (YouTube);
    # "rolling" = any 24 h window
    day: Literal["pacific", "utc", "rolling"] = "rolling"
    tiers: tuple[tuple[str, int], ...] = ()  # (tier name, posts per 24 h), first is default
    source: str = ""

    def _units(self, entry: Mapping[str, Any]) -> tuple[int, int] | None:
        """(units per day, units per upload) when the quota counts API units, else None."""
        if self.units_per_day is None or not self.units_per_upload:
            return None
        return (int(entry.get("quota_units_per_day") or self.units_per_day),
                int(entry.get("upload_cost") or self.units_per_upload))

    def _tier(self, entry: Mapping[str, Any]) -> str:
        return str(entry.get("tier") or self.tiers[0][0])

    def daily_posts(self, entry: Mapping[str, Any] | None = None) -> int | None:
        """Uploads or posts one account may make in a quota day (None: no documented limit)."""
        entry = entry or {}
        if entry.get("posts_per_day") is not None:
            return int(entry["posts_per_day"])
        units = self._units(entry)
        if units is not None:
            return units[0] // max(1, units[1])
        if self.tiers:
            return dict(self.tiers).get(self._tier(entry), self.tiers[0][1])
        return self.posts_per_day

    def describe(self, entry: Mapping[str, Any] | None = None) -> str:
        """The limit in words, for warnings: ``6 uploads a day (10000 units, 1600 each)``."""
        entry = entry or {}
        count = self.daily_posts(entry)
        if entry.get("posts_per_day") is not None:
            return f"{count} a day (credentials file)"
        units = self._units(entry)
        if units is not None:
            return f"{count} uploads a day ({units[0]} quota units, {units[1]} per upload)"
        if self.tiers:
            return f"{count} posts per 24 h ({self._tier(entry)} tier)"
        return f"{count} per 24 h"


@dataclass(frozen=True)
class Platform:
    """One platform: the facts the code branches on, in one place."""

    name: str
    label: str
    oauth: OAuthEndpoints
    client_module: str  # exports ``CLIENT: PlatformClient`` (build_flow and edit calls)
    default_preset: str
    refreshes: bool = True  # False: tokens have no refresh grant (Facebook Page tokens)
    can_schedule: bool = True  # the platform publishes at a set time by itself
    schedule_lead: float = 300.0  # seconds ahead a publish time must be to schedule it
    editable: frozenset[EditableField] = frozenset()  # post fields rotation may change
    quota: Quota = field(default_factory=Quota)
    # scopes each feature needs (``vidcamp doctor`` compares them with those granted)
    feature_scopes: tuple[tuple[Feature, tuple[str, ...]], ...] = ()

    @property
    def refresher(self) -> StandardRefresher | None:
        """The OAuth ``refresh_token`` grant, or None when tokens cannot be refreshed."""
        if not self.refreshes:
            return None
        return StandardRefresher(self.oauth.token_url, client_auth=self.oauth.client_auth)

    def scopes_for(self, feature: Feature) -> tuple[str, ...]:
        """The scopes ``feature`` needs (none listed: none)."""
        return dict(self.feature_scopes).get(feature, ())

    def client(self) -> PlatformClient:
        """The upload client (imports its module on first use)."""
        module = importlib.import_module(self.client_module)
        client: PlatformClient = module.CLIENT
        return client


_GOOGLE_TOKEN = "https://oauth2.googleapis.com/token"
_YT_SCOPE = "https://www.googleapis.com/auth/"
GRAPH_VERSION = "v21.0"  # the Graph API version every Facebook call uses
_X_API = "https://api.x.com/2"

REGISTRY: dict[str, Platform] = {
    p.name: p
    for p in (
        Platform(
            name="youtube", label="YouTube",
            oauth=OAuthEndpoints(
                authorize_url="https://accounts.google.com/o/oauth2/v2/auth",
                token_url=_GOOGLE_TOKEN,
                scopes=(_YT_SCOPE + "youtube.upload", _YT_SCOPE + "youtube"),
                # refresh tokens come only with offline access; consent forces one on re-login
                extra_params=(("access_type", "offline"), ("prompt", "consent")),
            ),
            client_module="vidcamp.publish.youtube",
            default_preset="youtube",
            schedule_lead=300.0,
            editable=frozenset({"title", "thumbnail"}),
            quota=Quota(
                units_per_day=10_000, units_per_upload=1_600, day="pacific",
                source="developers.google.com/youtube/v3/determine_quota_cost (default project"
                " quota; the upload cost has changed, so both are configurable per account)",
            ),
            feature_scopes=(
                ("upload", (_YT_SCOPE + "youtube.upload",)),
                ("thumbnails", (_YT_SCOPE + "youtube",)),
                ("analytics", (_YT_SCOPE + "yt-analytics.readonly",)),
            ),
        ),
        Platform(
            name="facebook", label="Facebook",
            oauth=OAuthEndpoints(
                authorize_url=f"https://www.facebook.com/{GRAPH_VERSION}/dialog/oauth",
                token_url=f"https://graph.facebook.com/{GRAPH_VERSION}/oauth/access_token",
                scopes=("pages_show_list", "pages_read_engagement", "pages_manage_posts",
                        "publish_video"),
                scope_separator=",",
                token_method="GET",
            ),
            client_module="vidcamp.publish.facebook",
            default_preset="facebook",
            refreshes=False,  # Page tokens do not refresh; code 190 -> authorise again
            # Facebook refuses a scheduled_publish_time less than 10 minutes ahead
            schedule_lead=900.0,
            editable=frozenset({"title", "thumbnail"}),
            quota=Quota(posts_per_day=30, day="rolling",
                        source="Reels publishing guide: 30 API-published reels per Page per"
                               " rolling 24 h"),
            feature_scopes=(
                ("upload", ("pages_manage_posts", "publish_video")),
                ("thumbnails", ("pages_manage_posts",)),
                ("analytics", ("pages_read_engagement", "read_insights")),
            ),
        ),
        Platform(
            name="x", label="X",
            oauth=OAuthEndpoints(
                authorize_url="https://x.com/i/oauth2/authorize",
                token_url=f"{_X_API}/oauth2/token",
                scopes=("media.write", "tweet.write", "tweet.read", "users.read",
                        "offline.access"),
                pkce=True,
                client_auth="basic",
            ),
            client_module="vidcamp.publish.x",
            default_preset="x",
            can_schedule=False,  # the API has no scheduled posts: cron publishes on time
            schedule_lead=0.0,
            editable=frozenset(),  # API posts cannot be edited
            quota=Quota(tiers=(("free", 17), ("basic", 100), ("pro", 9_600)), day="rolling",
                        source="docs.x.com/x-api/fundamentals/rate-limits (POST /2/tweets per"
                               " user per 24 h; set `tier:` in the credentials file)"),
            feature_scopes=(
                ("upload", ("media.write", "tweet.write")),
                ("analytics", ("tweet.read", "users.read")),
            ),
        ),
        Platform(
            name="dailymotion", label="Dailymotion",
            oauth=OAuthEndpoints(
                authorize_url="https://www.dailymotion.com/oauth/authorize",
                token_url="https://api.dailymotion.com/oauth/token",
                scopes=("manage_videos",),
            ),
            client_module="vidcamp.publish.dailymotion",
            default_preset="dailymotion",
            schedule_lead=300.0,
            editable=frozenset({"title", "thumbnail"}),
            quota=Quota(posts_per_day=15, day="rolling",
                        source="developers.dailymotion.com/v2/reference/rate-limiting: 15"
                               " videos or 10 h per 24 h for standard accounts"),
            feature_scopes=(
                ("upload", ("manage_videos",)),
                ("thumbnails", ("manage_videos",)),
                ("analytics", ("manage_videos",)),
            ),
        ),
    )
}

PLATFORMS: tuple[str, ...] = tuple(REGISTRY)


def granted_scopes(entry: Mapping[str, Any]) -> set[str]:
    """The scopes a credentials entry records as granted (space- or comma-separated)."""
    return set(str(entry.get("scope") or "").replace(",", " ").split())


def get_platform(name: str) -> Platform:
    """The platform called ``name``; ``PermanentPublishError`` naming the known ones otherwise."""
    try:
        return REGISTRY[name]
    except KeyError:
        from vidcamp.errors import PermanentPublishError

        raise PermanentPublishError(
            f"no uploader for platform {name!r} (known: {', '.join(PLATFORMS)})"
        ) from None
