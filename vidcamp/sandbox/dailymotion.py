"""Dailymotion in the sandbox: ``/file/upload``, the file POST, ``/me/videos``, OAuth."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from vidcamp.sandbox.common import (
    Request,
    Result,
    account_for,
    dm_error,
    enter_authorised,
    fault_answer,
    oauth_routes,
    ok,
    receive_file,
    route,
)
from vidcamp.sandbox.state import SandboxState, Upload, UploadWriter

if TYPE_CHECKING:
    from vidcamp.sandbox.server import SandboxHTTPServer

_DM = "api.dailymotion.com"


@route("GET", _DM, r"/file/upload")
def dm_file_upload(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    acct = enter_authorised(state, req, "dailymotion", "file_upload")
    uuid = secrets.token_hex(16)
    with state.lock:
        state.uploads[uuid] = Upload(uuid, "dailymotion", acct.name, -1)
    seal = secrets.token_hex(8)
    return ok({"upload_url": f"{server.root}/upload.dailymotion.com/upload?uuid={uuid}"
                              f"&seal={seal}",
                "progress_url": f"{server.root}/upload.dailymotion.com/progress?uuid={uuid}"})


@route("POST", "upload.dailymotion.com", r"/upload")
def dm_upload(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    fault_answer("dailymotion", req.enter("dailymotion", "upload"))
    with state.lock:
        up = state.uploads.get(req.query.get("uuid", ""))
    if up is None or up.complete:
        raise dm_error(400, "invalid_parameter", "unknown or used upload_url")
    filenames: list[str] = []

    def open_file(name: str, filename: str, fields: dict[str, str]) -> UploadWriter:
        if name != "file":
            raise dm_error(400, "invalid_parameter", "the file field is `file`")
        up.size = 1 << 62  # unknown until the part ends
        filenames.append(filename)
        return UploadWriter(state, up, 0, atomic=True)

    writer = receive_file(req, open_file)
    if writer is None:
        raise dm_error(400, "invalid_parameter", "file part required")
    writer.finish()
    up.size = up.stored
    up.complete = True
    up.requests += 1
    url = f"{server.root}/upload.dailymotion.com/files/{up.id}.mp4"
    return ok({"acodec": "AAC", "format": "MPEG-4", "name": filenames[-1],
                "size": str(up.size), "url": url, "hash": up.hasher.hexdigest()[:40]})


@route("POST", _DM, r"/me/videos")
def dm_create(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    form = req.form()
    acct = enter_authorised(state, req, "dailymotion", "create")
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
    return ok({"id": video_id, "title": form["title"], "channel": form.get("channel"),
                "owner": acct.user_id})


@route("GET", _DM, r"/me/videos")
def dm_list(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    acct = enter_authorised(state, req, "dailymotion", "list")
    fields = [f for f in req.query.get("fields", "id").split(",") if f]
    limit = int(req.query.get("limit", 10))
    with state.lock:
        mine = [p for p in state.posts
                if p["platform"] == "dailymotion" and p["account"] == acct.name]
    listed = []
    for p in list(reversed(mine))[:limit]:
        full = {"id": p["remote_id"], "title": p["title"], "created_time": int(p["created_at"]),
                "description": p["description"], "tags": list(p.get("tags") or [])}
        listed.append({f: full.get(f) for f in fields})
    return ok({"page": 1, "limit": limit, "explicit": False, "total": len(mine),
                "has_more": len(mine) > limit, "list": listed})


@route("GET", _DM, r"/video/(\w+)")
def dm_video(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    acct = account_for(state, req, "dailymotion", req.bearer())
    video_id = req.path.rsplit("/", 1)[1]
    from vidcamp.sandbox.metrics import dailymotion_video

    figures = dailymotion_video(state, req, acct.name, video_id)  # ?fields=…likes_total…
    if figures is not None:
        return figures
    return ok({"id": video_id, "status": "published", "encoding_progress": 100})


@route("POST", _DM, r"/video/(\w+)")
def dm_edit(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    """Edit a video: ``title`` and/or ``thumbnail_url`` (an uploaded file's url)."""
    form = req.form()
    acct = enter_authorised(state, req, "dailymotion", "edit")
    video_id = req.path.rsplit("/", 1)[1]
    changes: list[tuple[str, str]] = []
    if form.get("title"):
        changes.append(("title", form["title"]))
    if form.get("thumbnail_url"):
        uuid = form["thumbnail_url"].rsplit("/", 1)[-1].removesuffix(".mp4")
        with state.lock:
            up = state.uploads.get(uuid)
        if up is None or not up.complete or up.account != acct.name:
            raise dm_error(400, "invalid_parameter", "thumbnail_url is not an uploaded file")
        changes.append(("thumbnail_sha256", up.hasher.hexdigest()))
    if not changes:
        raise dm_error(400, "invalid_parameter", "nothing to edit")
    for field, value in changes:
        if state.edit_post("dailymotion", acct.name, video_id, field, value) is None:
            raise dm_error(404, "not_found", "video not found")
    return ok({"id": video_id})


oauth_routes("dailymotion", token=("POST", _DM, r"/oauth/token"),
             consent=("GET", "www.dailymotion.com", r"/oauth/authorize"))
