"""Each upload flow driven by canned replies, no sockets: every documented error's
classification, and a resume from every phase. (The loopback sandbox tests are the
integration tier.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vidcamp.platforms import get_platform
from vidcamp.presets import PRESETS
from vidcamp.publish import UploadRequest, UploadResult
from vidcamp.publish.base import Call, Checkpoint, Flow, FlowArgs, Reply, Wait

SIZE = 1000
ENTRY = {"youtube": {}, "facebook": {"page_id": "77"}, "x": {}, "dailymotion": {}}


def reply(status: int, body: Any = None, **headers: str) -> Reply:
    data = b"" if body is None else json.dumps(body).encode()
    return Reply(status, {k.replace("_", "-"): v for k, v in headers.items()}, data)


def make_flow(tmp_path: Path, preset: str, resume: dict[str, Any] | None = None,
              **fields: Any) -> Flow:
    video = tmp_path / "v.mp4"
    video.write_bytes(b"\0" * SIZE)
    request = UploadRequest(video, preset, "Title", marker="vcmarker", **fields)
    platform = get_platform(PRESETS[preset].platform)
    return platform.client().build_flow(
        FlowArgs(request, PRESETS[preset], ENTRY[platform.name], 8 * 1024 * 1024, resume))


def drive(flow: Flow, script: dict[str, list[Reply]]) -> tuple[list[str], Any, list[Any]]:
    """Run ``flow``, answering each call with the next canned reply for its route."""
    routes: list[str] = []
    waits: list[float] = []
    gen = flow.steps()
    answer: Reply | None = None
    while True:
        try:
            step = gen.send(answer)
        except StopIteration as stop:
            return routes, stop.value, waits
        answer = None
        if isinstance(step, Call):
            routes.append(step.route)
            queue = script.get(step.route)
            assert queue, f"no canned reply left for {step.route} (calls so far: {routes})"
            answer = queue.pop(0)
            failure = flow.classify(step, answer)
            assert failure is None or step.on_failure == "deliver", (step.route, failure)
        elif isinstance(step, Wait):
            waits.append(step.seconds)
        else:
            assert isinstance(step, Checkpoint)


# -- classification of every documented error ------------------------------------------------

def yt(status: int, reason: str) -> Reply:
    return reply(status, {"error": {"code": status, "message": reason,
                                    "errors": [{"reason": reason}]}})


def fb(code: int, sub: int = 0, transient: bool = False, status: int = 400) -> Reply:
    error: dict[str, Any] = {"message": "m", "code": code, "is_transient": transient}
    if sub:
        error["error_subcode"] = sub
    return reply(status, {"error": error})


def xr(status: int, detail: str = "d", **headers: str) -> Reply:
    return reply(status, {"title": "t", "detail": detail, "status": status}, **headers)


def dm(status: int, kind: str, reason: str = "", **headers: str) -> Reply:
    error: dict[str, Any] = {"code": status, "message": "m", "type": kind}
    if reason:
        error["error_data"] = {"reason": reason}
    return reply(status, {"error": error}, **headers)


CLASSIFY = [
    # (preset, route, reply, expected kind or None for "not a failure")
    ("youtube", "youtube.session", yt(403, "quotaExceeded"), "defer"),
    ("youtube", "youtube.session", yt(400, "uploadLimitExceeded"), "defer"),
    ("youtube", "youtube.session", yt(403, "dailyLimitExceeded"), "defer"),
    ("youtube", "youtube.session", yt(403, "rateLimitExceeded"), "retry"),
    ("youtube", "youtube.session", yt(403, "userRateLimitExceeded"), "retry"),
    ("youtube", "youtube.session", yt(500, "backendError"), "retry"),
    ("youtube", "youtube.session", yt(401, "authError"), "refresh"),
    ("youtube", "youtube.session", yt(403, "insufficientPermissions"), "reauth"),
    ("youtube", "youtube.session", yt(403, "forbidden"), "reauth"),
    ("youtube", "youtube.session", yt(400, "invalidTitle"), "permanent"),
    ("youtube", "youtube.session", reply(429), "retry"),
    ("youtube", "youtube.session", Reply(0, error="reset"), "retry"),
    ("youtube", "youtube.chunk", reply(308), None),
    ("youtube", "youtube.chunk", reply(404), None),
    ("youtube", "youtube.status", reply(410), None),
    ("facebook", "facebook.start", fb(190, 463), "reauth"),
    *[("facebook", "facebook.start", fb(code), "retry") for code in (1, 2, 4, 17, 32, 341, 613)],
    *[("facebook", "facebook.start", fb(6000, sub), "retry") for sub in (1363019, 1363030)],
    ("facebook", "facebook.start", fb(99, transient=True), "retry"),
    ("facebook", "facebook.transfer", fb(6000, 1363037), None),
    ("facebook", "facebook.start", fb(6000, 1363037), "permanent"),  # offsets: transfer only
    ("facebook", "facebook.finish", fb(100), "permanent"),
    ("facebook", "facebook.start", reply(503, {"error": {"code": 2}}), "retry"),
    ("facebook_reels", "facebook.rupload",
     reply(400, {"debug_info": {"retriable": True, "message": "m"}}), "retry"),
    ("facebook_reels", "facebook.rupload",
     reply(400, {"debug_info": {"retriable": False, "message": "m"}}), "permanent"),
    ("x", "x.tweet", xr(429, x_rate_limit_reset="9999999999"), "retry"),
    ("x", "x.initialize", xr(401), "refresh"),
    ("x", "x.initialize", xr(403, "Missing scope media.write"), "reauth"),
    ("x", "x.tweet", xr(403, "duration over the account's limit"), "permanent"),
    ("x", "x.append", xr(400), "permanent"),
    ("x", "x.finalize", xr(503), "retry"),
    ("dailymotion", "dailymotion.create", dm(401, "invalid_token"), "refresh"),
    ("dailymotion", "dailymotion.create",
     dm(403, "access_forbidden", "upload_limit_exceeded"), "defer"),
    ("dailymotion", "dailymotion.create", dm(429, "rate_limit_exceeded"), "retry"),
    ("dailymotion", "dailymotion.create", dm(400, "rate_limit_exceeded"), "defer"),
    ("dailymotion", "dailymotion.create", dm(403, "insufficient_scope"), "reauth"),
    ("dailymotion", "dailymotion.create", dm(400, "invalid_parameter"), "permanent"),
    ("dailymotion", "dailymotion.upload", reply(502), "retry"),
]


@pytest.mark.parametrize(("preset", "route", "answer", "kind"), CLASSIFY,
                         ids=[f"{c[1]}-{c[2].status}-{c[3]}-{i}" for i, c in enumerate(CLASSIFY)])
def test_classification(tmp_path: Path, preset: str, route: str, answer: Reply,
                        kind: str | None) -> None:
    flow = make_flow(tmp_path, preset)
    failure = flow.classify(Call("POST", "https://example.invalid/", route), answer)
    assert (failure.kind if failure else None) == kind
    if failure is not None:
        assert "\n" not in failure.reason and failure.reason.startswith(flow.platform)


def test_classified_waits_carry_the_platforms_window(tmp_path: Path) -> None:
    flow = make_flow(tmp_path, "youtube")
    failure = flow.classify(Call("POST", "u", "youtube.session"), yt(403, "quotaExceeded"))
    assert failure is not None and failure.retry_at is not None  # next Pacific midnight
    flow = make_flow(tmp_path, "x")
    failure = flow.classify(Call("POST", "u", "x.tweet"), xr(429, retry_after="42"))
    assert failure is not None and failure.retry_after == 42


# -- resume from every phase -----------------------------------------------------------------

YT_VIDEO = {"id": "vid1", "status": {"privacyStatus": "public"}}
YT_BASE = {"platform": "youtube", "size": SIZE}
FB_BASE = {"platform": "facebook", "size": SIZE, "flow": "video", "video_id": "555",
           "session_id": "s1"}
REELS_BASE = {"platform": "facebook", "size": SIZE, "flow": "reels", "video_id": "556",
              "upload_url": "https://rupload.facebook.com/video-upload/v21.0/556"}
X_BASE = {"platform": "x", "size": SIZE, "segment_size": SIZE, "media_id": "9",
          "media_key": "7_9"}
DM_BASE = {"platform": "dailymotion", "size": SIZE, "marker": "vcmarker",
           "url": "https://upload.dailymotion.com/files/u.mp4"}
FB_STATUS_DONE = reply(200, {"status": {"publishing_phase": {"status": "complete"}}})
FB_STATUS_NONE = reply(200, {"status": {"publishing_phase": {"status": "not_started"},
                                        "uploading_phase": {"bytes_transferred": 400}}})
X_TIMELINE = reply(200, {"data": [{"id": "other", "attachments": {"media_keys": ["7_1"]}},
                                  {"id": "t1", "attachments": {"media_keys": ["7_9"]}}]})
DM_LIST = reply(200, {"list": [{"id": "xsame", "tags": ["vcother"]},
                               {"id": "xmine", "tags": ["a", "vcmarker"]}]})

RESUME = [
    # (id, preset, resume state, canned replies by route, routes called, remote id)
    ("yt-new", "youtube", None,
     {"youtube.session": [reply(200, location="https://up/s")],
      "youtube.chunk": [reply(201, YT_VIDEO)]},
     ["youtube.session", "youtube.chunk"], "vid1"),
    ("yt-uploading", "youtube", {**YT_BASE, "phase": "uploading", "session_uri": "https://up/s",
                                 "offset": 0},
     {"youtube.status": [reply(308, range="bytes=0-499")],
      "youtube.chunk": [reply(201, YT_VIDEO)]},
     ["youtube.status", "youtube.chunk"], "vid1"),
    ("yt-uploading-all-held", "youtube", {**YT_BASE, "phase": "uploading",
                                          "session_uri": "https://up/s", "offset": SIZE},
     {"youtube.status": [reply(200, YT_VIDEO)]}, ["youtube.status"], "vid1"),
    ("yt-thumbnail", "youtube", {**YT_BASE, "phase": "thumbnail", "video_id": "vid1"},
     {}, [], "vid1"),
    ("yt-done", "youtube", {**YT_BASE, "phase": "done", "video_id": "vid1"}, {}, [], "vid1"),
    ("fb-new", "facebook", None,
     {"facebook.start": [reply(200, {"video_id": "555", "upload_session_id": "s1",
                                     "start_offset": "0", "end_offset": str(SIZE)})],
      "facebook.transfer": [reply(200, {"start_offset": str(SIZE), "end_offset": str(SIZE)})],
      "facebook.finish": [reply(200, {"success": True})]},
     ["facebook.start", "facebook.transfer", "facebook.finish"], "555"),
    ("fb-uploading", "facebook", {**FB_BASE, "phase": "uploading", "offset": 400,
                                  "end_offset": SIZE},
     {"facebook.transfer": [reply(200, {"start_offset": str(SIZE), "end_offset": str(SIZE)})],
      "facebook.finish": [reply(200, {"success": True})]},
     ["facebook.transfer", "facebook.finish"], "555"),
    ("fb-finishing-unsent", "facebook", {**FB_BASE, "phase": "finishing", "offset": SIZE,
                                         "finish_sent": False},
     {"facebook.finish": [reply(200, {"success": True})]}, ["facebook.finish"], "555"),
    ("fb-finishing-sent-arrived", "facebook", {**FB_BASE, "phase": "finishing",
                                               "finish_sent": True},
     {"facebook.status": [FB_STATUS_DONE]}, ["facebook.status"], "555"),
    ("fb-finishing-sent-lost", "facebook", {**FB_BASE, "phase": "finishing",
                                            "finish_sent": True},
     {"facebook.status": [FB_STATUS_NONE], "facebook.finish": [reply(200, {"success": True})]},
     ["facebook.status", "facebook.finish"], "555"),
    ("reels-uploading", "facebook_reels", {**REELS_BASE, "phase": "uploading", "offset": 0},
     {"facebook.status": [FB_STATUS_NONE], "facebook.rupload": [reply(200, {"success": True})],
      "facebook.finish": [reply(200, {"success": True})]},
     ["facebook.status", "facebook.rupload", "facebook.finish"], "556"),
    ("x-new", "x", None,
     {"x.initialize": [reply(200, {"data": {"id": "9", "media_key": "7_9"}})],
      "x.append": [reply(204)],
      "x.finalize": [reply(200, {"data": {"id": "9"}})],
      "x.tweet": [reply(201, {"data": {"id": "t1"}})]},
     ["x.initialize", "x.append", "x.finalize", "x.tweet"], "t1"),
    ("x-appending", "x", {**X_BASE, "phase": "appending", "segment": 0, "offset": 0},
     {"x.append": [reply(204)],
      "x.finalize": [reply(200, {"data": {"processing_info": {"state": "pending",
                                                              "check_after_secs": 3}}})],
      "x.status": [reply(200, {"data": {"processing_info": {"state": "succeeded"}}})],
      "x.tweet": [reply(201, {"data": {"id": "t1"}})]},
     ["x.append", "x.finalize", "x.status", "x.tweet"], "t1"),
    ("x-finalizing", "x", {**X_BASE, "phase": "finalizing", "segment": 1},
     {"x.finalize": [reply(200, {"data": {"id": "9"}})],
      "x.tweet": [reply(201, {"data": {"id": "t1"}})]},
     ["x.finalize", "x.tweet"], "t1"),
    ("x-processing", "x", {**X_BASE, "phase": "processing"},
     {"x.status": [reply(200, {"data": {"processing_info": {"state": "succeeded"}}})],
      "x.tweet": [reply(201, {"data": {"id": "t1"}})]},
     ["x.status", "x.tweet"], "t1"),
    ("x-posting-unsent", "x", {**X_BASE, "phase": "posting"},
     {"x.tweet": [reply(201, {"data": {"id": "t1"}})]}, ["x.tweet"], "t1"),
    ("x-posting-sent-arrived", "x", {**X_BASE, "phase": "posting", "post_sent": True,
                                     "intent_at": 0},
     {"x.me": [reply(200, {"data": {"id": "42", "username": "brand"}})],
      "x.timeline": [X_TIMELINE]},
     ["x.me", "x.timeline"], "t1"),
    ("x-posting-sent-lost", "x", {**X_BASE, "phase": "posting", "post_sent": True,
                                  "intent_at": 0, "media_key": "7_8"},
     {"x.me": [reply(200, {"data": {"id": "42", "username": "brand"}})],
      "x.timeline": [X_TIMELINE], "x.tweet": [reply(201, {"data": {"id": "t2"}})]},
     ["x.me", "x.timeline", "x.tweet"], "t2"),
    ("x-done", "x", {**X_BASE, "phase": "done", "post_id": "t1"}, {}, [], "t1"),
    ("dm-new", "dailymotion", None,
     {"dailymotion.file_upload": [reply(200, {"upload_url": "https://upload.dailymotion.com/u"})],
      "dailymotion.upload": [reply(200, {"url": "https://upload.dailymotion.com/files/u.mp4"})],
      "dailymotion.create": [reply(200, {"id": "xnew"})]},
     ["dailymotion.file_upload", "dailymotion.upload", "dailymotion.create"], "xnew"),
    ("dm-uploaded", "dailymotion", {**DM_BASE, "phase": "uploaded"},
     {"dailymotion.create": [reply(200, {"id": "xnew"})]}, ["dailymotion.create"], "xnew"),
    ("dm-creating-unsent", "dailymotion", {**DM_BASE, "phase": "creating"},
     {"dailymotion.create": [reply(200, {"id": "xnew"})]}, ["dailymotion.create"], "xnew"),
    ("dm-creating-sent-arrived", "dailymotion", {**DM_BASE, "phase": "creating",
                                                 "create_sent": True},
     {"dailymotion.list": [DM_LIST]}, ["dailymotion.list"], "xmine"),
    ("dm-creating-sent-lost", "dailymotion", {**DM_BASE, "phase": "creating",
                                              "create_sent": True, "marker": "vcgone"},
     {"dailymotion.list": [DM_LIST], "dailymotion.create": [reply(200, {"id": "xnew"})]},
     ["dailymotion.list", "dailymotion.create"], "xnew"),
    ("dm-done", "dailymotion", {**DM_BASE, "phase": "done", "video_id": "xmine"}, {}, [],
     "xmine"),
]


@pytest.mark.parametrize(("preset", "resume", "script", "routes", "remote_id"),
                         [r[1:] for r in RESUME], ids=[r[0] for r in RESUME])
def test_resume_from_every_phase(tmp_path: Path, preset: str, resume: dict[str, Any] | None,
                                 script: dict[str, list[Reply]], routes: list[str],
                                 remote_id: str) -> None:
    flow = make_flow(tmp_path, preset, resume)
    called, result, _ = drive(flow, {k: list(v) for k, v in script.items()})
    assert called == routes
    assert isinstance(result, UploadResult) and result.remote_id == remote_id
    assert flow.state["phase"] == "done"


def test_x_waits_check_after_secs_before_the_first_status(tmp_path: Path) -> None:
    flow = make_flow(tmp_path, "x", {**X_BASE, "phase": "finalizing", "segment": 1})
    pending = {"data": {"processing_info": {"state": "pending", "check_after_secs": 4}}}
    running = {"data": {"processing_info": {"state": "in_progress", "check_after_secs": 2}}}
    done = {"data": {"processing_info": {"state": "succeeded"}}}
    called, _, waits = drive(flow, {
        "x.finalize": [reply(200, pending)],
        "x.status": [reply(200, running), reply(200, done)],
        "x.tweet": [reply(201, {"data": {"id": "t1"}})],
    })
    assert called == ["x.finalize", "x.status", "x.status", "x.tweet"]
    assert waits == [4, 2]


def test_facebook_feed_upload_phases_use_graph_video(tmp_path: Path) -> None:
    flow = make_flow(tmp_path, "facebook")
    gen = flow.steps()
    hosts = {}
    answer: Reply | None = None
    answers = {
        "facebook.start": reply(200, {"video_id": "1", "upload_session_id": "s",
                                      "start_offset": "0", "end_offset": str(SIZE)}),
        "facebook.transfer": reply(200, {"start_offset": str(SIZE), "end_offset": str(SIZE)}),
        "facebook.finish": reply(200, {"success": True}),
    }
    try:
        while True:
            step = gen.send(answer)
            answer = None
            if isinstance(step, Call):
                hosts[step.route] = step.url.split("/")[2]
                answer = answers[step.route]
    except StopIteration:
        pass
    assert hosts == dict.fromkeys(answers, "graph-video.facebook.com")


def test_the_dailymotion_marker_is_sent_as_a_tag(tmp_path: Path) -> None:
    flow = make_flow(tmp_path, "dailymotion", {**DM_BASE, "phase": "uploaded"}, tags=("a",))
    gen = flow.steps()
    step = next(gen)
    while not isinstance(step, Call):
        step = next(gen)
    assert step.route == "dailymotion.create"
    assert dict(step.form or ())["tags"] == "a,vcmarker"
