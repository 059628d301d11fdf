"""Per-platform request flows that read posts' figures (sans-IO, like the upload flows).

A ``StatsFlow`` yields ``Call`` values and receives ``Reply`` values; the publishing driver
(``vidcamp.publish.driver.Driver``) sends them, adds tokens, refreshes expired ones and retries
5xx answers. The flow never raises on one post's bad answer: it records what it read in
``self.result`` as it goes, so a platform that stops answering half-way (429, quota) keeps
the figures already read.

Calls per run: YouTube one ``videos.list`` per 50 posts (+ one Analytics query per 50 when the
account granted ``yt-analytics.readonly``); X one ``GET /2/tweets`` per 100 posts (posts under
30 days old in their own calls, with the owner-only metrics); Facebook and Dailymotion one call
per post (their APIs have no documented multi-get for these figures).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from vidcamp.publish.base import (
    Call,
    Failure,
    Flow,
    FlowGen,
    Reply,
    next_pacific_midnight,
    now_utc,
    retry_after_seconds,
    short,
    transient_failure,
)
from vidcamp.stats.store import StatPost

if TYPE_CHECKING:
    from vidcamp.platforms import Feature

log = logging.getLogger("vidcamp.stats")

YOUTUBE_VIDEOS = "https://www.googleapis.com/youtube/v3/videos"
YOUTUBE_ANALYTICS = "https://youtubeanalytics.googleapis.com/v2/reports"
ANALYTICS_SCOPE = "https://www.googleapis.com/auth/yt-analytics.readonly"
GRAPH = "https://graph.facebook.com/v25.0"
X_TWEETS = "https://api.x.com/2/tweets"
DAILYMOTION = "https://api.dailymotion.com"

YOUTUBE_BATCH = 50
VIDEOS_LIST_UNITS = 1  # quota units per videos.list call (developers.google.com, 2026)
X_BATCH = 100
X_OWNER_WINDOW = timedelta(days=30)
DEFAULT_DEFER = 900.0  # seconds, when a 429 names no window

Figures = dict[str, tuple[float, str]]


@dataclass
class FetchResult:
    """What one flow read: figures per post id, posts gone, readings dropped, notes."""

    readings: dict[int, Figures] = field(default_factory=dict)
    gone: dict[int, str] = field(default_factory=dict)
    dropped: dict[int, str] = field(default_factory=dict)
    polled: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    calls: int = 0
    # what the calls cost against the platform's quota or bill, e.g. {"youtube quota units": 2}
    cost: dict[str, float] = field(default_factory=dict)
    # (platform, account) -> the pending asynchronous report's token (None: none pending)
    reports: dict[tuple[str, str], str | None] = field(default_factory=dict)

    def add(self, post: StatPost, metric: str, value: Any, source: str) -> None:
        """Keep one figure; a value that is no finite, non-negative number drops the reading."""
        number = _number(value)
        if number is None:
            self.drop(post, f"{source}: {metric} is {short(repr(value), 40)}, not a count")
            return
        if post.id not in self.dropped:
            self.readings.setdefault(post.id, {})[metric] = (number, source)

    def drop(self, post: StatPost, why: str) -> None:
        """A malformed answer: none of this post's figures from this run are kept."""
        self.readings.pop(post.id, None)
        if post.id not in self.dropped:
            self.dropped[post.id] = why
            log.warning("%s: reading dropped: %s", post.key, why)

    def merge(self, other: FetchResult) -> None:
        for post_id, figures in other.readings.items():
            if post_id not in self.dropped:
                self.readings.setdefault(post_id, {}).update(figures)
        for post_id, why in other.dropped.items():
            self.readings.pop(post_id, None)
            self.dropped.setdefault(post_id, why)
        self.gone.update(other.gone)
        self.polled |= other.polled
        self.notes.extend(other.notes)
        self.calls += other.calls
        for what, amount in other.cost.items():
            self.cost[what] = self.cost.get(what, 0) + amount
        self.reports.update(other.reports)


def has_scopes(entry: dict[str, Any], platform: str, feature: Feature) -> bool:
    """Whether the account's granted ``scope`` (as the token endpoint answered it) covers what
    ``feature`` needs on ``platform`` (the registry's ``feature_scopes``)."""
    from vidcamp.platforms import get_platform, granted_scopes

    return set(get_platform(platform).scopes_for(feature)) <= granted_scopes(entry)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        return None
    return float(value)


