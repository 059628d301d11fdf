"""Facebook in the sandbox: Reels (``video_reels`` + rupload), chunked ``/videos`` (served on
graph-video.facebook.com as the upload guide requires, and on graph.facebook.com), status, OAuth."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from vidcamp.sandbox.common import (
    ImageSink,
    Request,
    Result,
    account_for,
    enter_authorised,
    fault_answer,
    fb_error,
    oauth_routes,
    ok,
    receive_file,
    route,
)
from vidcamp.sandbox.state import Account, Answer, SandboxState, Upload, UploadWriter

if TYPE_CHECKING:
    from vidcamp.sandbox.server import SandboxHTTPServer

_FB = "graph.facebook.com"
# the Graph API video upload guide: feed videos are uploaded to graph-video.facebook.com
_FB_VIDEO = "graph-video.facebook.com"
_V = r"/v\d+\.\d+"


def _fb_token(req: Request) -> str:
    return (req.bearer("OAuth") or req.bearer() or req.query.get("access_token")
            or (req.form().get("access_token", "") if req.handler.command == "POST" else ""))


def _fb_page(state: SandboxState, req: Request, acct: Account, page: str) -> None:
    if acct.page_id != page:
        raise fb_error("(#200) The token is not a Page token of this Page", 200, status=403)


@route("POST", _FB, _V + r"/(\d+)/video_reels")
def fb_reels(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    form = req.form()
    phase = form.get("upload_phase", "")
    acct = enter_authorised(state, req, "facebook", "finish" if phase == "finish" else "start",
                            token=_fb_token)
    page = req.path.split("/")[2]
    _fb_page(state, req, acct, page)
    if phase == "start":
        video_id = str(10**15 + secrets.randbelow(10**15))
        with state.lock:
            state.uploads[video_id] = Upload(video_id, "facebook", acct.name, -1,
                                             meta={"flow": "reels", "page": page})
        version = req.path.split("/")[1]
        return ok({"video_id": video_id,
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
        return ok({"success": True})
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
def fb_rupload(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    fault_answer("facebook", req.enter("facebook", "rupload"))
    account_for(state, req, "facebook", req.bearer("OAuth"))
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
    return ok({"success": True})


@route("GET", _FB, _V + r"/(\d+)")
def fb_status(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    acct = enter_authorised(state, req, "facebook", "status", token=_fb_token)
    video_id = req.path.rsplit("/", 1)[1]
    with state.lock:
        up = state.uploads.get(video_id)
        if up is None or up.account != acct.name:
            raise fb_error("Unsupported get request. Object does not exist", 100, 33)
        done = up.size >= 0 and up.stored >= up.size
        published = up.meta.get("published")
        return ok({"id": video_id, "status": {
            "video_status": ("ready" if published else "upload_complete" if done
                             else "uploading"),
            "uploading_phase": {"status": "complete" if done else "in_progress",
                                "bytes_transferred": up.stored},
            "processing_phase": {"status": "complete" if published else "not_started"},
            "publishing_phase": {"status": "complete" if published else "not_started",
                                 "publish_status": published or "not_published"},
        }})


@route("POST", _FB_VIDEO, _V + r"/(\d+)/videos")
def fb_videos(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    page = req.path.split("/")[2]
    if req.headers.get("Content-Type", "").startswith("multipart/"):
        return _fb_transfer(state, req, page)
    form = req.form()
    phase = form.get("upload_phase", "")
    acct = enter_authorised(state, req, "facebook", "finish" if phase == "finish" else "start",
                            token=_fb_token)
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
        return ok({"video_id": video_id, "upload_session_id": session,
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
        return ok({"success": True})
    raise fb_error("(#100) upload_phase must be start, transfer or finish", 100)


def _fb_transfer(state: SandboxState, req: Request, page: str) -> Result:
    fault = req.enter("facebook", "transfer")
    fault_answer("facebook", fault)
    chunk = int(state.settings["facebook_chunk_size"])
    holder: dict[str, Any] = {}

    def open_file(name: str, filename: str, fields: dict[str, str]) -> UploadWriter:
        if name != "video_file_chunk":
            raise fb_error(f"(#100) unexpected file field {name}", 100)
        acct = account_for(state, req, "facebook", fields.get("access_token", "")
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
        holder["up"], holder["end"] = up, expected_end
        return writer

    writer = receive_file(req, open_file)
    if writer is None:
        raise fb_error("(#100) video_file_chunk required", 100)
    up = holder["up"]
    if up.stored + writer.length != holder["end"]:
        raise fb_error("Chunk does not match [start_offset, end_offset)", 6000, 1363037,
                       data={"start_offset": str(up.stored), "end_offset": str(holder["end"])})
    writer.finish()
    up.requests += 1
    nxt = min(up.stored + chunk, up.size)
    return ok({"start_offset": str(up.stored), "end_offset": str(nxt)})


@route("POST", _FB, _V + r"/(\d+)")
def fb_edit(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    """Video node update: ``name`` (the title)."""
    form = req.form()
    acct = enter_authorised(state, req, "facebook", "edit", token=_fb_token)
    if not form.get("name"):
        raise fb_error("(#100) nothing to update", 100)
    if state.edit_post("facebook", acct.name, req.path.rsplit("/", 1)[1], "title",
                       form["name"]) is None:
        raise fb_error("Unsupported post request. Object does not exist", 100, 33)
    return ok({"success": True})


@route("POST", _FB, _V + r"/(\d+)/thumbnails")
def fb_thumbnail(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    """A custom thumbnail (``source`` image part, ``is_preferred``)."""
    fault_answer("facebook", req.enter("facebook", "thumbnail"))
    holder: dict[str, Any] = {}

    def open_file(name: str, filename: str, fields: dict[str, str]) -> ImageSink:
        if name != "source":
            raise fb_error(f"(#100) unexpected file field {name}", 100)
        holder["acct"] = account_for(state, req, "facebook", fields.get("access_token", ""))
        return ImageSink()

    sink = receive_file(req, open_file)
    if sink is None:
        raise fb_error("(#100) source required", 100)
    digest = hashlib.sha256(bytes(sink.data)).hexdigest()
    video_id = req.path.split("/")[2]
    if state.edit_post("facebook", holder["acct"].name, video_id, "thumbnail_sha256",
                       digest) is None:
        raise fb_error("Unsupported post request. Object does not exist", 100, 33)
    return ok({"success": True})



@route("GET", _FB, _V + r"/me/accounts")
def fb_pages(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    acct = account_for(state, req, "facebook", _fb_token(req))
    return ok({"data": [{"id": acct.page_id, "name": f"{acct.name} page",
                          "access_token": acct.access_token, "category": "Brand"}]})


oauth_routes("facebook", token=("GET", _FB, _V + r"/oauth/access_token"),
             consent=("GET", "www.facebook.com", _V + r"/dialog/oauth"))
