"""Each failure class ends with the right exception and a one-line, secret-free reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.publish.common import CHUNK, PRESETS, Sleeps, policy
from vidcamp.errors import (
    CredentialsError,
    DeferredError,
    PermanentPublishError,
    ReauthRequired,
    RetryableError,
)
from vidcamp.publish import UploadRequest, upload


def _check_message(exc: BaseException, sandbox, platform: str) -> str:
    message = str(exc)
    assert "\n" not in message
    assert message.startswith(f"{platform}:") or platform in message
    for token in sandbox.tokens():
        assert token not in message
    return message


def test_youtube_quota_defers_to_pacific_midnight(sandbox, random_file):
    account = sandbox.account("youtube")
    sandbox.faults({"platform": "youtube", "route": "session", "kind": "quota"})
    with pytest.raises(DeferredError) as info:
        upload(UploadRequest(random_file(1000), "youtube", "t"), account, policy=policy())
    message = _check_message(info.value, sandbox, "youtube")
    assert "quotaExceeded" in message
    local = info.value.retry_at.astimezone(ZoneInfo("America/Los_Angeles"))
    assert (local.hour, local.minute) == (0, 0)
    assert info.value.retry_at > datetime.now(UTC)
    assert sandbox.posts() == []


def test_dailymotion_upload_limit_defers(sandbox, random_file):
    account = sandbox.account("dailymotion")
    sandbox.faults({"platform": "dailymotion", "route": "create", "kind": "quota"})
    with pytest.raises(DeferredError) as info:
        upload(UploadRequest(random_file(1000), "dailymotion", "t"), account, policy=policy())
    assert "upload limit" in _check_message(info.value, sandbox, "dailymotion")
    assert info.value.retry_at > datetime.now(UTC) + timedelta(minutes=30)


def test_x_long_rate_window_defers_until_reset(sandbox, random_file):
    account = sandbox.account("x")
    sandbox.faults({"platform": "x", "route": "tweet", "kind": "quota", "seconds": 3600})
    sleeps = Sleeps()
    with pytest.raises(DeferredError) as info:
        upload(UploadRequest(random_file(1000), "x", "t"), account, policy=policy(sleeps))
    _check_message(info.value, sandbox, "x")
    wait = (info.value.retry_at - datetime.now(UTC)).total_seconds()
    assert 3500 < wait <= 3601
    assert all(s < 3000 for s in sleeps)  # the hour was not slept through


@pytest.mark.parametrize(("preset", "route", "needle"), [
    ("youtube", "session", "invalidTitle"),
    ("facebook_reels", "finish", "code 100"),
    ("facebook", "start", "code 100"),
    ("x", "tweet", "HTTP 403"),
    ("dailymotion", "create", "title"),
])
def test_platform_refusal_is_permanent(sandbox, random_file, preset, route, needle):
    platform = PRESETS[preset]
    account = sandbox.account(platform)
    sandbox.faults({"platform": platform, "route": route, "kind": "reject"})
    with pytest.raises(PermanentPublishError) as info:
        upload(UploadRequest(random_file(1000), preset, "t"), account, policy=policy())
    assert needle in _check_message(info.value, sandbox, platform)
    assert sandbox.posts() == []


def test_x_processing_failure_is_permanent(sandbox, random_file):
    account = sandbox.account("x")
    sandbox.faults({"platform": "x", "kind": "processing", "pending_polls": 2,
                    "result": "failed"})
    with pytest.raises(PermanentPublishError) as info:
        upload(UploadRequest(random_file(1000), "x", "t"), account, policy=policy())
    assert "processing failed: Unsupported video format" in str(info.value)
    assert sandbox.posts() == []


@pytest.mark.parametrize("platform", ["youtube", "x", "dailymotion"])
def test_revoked_refresh_token_needs_reauth(sandbox, random_file, platform):
    account = sandbox.account(platform)
    sandbox.faults({"platform": platform, "kind": "revoke"})
    with pytest.raises(ReauthRequired) as info:
        upload(UploadRequest(random_file(1000), platform, "t"), account, policy=policy())
    message = _check_message(info.value, sandbox, platform)
    assert "token refresh refused" in message
    assert f"vidcamp auth login {account}" in message


def test_facebook_expired_page_token_needs_reauth(sandbox, random_file):
    account = sandbox.account("facebook")
    sandbox.faults({"platform": "facebook", "kind": "expire_token"})
    with pytest.raises(ReauthRequired) as info:
        upload(UploadRequest(random_file(1000), "facebook_reels", "t"), account,
               policy=policy())
    assert "code 190" in _check_message(info.value, sandbox, "facebook")


@pytest.mark.parametrize("preset", list(PRESETS))
def test_endless_5xx_gives_up_as_retryable(sandbox, random_file, preset):
    platform = PRESETS[preset]
    account = sandbox.account(platform)
    sandbox.faults({"platform": platform, "kind": "status", "status": 503, "count": 100})
    sleeps = Sleeps()
    with pytest.raises(RetryableError) as info:
        upload(UploadRequest(random_file(1000), preset, "t"), account,
               policy=policy(sleeps, max_attempts=4))
    message = _check_message(info.value, sandbox, platform)
    assert "HTTP 503" in message and "gave up after 4 attempts" in message
    assert sleeps == [1.0, 2.0, 4.0]  # exponential backoff, bounded by the policy
    assert info.value.retry_after == 8.0


def test_unreachable_platform_is_retryable(sandbox, random_file, monkeypatch):
    account = sandbox.account("youtube")
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("VIDCAMP_API_ROOT", f"http://127.0.0.1:{port}")
    with pytest.raises(RetryableError) as info:
        upload(UploadRequest(random_file(1000), "youtube", "t"), account,
               policy=policy(max_attempts=2))
    assert "network error" in _check_message(info.value, sandbox, "youtube")


def test_account_platform_must_match_preset(sandbox, random_file):
    account = sandbox.account("x")
    with pytest.raises(CredentialsError) as info:
        upload(UploadRequest(random_file(10), "youtube", "t"), account, policy=policy())
    assert "is a x account but preset 'youtube' publishes to youtube" in str(info.value)


def test_unknown_account_and_missing_file(sandbox, random_file, tmp_path):
    sandbox.account("x")
    with pytest.raises(CredentialsError, match="no account 'nobody'"):
        upload(UploadRequest(random_file(10), "x", "t"), "nobody", policy=policy())
    with pytest.raises(CredentialsError, match="credentials file not found"):
        upload(UploadRequest(random_file(10), "x", "t"), "x_acct",
               credentials=tmp_path / "none.yaml")


def test_x_cannot_schedule(sandbox, random_file):
    account = sandbox.account("x")
    with pytest.raises(PermanentPublishError, match="cannot be scheduled"):
        upload(UploadRequest(random_file(10), "x", "t",
                             publish_at=datetime.now(UTC) + timedelta(days=1)), account)


def test_facebook_without_page_id(sandbox, random_file):
    from vidcamp.credentials import save_account

    save_account("fb", {"platform": "facebook", "access_token": "sbx-at-x"},
                 sandbox.credentials)
    with pytest.raises(CredentialsError, match="no page_id"):
        upload(UploadRequest(random_file(10), "facebook", "t"), "fb", chunk_size=CHUNK)


def test_endless_processing_hands_back_retryable_with_state(sandbox, random_file):
    account = sandbox.account("x")
    sandbox.settings(x_check_after_secs=400)
    sandbox.faults({"platform": "x", "kind": "processing", "pending_polls": 50})
    states: list[dict] = []
    sleeps = Sleeps()
    with pytest.raises(RetryableError, match="x: still processing after 800 s"):
        upload(UploadRequest(random_file(1000), "x", "t"), account, on_state=states.append,
               policy=policy(sleeps, max_processing_wait=900))
    assert sleeps == [400, 400]
    assert states[-1]["phase"] == "processing"  # a later run polls again, no re-upload
    sandbox.server.state.faults.clear()
    sandbox.settings(x_check_after_secs=1)
    for up in sandbox.server.state.uploads.values():
        up.meta["processing"]["left"] = 0
    upload(UploadRequest(random_file(1000), "x", "t"), account, resume=states[-1],
           policy=policy())
    assert len(sandbox.posts()) == 1


@pytest.mark.parametrize("preset", list(PRESETS))
def test_debug_logs_of_a_troubled_upload_hold_no_token(sandbox, random_file, caplog, preset):
    import logging

    platform = PRESETS[preset]
    account = sandbox.account(platform)
    first = sandbox.entry(account)
    sandbox.faults({"platform": platform, "kind": "status", "status": 502, "count": 2},
                   {"platform": platform, "route": "token", "kind": "status", "status": 500})
    if platform != "facebook":
        sandbox.faults({"platform": platform, "kind": "expire_token"})
    caplog.set_level(logging.DEBUG)  # httpx and httpcore included
    upload(UploadRequest(random_file(3 * CHUNK), preset, "t"), account, policy=policy(),
           chunk_size=CHUNK)
    text = caplog.text
    assert "retrying" in text
    for secret in [*sandbox.tokens(), first["access_token"], first.get("refresh_token", "")]:
        if secret:
            assert secret not in text
