"""The measurement side: each published post's figures, read back from its platform.

One vocabulary for every platform (``METRICS``); a figure a platform does not give is left out
of the ledger, so it shows empty in a report, never as zero. What each platform counts as "a
view" differs (``VIEW_MEANING``), so views are comparable within a platform, not across.

    vidcamp stats --due          # cron: read the figures of every post whose poll is due
    vidcamp report CAMPAIGN      # latest figures, rates and rankings (--json/--csv/--html)

Layers: ``cadence`` (pure: when is a post due), ``fetch`` (sans-IO request flows per platform,
driven by the publishing driver), ``store`` (ledger tables), ``run`` (the cron entry point),
``report`` (figures to JSON, CSV and HTML with inline SVG charts). Nothing here is imported by
``stats --due`` until a post is actually due.
"""

from __future__ import annotations

#: the common metric names, in report order, with their unit
METRICS: dict[str, str] = {
    "views": "count",
    "likes": "count",
    "comments": "count",
    "shares": "count",
    "impressions": "count",
    "watch_time": "seconds (total)",
    "avg_view_duration": "seconds",
    "completion": "fraction 0-1 of views watched to the end",
}

#: what "a view" is on each platform (see docs/stats.md); views do not compare across platforms
VIEW_MEANING: dict[str, str] = {
    "youtube": "a playback start, autoplay and replays included (viewCount)",
    "facebook": "feed: watched for 3 s or to the end (total_video_views); Reels: a play",
    "x": "the video's view_count, summed over every post that carries the same video",
    "dailymotion": "VIEWS of the partner Reporting API; the public views_total field is retired",
}

#: which common metrics each platform can give (the rest stay empty in reports)
AVAILABLE: dict[str, tuple[str, ...]] = {
    "youtube": ("views", "likes", "comments", "shares", "watch_time", "avg_view_duration"),
    "facebook": ("views", "likes", "comments", "shares", "impressions", "watch_time",
                 "avg_view_duration", "completion"),
    "x": ("views", "likes", "comments", "shares", "impressions", "completion"),
    # views and the rest only with a partner Reporting API key (docs/stats.md)
    "dailymotion": ("views", "likes", "watch_time", "avg_view_duration", "completion"),
}

__all__ = ["AVAILABLE", "METRICS", "VIEW_MEANING"]