def _chunks(items: Sequence[StatPost], size: int) -> Iterator[list[StatPost]]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


class StatsFlow(Flow):
    """Base: reads figures of ``posts`` (all of one account) and fills ``self.result``."""

    platform = ""

    def __init__(self, posts: Sequence[StatPost], entry: dict[str, Any], now: datetime, *,
                 pending_report: str | None = None) -> None:
        self.posts = list(posts)
        self.entry = entry
        self.now = now
        self.pending_report = pending_report  # asynchronous report asked by an earlier run
        self.state = {}
        self.result = FetchResult()

    def call(self, method: str, url: str, route: str, **kw: Any) -> Call:
        self.result.calls += 1
        return Call(method, url, route, **kw)

    def charge(self, what: str, amount: float) -> None:
        self.result.cost[what] = self.result.cost.get(what, 0) + amount

    def steps(self) -> FlowGen:  # pragma: no cover - abstract
        raise NotImplementedError

    def classify(self, call: Call, reply: Reply) -> Failure | None:
        """429 defers the platform at once (a stats run never sleeps on a rate window)."""
        if reply.status == 429:
            wait = retry_after_seconds(reply.headers)
            return Failure("defer", f"{self.platform}: rate limited (HTTP 429)",
                           retry_after=wait if wait else DEFAULT_DEFER)
        transient = transient_failure(reply, self.platform)
        if transient is not None:
            return transient
        if reply.status == 401:
            return Failure("refresh", f"{self.platform}: access token expired or invalid")
        return None  # the flow reads 2xx and the per-post 4xx answers itself

    def _unexpected(self, reply: Reply, what: str) -> None:
        """A whole-call answer that is neither figures nor a per-post error."""
        from vidcamp.errors import PermanentPublishError

        body = short(reply.body[:200].decode("utf-8", "replace"), 120)
        raise PermanentPublishError(f"{self.platform}: {what}: HTTP {reply.status} {body}")


# -- YouTube ------------------------------------------------------------------------------------


