"""Platform presets: the one table of what each placement accepts and how we encode for it.

Every number has its source beside it (see also ../shared/reference/platforms.md). When a
platform changes a limit, change it here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB


@dataclass(frozen=True)
class SafeZone:
    """Fractions of the frame that platform UI may cover; captions stay inside the rest."""

    top: float = 0.0
    bottom: float = 0.0
    left: float = 0.0
    right: float = 0.0


@dataclass(frozen=True)
class Preset:
    """What one placement (e.g. YouTube Shorts) accepts, and the encode we produce for it."""

    name: str
    platform: str  # which uploader publishes it: youtube, facebook, x, dailymotion, or "" (none)
    label: str
    width: int
    height: int
    fps_min: float
    fps_max: float
    min_duration: float  # seconds
    max_duration: float  # seconds; over it the target's over-length policy applies
    max_bytes: int
    # aspect ratios the platform accepts as width/height (inclusive bounds)
    aspect_min: Fraction
    aspect_max: Fraction
    video_codec: str = "h264"
    video_profile: str = "high"
    pix_fmt: str = "yuv420p"
    gop_seconds: float = 1.0  # closed GOP length
    video_maxrate_kbps: int = 8000
    audio_codec: str = "aac"
    audio_rate: int = 48000
    audio_channels: int = 2
    audio_bitrate_kbps: int = 192
    safe_zone: SafeZone = field(default_factory=SafeZone)
    can_schedule: bool = False  # platform publishes at a set time by itself
    thumbnail_size: tuple[int, int] | None = None  # (w, h) of the custom thumbnail, if settable
    thumbnail_max_bytes: int | None = None
    source: str = ""

    @property
    def aspect(self) -> Fraction:
        return Fraction(self.width, self.height)

    @property
    def aspect_label(self) -> str:
        a = self.aspect
        return f"{a.numerator}:{a.denominator}"

    @property
    def size(self) -> str:
        return f"{self.width}x{self.height}"

    def default_fps(self, source_fps: float | None) -> float:
        """Keep the source rate when it is inside the preset's range, else 30 (clamped)."""
        if source_fps and self.fps_min <= source_fps <= self.fps_max:
            return source_fps
        return min(max(30.0, self.fps_min), self.fps_max)


_YT_ENCODE = "https://support.google.com/youtube/answer/1722171"
_FB_REELS = "https://developers.facebook.com/docs/video-api/guides/reels-publishing"
_FB_VIDEO = "https://developers.facebook.com/docs/video-api/reference"
_X_MEDIA = "https://docs.x.com/x-api/media/quickstart/best-practices"
_DM_LIMITS = "https://developers.dailymotion.com/v2/reference/rate-limiting"
_IG_REELS = "https://developers.facebook.com/docs/instagram-platform/content-publishing"
_TIKTOK = "https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide"
_LINKEDIN = "https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/videos-api"

