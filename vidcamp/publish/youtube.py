"""YouTube Data API v3: resumable ``videos.insert`` (snippet, status), then ``thumbnails.set``.

Flow (developers.google.com/youtube/v3/guides/using_resumable_upload_protocol):
1. ``POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`` with the video
   resource → ``Location``: the session URI (checkpointed).
2. ``PUT`` the bytes in chunks (multiples of 256 KiB but the last) with ``Content-Range``;
   ``308`` + ``Range: bytes=0-N`` says what the server holds — the server's N always wins.
3. After any failed chunk, or when resuming in a new process, ``PUT`` an empty body with
   ``Content-Range: bytes */TOTAL`` to learn the offset, then continue from it.
   ``404``/``410`` means the session expired: start over with a new session.

Never posting twice: the video is created by the last chunk of the session, and asking the
session for its status is idempotent, so a process killed after sending the last chunk learns
the video id from the status query (200/201 with the resource) instead of uploading again.
``publishAt`` (RFC 3339) is sent only with ``privacyStatus=private``, as the API requires.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC
from typing import TYPE_CHECKING, Any

from vidcamp.errors import PermanentPublishError, RetryableError
from vidcamp.publish import EditRequest, UploadRequest, UploadResult
from vidcamp.publish.base import (
    Call,
    EditFlow,
    Failure,
    FileSlice,
    Flow,
    PlatformClient,
    image_type,
    next_pacific_midnight,
    short,
)

if TYPE_CHECKING:
    from vidcamp.publish.base import FlowArgs, FlowGen, Reply

log = logging.getLogger("vidcamp.publish")

UPLOAD_URL = "https://www.googleapis.com/upload/youtube/v3/videos"
VIDEOS_URL = "https://www.googleapis.com/youtube/v3/videos"
THUMBNAIL_URL = "https://www.googleapis.com/upload/youtube/v3/thumbnails/set"
QUANTUM = 256 * 1024
MAX_SESSION_RESTARTS = 3
CATEGORY_PEOPLE_AND_BLOGS = "22"

_DEFER_REASONS = {"quotaExceeded", "uploadLimitExceeded", "dailyLimitExceeded"}
_RETRY_REASONS = {"rateLimitExceeded", "userRateLimitExceeded", "backendError"}
_REFRESH_REASONS = {"authError", "unauthorized", "expired"}


def build_flow(args: FlowArgs) -> YouTubeFlow:
    return YouTubeFlow(args)


def video_resource(request: UploadRequest) -> dict[str, Any]:
    """The ``videos.insert`` body: snippet and status."""
    status: dict[str, Any] = {
        "privacyStatus": request.privacy,
        "selfDeclaredMadeForKids": request.made_for_kids,
    }
    if request.publish_at is not None:
        status["privacyStatus"] = "private"  # publishAt is honoured only on private videos
        status["publishAt"] = (
            request.publish_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        )
    snippet: dict[str, Any] = {
        "title": request.title,
        "description": request.description,
        "categoryId": CATEGORY_PEOPLE_AND_BLOGS,
    }
    if request.tags:
        snippet["tags"] = list(request.tags)
    return {"snippet": snippet, "status": status}


class YouTubeFlow(Flow):
    platform = "youtube"

    def __init__(self, args: FlowArgs) -> None:
        self.request = args.request
        self.preset = args.preset
        self.size = args.request.path.stat().st_size
        # every chunk but the last must be a whole number of 256 KiB quanta
        self.chunk = max(QUANTUM, args.chunk_size - args.chunk_size % QUANTUM)
        resume = args.resume
        self.state: dict[str, Any] = {"platform": "youtube", "phase": "new", "size": self.size}
        if (
            resume
            and resume.get("platform") == "youtube"
            and resume.get("size") == self.size
        ):
            self.state = dict(resume)

    def steps(self) -> FlowGen:
        if self.state.get("phase") not in ("thumbnail", "done"):
            video = yield from self._upload()
            yield self._checkpoint(phase="thumbnail", video_id=video["id"],
                                   privacy=video.get("status", {}).get("privacyStatus"),
                                   offset=self.size)
            wanted = "private" if self.request.publish_at else self.request.privacy
            got = self.state.get("privacy")
            if got and got != wanted:
                log.warning("youtube: video %s is %s, not %s (an unaudited API project's"
                            " uploads are locked to private)", video["id"], got, wanted)
        video_id = str(self.state["video_id"])
        if self.state.get("phase") == "thumbnail" and self.request.thumbnail is not None:
            image = self.request.thumbnail.read_bytes()
            yield Call("POST", THUMBNAIL_URL, "youtube.thumbnail",
                       params=(("videoId", video_id),),
                       headers=(("Content-Type", image_type(image)),), content=image)
        yield self._checkpoint(phase="done")
        shorts = self.preset.name == "youtube_shorts"
        url = (f"https://www.youtube.com/shorts/{video_id}" if shorts
               else f"https://www.youtube.com/watch?v={video_id}")
        state = "scheduled" if self.request.publish_at else "published"
        return UploadResult(remote_id=video_id, url=url, state=state)

    def _upload(self) -> FlowGen:
        restarts = 0
        stalls = 0  # chunks the server answered without taking a byte
        known = False  # whether self.state["offset"] is what the server acknowledged
        while True:
            if not self.state.get("session_uri"):
                reply = yield Call(
                    "POST", UPLOAD_URL, "youtube.session",
                    params=(("uploadType", "resumable"), ("part", "snippet,status")),
                    headers=(
                        ("X-Upload-Content-Length", str(self.size)),
                        ("X-Upload-Content-Type", "video/mp4"),
                        ("Content-Type", "application/json; charset=UTF-8"),
                    ),
                    json=video_resource(self.request),
                )
                assert reply is not None
                location = reply.headers.get("location")
                if not location:
                    raise PermanentPublishError("youtube: upload session answer had no Location")
                yield self._checkpoint(phase="uploading", session_uri=location, offset=0)
                known = True
            session = str(self.state["session_uri"])
            if not known:
                reply = yield Call(
                    "PUT", session, "youtube.status",
                    headers=(("Content-Range", f"bytes */{self.size}"),),
                    content=b"", auth="bearer",
                )
                assert reply is not None
            else:
                offset = int(self.state.get("offset", 0))
                length = min(self.chunk, self.size - offset)
                last = offset + length - 1
                reply = yield Call(
                    "PUT", session, "youtube.chunk",
                    headers=(("Content-Range", f"bytes {offset}-{last}/{self.size}"),
                             ("Content-Type", "video/mp4")),
                    content=FileSlice(self.request.path, offset, length),
                    on_failure="deliver",
                )
                assert reply is not None
            if reply.status in (200, 201):
                video = reply.json()
                if not isinstance(video, dict) or not video.get("id"):
                    raise PermanentPublishError("youtube: upload finished without a video id")
                return video
            if reply.status == 308:
                acked = _acknowledged(reply.headers.get("range"))
                if acked != self.state.get("offset"):
                    stalls = 0
                    yield self._checkpoint(offset=acked)
                elif known:
                    stalls += 1
                    if stalls > MAX_SESSION_RESTARTS:
                        raise RetryableError("youtube: the upload session takes no more bytes")
                known = True
                continue
            if reply.status in (404, 410):
                restarts += 1
                if restarts > MAX_SESSION_RESTARTS:
                    raise RetryableError("youtube: upload session keeps expiring")
                log.info("youtube: upload session expired; starting a new one")
                self.state.pop("session_uri", None)
                yield self._checkpoint(phase="new", offset=0)
                continue
            known = False  # a failed chunk: ask the session what it holds

    def classify(self, call: Call, reply: Reply) -> Failure | None:
        if call.route in ("youtube.chunk", "youtube.status") and reply.status in (308, 404, 410):
            return None  # the upload protocol's own answers, read by the steps
        return super().classify(call, reply)

    def classify_error(self, call: Call, reply: Reply, body: dict[str, Any]) -> Failure | None:
        error = body.get("error", {})
        if not isinstance(error, dict):
            error = {}
        errors = error.get("errors") or [{}]
        reason = str(errors[0].get("reason", "")) if isinstance(errors[0], dict) else ""
        message = short(str(error.get("message") or f"HTTP {reply.status}"), 160)
        what = f"youtube: {message}" + (f" ({reason})" if reason else "")
        if reason in _DEFER_REASONS:
            return Failure("defer", what, retry_at=next_pacific_midnight())
        if reason in _RETRY_REASONS:
            return Failure("retry", what)
        if reply.status == 401 or reason in _REFRESH_REASONS:
            return Failure("refresh", "youtube: access token expired or invalid (HTTP 401)")
        if reply.status == 403 and reason in ("forbidden", "insufficientPermissions"):
            return Failure("reauth", what)
        return Failure("permanent", what)


def _acknowledged(value: str | None) -> int:
    """The next offset from a 308's ``Range`` (``bytes=0-N`` or ``0-N``); none → 0."""
    if not value:
        return 0
    match = re.search(r"(\d+)\s*-\s*(\d+)", value)
    return int(match.group(2)) + 1 if match else 0


class YouTubeEdit(EditFlow, YouTubeFlow):
    """``videos.update`` (part=snippet, the whole snippet) and/or ``thumbnails.set``."""

    def steps(self) -> FlowGen:
        r = self.edit
        if r.title is not None:
            snippet: dict[str, Any] = {"title": r.title, "description": r.description,
                                       "categoryId": CATEGORY_PEOPLE_AND_BLOGS}
            if r.tags:
                snippet["tags"] = list(r.tags)
            yield Call("PUT", VIDEOS_URL, "youtube.edit", params=(("part", "snippet"),),
                       json={"id": r.remote_id, "snippet": snippet})
        if r.thumbnail is not None:
            image = r.thumbnail.read_bytes()
            yield Call("POST", THUMBNAIL_URL, "youtube.thumbnail",
                       params=(("videoId", r.remote_id),),
                       headers=(("Content-Type", image_type(image)),), content=image)


def build_edit(request: EditRequest, entry: dict[str, Any]) -> YouTubeEdit:
    return YouTubeEdit(request)


CLIENT = PlatformClient("youtube", build_flow, build_edit)
