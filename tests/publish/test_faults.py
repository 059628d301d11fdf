"""Every fault the sandbox injects is survived: same post, same bytes, never a duplicate."""

from __future__ import annotations

import os
import stat

import pytest

from tests.publish.common import CHUNK, PRESETS, SIZE, Sleeps, policy, sha256
from vidcamp.publish import UploadRequest, upload

N_CHUNKS = -(-SIZE // CHUNK)

# (id, preset, faults, exact: the sandbox received each byte exactly once)
CASES = [
    ("yt-drop-mid-chunk", "youtube",
     [{"platform": "youtube", "route": "chunk", "kind": "drop", "after_bytes": 100_000,
       "skip": 2}], True),
    ("reels-drop-mid-chunk", "facebook_reels",
     [{"platform": "facebook", "route": "rupload", "kind": "drop", "after_bytes": 70_000,
       "skip": 1}], True),
    ("fb-drop-mid-chunk", "facebook",
     [{"platform": "facebook", "route": "transfer", "kind": "drop", "after_bytes": 50_000,
       "skip": 3}], False),
    ("x-drop-mid-segment", "x",
     [{"platform": "x", "route": "append", "kind": "drop", "after_bytes": 9_000,
       "skip": 4}], False),
    ("dm-drop-mid-file", "dailymotion",
     [{"platform": "dailymotion", "route": "upload", "kind": "drop",
       "after_bytes": 1_000_000}], False),
    # the final step done at the platform but its answer lost
    ("yt-last-chunk-answer-lost", "youtube",
     [{"platform": "youtube", "route": "chunk", "kind": "drop_response",
       "skip": N_CHUNKS - 1}], True),
    ("reels-finish-answer-lost", "facebook_reels",
     [{"platform": "facebook", "route": "finish", "kind": "drop_response"}], True),
    ("fb-finish-answer-lost", "facebook",
     [{"platform": "facebook", "route": "finish", "kind": "drop_response"}], True),
    ("x-post-answer-lost", "x",
     [{"platform": "x", "route": "tweet", "kind": "drop_response"}], True),
    ("dm-create-answer-lost", "dailymotion",
     [{"platform": "dailymotion", "route": "create", "kind": "drop_response"}], True),
    ("fb-transfer-answer-lost", "facebook",
     [{"platform": "facebook", "route": "transfer", "kind": "drop_response", "skip": 2}],
     True),  # the re-sent chunk is refused by its offset before its bytes are read
    ("reels-chunk-answer-lost", "facebook_reels",
     [{"platform": "facebook", "route": "rupload", "kind": "drop_response", "skip": 2}],
     True),
    ("x-append-answer-lost", "x",
     [{"platform": "x", "route": "append", "kind": "drop_response", "skip": 2}], False),
    # bursts of 5xx
    ("yt-5xx-burst", "youtube",
     [{"platform": "youtube", "route": "chunk", "kind": "status", "status": 503, "count": 3,
       "skip": 1}, {"platform": "youtube", "route": "session", "kind": "status",
                    "status": 500, "count": 2}], True),
    ("reels-5xx-burst", "facebook_reels",
     [{"platform": "facebook", "route": "rupload", "kind": "status", "status": 502,
       "count": 3}], True),
    ("fb-5xx-burst", "facebook",
     [{"platform": "facebook", "route": "transfer", "kind": "status", "status": 500,
       "count": 3}, {"platform": "facebook", "route": "finish", "kind": "status",
                     "status": 503}], True),
    ("x-5xx-burst", "x",
     [{"platform": "x", "route": "append", "kind": "status", "status": 503, "count": 3},
      {"platform": "x", "route": "tweet", "kind": "status", "status": 503, "count": 2}], True),
    ("dm-5xx-burst", "dailymotion",
     [{"platform": "dailymotion", "route": "create", "kind": "status", "status": 503,
       "count": 3}], True),
    # rate limits with Retry-After / x-rate-limit-reset
    ("yt-429", "youtube", [{"platform": "youtube", "route": "chunk", "kind": "rate_limit",
                            "seconds": 2}], True),
    ("fb-429", "facebook", [{"platform": "facebook", "route": "start", "kind": "rate_limit",
                             "seconds": 2}], True),
    ("x-429", "x", [{"platform": "x", "route": "append", "kind": "rate_limit",
                     "seconds": 3}], True),
    ("dm-429", "dailymotion", [{"platform": "dailymotion", "route": "file_upload",
                                "kind": "rate_limit", "seconds": 2}], True),
    # platform-specific
    ("yt-session-expired", "youtube",
     [{"platform": "youtube", "route": "chunk", "kind": "session_expired", "skip": 3}], False),
    ("fb-wrong-offset", "facebook",
     [{"platform": "facebook", "route": "transfer", "kind": "wrong_offset", "skip": 2}], True),
    ("fb-app-limit", "facebook_reels",
     [{"platform": "facebook", "route": "start", "kind": "quota", "count": 2}], True),
    ("x-processing-pending", "x",
     [{"platform": "x", "kind": "processing", "pending_polls": 4, "result": "succeeded"}],
     True),
]


@pytest.mark.parametrize(("preset", "faults", "exact"),
                         [pytest.param(p, f, e, id=i) for i, p, f, e in CASES])
def test_fault_survived_without_duplicate(sandbox, random_file, preset, faults, exact):
    platform = PRESETS[preset]
    sandbox.settings(facebook_chunk_size=CHUNK)
    account = sandbox.account(platform)
    video = random_file(SIZE)
    sandbox.faults(*faults)
    sleeps = Sleeps()
    result = upload(UploadRequest(video, preset, "Fault run", "survives"), account,
                    policy=policy(sleeps), chunk_size=CHUNK)

    posts = sandbox.posts()
    assert len(posts) == 1, posts
    [post] = posts
    assert post["sha256"] == sha256(video)
    assert post["remote_id"] == result.remote_id
    assert post["title"].startswith("Fault run")
    if not {f["kind"] for f in faults} & {"session_expired", "wrong_offset"}:
        assert sleeps, "a fault should have cost at least one wait"
    if exact:
        assert sandbox.received(platform) == SIZE
    else:
        assert sandbox.received(platform) > SIZE
    faults_left = sandbox.server.state.faults
    assert all(int(f.get("count", 1)) == 0 for f in faults_left), faults_left


def test_rate_limit_wait_honours_retry_after(sandbox, random_file):
    account = sandbox.account("x")
    sandbox.faults({"platform": "x", "route": "initialize", "kind": "rate_limit",
                    "seconds": 40})
    sleeps = Sleeps()
    upload(UploadRequest(random_file(1000), "x", "t"), account, policy=policy(sleeps))
    # x-rate-limit-reset is whole unix seconds: the wait is the window, not the backoff
    assert 38 <= sleeps[0] <= 41


def test_processing_waits_check_after_secs(sandbox, random_file):
    account = sandbox.account("x")
    sandbox.settings(x_check_after_secs=7)
    sandbox.faults({"platform": "x", "kind": "processing", "pending_polls": 3})
    sleeps = Sleeps()
    upload(UploadRequest(random_file(5000), "x", "t"), account, policy=policy(sleeps))
    # finalize says "pending, check after 7 s": the first STATUS comes after that wait too,
    # then one wait after each of the three in_progress answers
    assert sleeps == [7, 7, 7, 7]
    routes = sandbox.server.stats()["routes"]
    assert routes["x.status"] == 4


@pytest.mark.parametrize(("preset", "route", "skip"), [
    ("youtube", "chunk", 2), ("x", "append", 1), ("x", "tweet", 0), ("dailymotion", "create", 0),
])
def test_expired_token_refreshed_and_saved(sandbox, random_file, preset, route, skip):
    platform = PRESETS[preset]
    account = sandbox.account(platform)
    before = sandbox.entry(account)
    sandbox.faults({"platform": platform, "route": route, "kind": "expire_token",
                    "skip": skip})
    upload(UploadRequest(random_file(SIZE), preset, "refresh"), account, policy=policy(),
           chunk_size=CHUNK)
    after = sandbox.entry(account)
    assert len(sandbox.posts()) == 1
    assert after["access_token"] != before["access_token"]
    if platform in ("x", "dailymotion"):  # rotated: the new refresh token must be kept
        assert after["refresh_token"] != before["refresh_token"]
    else:
        assert after["refresh_token"] == before["refresh_token"]
    assert stat.S_IMODE(os.stat(sandbox.credentials).st_mode) == 0o600
    # the saved refresh token is the one that works now: expire again and upload again
    sandbox.faults({"platform": platform, "kind": "expire_token"})
    upload(UploadRequest(random_file(1000), preset, "again"), account, policy=policy())
    assert len(sandbox.posts()) == 2


def test_expired_token_known_from_file_is_refreshed_first(sandbox, random_file):
    account = sandbox.account("youtube")
    entry = sandbox.entry(account)
    from vidcamp.credentials import save_account

    sandbox.faults({"platform": "youtube", "kind": "expire_token"})
    save_account(account, {**entry, "expires_at": "2000-01-01T00:00:00+00:00"},
                 sandbox.credentials)
    upload(UploadRequest(random_file(1000), "youtube", "t"), account, policy=policy())
    assert sandbox.server.stats()["routes"].get("youtube.token") == 1
    assert sandbox.server.stats()["routes"].get("youtube.session") == 1  # no 401 first


def test_parallel_uploads_share_one_rotated_refresh(sandbox, random_file):
    """Two uploads to one X account hit an expired token together: one refresh, both post."""
    import threading

    account = sandbox.account("x")
    sandbox.faults({"platform": "x", "kind": "expire_token"})
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            upload(UploadRequest(random_file(SIZE), "x", f"parallel {n}"), account,
                   policy=policy(), chunk_size=CHUNK)
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(p["title"] for p in sandbox.posts()) == [
        "parallel 0", "parallel 1", "parallel 2"]
    assert sandbox.server.stats()["routes"]["x.token"] == 1