# Caption safe zone of 9:16 placements: Facebook/Instagram Reels keep 14% top, 35% bottom,
# 6% each side clear (Meta ads guide); TikTok's UI covers ~240 px top, ~660 px bottom of 1920
# and a right rail (third-party measurement).
_REELS_SAFE = SafeZone(top=0.14, bottom=0.35, left=0.06, right=0.06)
_SHORTS_SAFE = SafeZone(top=0.10, bottom=0.25, left=0.06, right=0.12)
_TIKTOK_SAFE = SafeZone(top=0.125, bottom=0.345, left=0.06, right=0.15)
_FEED_SAFE = SafeZone(top=0.05, bottom=0.10, left=0.05, right=0.05)

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            name="youtube",
            platform="youtube",
            label="YouTube video (16:9)",
            width=1920, height=1080, fps_min=24, fps_max=60,
            min_duration=1, max_duration=15 * 60,  # unverified channels; verified: 12 h
            max_bytes=256 * GIB,
            aspect_min=Fraction(16, 9), aspect_max=Fraction(16, 9),
            gop_seconds=0.5,  # closed GOP of half the frame rate (YouTube encode advice)
            video_maxrate_kbps=12000, audio_bitrate_kbps=384,
            safe_zone=_FEED_SAFE, can_schedule=True,
            thumbnail_size=(1280, 720), thumbnail_max_bytes=2 * MIB,
            source=_YT_ENCODE,
        ),
        Preset(
            name="youtube_shorts",
            platform="youtube",
            label="YouTube Shorts (9:16)",
            width=1080, height=1920, fps_min=24, fps_max=60,
            min_duration=1, max_duration=180,  # Shorts up to 3 min since 2024-10-15
            max_bytes=256 * GIB,
            aspect_min=Fraction(9, 16), aspect_max=Fraction(1, 1),
            gop_seconds=0.5, video_maxrate_kbps=12000, audio_bitrate_kbps=384,
            safe_zone=_SHORTS_SAFE, can_schedule=True,
            source=_YT_ENCODE,
        ),
        Preset(
            name="facebook",
            platform="facebook",
            label="Facebook Page feed video (4:5)",
            width=1080, height=1350, fps_min=24, fps_max=60,
            min_duration=1, max_duration=240 * 60,  # the Page's video_upload_limits decides
            max_bytes=10 * GIB,
            aspect_min=Fraction(9, 16), aspect_max=Fraction(16, 9),
            gop_seconds=2, video_maxrate_kbps=8000, audio_bitrate_kbps=256,
            safe_zone=_FEED_SAFE, can_schedule=True,
            source=_FB_VIDEO,
        ),
        Preset(
            name="facebook_reels",
            platform="facebook",
            label="Facebook Reels (9:16)",
            width=1080, height=1920, fps_min=24, fps_max=60,
            min_duration=3, max_duration=90,
            max_bytes=1 * GIB,
            aspect_min=Fraction(9, 16), aspect_max=Fraction(9, 16),
            gop_seconds=2, video_maxrate_kbps=8000, audio_bitrate_kbps=192,
            safe_zone=_REELS_SAFE, can_schedule=True,
            source=_FB_REELS,
        ),
        Preset(
            name="x",
            platform="x",
            label="X post video (16:9, 1280x720)",
            width=1280, height=720, fps_min=1, fps_max=60,
            # 140 s / 512 MB works on every account (DM video, older docs); posts allow more
            min_duration=0.5, max_duration=140,
            max_bytes=512 * MIB,
            aspect_min=Fraction(1, 3), aspect_max=Fraction(3, 1),
            gop_seconds=1, video_maxrate_kbps=5000, audio_bitrate_kbps=128,
            safe_zone=_FEED_SAFE, can_schedule=False,
            source=_X_MEDIA,
        ),
        Preset(
            name="dailymotion",
            platform="dailymotion",
            label="Dailymotion video (16:9)",
            width=1920, height=1080, fps_min=24, fps_max=60,
            min_duration=1, max_duration=2 * 3600,
            max_bytes=4 * GIB,
            aspect_min=Fraction(1, 3), aspect_max=Fraction(3, 1),
            gop_seconds=1, video_maxrate_kbps=8000, audio_bitrate_kbps=192,
            safe_zone=_FEED_SAFE, can_schedule=True,
            source=_DM_LIMITS,
        ),
        Preset(
            name="instagram_reels",
            platform="",
            label="Instagram Reels (9:16, render only)",
            width=1080, height=1920, fps_min=23, fps_max=60,
            min_duration=3, max_duration=15 * 60,
            max_bytes=300 * MIB,
            aspect_min=Fraction(9, 16), aspect_max=Fraction(9, 16),
            gop_seconds=2, video_maxrate_kbps=8000, audio_bitrate_kbps=128,
            safe_zone=_REELS_SAFE,
            source=_IG_REELS,
        ),
        Preset(
            name="tiktok",
            platform="",
            label="TikTok (9:16, render only)",
            width=1080, height=1920, fps_min=23, fps_max=60,
            min_duration=1, max_duration=10 * 60,
            max_bytes=4 * GIB,
            aspect_min=Fraction(9, 16), aspect_max=Fraction(9, 16),
            gop_seconds=2, video_maxrate_kbps=8000, audio_bitrate_kbps=128,
            safe_zone=_TIKTOK_SAFE,
            source=_TIKTOK,
        ),
        Preset(
            name="linkedin",
            platform="",
            label="LinkedIn video (1:1, render only)",
            width=1080, height=1080, fps_min=10, fps_max=60,
            min_duration=3, max_duration=15 * 60,
            max_bytes=5 * GIB,
            aspect_min=Fraction(5, 12), aspect_max=Fraction(12, 5),  # 1:2.4 .. 2.4:1
            gop_seconds=2, video_maxrate_kbps=8000, audio_bitrate_kbps=192,
            safe_zone=_FEED_SAFE,
            source=_LINKEDIN,
        ),
    )
}

def get_preset(name: str) -> Preset:
    """The preset called ``name``; KeyError with the known names otherwise."""
    try:
        return PRESETS[name]
    except KeyError:
        raise KeyError(f"unknown preset {name!r} (known: {', '.join(PRESETS)})") from None


@dataclass(frozen=True)
class TextLimit:
    """The most one post field may hold on a platform, and how the platform counts it."""

    limit: int
    unit: str = "characters"  # characters (code points) | bytes (UTF-8) | weighted (X)
    source: str = ""


_YT_VIDEOS = "https://developers.google.com/youtube/v3/docs/videos#snippet"
_X_COUNTING = "https://docs.x.com/resources/fundamentals/counting-characters"

# Text limits per platform and post field, kept apart from Preset so that they do not enter
# render content hashes. A field a platform does not receive is absent. Facebook and
# Dailymotion figures are second-hand (their API references give none).
TEXT_LIMITS: dict[str, dict[str, TextLimit]] = {
    "youtube": {
        "title": TextLimit(100, source=_YT_VIDEOS),
        "description": TextLimit(5000, "bytes", source=_YT_VIDEOS),
        # all tags together; a tag with a space counts its quotes, and commas separate tags
        "tags": TextLimit(500, source=_YT_VIDEOS),
    },
    "facebook": {
        "title": TextLimit(255, source="second-hand"),
        "description": TextLimit(63206, source="second-hand: the Page post text limit"),
    },
    "x": {"text": TextLimit(280, "weighted", source=_X_COUNTING)},
    "dailymotion": {
        "title": TextLimit(255, source="second-hand"),
        "description": TextLimit(3000, source="second-hand"),
    },
}