class YouTubeStats(StatsFlow):
    platform = "youtube"

    def steps(self) -> FlowGen:
        live: list[StatPost] = []
        for batch in _chunks(self.posts, YOUTUBE_BATCH):
            self.charge("youtube quota units", VIDEOS_LIST_UNITS)
            reply = yield self.call(
                "GET", YOUTUBE_VIDEOS, "youtube.stats",
                # no maxResults: videos.list refuses it together with id
                params=(("part", "statistics,status"),
                        ("id", ",".join(p.remote_id for p in batch))),
            )
            assert reply is not None
            if not reply.ok:
                self._unexpected(reply, "videos.list")
            live.extend(self._read_videos(batch, reply.json()))
        if not live:
            return self.result
        if not has_scopes(self.entry, "youtube", "analytics"):
            self.result.notes.append(
                "youtube: shares, watch time and average view duration skipped: the account"
                " did not grant yt-analytics.readonly; run `vidcamp auth login ACCOUNT"
                " --analytics` and allow YouTube Analytics"
            )
            return self.result
        for batch in _chunks(live, YOUTUBE_BATCH):
            start = min(p.publish_at for p in batch).date().isoformat()
            reply = yield self.call(
                "GET", YOUTUBE_ANALYTICS, "youtube.analytics",
                params=(
                    ("ids", "channel==MINE"), ("startDate", start),
                    ("endDate", self.now.date().isoformat()), ("dimensions", "video"),
                    ("metrics", "views,likes,comments,shares,estimatedMinutesWatched,"
                                "averageViewDuration"),
                    ("filters", "video==" + ",".join(p.remote_id for p in batch)),
                    ("sort", "-views"), ("maxResults", str(len(batch))),
                ),
            )
            assert reply is not None
            if reply.status == 403:
                self.result.notes.append(
                    "youtube: YouTube Analytics refused the token (HTTP 403); run `vidcamp auth"
                    " login ACCOUNT --analytics` and allow YouTube Analytics")
                return self.result
            if not reply.ok:
                self._unexpected(reply, "reports.query")
            self._read_analytics(batch, reply.json())
        return self.result

    def _read_videos(self, batch: list[StatPost], answer: Any) -> list[StatPost]:
        items = answer.get("items") if isinstance(answer, dict) else None
        if not isinstance(items, list):
            for post in batch:
                self.result.drop(post, "youtube: videos.list answer has no items list")
            return []
        by_id = {str(i.get("id")): i for i in items if isinstance(i, dict)}
        live = []
        for post in batch:
            self.result.polled.add(post.id)
            item = by_id.get(post.remote_id)
            if item is None:
                self.result.gone[post.id] = "deleted"  # unknown, deleted or not visible
                continue
            status: dict[str, Any] = item["status"] if isinstance(item.get("status"), dict) else {}
            if status.get("privacyStatus") == "private" and post.privacy != "private":
                self.result.gone[post.id] = "private"
                continue
            stats = item.get("statistics")
            if not isinstance(stats, dict):
                self.result.drop(post, "youtube: video has no statistics")
                continue
            for key, metric in (("viewCount", "views"), ("likeCount", "likes"),
                                ("commentCount", "comments")):
                if key in stats:  # likeCount is absent when the owner hid likes
                    self.result.add(post, metric, stats[key], "youtube.videos")
            live.append(post)
        return live

    def _read_analytics(self, batch: list[StatPost], answer: Any) -> None:
        if not isinstance(answer, dict) or not isinstance(answer.get("columnHeaders"), list):
            for post in batch:
                self.result.drop(post, "youtube: reports.query answer has no columnHeaders")
            return
        names = [str(h.get("name")) for h in answer["columnHeaders"] if isinstance(h, dict)]
        by_id = {p.remote_id: p for p in batch}
        for row in answer.get("rows") or []:  # rows is absent when there is no data yet
            if not isinstance(row, list) or len(row) != len(names):
                continue
            values = dict(zip(names, row, strict=True))
            found = by_id.get(str(values.get("video")))
            if found is None:
                continue
            post = found
            if "shares" in values:
                self.result.add(post, "shares", values["shares"], "youtube.analytics")
            minutes = _number(values.get("estimatedMinutesWatched"))
            if minutes is not None:
                self.result.add(post, "watch_time", minutes * 60, "youtube.analytics")
            elif "estimatedMinutesWatched" in values:
                self.result.drop(post, "youtube.analytics: estimatedMinutesWatched is no number")
            if "averageViewDuration" in values:
                self.result.add(post, "avg_view_duration", values["averageViewDuration"],
                                "youtube.analytics")

    def classify(self, call: Call, reply: Reply) -> Failure | None:
        if reply.status == 403:
            error = reply.json().get("error") if isinstance(reply.json(), dict) else None
            errors = error.get("errors") if isinstance(error, dict) else None
            reason = ""
            if isinstance(errors, list) and errors and isinstance(errors[0], dict):
                reason = str(errors[0].get("reason", ""))
            if reason in ("quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded",
                          "userRateLimitExceeded"):
                return Failure("defer", f"youtube: quota answer ({reason})",
                               retry_at=next_pacific_midnight())
        return super().classify(call, reply)


# -- Facebook -----------------------------------------------------------------------------------

FEED_METRICS = ("total_video_views", "total_video_impressions", "total_video_avg_time_watched",
                "total_video_view_total_time", "total_video_complete_views",
                "total_video_reactions_by_type_total", "total_video_stories_by_action_type")
REELS_METRICS = ("blue_reels_play_count", "post_video_avg_time_watched", "post_video_view_time",
                 "post_video_likes_by_reaction_type", "post_video_social_actions")


#: Graph API throttling codes: app (4), user (17), Pages (32, 80001), custom (613)
FACEBOOK_THROTTLES = {4, 17, 32, 613, 80001}
FACEBOOK_DEFER = 3600.0  # the Business Use Case window is rolling: come back in an hour


