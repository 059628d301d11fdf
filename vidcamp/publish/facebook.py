"""Facebook Pages (Graph API): the Reels flow for ``facebook_reels``, chunked ``/videos`` for feed.

Reels (developers.facebook.com/docs/video-api/guides/reels-publishing):
``POST /{page}/video_reels upload_phase=start`` → ``video_id`` + ``upload_url``; ``POST`` the
bytes to ``upload_url`` with ``offset``/``file_size`` headers (in chunks, each checkpointed);
after a failure or in a new process ``GET /{video_id}?fields=status`` gives
``uploading_phase.bytes_transferred``, the offset to continue from; then
``upload_phase=finish`` with ``video_state`` PUBLISHED, SCHEDULED (+``scheduled_publish_time``)
or DRAFT (private/unlisted: a Page has no unlisted posts, so both stay unpublished drafts).

Feed video (developers.facebook.com/docs/video-api/guides/publishing), on
``graph-video.facebook.com`` as that guide requires for uploads: ``upload_phase=start``
with ``file_size`` → session and the first ``[start_offset, end_offset)``; ``transfer`` each
range as ``video_file_chunk`` until the offsets meet (an error with subcode 1363037 carries the
right offsets in ``error_data``, which are adopted); ``finish`` with title, description and
``published``/``scheduled_publish_time``.

Never posting twice: the state records ``finish_sent`` before ``finish`` is sent. Only a process
resuming after that point (or a finish whose answer was lost) reads
``GET /{video_id}?fields=status`` first; if ``publishing_phase`` has started or completed, the
post exists and finish is not sent again. The lookup is by the upload's own ``video_id``.

Page access tokens are long-lived and have no refresh grant: error code 190 means the account
must be authorised again (``vidcamp auth login``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vidcamp.errors import PermanentPublishError
from vidcamp.platforms import GRAPH_VERSION
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
    retry_after_seconds,
    short,
)

if TYPE_CHECKING:
    from vidcamp.publish.base import FlowArgs, FlowGen, Reply

GRAPH = f"https://graph.facebook.com/{GRAPH_VERSION}"
# "videos must be published to graph-video.facebook.com" (video upload guide): feed uploads
GRAPH_VIDEO = f"https://graph-video.facebook.com/{GRAPH_VERSION}"

_RETRY_CODES = {1, 2, 4, 17, 32, 341, 613}
_RETRY_SUBCODES = {6000, 1363019, 1363030}
WRONG_OFFSET = 1363037


def build_flow(args: FlowArgs) -> FacebookFlow:
    page_id = str(args.entry.get("page_id") or "")
    if not page_id:
        from vidcamp.errors import CredentialsError

        raise CredentialsError("facebook account has no page_id in the credentials file")
    return FacebookFlow(args, page_id)


class FacebookFlow(Flow):
    platform = "facebook"

    def __init__(self, args: FlowArgs, page_id: str) -> None:
        self.request = args.request
        self.reels = args.preset.name == "facebook_reels"
        self.page_id = page_id
        self.size = args.request.path.stat().st_size
        self.chunk = max(1, args.chunk_size)
        resume = args.resume
        self.state: dict[str, Any] = {
            "platform": "facebook",
            "flow": "reels" if self.reels else "video",
            "phase": "new",
            "size": self.size,
        }
        if (
            resume
            and resume.get("platform") == "facebook"
            and resume.get("flow") == self.state["flow"]
            and resume.get("size") == self.size
        ):
            self.state = dict(resume)
            if self.state.get("phase") == "finishing":
                self.state.setdefault("finish_sent", True)  # saved before finish_sent existed

    def steps(self) -> FlowGen:
        if self.state["phase"] in ("new", "uploading"):
            if self.reels:
                yield from self._reels_upload()
            else:
                yield from self._video_upload()
            yield self._checkpoint(phase="finishing", offset=self.size, finish_sent=False)
        if self.state["phase"] == "finishing":
            yield from self._finish()
        video_id = str(self.state["video_id"])
        yield self._checkpoint(phase="done")
        url = (f"https://www.facebook.com/reel/{video_id}" if self.reels
               else f"https://www.facebook.com/{self.page_id}/videos/{video_id}")
        state = "scheduled" if self.request.publish_at else "published"
        return UploadResult(remote_id=video_id, url=url, state=state)

    # -- Reels ----------------------------------------------------------------------------

    def _reels_upload(self) -> FlowGen:
        if not self.state.get("video_id"):
            reply = yield Call("POST", f"{GRAPH}/{self.page_id}/video_reels", "facebook.start",
                               form=(("upload_phase", "start"),), auth="form")
            assert reply is not None
            data = reply.json()
            if not data.get("video_id") or not data.get("upload_url"):
                raise PermanentPublishError("facebook: Reels start gave no video_id/upload_url")
            yield self._checkpoint(phase="uploading", video_id=str(data["video_id"]),
                                   upload_url=str(data["upload_url"]), offset=0)
            known = True
        else:
            known = False
        while True:
            if not known:
                status = yield from self._status()
                uploading = status.get("uploading_phase") or {}
                acked = int(uploading.get("bytes_transferred") or 0)
                if acked != self.state.get("offset"):
                    yield self._checkpoint(offset=acked)
                known = True
            offset = int(self.state["offset"])
            if offset >= self.size:
                return
            length = min(self.chunk, self.size - offset)
            reply = yield Call(
                "POST", str(self.state["upload_url"]), "facebook.rupload",
                headers=(("offset", str(offset)), ("file_size", str(self.size)),
                         ("Content-Type", "application/octet-stream")),
                content=FileSlice(self.request.path, offset, length),
                auth="oauth", on_failure="deliver",
            )
            assert reply is not None
            if reply.ok:
                yield self._checkpoint(offset=offset + length)
            else:
                known = False

    # -- feed video -----------------------------------------------------------------------

    def _video_upload(self) -> FlowGen:
        url = f"{GRAPH_VIDEO}/{self.page_id}/videos"
        if not self.state.get("session_id"):
            reply = yield Call("POST", url, "facebook.start",
                               form=(("upload_phase", "start"), ("file_size", str(self.size))),
                               auth="form")
            assert reply is not None
            data = reply.json()
            if not data.get("upload_session_id"):
                raise PermanentPublishError("facebook: upload start gave no upload_session_id")
            yield self._checkpoint(
                phase="uploading", video_id=str(data.get("video_id", "")),
                session_id=str(data["upload_session_id"]),
                offset=int(data.get("start_offset", 0)),
                end_offset=int(data.get("end_offset", 0)),
            )
        while True:
            start, end = int(self.state["offset"]), int(self.state["end_offset"])
            if start >= end:
                return
            reply = yield Call(
                "POST", url, "facebook.transfer",
                content=Multipart(
                    fields=(("upload_phase", "transfer"),
                            ("upload_session_id", str(self.state["session_id"])),
                            ("start_offset", str(start))),
                    file_field="video_file_chunk",
                    file=FileSlice(self.request.path, start, end - start),
                ),
                auth="form",
            )
            assert reply is not None
            data = reply.json()
            if not reply.ok:  # wrong offset: the server says where it stands
                error = data.get("error", {})
                data = error.get("error_data") or {}
            yield self._checkpoint(offset=int(data.get("start_offset", start)),
                                   end_offset=int(data.get("end_offset", end)))

    # -- finish, exactly once -------------------------------------------------------------

    def _status(self) -> FlowGen:
        reply = yield Call("GET", f"{GRAPH}/{self.state['video_id']}", "facebook.status",
                           params=(("fields", "status"),), auth="bearer")
        assert reply is not None
        status = reply.json().get("status") or {}
        return status if isinstance(status, dict) else {}

    def _finish(self) -> FlowGen:
        while True:
            if self.state.get("finish_sent") and self.state.get("video_id"):
                status = yield from self._status()
                publishing = status.get("publishing_phase") or {}
                if publishing.get("status") in ("in_progress", "complete"):
                    return  # an earlier finish went through; do not send it again
            elif not self.state.get("finish_sent"):
                yield self._checkpoint(finish_sent=True)
            reply = yield self._finish_call()
            assert reply is not None
            if reply.ok:
                if not self.state.get("video_id"):
                    self.state["video_id"] = str(reply.json().get("video_id") or "")
                return

    def _finish_call(self) -> Call:
        r = self.request
        publish = r.privacy == "public"
        fields: list[tuple[str, str]] = [("upload_phase", "finish")]
        if self.reels:
            state = "PUBLISHED" if publish else "DRAFT"
            if r.publish_at is not None:
                state = "SCHEDULED"
                fields.append(("scheduled_publish_time", str(int(r.publish_at.timestamp()))))
            fields += [("video_id", str(self.state["video_id"])), ("video_state", state),
                       ("description", r.description), ("title", r.title)]
            url = f"{GRAPH}/{self.page_id}/video_reels"
        else:
            fields += [("upload_session_id", str(self.state["session_id"])),
                       ("title", r.title), ("description", r.description)]
            if r.publish_at is not None:
                fields += [("published", "false"),
                           ("scheduled_publish_time", str(int(r.publish_at.timestamp())))]
            else:
                fields.append(("published", "true" if publish else "false"))
            url = f"{GRAPH_VIDEO}/{self.page_id}/videos"
        return Call("POST", url, "facebook.finish", form=tuple(fields), auth="form",
                    on_failure="deliver")

    def classify_error(self, call: Call, reply: Reply, body: dict[str, Any]) -> Failure | None:
        error = body.get("error")
        if not isinstance(error, dict):
            debug = body.get("debug_info")
            if isinstance(debug, dict):  # rupload's error shape
                what = f"facebook: {short(str(debug.get('message', '')), 160)}"
                return Failure("retry" if debug.get("retriable") else "permanent", what)
            return Failure("permanent", f"facebook: HTTP {reply.status}")
        code = _int(error.get("code"))
        sub = _int(error.get("error_subcode"))
        what = f"facebook: {short(str(error.get('message', '')), 160)} (code {code}"
        what += f", subcode {sub})" if sub else ")"
        if sub == WRONG_OFFSET and call.route == "facebook.transfer":
            return None
        if code == 190:
            return Failure("reauth", f"facebook: Page access token expired or revoked (code 190"
                           f"{', subcode ' + str(sub) if sub else ''})")
        if error.get("is_transient") or code in _RETRY_CODES or sub in _RETRY_SUBCODES:
            return Failure("retry", what, retry_after=retry_after_seconds(reply.headers))
        return Failure("permanent", what)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class FacebookEdit(EditFlow, FacebookFlow):
    """Video node update (``name``) and/or a preferred thumbnail (``/{video}/thumbnails``)."""

    def steps(self) -> FlowGen:
        r = self.edit
        if r.title is not None:
            yield Call("POST", f"{GRAPH}/{r.remote_id}", "facebook.edit",
                       form=(("name", r.title),), auth="form")
        if r.thumbnail is not None:
            image = r.thumbnail.read_bytes()
            yield Call("POST", f"{GRAPH}/{r.remote_id}/thumbnails", "facebook.thumbnail",
                       content=Multipart(fields=(("is_preferred", "true"),), file_field="source",
                                         filename=r.thumbnail.name,
                                         content_type=image_type(image), file=image),
                       auth="form")


def build_edit(request: EditRequest, entry: dict[str, Any]) -> FacebookEdit:
    return FacebookEdit(request)


CLIENT = PlatformClient("facebook", build_flow, build_edit)
