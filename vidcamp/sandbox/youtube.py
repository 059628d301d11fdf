"""YouTube in the sandbox: resumable ``videos.insert`` sessions, thumbnails, Google OAuth."""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import TYPE_CHECKING

from vidcamp.sandbox.common import (
    Request,
    Result,
    account_for,
    enter_authorised,
    fault_answer,
    oauth_routes,
    ok,
    route,
    yt_error,
)
from vidcamp.sandbox.state import YT_QUANTUM, SandboxState, Upload, UploadWriter

if TYPE_CHECKING:
    from vidcamp.sandbox.server import SandboxHTTPServer

_YT = "www.googleapis.com"


@route("POST", _YT, "/upload/youtube/v3/videos")
def yt_session(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    acct = enter_authorised(state, req, "youtube", "session")
    if req.query.get("uploadType") != "resumable":
        raise yt_error(400, "invalidUploadType", "uploadType must be resumable")
    size = int(req.headers.get("X-Upload-Content-Length") or -1)
    if size <= 0:
        raise yt_error(400, "badContent", "X-Upload-Content-Length is required")
    resource = req.json()
    status = resource.get("status") or {}
    snippet = resource.get("snippet") or {}
    if not snippet.get("title"):
        raise yt_error(400, "invalidTitle", "The video title is required.", "youtube.video")
    if status.get("publishAt") and status.get("privacyStatus") != "private":
        raise yt_error(400, "invalidPublishAt", "publishAt requires privacyStatus private",
                       "youtube.video")
    upload_id = secrets.token_urlsafe(12)
    with state.lock:
        state.uploads[upload_id] = Upload(upload_id, "youtube", acct.name, size,
                                          meta={"resource": resource})
    location = (f"{server.root}/{_YT}/upload/youtube/v3/videos"
                f"?uploadType=resumable&upload_id={upload_id}")
    return ok(None, 200, {"Location": location})


@route("PUT", _YT, "/upload/youtube/v3/videos")
def yt_put(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    crange = req.headers.get("Content-Range", "")
    is_status = crange.startswith("bytes */")
    fault_answer("youtube", req.enter("youtube", "status" if is_status else "chunk"))
    if req.bearer():
        account_for(state, req, "youtube", req.bearer())
    with state.lock:
        up = state.uploads.get(req.query.get("upload_id", ""))
        if up is not None and req.fault and req.fault["kind"] == "session_expired":
            state.uploads.pop(up.id, None)
            up = None
    if up is None or up.meta.get("expired"):
        raise yt_error(404, "notFound", "Upload session not found or expired.")
    up.requests += 1
    if up.complete:
        return ok(up.meta["video"], 200)
    match = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", crange)
    if is_status:
        if crange != f"bytes */{up.size}":
            raise yt_error(400, "badContentRange", "Content-Range total does not match")
    elif match is None:
        raise yt_error(400, "badContentRange", "missing or malformed Content-Range")
    else:
        first, last, total = (int(g) for g in match.groups())
        length = last - first + 1
        if total != up.size or last >= total or length <= 0:
            raise yt_error(400, "badContentRange", "Content-Range does not fit the upload")
        if length != req.body.remaining:
            raise yt_error(400, "badContentRange", "Content-Range and Content-Length differ")
        if last + 1 < total and length % YT_QUANTUM:
            raise yt_error(400, "badChunkSize", "chunks must be multiples of 256 KiB")
        if first > up.stored:
            raise yt_error(400, "badContentRange", f"expected bytes from {up.stored}")
        writer = UploadWriter(state, up, first)
        while data := req.body.read():
            writer.write(data)
    if up.stored < up.size:
        headers = {"Range": f"bytes=0-{up.stored - 1}"} if up.stored else {}
        return ok(None, 308, headers)
    with state.lock:
        if not up.complete:
            up.complete = True
            video_id = secrets.token_urlsafe(8).replace("-", "a").replace("_", "b")[:11]
            resource = up.meta["resource"]
            snippet, status = resource.get("snippet", {}), resource.get("status", {})
            video = {"kind": "youtube#video", "id": video_id, "snippet": snippet,
                     "status": {**status, "uploadStatus": "uploaded"}}
            up.meta["video"] = video
            state.new_post(platform="youtube", account=up.account, remote_id=video_id,
                           title=snippet.get("title", ""),
                           description=snippet.get("description", ""),
                           tags=list(snippet.get("tags") or []),
                           sha256=up.hasher.hexdigest(), size=up.stored,
                           scheduled_time=status.get("publishAt"),
                           privacy=status.get("privacyStatus", "public"),
                           made_for_kids=bool(status.get("selfDeclaredMadeForKids")),
                           upload_id=up.id)
    return ok(up.meta["video"], 201)


@route("POST", _YT, "/upload/youtube/v3/thumbnails/set")
def yt_thumbnail(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    acct = enter_authorised(state, req, "youtube", "thumbnail")
    if req.headers.get("Content-Type") not in ("image/jpeg", "image/png"):
        raise yt_error(400, "invalidImage", "thumbnail must be image/jpeg or image/png")
    image = req.body.read_all(limit=2 * 1024 * 1024)
    with state.lock:
        post = state.edit_post("youtube", acct.name, req.query.get("videoId", ""),
                               "thumbnail_sha256", hashlib.sha256(image).hexdigest())
        if post is None:
            raise yt_error(404, "videoNotFound", "video not found", "youtube.thumbnail")
    return ok({"kind": "youtube#thumbnailSetResponse",
                "items": [{"default": {"url": "https://i.ytimg.com/vi/x/default.jpg"}}]})


@route("PUT", _YT, "/youtube/v3/videos")
def yt_update(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    """``videos.update``: the snippet is replaced whole; title and categoryId are required."""
    acct = enter_authorised(state, req, "youtube", "edit")
    if req.query.get("part") != "snippet":
        raise yt_error(400, "invalidPart", "part=snippet expected")
    body = req.json()
    snippet = body.get("snippet") or {}
    if not snippet.get("title") or not snippet.get("categoryId"):
        raise yt_error(400, "invalidSnippet", "snippet.title and snippet.categoryId are required",
                       "youtube.video")
    post = state.edit_post("youtube", acct.name, str(body.get("id", "")), "title",
                           str(snippet["title"]))
    if post is None:
        raise yt_error(404, "videoNotFound", "video not found", "youtube.video")
    with state.lock:
        post["description"] = snippet.get("description", "")
        post["tags"] = list(snippet.get("tags") or [])
    return ok({"kind": "youtube#video", "id": body["id"], "snippet": snippet})


oauth_routes("youtube", token=("POST", "oauth2.googleapis.com", "/token"),
             consent=("GET", "accounts.google.com", "/o/oauth2/v2/auth"))