class FacebookStats(StatsFlow):
    platform = "facebook"

    def classify(self, call: Call, reply: Reply) -> Failure | None:
        error = reply.json().get("error") if isinstance(reply.json(), dict) else None
        if not reply.ok and isinstance(error, dict) and error.get("code") in FACEBOOK_THROTTLES:
            wait = retry_after_seconds(reply.headers)
            return Failure("defer", f"facebook: throttled (code {error.get('code')})",
                           retry_after=wait if wait else FACEBOOK_DEFER)
        return super().classify(call, reply)

    def steps(self) -> FlowGen:
        for post in self.posts:
            reels = post.preset == "facebook_reels"
            reply = yield self.call(
                "GET", f"{GRAPH}/{post.remote_id}/video_insights", "facebook.insights",
                params=(("metric", ",".join(REELS_METRICS if reels else FEED_METRICS)),
                        ("period", "lifetime")),
            )
            assert reply is not None
            self.result.polled.add(post.id)
            if not reply.ok:
                error = reply.json().get("error") if isinstance(reply.json(), dict) else None
                code = error.get("code") if isinstance(error, dict) else None
                if code == 100:  # "does not exist, cannot be loaded due to missing permissions"
                    self.result.gone[post.id] = "deleted"
                    continue
                self._unexpected(reply, "video_insights")
            self._read(post, reply.json(), reels)
        return self.result

    def _read(self, post: StatPost, answer: Any, reels: bool) -> None:
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, list):
            self.result.drop(post, "facebook: video_insights answer has no data list")
            return
        values: dict[str, Any] = {}
        for item in data:
            if not isinstance(item, dict) or not isinstance(item.get("values"), list):
                continue
            if item["values"] and isinstance(item["values"][-1], dict):
                values[str(item.get("name"))] = item["values"][-1].get("value")
        source = "facebook.insights"
        simple: tuple[tuple[str, str], ...]
        if reels:
            simple = (("blue_reels_play_count", "views"),)
            times = (("post_video_view_time", "watch_time"),
                     ("post_video_avg_time_watched", "avg_view_duration"))
            reactions, actions = "post_video_likes_by_reaction_type", "post_video_social_actions"
        else:
            simple = (("total_video_views", "views"), ("total_video_impressions", "impressions"))
            times = (("total_video_view_total_time", "watch_time"),
                     ("total_video_avg_time_watched", "avg_view_duration"))
            reactions = "total_video_reactions_by_type_total"
            actions = "total_video_stories_by_action_type"
        for name, metric in simple:
            if name in values:
                self.result.add(post, metric, values[name], source)
        for name, metric in times:  # milliseconds on the wire
            if name in values:
                ms = _number(values[name])
                self.result.add(post, metric, ms / 1000 if ms is not None else values[name],
                                source)
        if reactions in values:
            self.result.add(post, "likes", _sum_of(values[reactions]), source)
        if isinstance(values.get(actions), dict):
            for key, metric in (("share", "shares"), ("comment", "comments")):
                if key in values[actions]:
                    self.result.add(post, metric, values[actions][key], source)
        complete = _number(values.get("total_video_complete_views"))
        views = _number(values.get("total_video_views"))
        if not reels and complete is not None and views:
            self.result.add(post, "completion", min(1.0, complete / views), source)


def _sum_of(value: Any) -> Any:
    """A breakdown object (reaction type -> count) summed; anything else passed through."""
    if isinstance(value, dict):
        numbers = [_number(v) for v in value.values()]
        if any(n is None for n in numbers):
            return value
        return sum(n for n in numbers if n is not None)
    return value


# -- X ------------------------------------------------------------------------------------------


