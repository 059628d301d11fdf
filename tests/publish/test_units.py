"""Small pure pieces: URL mapping, Range parsing, backoff, Retry-After, the credentials file."""

from __future__ import annotations

import os
import stat
import time

import pytest

from vidcamp.credentials import load_account, load_all, save_account
from vidcamp.errors import CredentialsError
from vidcamp.publish.base import RetryPolicy, api_url, retry_after_seconds
from vidcamp.publish.youtube import _acknowledged


def test_api_root_mapping():
    url = "https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable"
    assert api_url(url, "") == url
    assert api_url(url, "http://127.0.0.1:9/") == (
        "http://127.0.0.1:9/www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable")
    # a URL the platform handed out is used exactly as returned
    assert api_url("http://127.0.0.1:9/rupload.facebook.com/x", "http://other") == (
        "http://127.0.0.1:9/rupload.facebook.com/x")


@pytest.mark.parametrize(("header", "offset"), [
    (None, 0), ("bytes=0-262143", 262144), ("0-99", 100), ("bytes=0-0", 1),
])
def test_youtube_range_header(header, offset):
    assert _acknowledged(header) == offset


def test_backoff_doubles_to_the_cap_and_jitters_down():
    p = RetryPolicy(backoff_base=1, backoff_cap=64, jitter=False)
    assert [p.delay(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 64, 64]
    low = RetryPolicy(jitter=True, rng=lambda: 0.0)
    assert low.delay(3) == 2.0
    assert p.delay(1, retry_after=30) == 30


def test_retry_after_forms():
    assert retry_after_seconds({"retry-after": "7"}) == 7
    assert retry_after_seconds({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0
    reset = retry_after_seconds({"x-rate-limit-reset": str(int(time.time()) + 100)})
    assert reset is not None and 98 <= reset <= 100
    assert retry_after_seconds({}) is None


def test_credentials_written_0600_atomically(tmp_path):
    path = tmp_path / "conf" / "credentials.yaml"
    save_account("a", {"platform": "x", "access_token": "s3cret-token"}, path)
    save_account("b", {"platform": "youtube", "refresh_token": "r"}, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert set(load_all(path)) == {"a", "b"}
    assert [p.name for p in path.parent.iterdir() if p.suffix == ".tmp"] == []


def test_credentials_errors_name_the_file_not_the_secret(tmp_path):
    path = tmp_path / "credentials.yaml"
    path.write_text("a:\n  platform: x\n  access_token: [s3cret-token\n")
    with pytest.raises(CredentialsError) as info:
        load_all(path)
    assert str(path) in str(info.value) and "s3cret-token" not in str(info.value)
    path.write_text("a:\n  platform: myspace\n  access_token: s3cret-token\n")
    with pytest.raises(CredentialsError, match="platform 'myspace'"):
        load_account("a", path)
