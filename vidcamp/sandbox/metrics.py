"""The four metrics endpoints as the sandbox serves them: growing synthetic figures.

- YouTube ``GET /youtube/v3/videos?part=statistics,status&id=…`` (≤ 50 ids) and Analytics
  ``GET youtubeanalytics.googleapis.com/v2/reports`` (``dimensions=video``, ``filters=video==…``);
- Facebook ``GET /vNN/{video-id}/video_insights?metric=…`` (feed or Reels metric names);
- X ``GET /2/tweets?ids=…`` (≤ 100 ids; ``public_metrics``, media ``view_count``, owner-only
  ``non_public_metrics`` for posts under 30 days old);
- Dailymotion ``GET /video/{id}?fields=…likes_total…``, and the partner Reporting API:
  ``POST partner.api.dailymotion.com/oauth/v1/token`` (client_credentials with an account's
  client id and secret as the private API key), ``POST …/graphql`` (``askPartnerReportFile``;
  ``reportFile(reportToken)`` answers ``IN_PROGRESS`` until ``metrics_report_seconds`` of the
  metrics clock have passed, then ``FINISHED`` with a CSV download link).

Figures are a pure function of the post and the sandbox's metrics clock (``figures``): they
grow with the post's age in hours, differently per post, so two readings an hour apart differ.
The clock is the ``metrics_clock`` setting (ISO time or unix seconds) when set, else the real
time. The ``metrics_gone`` setting (``{remote_id: "deleted" | "private"}``) makes posts answer
as the platform does for a deleted or private post; ``metrics_malformed`` (a list of
remote ids) makes their view counts come back as text that is no number. Faults use the
routes ``youtube.stats``, ``youtube.analytics``, ``facebook.insights``, ``x.lookup`` and
``dailymotion.video``; the kinds ``rate_limit`` (429) and ``quota`` give each platform's
quota answer.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from vidcamp.sandbox.common import (
    Request,
    Result,
    account_for,
    dm_error,
    enter_authorised,
    fault_answer,
    fb_error,
    ok,
    route,
    x_error,
    yt_error,
)
from vidcamp.sandbox.state import Answer, SandboxState

if TYPE_CHECKING:
    from vidcamp.sandbox.server import SandboxHTTPServer

X_OWNER_WINDOW = 30 * 86400.0


def clock(state: SandboxState) -> float:
    """The metrics clock, unix seconds."""
    value = state.settings.get("metrics_clock")
    if value is None:
        return time.time()
    if isinstance(value, int | float):
        return float(value)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


def figures(post: dict[str, Any], now: float) -> dict[str, int]:
    """A post's synthetic lifetime figures at unix time ``now`` (integers, growing with age)."""
    seed = int(hashlib.sha256(str(post["remote_id"]).encode()).hexdigest()[:8], 16)
    hours = max(0.0, (now - float(post["created_at"])) / 3600.0)
    views = int((40 + seed % 160) * (1.0 + hours) ** 0.9)
    return {
        "views": views,
        "likes": views * (3 + seed % 5) // 100,
        "comments": views // (40 + seed % 20),
        "shares": views * (1 + seed % 4) // 200,
        "impressions": views * 3 + seed % 97,
        "watch_seconds": views * (4 + seed % 9),
        "complete": views * (20 + seed % 30) // 100,
    }


def current(state: SandboxState) -> dict[str, dict[str, Any]]:
    """Every post's figures now (by remote id), as the endpoints would serve them."""
    now = clock(state)
    gone = state.settings.get("metrics_gone") or {}
    with state.lock:
        posts = list(state.posts)
    return {str(p["remote_id"]): {"platform": p["platform"], "gone": gone.get(p["remote_id"]),
                                  **figures(p, now)} for p in posts}


def mark_gone(state: SandboxState, remote_id: str, kind: str = "deleted") -> None:
    """Make a post answer as deleted or private from now on (the setting is replaced, never
    changed in place: its default is shared)."""
    with state.lock:
        old = state.settings.get("metrics_gone") or {}
        state.settings["metrics_gone"] = {**old, remote_id: kind}


def _post(state: SandboxState, platform: str, remote_id: str) -> dict[str, Any] | None:
    with state.lock:
        return next((p for p in state.posts
                     if p["platform"] == platform and str(p["remote_id"]) == remote_id), None)


def _gone(state: SandboxState, remote_id: str) -> str | None:
    gone = state.settings.get("metrics_gone") or {}
    value = gone.get(remote_id)
    return str(value) if value else None


def _views_text(state: SandboxState, remote_id: str, fig: dict[str, int]) -> str:
    if remote_id in (state.settings.get("metrics_malformed") or ()):
        return "about a thousand"
    return str(fig["views"])