class XStats(StatsFlow):
    platform = "x"

    def steps(self) -> FlowGen:
        young = [p for p in self.posts if self.now - p.publish_at < X_OWNER_WINDOW]
        old = [p for p in self.posts if self.now - p.publish_at >= X_OWNER_WINDOW]
        for group, owner in ((young, True), (old, False)):
            fields = "public_metrics,non_public_metrics" if owner else "public_metrics"
            for batch in _chunks(group, X_BATCH):
                reply = yield self.call(
                    "GET", X_TWEETS, "x.lookup",
                    params=(("ids", ",".join(p.remote_id for p in batch)),
                            ("tweet.fields", fields + ",attachments"),
                            ("expansions", "attachments.media_keys"),
                            ("media.fields", fields)),
                )
                assert reply is not None
                if not reply.ok:
                    self._unexpected(reply, "tweets lookup")
                self._read(batch, reply.json())
        return self.result

    def _read(self, batch: list[StatPost], answer: Any) -> None:
        if not isinstance(answer, dict):
            for post in batch:
                self.result.drop(post, "x: lookup answer is not a JSON object")
            return
        tweets = {str(t.get("id")): t for t in answer.get("data") or [] if isinstance(t, dict)}
        includes: dict[str, Any] = (
            answer["includes"] if isinstance(answer.get("includes"), dict) else {})
        media = {str(m.get("media_key")): m for m in includes.get("media") or []
                 if isinstance(m, dict)}
        problems = {str(e.get("resource_id") or e.get("value")): str(e.get("type", ""))
                    for e in answer.get("errors") or [] if isinstance(e, dict)}
        # X bills each post returned, once per post per UTC day
        self.charge("x post reads", sum(1 for p in batch if p.remote_id in tweets))
        for post in batch:
            self.result.polled.add(post.id)
            tweet = tweets.get(post.remote_id)
            if tweet is None:
                kind = problems.get(post.remote_id, "")
                self.result.gone[post.id] = (
                    "private" if kind.endswith("not-authorized-for-resource") else "deleted")
                continue
            public = tweet.get("public_metrics")
            if not isinstance(public, dict):
                self.result.drop(post, "x: post has no public_metrics")
                continue
            source = "x.lookup"
            for key, metric in (("like_count", "likes"), ("reply_count", "comments"),
                                ("impression_count", "impressions")):
                if key in public:
                    self.result.add(post, metric, public[key], source)
            shares = [_number(public.get(k)) for k in ("retweet_count", "quote_count")]
            if all(s is not None for s in shares):
                self.result.add(post, "shares", sum(s for s in shares if s is not None), source)
            keys = (tweet.get("attachments") or {}).get("media_keys") or []
            item = media.get(str(keys[0])) if keys else None
            if isinstance(item, dict):
                views = (item.get("public_metrics") or {}).get("view_count")
                if views is not None:
                    self.result.add(post, "views", views, source)
                hidden = item.get("non_public_metrics") or {}
                started = _number(hidden.get("playback_0_count"))
                finished = _number(hidden.get("playback_100_count"))
                if started and finished is not None:
                    self.result.add(post, "completion", min(1.0, finished / started), source)


# -- Dailymotion --------------------------------------------------------------------------------


