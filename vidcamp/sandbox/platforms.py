"""The four platforms' endpoints as the sandbox serves them (see ``server`` for the schema)."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from vidcamp.sandbox.multipart import boundary_of, read_multipart
from vidcamp.sandbox.server import (
    X_MAX_SEGMENT,
    YT_QUANTUM,
    Account,
    Answer,
    Upload,
    UploadWriter,
    add_query,
    basic_auth,
)

if TYPE_CHECKING:
    from vidcamp.sandbox.server import SandboxHTTPServer, SandboxState, _Request

Result = tuple[int, Any, dict[str, str]]
HandlerFn = Callable[["SandboxState", "SandboxHTTPServer", "_Request"], Result]

_ROUTES: list[tuple[str, str, re.Pattern[str], HandlerFn]] = []


def route(method: str, host: str, path: str) -> Callable[[HandlerFn], HandlerFn]:
    def register(fn: HandlerFn) -> HandlerFn:
        _ROUTES.append((method, host, re.compile(path + r"$"), fn))
        return fn

    return register


def match(method: str, host: str, path: str) -> HandlerFn | None:
    for m, h, pattern, fn in _ROUTES:
        if m == method and h == host and pattern.match(path):
            return fn
    return None


def _ok(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Result:
    return status, body, headers or {}


# -- errors in each platform's shape ----------------------------------------------------------


def yt_error(status: int, reason: str, message: str, domain: str = "global") -> Answer:
    return Answer(status, {"error": {"code": status, "message": message,
                                     "errors": [{"domain": domain, "reason": reason,
                                                 "message": message}]}})


def fb_error(message: str, code: int, subcode: int | None = None, status: int = 400,
             transient: bool = False, data: dict[str, Any] | None = None) -> Answer:
    error: dict[str, Any] = {"message": message, "type": "OAuthException" if code == 190
                             else "GraphMethodException", "code": code,
                             "is_transient": transient, "fbtrace_id": secrets.token_hex(6)}
    if subcode:
        error["error_subcode"] = subcode
    if data:
        error["error_data"] = data
    return Answer(status, {"error": error})


def x_error(status: int, title: str, detail: str, headers: dict[str, str] | None = None) -> Answer:
    return Answer(status, {"title": title, "detail": detail, "type": "about:blank",
                           "status": status}, headers)


def dm_error(status: int, kind: str, message: str, reason: str = "",
             headers: dict[str, str] | None = None) -> Answer:
    error: dict[str, Any] = {"code": status, "message": message, "type": kind}
    if reason:
        error["error_data"] = {"reason": reason}
    return Answer(status, {"error": error}, headers)


def fault_answer(platform: str, fault: dict[str, Any] | None) -> None:
    """Raise the answer a status/rate-limit/quota/reject fault stands for."""
    if not fault:
        return
    kind = fault["kind"]
    if kind == "status":
        status = int(fault.get("status", 503))
        headers = {"Retry-After": str(fault["retry_after"])} if "retry_after" in fault else {}
        if platform == "facebook":
            raise Answer(status, {"error": {"message": "An unexpected error has occurred.",
                                            "type": "OAuthException", "code": 2,
                                            "is_transient": True}}, headers)
        if platform == "x":
            raise x_error(status, "Service Unavailable", "try again", headers)
        if platform == "dailymotion":
            raise dm_error(status, "server_error", "Server error", headers=headers)
        raise Answer(status, {"error": {"code": status, "message": "Backend Error",
                                        "errors": [{"reason": "backendError"}]}}, headers)
    if kind == "rate_limit":
        seconds = float(fault.get("seconds", 2))
        headers = {"Retry-After": str(int(seconds)),
                   "x-rate-limit-limit": "50", "x-rate-limit-remaining": "0",
                   "x-rate-limit-reset": str(int(time.time() + seconds))}
        if platform == "x":
            headers.pop("Retry-After")  # X tells the window only by its reset time
        raise Answer(429, {"error": {"code": 429, "message": "Too Many Requests"},
                           "title": "Too Many Requests"}, headers)
    if kind == "quota":
        if platform == "youtube":
            raise yt_error(403, "quotaExceeded", "The request cannot be completed because you"
                           " have exceeded your quota.", "youtube.quota")
        if platform == "x":
            seconds = float(fault.get("seconds", 3600))
            raise x_error(429, "Too Many Requests", "Too Many Requests",
                          {"x-rate-limit-limit": "17", "x-rate-limit-remaining": "0",
                           "x-rate-limit-reset": str(int(time.time() + seconds))})
        if platform == "dailymotion":
            raise dm_error(403, "access_forbidden", "You reached your upload limit.",
                           "upload_limit_exceeded")
        raise fb_error("Application request limit reached", 4, transient=True)
    if kind == "reject":
        if platform == "youtube":
            raise yt_error(400, "invalidTitle", "The request metadata specifies an invalid"
                           " video title.", "youtube.video")
        if platform == "x":
            raise x_error(403, "Forbidden", "Your media IDs are invalid.")
        if platform == "dailymotion":
            raise dm_error(400, "invalid_parameter", "Invalid value for `title`.")
        raise fb_error("(#100) Invalid parameter", 100)


# -- accounts and tokens ----------------------------------------------------------------------


def _account(state: SandboxState, req: _Request, platform: str, token: str) -> Account:
    """The account owning ``token``; a fault may expire or revoke it first; 401 if invalid."""
    acct = state.by_token(token)
    fault = req.fault
    if acct is not None and fault and fault["kind"] in ("expire_token", "revoke"):
        _expire(acct, revoke=fault["kind"] == "revoke")
    if acct is None or acct.platform != platform or acct.expires_at <= time.time():
        if platform == "youtube":
            raise Answer(401, {"error": {"code": 401, "message": "Request had invalid"
                                         " authentication credentials.",
                                         "errors": [{"reason": "authError",
                                                     "domain": "global"}],
                                         "status": "UNAUTHENTICATED"}},
                         {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'})
        if platform == "facebook":
            raise fb_error("Error validating access token: Session has expired.", 190, 463)
        if platform == "x":
            raise x_error(401, "Unauthorized", "Unauthorized")
        raise dm_error(401, "invalid_token", "Invalid or expired access token.",
                       headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return acct


def _expire(acct: Account, revoke: bool = False) -> None:
    acct.expires_at = time.time() - 1
    if revoke:
        acct.refresh_valid = False


def _issue(acct: Account, rotate_refresh: bool) -> dict[str, Any]:
    acct.access_token = f"sbx-at-{secrets.token_hex(16)}"
    acct.expires_at = time.time() + 3600
    answer: dict[str, Any] = {"access_token": acct.access_token, "token_type": "Bearer",
                              "expires_in": 3600}
    if rotate_refresh:
        acct.refresh_token = f"sbx-rt-{secrets.token_hex(16)}"
        acct.refresh_valid = True
        answer["refresh_token"] = acct.refresh_token
    return answer


def _token_endpoint(state: SandboxState, req: _Request, platform: str) -> Result:
    """OAuth 2 token endpoint: refresh_token and authorization_code (with PKCE for X)."""
    fault_answer(platform, req.enter(platform, "token"))
    form = req.form() if req.handler.command == "POST" else dict(req.query)
    client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    auth = req.headers.get("Authorization", "")
    if auth.lower().startswith("basic "):
        client_id, secret = basic_auth(auth)
    grant = form.get("grant_type", "authorization_code" if "code" in form else "")
    with state.lock:
        if grant == "refresh_token":
            acct = next((a for a in state.accounts.values() if a.platform == platform
                         and secrets.compare_digest(a.refresh_token,
                                                    form.get("refresh_token", ""))), None)
            if acct is None or not acct.refresh_valid or acct.client_id != client_id:
                raise Answer(400, {"error": "invalid_grant",
                                   "error_description": "refresh token invalid or revoked"})
            # X and Dailymotion rotate refresh tokens; Google keeps the old one
            return _ok(_issue(acct, rotate_refresh=platform in ("x", "dailymotion")))
        if grant == "authorization_code" or "code" in form:
            code = state.codes.pop(form.get("code", ""), None)
            if code is None or code["client_id"] != client_id:
                raise Answer(400, {"error": "invalid_grant", "error_description": "bad code"})
            if code["redirect_uri"] != form.get("redirect_uri"):
                raise Answer(400, {"error": "invalid_grant",
                                   "error_description": "redirect_uri mismatch"})
            acct = state.accounts[code["account"]]
            if platform != "x" and acct.client_secret != secret:
                raise Answer(401, {"error": "invalid_client"})
            if code.get("code_challenge"):
                verifier = form.get("code_verifier", "")
                digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                if digest.rstrip(b"=").decode() != code["code_challenge"]:
                    raise Answer(400, {"error": "invalid_grant",
                                       "error_description": "PKCE verification failed"})
            answer = _issue(acct, rotate_refresh=platform != "facebook")
            if platform == "facebook":
                answer.pop("refresh_token", None)
            return _ok(answer)
    raise Answer(400, {"error": "unsupported_grant_type"})


def _authorize(state: SandboxState, req: _Request, platform: str) -> Result:
    """Approve at once and redirect to the loopback redirect URI with a code."""
    q = req.query
    redirect = q.get("redirect_uri", "")
    host = urlsplit(redirect).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise Answer(400, {"error": "the sandbox only redirects to loopback addresses"})
    with state.lock:
        acct = next((a for a in state.accounts.values()
                     if a.platform == platform and a.client_id == q.get("client_id")), None)
        if acct is None:
            raise Answer(400, {"error": "unknown client_id (register an account first)"})
        if platform == "x" and (not q.get("code_challenge")
                                or q.get("code_challenge_method") != "S256"):
            raise Answer(400, {"error": "PKCE (code_challenge, S256) is required"})
        code = secrets.token_urlsafe(16)
        state.codes[code] = {"account": acct.name, "client_id": acct.client_id,
                             "redirect_uri": redirect,
                             "code_challenge": q.get("code_challenge", "")}
    location = add_query(redirect, {"code": code, "state": q.get("state", "")})
    return _ok({"redirect": location}, 302, {"Location": location})


# -- YouTube ----------------------------------------------------------------------------------

_YT = "www.googleapis.com"


@route("POST", _YT, "/upload/youtube/v3/videos")
def yt_session(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    fault_answer("youtube", req.enter("youtube", "session"))
    acct = _account(state, req, "youtube", req.bearer())
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
    return _ok(None, 200, {"Location": location})


@route("PUT", _YT, "/upload/youtube/v3/videos")
def yt_put(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    crange = req.headers.get("Content-Range", "")
    is_status = crange.startswith("bytes */")
    fault_answer("youtube", req.enter("youtube", "status" if is_status else "chunk"))
    if req.bearer():
        _account(state, req, "youtube", req.bearer())
    with state.lock:
        up = state.uploads.get(req.query.get("upload_id", ""))
        if up is not None and req.fault and req.fault["kind"] == "session_expired":
            state.uploads.pop(up.id, None)
            up = None
    if up is None or up.meta.get("expired"):
        raise yt_error(404, "notFound", "Upload session not found or expired.")
    up.requests += 1
    if up.complete:
        return _ok(up.meta["video"], 200)
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
        return _ok(None, 308, headers)
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
    return _ok(up.meta["video"], 201)


@route("POST", _YT, "/upload/youtube/v3/thumbnails/set")
def yt_thumbnail(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    fault_answer("youtube", req.enter("youtube", "thumbnail"))
    acct = _account(state, req, "youtube", req.bearer())
    if req.headers.get("Content-Type") not in ("image/jpeg", "image/png"):
        raise yt_error(400, "invalidImage", "thumbnail must be image/jpeg or image/png")
    image = req.body.read_all(limit=2 * 1024 * 1024)
    with state.lock:
        post = next((p for p in state.posts if p["platform"] == "youtube"
                     and p["remote_id"] == req.query.get("videoId")), None)
        if post is None or post["account"] != acct.name:
            raise yt_error(404, "videoNotFound", "video not found", "youtube.thumbnail")
        post["thumbnail_sha256"] = hashlib.sha256(image).hexdigest()
    return _ok({"kind": "youtube#thumbnailSetResponse",
                "items": [{"default": {"url": "https://i.ytimg.com/vi/x/default.jpg"}}]})


@route("POST", "oauth2.googleapis.com", "/token")
def yt_token(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    return _token_endpoint(state, req, "youtube")


@route("GET", "accounts.google.com", "/o/oauth2/v2/auth")
def yt_authorize(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    return _authorize(state, req, "youtube")


# -- Facebook ---------------------------------------------------------------------------------

_FB = "graph.facebook.com"
_V = r"/v\d+\.\d+"


def _fb_token(req: _Request) -> str:
    return (req.bearer("OAuth") or req.bearer() or req.query.get("access_token")
            or (req.form().get("access_token", "") if req.handler.command == "POST" else ""))


def _fb_page(state: SandboxState, req: _Request, acct: Account, page: str) -> None:
    if acct.page_id != page:
        raise fb_error("(#200) The token is not a Page token of this Page", 200, status=403)


@route("POST", _FB, _V + r"/(\d+)/video_reels")
def fb_reels(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    form = req.form()
    phase = form.get("upload_phase", "")
    fault_answer("facebook", req.enter("facebook", "finish" if phase == "finish" else "start"))
    acct = _account(state, req, "facebook", _fb_token(req))
    page = req.path.split("/")[2]
    _fb_page(state, req, acct, page)
    if phase == "start":
        video_id = str(10**15 + secrets.randbelow(10**15))
        with state.lock:
            state.uploads[video_id] = Upload(video_id, "facebook", acct.name, -1,
                                             meta={"flow": "reels", "page": page})
        version = req.path.split("/")[1]
        return _ok({"video_id": video_id,
                    "upload_url": f"{server.root}/rupload.facebook.com/video-upload/"
                                  f"{version}/{video_id}"})
    if phase == "finish":
        with state.lock:
            up = state.uploads.get(form.get("video_id", ""))
            if up is None or up.account != acct.name:
                raise fb_error("(#100) Invalid video_id", 100)
            if up.size < 0 or up.stored != up.size:
                raise fb_error("Video upload is not complete", 6000, 1363030, transient=False)
            video_state = form.get("video_state", "")
            if video_state not in ("PUBLISHED", "SCHEDULED", "DRAFT"):
                raise fb_error("(#100) video_state must be PUBLISHED, SCHEDULED or DRAFT", 100)
            scheduled = form.get("scheduled_publish_time")
            if video_state == "SCHEDULED" and not scheduled:
                raise fb_error("(#100) scheduled_publish_time required", 100)
            _fb_publish(state, up, form, scheduled if video_state == "SCHEDULED" else None,
                        "public" if video_state == "PUBLISHED" else
                        "scheduled" if video_state == "SCHEDULED" else "private")
        return _ok({"success": True})
    raise fb_error("(#100) upload_phase must be start or finish", 100)


def _fb_publish(state: SandboxState, up: Upload, form: dict[str, str], scheduled: str | None,
                privacy: str) -> None:
    up.complete = True
    up.meta["published"] = "scheduled" if scheduled else (
        "published" if privacy == "public" else "draft")
    when = (datetime.fromtimestamp(int(scheduled), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            if scheduled else None)
    state.new_post(platform="facebook", account=up.account,
                   remote_id=up.meta.get("video_id", up.id),
                   title=form.get("title", ""), description=form.get("description", ""),
                   sha256=up.hasher.hexdigest(), size=up.stored, scheduled_time=when,
                   privacy="private" if privacy == "scheduled" else privacy,
                   flow=up.meta.get("flow"), upload_id=up.id)


@route("POST", "rupload.facebook.com", r"/video-upload" + _V + r"/(\d+)")
def fb_rupload(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    fault_answer("facebook", req.enter("facebook", "rupload"))
    _account(state, req, "facebook", req.bearer("OAuth"))
    video_id = req.path.rsplit("/", 1)[1]
    with state.lock:
        up = state.uploads.get(video_id)
    if up is None:
        raise Answer(404, {"debug_info": {"retriable": False, "type": "NotFound",
                                          "message": "unknown video"}})
    try:
        offset, size = int(req.headers["offset"]), int(req.headers["file_size"])
    except (KeyError, ValueError):
        raise Answer(400, {"debug_info": {"retriable": False, "type": "BadRequest",
                                          "message": "offset and file_size headers required"}}
                     ) from None
    if up.size < 0:
        up.size = size
    if size != up.size or offset > up.stored:
        raise Answer(400, {"debug_info": {"retriable": False, "type": "OffsetInvalid",
                                          "message": f"offset must be <= {up.stored}"}})
    up.requests += 1
    writer = UploadWriter(state, up, offset)
    while data := req.body.read():
        writer.write(data)
    return _ok({"success": True})


@route("GET", _FB, _V + r"/(\d+)")
def fb_status(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    fault_answer("facebook", req.enter("facebook", "status"))
    acct = _account(state, req, "facebook", _fb_token(req))
    video_id = req.path.rsplit("/", 1)[1]
    with state.lock:
        up = state.uploads.get(video_id)
        if up is None or up.account != acct.name:
            raise fb_error("Unsupported get request. Object does not exist", 100, 33)
        done = up.size >= 0 and up.stored >= up.size
        published = up.meta.get("published")
        return _ok({"id": video_id, "status": {
            "video_status": ("ready" if published else "upload_complete" if done
                             else "uploading"),
            "uploading_phase": {"status": "complete" if done else "in_progress",
                                "bytes_transferred": up.stored},
            "processing_phase": {"status": "complete" if published else "not_started"},
            "publishing_phase": {"status": "complete" if published else "not_started",
                                 "publish_status": published or "not_published"},
        }})


@route("POST", _FB, _V + r"/(\d+)/videos")
def fb_videos(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    page = req.path.split("/")[2]
    if req.headers.get("Content-Type", "").startswith("multipart/"):
        return _fb_transfer(state, req, page)
    form = req.form()
    phase = form.get("upload_phase", "")
    fault_answer("facebook", req.enter("facebook", "finish" if phase == "finish" else "start"))
    acct = _account(state, req, "facebook", _fb_token(req))
    _fb_page(state, req, acct, page)
    chunk = int(state.settings["facebook_chunk_size"])
    if phase == "start":
        size = int(form.get("file_size") or 0)
        if size <= 0:
            raise fb_error("(#100) file_size required", 100)
        video_id = str(10**15 + secrets.randbelow(10**15))
        session = str(10**15 + secrets.randbelow(10**15))
        with state.lock:
            state.uploads[session] = Upload(session, "facebook", acct.name, size,
                                            meta={"flow": "video", "page": page,
                                                  "video_id": video_id})
            state.uploads[video_id] = state.uploads[session]
        return _ok({"video_id": video_id, "upload_session_id": session,
                    "start_offset": "0", "end_offset": str(min(chunk, size))})
    if phase == "finish":
        with state.lock:
            up = state.uploads.get(form.get("upload_session_id", ""))
            if up is None or up.account != acct.name:
                raise fb_error("(#100) Invalid upload_session_id", 100)
            if up.stored != up.size:
                raise fb_error("Video upload is not complete", 6000, 1363030)
            scheduled = form.get("scheduled_publish_time")
            published = form.get("published", "true") != "false"
            _fb_publish(state, up, form, scheduled,
                        "scheduled" if scheduled else "public" if published else "private")
        return _ok({"success": True})
    raise fb_error("(#100) upload_phase must be start, transfer or finish", 100)


def _fb_transfer(state: SandboxState, req: _Request, page: str) -> Result:
    fault = req.enter("facebook", "transfer")
    fault_answer("facebook", fault)
    chunk = int(state.settings["facebook_chunk_size"])
    holder: dict[str, Any] = {}

    def open_file(name: str, filename: str, fields: dict[str, str]) -> UploadWriter:
        if name != "video_file_chunk":
            raise fb_error(f"(#100) unexpected file field {name}", 100)
        acct = _account(state, req, "facebook", fields.get("access_token", "")
                        or req.query.get("access_token", ""))
        with state.lock:
            up = state.uploads.get(fields.get("upload_session_id", ""))
        if up is None or up.account != acct.name or fields.get("upload_phase") != "transfer":
            raise fb_error("(#100) Invalid upload_session_id", 100)
        start = int(fields.get("start_offset", -1))
        expected_end = min(up.stored + chunk, up.size)
        if start != up.stored or (fault and fault["kind"] == "wrong_offset"):
            raise fb_error("Your video upload timed out / wrong offset", 6000, 1363037,
                           data={"start_offset": str(up.stored),
                                 "end_offset": str(expected_end)})
        writer = UploadWriter(state, up, start, atomic=True)
        holder["writer"], holder["up"], holder["end"] = writer, up, expected_end
        return writer

    read_multipart(req.body, boundary_of(req.headers.get("Content-Type", "")), open_file)
    writer: UploadWriter | None = holder.get("writer")
    if writer is None:
        raise fb_error("(#100) video_file_chunk required", 100)
    up = holder["up"]
    if up.stored + writer.length != holder["end"]:
        raise fb_error("Chunk does not match [start_offset, end_offset)", 6000, 1363037,
                       data={"start_offset": str(up.stored), "end_offset": str(holder["end"])})
    writer.finish()
    up.requests += 1
    nxt = min(up.stored + chunk, up.size)
    return _ok({"start_offset": str(up.stored), "end_offset": str(nxt)})


@route("GET", _FB, _V + r"/oauth/access_token")
def fb_token(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    return _token_endpoint(state, req, "facebook")


@route("GET", _FB, _V + r"/me/accounts")
def fb_pages(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    acct = _account(state, req, "facebook", _fb_token(req))
    return _ok({"data": [{"id": acct.page_id, "name": f"{acct.name} page",
                          "access_token": acct.access_token, "category": "Brand"}]})


@route("GET", "www.facebook.com", _V + r"/dialog/oauth")
def fb_authorize(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    return _authorize(state, req, "facebook")


# -- X ----------------------------------------------------------------------------------------

_X = "api.x.com"


@route("POST", _X, r"/2/media/upload/initialize")
def x_initialize(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    fault_answer("x", req.enter("x", "initialize"))
    acct = _account(state, req, "x", req.bearer())
    body = req.json()
    total = int(body.get("total_bytes") or 0)
    if body.get("media_type") != "video/mp4" or total <= 0:
        raise x_error(400, "Invalid Request", "media_type video/mp4 and total_bytes required")
    media_id = str(10**18 + secrets.randbelow(10**18))
    with state.lock:
        state.uploads[media_id] = Upload(media_id, "x", acct.name, total,
                                         meta={"next": 0, "media_key": f"7_{media_id}"})
    return _ok({"data": {"id": media_id, "media_key": f"7_{media_id}",
                         "expires_after_secs": 86400}})


def _x_media(state: SandboxState, acct: Account, media_id: str) -> Upload:
    with state.lock:
        up = state.uploads.get(media_id)
    if up is None or up.platform != "x" or up.account != acct.name:
        raise x_error(400, "Invalid Request", "media_id not found")
    return up


@route("POST", _X, r"/2/media/upload/(\d+)/append")
def x_append(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    fault_answer("x", req.enter("x", "append"))
    acct = _account(state, req, "x", req.bearer())
    up = _x_media(state, acct, req.path.split("/")[4])
    holder: dict[str, Any] = {}

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
        holder["writer"], holder["index"] = writer, index
        return writer

    read_multipart(req.body, boundary_of(req.headers.get("Content-Type", "")), open_file)
    writer: UploadWriter | None = holder.get("writer")
    if writer is None:
        raise x_error(400, "Invalid Request", "media part required")
    if writer.length > X_MAX_SEGMENT:
        raise x_error(400, "Invalid Request", "segment larger than 5 MB")
    writer.finish()
    if holder["index"] == up.meta["next"]:
        up.meta["next"] += 1
    up.requests += 1
    return _ok(None, 204)


@route("POST", _X, r"/2/media/upload/(\d+)/finalize")
def x_finalize(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    fault_answer("x", req.enter("x", "finalize"))
    acct = _account(state, req, "x", req.bearer())
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
    return _ok({"data": _x_info(state, up, poll=False)})


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
def x_status(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    fault_answer("x", req.enter("x", "status"))
    acct = _account(state, req, "x", req.bearer())
    if req.query.get("command") != "STATUS":
        raise x_error(400, "Invalid Request", "command=STATUS required")
    up = _x_media(state, acct, req.query.get("media_id", ""))
    with state.lock:
        return _ok({"data": _x_info(state, up, poll=True)})


@route("POST", _X, r"/2/tweets")
def x_tweet(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    fault_answer("x", req.enter("x", "tweet"))
    acct = _account(state, req, "x", req.bearer())
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
    return _ok({"data": {"id": tweet_id, "text": text}}, 201)


@route("GET", _X, r"/2/users/me")
def x_me(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    fault_answer("x", req.enter("x", "me"))
    acct = _account(state, req, "x", req.bearer())
    return _ok({"data": {"id": acct.user_id, "name": acct.name, "username": acct.username}})


@route("GET", _X, r"/2/users/(\d+)/tweets")
def x_timeline(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    fault_answer("x", req.enter("x", "timeline"))
    acct = _account(state, req, "x", req.bearer())
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
    return _ok({"data": data, "meta": {"result_count": len(data)}})


@route("POST", _X, r"/2/oauth2/token")
def x_token(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    return _token_endpoint(state, req, "x")


@route("GET", "x.com", r"/i/oauth2/authorize")
def x_authorize(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    return _authorize(state, req, "x")


# -- Dailymotion ------------------------------------------------------------------------------

_DM = "api.dailymotion.com"


@route("GET", _DM, r"/file/upload")
def dm_file_upload(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    fault_answer("dailymotion", req.enter("dailymotion", "file_upload"))
    acct = _account(state, req, "dailymotion", req.bearer())
    uuid = secrets.token_hex(16)
    with state.lock:
        state.uploads[uuid] = Upload(uuid, "dailymotion", acct.name, -1)
    seal = secrets.token_hex(8)
    return _ok({"upload_url": f"{server.root}/upload.dailymotion.com/upload?uuid={uuid}"
                              f"&seal={seal}",
                "progress_url": f"{server.root}/upload.dailymotion.com/progress?uuid={uuid}"})


@route("POST", "upload.dailymotion.com", r"/upload")
def dm_upload(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    fault_answer("dailymotion", req.enter("dailymotion", "upload"))
    with state.lock:
        up = state.uploads.get(req.query.get("uuid", ""))
    if up is None or up.complete:
        raise dm_error(400, "invalid_parameter", "unknown or used upload_url")
    holder: dict[str, Any] = {}

    def open_file(name: str, filename: str, fields: dict[str, str]) -> UploadWriter:
        if name != "file":
            raise dm_error(400, "invalid_parameter", "the file field is `file`")
        up.size = 1 << 62  # unknown until the part ends
        writer = UploadWriter(state, up, 0, atomic=True)
        holder["writer"], holder["name"] = writer, filename
        return writer

    read_multipart(req.body, boundary_of(req.headers.get("Content-Type", "")), open_file)
    writer: UploadWriter | None = holder.get("writer")
    if writer is None:
        raise dm_error(400, "invalid_parameter", "file part required")
    writer.finish()
    up.size = up.stored
    up.complete = True
    up.requests += 1
    url = f"{server.root}/upload.dailymotion.com/files/{up.id}.mp4"
    return _ok({"acodec": "AAC", "format": "MPEG-4", "name": holder["name"],
                "size": str(up.size), "url": url, "hash": up.hasher.hexdigest()[:40]})


@route("POST", _DM, r"/me/videos")
def dm_create(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    form = req.form()
    fault_answer("dailymotion", req.enter("dailymotion", "create"))
    acct = _account(state, req, "dailymotion", req.bearer())
    url = form.get("url", "")
    uuid = url.rsplit("/", 1)[-1].removesuffix(".mp4")
    with state.lock:
        up = state.uploads.get(uuid)
        if up is None or not up.complete or up.account != acct.name:
            raise dm_error(400, "invalid_parameter", "url is not an uploaded file")
        if not form.get("title"):
            raise dm_error(400, "invalid_parameter", "title is required")
        if form.get("published") == "true" and not form.get("channel"):
            raise dm_error(400, "invalid_parameter", "a published video needs a channel")
        video_id = "x" + secrets.token_hex(3)
        publish_date = form.get("publish_date")
        when = (datetime.fromtimestamp(int(publish_date), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                if publish_date else None)
        privacy = ("private" if form.get("published") == "false" else
                   "unlisted" if form.get("private") == "true" else "public")
        state.new_post(platform="dailymotion", account=acct.name, remote_id=video_id,
                       title=form["title"], description=form.get("description", ""),
                       tags=[t for t in form.get("tags", "").split(",") if t],
                       sha256=up.hasher.hexdigest(), size=up.stored, scheduled_time=when,
                       privacy=privacy,
                       made_for_kids=form.get("is_created_for_kids") == "true",
                       channel=form.get("channel"), upload_id=up.id)
    return _ok({"id": video_id, "title": form["title"], "channel": form.get("channel"),
                "owner": acct.user_id})


@route("GET", _DM, r"/me/videos")
def dm_list(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    fault_answer("dailymotion", req.enter("dailymotion", "list"))
    acct = _account(state, req, "dailymotion", req.bearer())
    fields = [f for f in req.query.get("fields", "id").split(",") if f]
    limit = int(req.query.get("limit", 10))
    with state.lock:
        mine = [p for p in state.posts
                if p["platform"] == "dailymotion" and p["account"] == acct.name]
    listed = []
    for p in list(reversed(mine))[:limit]:
        full = {"id": p["remote_id"], "title": p["title"], "created_time": int(p["created_at"]),
                "description": p["description"]}
        listed.append({f: full.get(f) for f in fields})
    return _ok({"page": 1, "limit": limit, "explicit": False, "total": len(mine),
                "has_more": len(mine) > limit, "list": listed})


@route("GET", _DM, r"/video/(\w+)")
def dm_video(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    fault_answer("dailymotion", req.enter("dailymotion", "video"))
    acct = _account(state, req, "dailymotion", req.bearer())
    video_id = req.path.rsplit("/", 1)[1]
    with state.lock:
        post = next((p for p in state.posts if p["remote_id"] == video_id
                     and p["account"] == acct.name), None)
    gone = (state.settings.get("metrics_gone") or {}).get(video_id)
    if post is None or gone == "deleted":
        raise dm_error(404, "not_found", f"Can't find object video for `{video_id}'",
                       "object_not_found")
    if "fields" in req.query:
        from vidcamp.sandbox.metrics import dailymotion_fields

        return _ok(dailymotion_fields(state, post, req.query["fields"].split(",")))
    return _ok({"id": video_id, "status": "published", "encoding_progress": 100})


@route("POST", _DM, r"/oauth/token")
def dm_token(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    return _token_endpoint(state, req, "dailymotion")


@route("GET", "www.dailymotion.com", r"/oauth/authorize")
def dm_authorize(state: SandboxState, server: SandboxHTTPServer, req: _Request) -> Result:
    return _authorize(state, req, "dailymotion")


# -- control ----------------------------------------------------------------------------------

_FAULT_KINDS = {"drop", "drop_response", "status", "rate_limit", "session_expired",
                "wrong_offset", "processing", "expire_token", "revoke", "quota", "reject"}


def add_faults(state: SandboxState, faults: list[dict[str, Any]]) -> None:
    for fault in faults:
        if fault.get("kind") not in _FAULT_KINDS:
            raise Answer(400, {"error": f"unknown fault kind {fault.get('kind')!r}"})
    with state.lock:
        for fault in faults:
            fault = dict(fault)
            fault.setdefault("count", 1)
            if fault["kind"] in ("expire_token", "revoke") and not fault.get("route"):
                for acct in state.accounts.values():
                    if fault.get("platform") in (None, acct.platform) and fault.get(
                        "account"
                    ) in (None, acct.name):
                        _expire(acct, revoke=fault["kind"] == "revoke")
                continue
            state.faults.append(fault)


def public_post(post: dict[str, Any]) -> dict[str, Any]:
    """A post as ``GET /_sandbox/posts`` shows it (a copy, safe to hand out)."""
    return dict(post)


def stats(state: SandboxState) -> dict[str, Any]:
    with state.lock:
        seen: set[int] = set()
        uploads = []
        for up in state.uploads.values():
            if id(up) not in seen:
                seen.add(id(up))
                uploads.append(up.stats())
        return {"uploads": uploads, "bytes_received": dict(state.received),
                "routes": dict(state.routes)}


def control(state: SandboxState, server: SandboxHTTPServer, method: str, path: str,
            req: _Request) -> Result:
    if method == "GET" and path == "/posts":
        with state.lock:
            return _ok({"posts": [public_post(p) for p in state.posts]})
    if method == "GET" and path == "/stats":
        return _ok(stats(state))
    if method == "GET" and path == "/metrics":
        from vidcamp.sandbox.metrics import current

        return _ok({"posts": current(state)})
    if method == "GET" and path == "/faults":
        with state.lock:
            return _ok({"faults": list(state.faults)})
    if method == "POST" and path == "/faults":
        body = req.json()
        add_faults(state, list(body.get("faults") or []))
        return _ok({"ok": True})
    if method == "POST" and path == "/reset":
        state.reset()
        return _ok({"ok": True})
    if method == "POST" and path == "/settings":
        body = req.json()
        with state.lock:
            for key, value in body.items():
                if key not in state.settings:
                    raise Answer(400, {"error": f"unknown setting {key!r}"})
                state.settings[key] = value
        return _ok({"settings": dict(state.settings)})
    if method == "POST" and path == "/accounts":
        body = req.json()
        acct = state.add_account(str(body.get("platform")), str(body.get("name") or "sandbox"),
                                 float(body.get("expires_in", 3600)))
        return _ok(acct.entry())
    raise Answer(404, {"error": f"no control endpoint {method} {path}"})


def _register_metrics() -> None:
    from vidcamp.sandbox.metrics import register

    register(route)


_register_metrics()
