"""X API v2: chunked media upload (initialize, append, finalize, STATUS), then ``POST /2/tweets``.

Flow (docs.x.com/x-api/media): ``initialize`` → media ``id`` and ``media_key`` (checkpointed);
``append`` segments 0..N (each at most 5 MB; the segment size is kept in the state so a new
process cuts the file the same way) — each acknowledged segment advances ``segment`` in the
state, and a re-sent segment simply replaces itself; ``finalize``; poll
``GET /2/media/upload?command=STATUS``, first after the ``check_after_secs`` finalize gave and
then after each answer's, until ``succeeded`` or ``failed`` (no ``processing_info`` from
finalize: ready, no poll); then create the post with the media attached.

Never posting twice: the state records ``post_sent`` (with the media key and the time) before
``POST /2/tweets`` is sent. Only a process resuming after that point, or a create whose answer
was lost, reads the account's timeline (``GET /2/users/me`` then
``GET /2/users/{id}/tweets?expansions=attachments.media_keys``) and adopts the post carrying
this media key. A fresh post reads neither: both endpoints are tightly rate limited.

OAuth 2 user context; refresh rotates the refresh token, and the new one is written back.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from vidcamp.errors import PermanentPublishError
from vidcamp.publish import UploadRequest, UploadResult
from vidcamp.publish.base import (
    Call,
    Failure,
    FileSlice,
    Flow,
    Multipart,
    PlatformClient,
    Wait,
    short,
)

if TYPE_CHECKING:
    from vidcamp.publish.base import FlowArgs, FlowGen, Reply

API = "https://api.x.com/2"
MAX_SEGMENT = 5 * 1024 * 1024
MAX_SEGMENTS = 1000
SKEW = 300  # seconds of clock difference tolerated between us and X


def build_flow(args: FlowArgs) -> XFlow:
    if args.request.publish_at is not None:
        raise PermanentPublishError("x: posts cannot be scheduled through the API (publish_at)")
    return XFlow(args)


CLIENT = PlatformClient("x", build_flow)


def post_text(request: UploadRequest) -> str:
    """The post's text: title, description, then the tags as hashtags."""
    parts = [request.title.strip()]
    if request.description.strip():
        parts.append(request.description.strip())
    if request.tags:
        parts.append(" ".join("#" + t.lstrip("#").replace(" ", "") for t in request.tags))
    return "\n\n".join(parts)


def _posted_id(reply: Reply) -> str | None:
    return str((reply.json().get("data") or {}).get("id")) if reply.ok else None


