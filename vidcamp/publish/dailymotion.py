"""Dailymotion: ``GET /file/upload``, the multipart file POST, then ``POST /me/videos``.

Flow (developers.dailymotion.com, upload guide): ask for an ``upload_url``; POST the file to it
as the multipart field ``file`` (streamed from disk); keep only the ``url`` of the answer
(checkpointed: a new process goes straight to creating the video); if the file POST fails, ask
for a fresh ``upload_url`` and send again (the protocol has no partial resume). Then
``POST /me/videos`` with ``url`` and the publish fields (``published``, ``private`` for
unlisted, ``publish_date`` for a scheduled video).

Never posting twice, never adopting another post: every video carries the post's marker (a
tag derived from its ledger key and render hash, see ``post_marker``). The state records
``create_sent`` before ``POST /me/videos`` is sent; only then — a process resuming after that
point, or a create whose answer was lost — are the account's recent videos listed
(``GET /me/videos?fields=id,tags&sort=recent``) and the one carrying the marker adopted. A
fresh create looks nothing up, and a title is never evidence: two files with the same title
are two posts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from vidcamp.errors import PermanentPublishError
from vidcamp.publish import EditRequest, UploadResult
from vidcamp.publish.base import (
    Call,
    EditFlow,
    Failure,
    FileSlice,
    Flow,
    Multipart,
    PlatformClient,
    image_type,
    now_utc,
    post_marker,
    retry_after_seconds,
    short,
)

if TYPE_CHECKING:
    from vidcamp.publish.base import FlowArgs, FlowGen, Reply

API = "https://api.dailymotion.com"
# the standard upload limit is a rolling 24 h window; look again in an hour
LIMIT_RETRY = timedelta(hours=1)


def build_flow(args: FlowArgs) -> DailymotionFlow:
    channel = str(args.entry.get("channel") or "news")
    return DailymotionFlow(args, channel)


def _created_id(reply: Reply) -> str | None:
    return str(reply.json()["id"]) if reply.ok and reply.json().get("id") else None


class DailymotionFlow(Flow):
    platform = "dailymotion"

    def __init__(self, args: FlowArgs, channel: str) -> None:
        self.request = request = args.request
        self.channel = channel
        self.size = request.path.stat().st_size
        resume = args.resume
        self.state: dict[str, Any] = {"platform": "dailymotion", "phase": "new",
                                      "size": self.size}
        if (resume and resume.get("platform") == "dailymotion"
                and resume.get("size") == self.size):
            self.state = dict(resume)
            if self.state.get("phase") == "creating" and "intent_at" in self.state:
                self.state.setdefault("create_sent", True)  # saved before create_sent existed
        self.state.setdefault("marker", request.marker or post_marker())

    def steps(self) -> FlowGen:
        if self.state["phase"] == "new":
            yield from self._upload_file()
            yield self._checkpoint(phase="uploaded")
        if self.state["phase"] in ("uploaded", "creating"):
            if self.state["phase"] == "uploaded":
                yield self._checkpoint(phase="creating")
            yield from self._create_once("create_sent", find=self._find_video,
                                         create=self._create_call, created_id=_created_id,
                                         id_key="video_id")
        video_id = str(self.state["video_id"])
        yield self._checkpoint(phase="done")
        state = "scheduled" if self.request.publish_at else "published"
        return UploadResult(remote_id=video_id, url=f"https://www.dailymotion.com/video/{video_id}",
                            state=state)

    def _upload_file(self) -> FlowGen:
        while True:
            reply = yield Call("GET", f"{API}/file/upload", "dailymotion.file_upload")
            assert reply is not None
            upload_url = reply.json().get("upload_url")
            if not upload_url:
                raise PermanentPublishError("dailymotion: /file/upload gave no upload_url")
            reply = yield Call(
                "POST", str(upload_url), "dailymotion.upload",
                content=Multipart(file_field="file", filename=self.request.path.name,
                                  file=FileSlice(self.request.path, 0, self.size)),
                auth="none", on_failure="deliver",
            )
            assert reply is not None
            url = reply.json().get("url") if reply.ok else None
            if url:
                self.state["url"] = str(url)
                self.state["offset"] = self.size
                return

    def _create_call(self) -> Call:
        return Call("POST", f"{API}/me/videos", "dailymotion.create", form=self._fields(),
                    on_failure="deliver")

    def _find_video(self) -> FlowGen:
        """The id of the account's recent video carrying this post's marker, if any."""
        reply = yield Call("GET", f"{API}/me/videos", "dailymotion.list",
                           params=(("fields", "id,tags"), ("sort", "recent"),
                                   ("limit", "100")))
        assert reply is not None
        marker = str(self.state["marker"])
        for video in reply.json().get("list") or []:
            if marker in (video.get("tags") or []):
                return str(video["id"])
        return None

    def _fields(self) -> tuple[tuple[str, str], ...]:
        r = self.request
        fields = [
            ("url", str(self.state["url"])),
            ("title", r.title),
            ("description", r.description),
            ("channel", self.channel),
            ("is_created_for_kids", "true" if r.made_for_kids else "false"),
            ("published", "false" if r.privacy == "private" else "true"),
            ("private", "true" if r.privacy == "unlisted" else "false"),
        ]
        fields.append(("tags", ",".join((*r.tags, str(self.state["marker"])))))
        if r.publish_at is not None:
            fields.append(("publish_date", str(int(r.publish_at.timestamp()))))
        return tuple(fields)

    def classify_error(self, call: Call, reply: Reply, body: dict[str, Any]) -> Failure | None:
        raw = body.get("error")
        error: dict[str, Any] = raw if isinstance(raw, dict) else {}
        message = short(str(error.get("message") or f"HTTP {reply.status}"), 160)
        kind = str(error.get("type") or "")
        reason = str((error.get("error_data") or {}).get("reason") or "")
        what = f"dailymotion: {message}" + (f" ({reason or kind})" if reason or kind else "")
        challenge = reply.headers.get("www-authenticate", "")
        if reply.status == 401 or "invalid_token" in challenge:
            return Failure("refresh", "dailymotion: access token expired or invalid (HTTP 401)")
        if "limit" in reason or "limit" in kind or kind == "rate_limit_exceeded":
            retry = retry_after_seconds(reply.headers)
            retry_at = now_utc() + (timedelta(seconds=retry) if retry else LIMIT_RETRY)
            return Failure("defer", what, retry_at=retry_at)
        if reply.status == 403 and kind in ("insufficient_scope", "access_forbidden"):
            return Failure("reauth", what)
        return Failure("permanent", what)


class DailymotionEdit(EditFlow, DailymotionFlow):
    """``POST /video/{id}`` with ``title`` and/or ``thumbnail_url`` (the image uploaded first,
    through ``/file/upload`` like a video)."""

    def steps(self) -> FlowGen:
        r = self.edit
        fields: list[tuple[str, str]] = []
        if r.title is not None:
            fields.append(("title", r.title))
        if r.thumbnail is not None:
            reply = yield Call("GET", f"{API}/file/upload", "dailymotion.file_upload")
            assert reply is not None
            upload_url = reply.json().get("upload_url")
            if not upload_url:
                raise PermanentPublishError("dailymotion: /file/upload gave no upload_url")
            image = r.thumbnail.read_bytes()
            reply = yield Call("POST", str(upload_url), "dailymotion.upload",
                               content=Multipart(file_field="file", filename=r.thumbnail.name,
                                                 content_type=image_type(image), file=image),
                               auth="none")
            assert reply is not None
            url = reply.json().get("url")
            if not url:
                raise PermanentPublishError("dailymotion: the image upload gave no url")
            fields.append(("thumbnail_url", str(url)))
        if fields:
            yield Call("POST", f"{API}/video/{r.remote_id}", "dailymotion.edit",
                       form=tuple(fields))


def build_edit(request: EditRequest, entry: dict[str, Any]) -> DailymotionEdit:
    return DailymotionEdit(request)


CLIENT = PlatformClient("dailymotion", build_flow, build_edit)