class DailymotionStats(StatsFlow):
    platform = "dailymotion"

    def steps(self) -> FlowGen:
        for post in self.posts:
            reply = yield self.call(
                "GET", f"{DAILYMOTION}/video/{post.remote_id}", "dailymotion.video",
                params=(("fields", "id,private,status,likes_total"),),
            )
            assert reply is not None
            if reply.status in (403, 404, 410):
                error = reply.json().get("error") if isinstance(reply.json(), dict) else None
                data = error.get("error_data") if isinstance(error, dict) else None
                reason = data.get("reason") if isinstance(data, dict) else None
                if reply.status == 403 and reason in ("upload_limit_exceeded", "rate_limit"):
                    from vidcamp.errors import DeferredError

                    raise DeferredError("dailymotion: quota answer (HTTP 403)",
                                        retry_at=now_utc() + timedelta(seconds=DEFAULT_DEFER))
                self.result.polled.add(post.id)
                if reply.status == 404 or reason == "object_not_found":
                    self.result.gone[post.id] = "deleted"
                    continue
                self.result.gone[post.id] = "private"
                continue
            if not reply.ok:
                self._unexpected(reply, "video fields")
            self.result.polled.add(post.id)
            answer = reply.json()
            if not isinstance(answer, dict) or str(answer.get("id")) != post.remote_id:
                self.result.drop(post, "dailymotion: video answer is not the video asked for")
                continue
            if answer.get("private") is True and post.privacy != "private":
                self.result.gone[post.id] = "private"
                continue
            if "likes_total" in answer:
                self.result.add(post, "likes", answer["likes_total"], "dailymotion.video")
        live = [p for p in self.posts if p.id not in self.result.gone]
        if not live:
            return self.result
        if self.entry.get("reporting_key") and self.entry.get("reporting_secret"):
            yield from self._reporting(live)
        else:
            self.result.notes.append(
                "dailymotion: views, watch time and view-through rate come only from the"
                " partner Reporting API since 2026-03-09; only likes are read (add the private"
                " API key as reporting_key / reporting_secret to the account to read them)")
        return self.result

    def _reporting(self, live: list[StatPost]) -> FlowGen:
        """The asynchronous Reporting API: fetch the report an earlier run asked for (when
        ready), then ask for the next one. Its figures are per day, so they lag."""
        account = live[0].account
        key = ("dailymotion", account)
        reply = yield self.call(
            "POST", REPORTING_TOKEN, "dailymotion.reporting_token", auth="none",
            form=(("grant_type", "client_credentials"),
                  ("client_id", str(self.entry["reporting_key"])),
                  ("client_secret", str(self.entry["reporting_secret"])),
                  ("scope", "create_reports read_reports")),
        )
        assert reply is not None
        answer = reply.json()
        if not reply.ok or not isinstance(answer, dict) or not answer.get("access_token"):
            self.result.notes.append(
                f"dailymotion: the Reporting API refused the private API key of {account}"
                f" (HTTP {reply.status}); views stay empty")
            return None
        bearer = (("Authorization", f"Bearer {answer['access_token']}"),)
        pending = self.pending_report
        if pending:
            reply = yield self.call(
                "POST", REPORTING_GRAPHQL, "dailymotion.report_status", auth="none",
                headers=bearer, json={"query": REPORT_STATUS, "variables": {"token": pending}},
            )
            assert reply is not None
            status, links = _report_status(reply.json())
            if status in ("IN_PROGRESS", "PENDING", "QUEUED"):
                self.result.notes.append(
                    "dailymotion: the Reporting API is still making the report; its views"
                    " arrive with a later run")
                return None
            by_id = {p.remote_id: p for p in live}
            for link in links if status == "FINISHED" else []:
                reply = yield self.call("GET", link, "dailymotion.report_file", auth="none")
                assert reply is not None
                if reply.ok:
                    self._read_report(reply.body.decode("utf-8", "replace"), by_id)
            self.result.reports[key] = None
        start = min(p.publish_at for p in live).date().isoformat()
        reply = yield self.call(
            "POST", REPORTING_GRAPHQL, "dailymotion.report_ask", auth="none", headers=bearer,
            json={"query": ASK_REPORT, "variables": {"input": {
                "metrics": list(REPORT_METRICS), "dimensions": ["VIDEO_ID"],
                "startDate": start, "endDate": self.now.date().isoformat()}}},
        )
        assert reply is not None
        data = reply.json().get("data") if isinstance(reply.json(), dict) else None
        ask = data.get("askPartnerReportFile") if isinstance(data, dict) else None
        file = ask.get("reportFile") if isinstance(ask, dict) else None
        token = file.get("reportToken") if isinstance(file, dict) else None
        if token:
            self.result.reports[key] = str(token)
        else:
            self.result.notes.append("dailymotion: the Reporting API made no report"
                                     f" ({short(reply.body[:200].decode('utf-8', 'replace'))})")
        return None

    def _read_report(self, text: str, by_id: dict[str, StatPost]) -> None:
        """One CSV of the report: a row per video, lower-case metric columns."""
        import csv
        import io

        source = "dailymotion.reporting"
        for row in csv.DictReader(io.StringIO(text)):
            fields = {str(k).lower(): v for k, v in row.items()}
            post = by_id.get(str(fields.get("video_id")))
            if post is None:
                continue
            for column, metric in (("views", "views"), ("time_watched_seconds", "watch_time"),
                                   ("average_watch_time_sec", "avg_view_duration")):
                if fields.get(column) not in (None, ""):
                    self.result.add(post, metric, fields[column], source)
            rate = _number(fields.get("view_through_rate"))
            if rate is not None:  # a percentage (unit unconfirmed in the docs)
                self.result.add(post, "completion", min(1.0, rate / 100), source)


REPORTING_TOKEN = "https://partner.api.dailymotion.com/oauth/v1/token"
REPORTING_GRAPHQL = "https://partner.api.dailymotion.com/graphql"
REPORT_METRICS = ("VIEWS", "TIME_WATCHED_SECONDS", "AVERAGE_WATCH_TIME_SEC", "VIEW_THROUGH_RATE")
ASK_REPORT = ("mutation ($input: AskPartnerReportFileInput!) {"
              " askPartnerReportFile(input: $input) { reportFile { reportToken } } }")
REPORT_STATUS = ("query ($token: String!) { partner { reportFile(reportToken: $token) {"
                 " status downloadLinks { edges { node { link } } } } } }")


def _report_status(answer: Any) -> tuple[str, list[str]]:
    """(status, download links) of a reportFile answer; ("", []) when it has another shape."""
    try:
        report = answer["data"]["partner"]["reportFile"]
        links = [str(e["node"]["link"]) for e in report["downloadLinks"]["edges"]]
        return str(report["status"]), links
    except (KeyError, TypeError):
        return "", []


FLOWS: dict[str, type[StatsFlow]] = {
    "youtube": YouTubeStats,
    "facebook": FacebookStats,
    "x": XStats,
    "dailymotion": DailymotionStats,
}