@route("GET", "www.googleapis.com", r"/youtube/v3/videos")
def yt_videos(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    fault_answer("youtube", req.enter("youtube", "stats"))
    account_for(state, req, "youtube", req.bearer())
    ids = [i for i in req.query.get("id", "").split(",") if i]
    if not ids or len(ids) > 50:
        raise yt_error(400, "invalidFilters", "id must list 1 to 50 video ids")
    if "maxResults" in req.query:
        raise yt_error(400, "unsupportedFilter", "maxResults cannot be used with id")
    parts = set(req.query.get("part", "").split(","))
    now = clock(state)
    items = []
    for video_id in ids:
        post = _post(state, "youtube", video_id)
        gone = _gone(state, video_id)
        if post is None or gone == "deleted":
            continue  # unknown or deleted ids are left out of items
        fig = figures(post, now)
        item: dict[str, Any] = {"kind": "youtube#video", "id": video_id}
        if "statistics" in parts:
            item["statistics"] = {"viewCount": _views_text(state, video_id, fig),
                                  "likeCount": str(fig["likes"]), "favoriteCount": "0",
                                  "commentCount": str(fig["comments"])}
        if "status" in parts:
            item["status"] = {"privacyStatus": "private" if gone == "private" else
                              post.get("privacy") or "public"}
        items.append(item)
    return ok({"kind": "youtube#videoListResponse", "items": items,
                  "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)}})

@route("GET", "youtubeanalytics.googleapis.com", r"/v2/reports")
def yt_reports(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    acct = enter_authorised(state, req, "youtube", "analytics")
    q = req.query
    if q.get("ids") != "channel==MINE" or q.get("dimensions") != "video":
        raise yt_error(400, "badRequest", "ids=channel==MINE and dimensions=video expected")
    if not q.get("startDate") or not q.get("endDate") or not q.get("sort"):
        raise yt_error(400, "badRequest", "startDate, endDate and sort are required")
    wanted = [m for m in q.get("metrics", "").split(",") if m]
    filters = q.get("filters", "")
    ids = filters[len("video=="):].split(",") if filters.startswith("video==") else []
    now = clock(state)
    rows = []
    for video_id in ids:
        post = _post(state, "youtube", video_id)
        if post is None or post["account"] != acct.name or _gone(state, video_id):
            continue
        fig = figures(post, now)
        values = {"views": fig["views"], "likes": fig["likes"],
                  "comments": fig["comments"], "shares": fig["shares"],
                  "estimatedMinutesWatched": round(fig["watch_seconds"] / 60, 2),
                  "averageViewDuration": fig["watch_seconds"] // max(1, fig["views"])}
        rows.append([video_id, *(values.get(m, 0) for m in wanted)])
    answer: dict[str, Any] = {
        "kind": "youtubeAnalytics#resultTable",
        "columnHeaders": [{"name": "video", "columnType": "DIMENSION"}]
        + [{"name": m, "columnType": "METRIC"} for m in wanted],
    }
    if rows:  # the real API leaves rows out when there is no data
        answer["rows"] = rows
    return ok(answer)

@route("GET", "graph.facebook.com", r"/v\d+\.\d+/(\d+)/video_insights")
def fb_insights(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    acct = enter_authorised(state, req, "facebook", "insights", token=_fb_token)
    video_id = req.path.split("/")[2]
    post = _post(state, "facebook", video_id)
    if post is None or post["account"] != acct.name or _gone(state, video_id):
        raise fb_error(f"Unsupported get request. Object with ID '{video_id}' does not"
                         " exist, cannot be loaded due to missing permissions, or does not"
                         " support this operation", 100, 33)
    fig = figures(post, clock(state))
    ms = fig["watch_seconds"] * 1000
    avg = ms // max(1, fig["views"])
    known: dict[str, Any] = {
        "total_video_views": fig["views"], "total_video_impressions": fig["impressions"],
        "total_video_avg_time_watched": avg, "total_video_view_total_time": ms,
        "total_video_complete_views": fig["complete"],
        "total_video_reactions_by_type_total": {"like": fig["likes"] - fig["likes"] // 4,
                                                "love": fig["likes"] // 4},
        "total_video_stories_by_action_type": {"share": fig["shares"],
                                               "comment": fig["comments"],
                                               "like": fig["likes"]},
        "blue_reels_play_count": fig["views"], "post_video_avg_time_watched": avg,
        "post_video_view_time": ms,
        "post_video_likes_by_reaction_type": {"REACTION_LIKE": fig["likes"]},
        "post_video_social_actions": {"share": fig["shares"], "comment": fig["comments"]},
    }
    data = []
    for name in req.query.get("metric", "").split(","):
        if name not in known:
            raise fb_error(f"(#100) The value must be a valid insights metric: {name}",
                             100)
        data.append({"name": name, "period": "lifetime", "values": [{"value": known[name]}],
                     "title": name, "id": f"{video_id}/video_insights/{name}/lifetime"})
    return ok({"data": data})

@route("GET", "api.x.com", r"/2/tweets")
def x_lookup(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    acct = enter_authorised(state, req, "x", "lookup")
    ids = [i for i in req.query.get("ids", "").split(",") if i]
    if not ids or len(ids) > 100:
        raise x_error(400, "Invalid Request", "ids must list 1 to 100 post ids")
    fields = set(req.query.get("tweet.fields", "").split(","))
    media_fields = set(req.query.get("media.fields", "").split(","))
    expand = "attachments.media_keys" in req.query.get("expansions", "")
    now = clock(state)
    data, media, errors = [], [], []
    for tweet_id in ids:
        post = _post(state, "x", tweet_id)
        gone = _gone(state, tweet_id)
        if post is None or gone == "deleted":
            errors.append({"value": tweet_id, "detail": f"Could not find tweet with ids:"
                           f" [{tweet_id}].", "title": "Not Found Error",
                           "resource_type": "tweet", "parameter": "ids",
                           "resource_id": tweet_id,
                           "type": "https://api.x.com/2/problems/resource-not-found"})
            continue
        if gone == "private":
            errors.append({"value": tweet_id, "title": "Authorization Error",
                           "detail": "Sorry, you are not authorized to see the Tweet with"
                           f" ids: [{tweet_id}].", "resource_type": "tweet",
                           "resource_id": tweet_id, "parameter": "ids",
                           "type": "https://api.x.com/2/problems/"
                                   "not-authorized-for-resource"})
            continue
        fig = figures(post, now)
        owner = post["account"] == acct.name and now - post["created_at"] < X_OWNER_WINDOW
        tweet: dict[str, Any] = {"id": tweet_id, "text": post.get("title", ""),
                                 "edit_history_tweet_ids": [tweet_id]}
        if "public_metrics" in fields:
            tweet["public_metrics"] = {
                "retweet_count": fig["shares"] - fig["shares"] // 3,
                "quote_count": fig["shares"] // 3, "reply_count": fig["comments"],
                "like_count": fig["likes"], "bookmark_count": fig["likes"] // 10,
                "impression_count": fig["impressions"]}
        if "non_public_metrics" in fields and owner:
            tweet["non_public_metrics"] = {"impression_count": fig["impressions"],
                                           "engagements": fig["likes"] + fig["comments"]}
        key = str(post.get("media_key") or "")
        if key and ("attachments" in fields or expand):
            tweet["attachments"] = {"media_keys": [key]}
        if key and expand:
            item: dict[str, Any] = {"media_key": key, "type": "video"}
            if "public_metrics" in media_fields:
                views: Any = fig["views"]
                if tweet_id in (state.settings.get("metrics_malformed") or ()):
                    views = "about a thousand"
                item["public_metrics"] = {"view_count": views}
            if "non_public_metrics" in media_fields and owner:
                item["non_public_metrics"] = {"playback_0_count": fig["views"],
                                              "playback_100_count": fig["complete"]}
            media.append(item)
        data.append(tweet)
    answer: dict[str, Any] = {}
    if data:
        answer["data"] = data
    if media:
        answer["includes"] = {"media": media}
    if errors:
        answer["errors"] = errors
    return ok(answer)



def _fb_token(req: Request) -> str:
    return req.bearer("OAuth") or req.bearer() or req.query.get("access_token", "")


@route("GET", "_sandbox", "/metrics")
def served_now(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    """``GET /_sandbox/metrics``: every post's figures as the endpoints serve them now."""
    return ok({"posts": current(state)})


def dailymotion_video(state: SandboxState, req: Request, acct_name: str,
                      video_id: str) -> Result | None:
    """The video object for a fields request (None when no figures were asked for); called by
    the Dailymotion module's ``GET /video/{id}``, which owns that path."""
    fault_answer("dailymotion", req.enter("dailymotion", "video"))
    with state.lock:
        post = next((p for p in state.posts if p["platform"] == "dailymotion"
                     and p["remote_id"] == video_id and p["account"] == acct_name), None)
    if post is None or _gone(state, video_id) == "deleted":
        raise dm_error(404, "not_found", f"Can't find object video for `{video_id}'",
                       "object_not_found")
    if "fields" not in req.query:
        return None
    return ok(dailymotion_fields(state, post, req.query["fields"].split(",")))


def dailymotion_fields(state: SandboxState, post: dict[str, Any], fields: list[str]) -> Any:
    """The Dailymotion video object with the asked-for fields (``views_total`` is retired)."""
    gone = _gone(state, str(post["remote_id"]))
    fig = figures(post, clock(state))
    known: dict[str, Any] = {"id": post["remote_id"], "status": "published",
                             "encoding_progress": 100, "private": gone == "private",
                             "likes_total": fig["likes"], "title": post.get("title", "")}
    return {f: known[f] for f in fields if f in known}


_PARTNER = "partner.api.dailymotion.com"


@route("POST", _PARTNER, r"/oauth/v1/token")
def dm_partner_token(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    fault_answer("dailymotion", req.enter("dailymotion", "reporting_token"))
    form = req.form()
    with state.lock:
        acct = next((a for a in state.accounts.values() if a.platform == "dailymotion"
                     and secrets.compare_digest(a.client_id, form.get("client_id", ""))
                     and secrets.compare_digest(a.client_secret,
                                                form.get("client_secret", ""))), None)
        if form.get("grant_type") != "client_credentials" or acct is None:
            raise Answer(401, {"error": "invalid_client"})
        if "read_reports" not in form.get("scope", "").split():
            raise Answer(400, {"error": "invalid_scope", "error_description": "read_reports"})
        token = f"sbx-partner-{secrets.token_hex(16)}"
        state.partner_tokens[token] = acct.name
    return ok({"access_token": token, "token_type": "Bearer", "expires_in": 3600,
               "scope": form.get("scope", "")})


@route("POST", _PARTNER, r"/graphql")
def dm_graphql(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    fault_answer("dailymotion", req.enter("dailymotion", "reporting"))
    with state.lock:
        owner = state.partner_tokens.get(req.bearer())
    if owner is None:
        raise Answer(401, {"errors": [{"message": "Invalid or expired token"}]})
    body = req.json()
    query, variables = str(body.get("query", "")), body.get("variables") or {}
    now = clock(state)
    if "askPartnerReportFile" in query:
        spec = variables.get("input") or {}
        if "VIDEO_ID" not in (spec.get("dimensions") or []) or not spec.get("metrics"):
            return ok({"errors": [{"message": "dimensions must include VIDEO_ID"}]})
        with state.lock:
            mine = [p for p in state.posts
                    if p["platform"] == "dailymotion" and p["account"] == owner]
            token = secrets.token_hex(12)
            state.reports[token] = {"account": owner, "asked": now,
                                    "metrics": list(spec["metrics"]),
                                    "figures": {str(p["remote_id"]): figures(p, now)
                                                for p in mine}}
        return ok({"data": {"askPartnerReportFile": {"reportFile": {"reportToken": token}}}})
    if "reportFile(" in query:
        with state.lock:
            report = state.reports.get(str(variables.get("token", "")))
        if report is None or report["account"] != owner:
            return ok({"errors": [{"message": "report not found"}]})
        done = now - report["asked"] >= float(state.settings.get("metrics_report_seconds", 60))
        links = [{"node": {"link": f"{server.root}/storage.dailymotion.com/reports/"
                                   f"{variables['token']}.csv"}}] if done else []
        return ok({"data": {"partner": {"reportFile": {
            "status": "FINISHED" if done else "IN_PROGRESS",
            "downloadLinks": {"edges": links}}}}})
    return ok({"errors": [{"message": "unknown operation"}]})


@route("GET", "storage.dailymotion.com", r"/reports/(\w+)\.csv")
def dm_report_file(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    token = req.path.rsplit("/", 1)[1].removesuffix(".csv")
    with state.lock:
        report = state.reports.get(token)
    if report is None:
        raise Answer(404, b"no such report")
    columns = {"VIEWS": "views", "TIME_WATCHED_SECONDS": "watch_seconds"}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["video_id", *(m.lower() for m in report["metrics"])])
    for video_id, fig in sorted(report["figures"].items()):
        row: list[Any] = [video_id]
        for metric in report["metrics"]:
            if metric in columns:
                row.append(fig[columns[metric]])
            elif metric == "AVERAGE_WATCH_TIME_SEC":
                row.append(round(fig["watch_seconds"] / max(1, fig["views"]), 2))
            elif metric == "VIEW_THROUGH_RATE":
                row.append(round(100 * fig["complete"] / max(1, fig["views"]), 2))
            else:
                row.append("")
        writer.writerow(row)
    return 200, out.getvalue().encode(), {"Content-Type": "text/csv"}