class XFlow(Flow):
    platform = "x"

    def __init__(self, args: FlowArgs) -> None:
        self.request = args.request
        self.size = args.request.path.stat().st_size
        segment = max(1, min(args.chunk_size, MAX_SEGMENT))
        resume = args.resume
        # at most 1000 segments: grow them for big files (still under 5 MB)
        segment = max(segment, -(-self.size // MAX_SEGMENTS))
        self.state: dict[str, Any] = {"platform": "x", "phase": "new", "size": self.size,
                                      "segment_size": segment}
        if resume and resume.get("platform") == "x" and resume.get("size") == self.size:
            self.state = dict(resume)
            if self.state.get("phase") == "posting" and "intent_at" in self.state:
                self.state.setdefault("post_sent", True)  # saved before post_sent existed

    def steps(self) -> FlowGen:
        phase = self.state["phase"]
        if phase in ("new", "appending"):
            yield from self._append_all()
            phase = "finalizing"
            yield self._checkpoint(phase=phase)
        first_wait: float | None = 0.0  # seconds before the first STATUS poll; None: ready
        if phase == "finalizing":
            reply = yield Call("POST", f"{API}/media/upload/{self.state['media_id']}/finalize",
                               "x.finalize")
            assert reply is not None
            info = (reply.json().get("data") or {}).get("processing_info")
            if not info or info.get("state") == "succeeded":
                first_wait = None
            elif info.get("state") == "failed":
                _processing_failed(info)
            else:
                first_wait = float(info.get("check_after_secs") or 1)
            phase = "processing"
            yield self._checkpoint(phase=phase)
        if phase == "processing":
            if first_wait is not None:
                yield from self._wait_processed(first_wait)
            phase = "posting"
            yield self._checkpoint(phase=phase)
        if phase == "posting":
            yield from self._create_once("post_sent", find=self._find_post,
                                         create=self._post_call, created_id=_posted_id,
                                         id_key="post_id",
                                         intent=lambda: {"intent_at": int(time.time())})
        post_id = str(self.state["post_id"])
        yield self._checkpoint(phase="done")
        user = self.state.get("username") or "i/web"
        url = f"https://x.com/{user}/status/{post_id}"
        return UploadResult(remote_id=post_id, url=url, state="published")

    def _append_all(self) -> FlowGen:
        if not self.state.get("media_id"):
            reply = yield Call("POST", f"{API}/media/upload/initialize", "x.initialize",
                               json={"media_type": "video/mp4", "total_bytes": self.size,
                                     "media_category": "amplify_video"})
            assert reply is not None
            data = reply.json().get("data") or {}
            if not data.get("id"):
                raise PermanentPublishError("x: media initialize gave no media id")
            yield self._checkpoint(phase="appending", media_id=str(data["id"]),
                                   media_key=str(data.get("media_key", "")), segment=0, offset=0)
        seg_size = int(self.state["segment_size"])
        while True:
            index = int(self.state["segment"])
            offset = index * seg_size
            if offset >= self.size:
                return
            length = min(seg_size, self.size - offset)
            yield Call(
                "POST", f"{API}/media/upload/{self.state['media_id']}/append", "x.append",
                content=Multipart(fields=(("segment_index", str(index)),), file_field="media",
                                  file=FileSlice(self.request.path, offset, length)),
            )
            yield self._checkpoint(segment=index + 1, offset=offset + length)

    def _wait_processed(self, first_wait: float) -> FlowGen:
        if first_wait > 0:
            yield Wait(first_wait, "processing")
        while True:
            reply = yield Call("GET", f"{API}/media/upload", "x.status",
                               params=(("command", "STATUS"),
                                       ("media_id", str(self.state["media_id"]))))
            assert reply is not None
            info = (reply.json().get("data") or {}).get("processing_info")
            if not info or info.get("state") == "succeeded":
                return
            if info.get("state") == "failed":
                _processing_failed(info)
            yield Wait(float(info.get("check_after_secs") or 1), "processing")

    def _post_call(self) -> Call:
        return Call("POST", f"{API}/tweets", "x.tweet",
                    json={"text": post_text(self.request),
                          "media": {"media_ids": [str(self.state["media_id"])]}},
                    on_failure="deliver")

    def _find_post(self) -> FlowGen:
        """The id of an existing post carrying our media key, from the account's timeline."""
        if not self.state.get("user_id"):
            reply = yield Call("GET", f"{API}/users/me", "x.me")
            assert reply is not None
            me = reply.json().get("data") or {}
            self.state["user_id"] = str(me.get("id", ""))
            self.state["username"] = str(me.get("username", ""))
        # only posts made since the intent was recorded (minus clock skew) can be ours
        since = datetime.fromtimestamp(int(self.state.get("intent_at", 0)) - SKEW, UTC)
        reply = yield Call(
            "GET", f"{API}/users/{self.state['user_id']}/tweets", "x.timeline",
            params=(("max_results", "100"), ("expansions", "attachments.media_keys"),
                    ("tweet.fields", "attachments,created_at"),
                    ("start_time", since.strftime("%Y-%m-%dT%H:%M:%SZ"))),
        )
        assert reply is not None
        key = self.state.get("media_key")
        for tweet in reply.json().get("data") or []:
            keys = (tweet.get("attachments") or {}).get("media_keys") or []
            if key and key in keys:
                return str(tweet["id"])
        return None

    def classify_error(self, call: Call, reply: Reply, body: dict[str, Any]) -> Failure | None:
        """How X's error answer to ``call`` counts (see the module docstring for the routes)."""
        errors = body.get("errors") or [body]
        first = errors[0] if errors and isinstance(errors[0], dict) else {}
        detail = first.get("detail") or first.get("message") or first.get("title") or ""
        what = f"x: {short(str(detail), 160)} (HTTP {reply.status})"
        if reply.status == 401:
            return Failure("refresh", "x: access token expired or invalid (HTTP 401)")
        if reply.status == 403 and "scope" in str(detail).lower():
            return Failure("reauth", what)
        return Failure("permanent", what)


def _processing_failed(info: dict[str, Any]) -> None:
    error = info.get("error") or {}
    detail = error.get("message") or error.get("name") or "processing failed"
    raise PermanentPublishError(f"x: video processing failed: {short(str(detail))}")
