"""X in the sandbox: chunked media upload, STATUS polls, ``POST /2/tweets``, timeline, OAuth 2."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from vidcamp.sandbox.common import (
    Request,
    Result,
    enter_authorised,
    oauth_routes,
    ok,
    receive_file,
    route,
    x_error,
)
from vidcamp.sandbox.state import X_MAX_SEGMENT, Account, SandboxState, Upload, UploadWriter

if TYPE_CHECKING:
    from vidcamp.sandbox.server import SandboxHTTPServer

_X = "api.x.com"


def _x_media(state: SandboxState, acct: Account, media_id: str) -> Upload:
    with state.lock:
        up = state.uploads.get(media_id)
    if up is None or up.platform != "x" or up.account != acct.name:
        raise x_error(400, "Invalid Request", "media_id not found")
    return up


@route("POST", _X, r"/2/media/upload/initialize")
def x_initialize(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    acct = enter_authorised(state, req, "x", "initialize")
    body = req.json()
    total = int(body.get("total_bytes") or 0)
    if body.get("media_type") != "video/mp4" or total <= 0:
        raise x_error(400, "Invalid Request", "media_type video/mp4 and total_bytes required")
    media_id = str(10**18 + secrets.randbelow(10**18))
    with state.lock:
        state.uploads[media_id] = Upload(media_id, "x", acct.name, total,
                                         meta={"next": 0, "media_key": f"7_{media_id}"})
    return ok({"data": {"id": media_id, "media_key": f"7_{media_id}",
                         "expires_after_secs": 86400}})


@route("POST", _X, r"/2/media/upload/(\d+)/append")
def x_append(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    acct = enter_authorised(state, req, "x", "append")
    up = _x_media(state, acct, req.path.split("/")[4])
    indexes: list[int] = []

    def open_file(name: str, filename: str, fields: dict[str, str]) -> UploadWriter:
        index = int(fields.get("segment_index", -1))
        if name != "media" or not 0 <= index <= 999:
            raise x_error(400, "Invalid Request", "segment_index 0..999 and media required")
        if index > up.meta["next"]:
            raise x_error(400, "Invalid Request",
                          f"segment {index} out of order (expected {up.meta['next']})")
        writer = UploadWriter(state, up, up.stored if index == up.meta["next"] else 0,
                              atomic=True)
        if index < up.meta["next"]:
            writer.duplicate = True
        indexes.append(index)
        return writer

    writer = receive_file(req, open_file)
    if writer is None:
        raise x_error(400, "Invalid Request", "media part required")
    if writer.length > X_MAX_SEGMENT:
        raise x_error(400, "Invalid Request", "segment larger than 5 MB")
    writer.finish()
    if indexes[-1] == up.meta["next"]:
        up.meta["next"] += 1
    up.requests += 1
    return ok(None, 204)


@route("POST", _X, r"/2/media/upload/(\d+)/finalize")
def x_finalize(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    acct = enter_authorised(state, req, "x", "finalize")
    up = _x_media(state, acct, req.path.split("/")[4])
    if up.stored != up.size:
        raise x_error(400, "Invalid Request",
                      f"segments total {up.stored} bytes, not {up.size}")
    with state.lock:
        if "processing" not in up.meta:
            plan = next((f for f in state.faults if f.get("kind") == "processing"
                         and int(f.get("count", 1)) > 0), None)
            if plan is not None:
                plan["count"] = int(plan.get("count", 1)) - 1
                up.meta["processing"] = {"left": int(plan.get("pending_polls", 1)),
                                         "result": plan.get("result", "succeeded")}
            else:
                up.meta["processing"] = {"left": int(state.settings["x_processing_polls"]),
                                         "result": "succeeded"}
            up.complete = True
    return ok({"data": _x_info(state, up, poll=False)})


def _x_info(state: SandboxState, up: Upload, poll: bool) -> dict[str, Any]:
    proc = up.meta.get("processing")
    info: dict[str, Any] = {"id": up.id, "media_key": up.meta["media_key"], "size": up.size,
                            "expires_after_secs": 86400}
    if proc is None:
        return info
    if proc["left"] > 0:
        if poll:
            proc["left"] -= 1
        info["processing_info"] = {"state": "pending" if not poll else "in_progress",
                                   "check_after_secs": state.settings["x_check_after_secs"],
                                   "progress_percent": 50}
    elif proc["result"] == "failed":
        info["processing_info"] = {"state": "failed", "progress_percent": 100,
                                   "error": {"code": 1, "name": "InvalidMedia",
                                             "message": "Unsupported video format"}}
    else:
        info["processing_info"] = {"state": "succeeded", "progress_percent": 100}
    return info


@route("GET", _X, r"/2/media/upload")
def x_status(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    acct = enter_authorised(state, req, "x", "status")
    if req.query.get("command") != "STATUS":
        raise x_error(400, "Invalid Request", "command=STATUS required")
    up = _x_media(state, acct, req.query.get("media_id", ""))
    with state.lock:
        return ok({"data": _x_info(state, up, poll=True)})


@route("POST", _X, r"/2/tweets")
def x_tweet(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    acct = enter_authorised(state, req, "x", "tweet")
    body = req.json()
    ids = (body.get("media") or {}).get("media_ids") or []
    if len(ids) != 1:
        raise x_error(400, "Invalid Request", "exactly one media id expected")
    up = _x_media(state, acct, str(ids[0]))
    with state.lock:
        proc = up.meta.get("processing") or {}
        if not up.complete or proc.get("left", 0) > 0 or proc.get("result") != "succeeded":
            raise x_error(400, "Invalid Request", "media is not ready")
        tweet_id = str(10**18 + secrets.randbelow(10**18))
        text = str(body.get("text", ""))
        state.new_post(platform="x", account=acct.name, remote_id=tweet_id, title=text,
                       description="", sha256=up.hasher.hexdigest(), size=up.stored,
                       scheduled_time=None, privacy="public", media_key=up.meta["media_key"],
                       upload_id=up.id)
    return ok({"data": {"id": tweet_id, "text": text}}, 201)


@route("GET", _X, r"/2/users/me")
def x_me(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    acct = enter_authorised(state, req, "x", "me")
    return ok({"data": {"id": acct.user_id, "name": acct.name, "username": acct.username}})


@route("GET", _X, r"/2/users/(\d+)/tweets")
def x_timeline(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    acct = enter_authorised(state, req, "x", "timeline")
    if req.path.split("/")[3] != acct.user_id:
        raise x_error(403, "Forbidden", "not your timeline")
    limit = int(req.query.get("max_results", 10))
    if not 5 <= limit <= 100:
        raise x_error(400, "Invalid Request", "max_results must be 5..100")
    since = 0.0
    if req.query.get("start_time"):
        since = datetime.strptime(req.query["start_time"], "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=UTC).timestamp()
    with state.lock:
        mine = [p for p in state.posts if p["platform"] == "x" and p["account"] == acct.name
                and p["created_at"] >= since]
    data = []
    for p in reversed(mine[-limit:]):
        tweet: dict[str, Any] = {"id": p["remote_id"], "text": p["title"],
                                 "created_at": datetime.fromtimestamp(p["created_at"], UTC)
                                 .strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                                 "edit_history_tweet_ids": [p["remote_id"]]}
        if "attachments" in req.query.get("tweet.fields", ""):
            tweet["attachments"] = {"media_keys": [p["media_key"]]}
        data.append(tweet)
    return ok({"data": data, "meta": {"result_count": len(data)}})


oauth_routes("x", token=("POST", _X, r"/2/oauth2/token"),
             consent=("GET", "x.com", r"/i/oauth2/authorize"))
