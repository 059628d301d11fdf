"""The sandbox is as strict as the platforms, and controllable over HTTP from any process."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.publish.common import policy
from vidcamp.publish import UploadRequest, upload
from vidcamp.publish.oauth import login

ROOT = Path(__file__).resolve().parents[2]
Q = 256 * 1024


@pytest.fixture
def yt(sandbox):
    """A YouTube upload session for 1 MiB + 10 bytes, and the account's bearer header."""
    entry = sandbox.server.add_account("youtube", "strict_yt")
    auth = {"Authorization": f"Bearer {entry['access_token']}"}
    size = 4 * Q + 10
    r = httpx.post(f"{sandbox.url}/www.googleapis.com/upload/youtube/v3/videos",
                   params={"uploadType": "resumable", "part": "snippet,status"},
                   headers={**auth, "X-Upload-Content-Length": str(size)},
                   json={"snippet": {"title": "t"}, "status": {"privacyStatus": "public"}})
    assert r.status_code == 200
    return r.headers["location"], auth, size


def test_youtube_rejects_bad_chunks(sandbox, yt):
    session, auth, size = yt
    bad = [
        ({"Content-Range": f"bytes 0-{Q + 99}/{size}"}, os.urandom(Q + 100)),  # not 256 KiB
        ({}, os.urandom(Q)),  # no Content-Range
        ({"Content-Range": "bytes zero/all"}, os.urandom(Q)),
        ({"Content-Range": f"bytes {Q}-{2 * Q - 1}/{size}"}, os.urandom(Q)),  # gap
        ({"Content-Range": f"bytes 0-{Q - 1}/{size + 1}"}, os.urandom(Q)),  # wrong total
    ]
    for headers, body in bad:
        r = httpx.put(session, headers={**auth, **headers}, content=body)
        assert r.status_code == 400, (headers, r.text)
    r = httpx.put(session, headers={**auth, "Content-Range": f"bytes 0-{Q - 1}/{size}"},
                  content=os.urandom(Q))
    assert (r.status_code, r.headers["range"]) == (308, f"bytes=0-{Q - 1}")
    r = httpx.put(session, headers={**auth, "Content-Range": f"bytes */{size}"})
    assert (r.status_code, r.headers["range"]) == (308, f"bytes=0-{Q - 1}")


def test_tokens_are_checked(sandbox):
    url = f"{sandbox.url}/www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable"
    assert httpx.post(url, json={}).status_code == 401
    assert httpx.post(url, headers={"Authorization": "Bearer sbx-at-made-up"},
                      json={}).json()["error"]["errors"][0]["reason"] == "authError"
    x = sandbox.server.add_account("x", "strict_x")
    sandbox.faults({"platform": "x", "kind": "expire_token"})
    r = httpx.get(f"{sandbox.url}/api.x.com/2/users/me",
                  headers={"Authorization": f"Bearer {x['access_token']}"})
    assert r.status_code == 401
    dm = sandbox.server.add_account("dailymotion", "strict_dm", expires_in=-1)
    r = httpx.get(f"{sandbox.url}/api.dailymotion.com/file/upload",
                  headers={"Authorization": f"Bearer {dm['access_token']}"})
    assert r.status_code == 401 and 'error="invalid_token"' in r.headers["www-authenticate"]


def _x_append(sandbox, media_id: str, auth: dict, index: int, data: bytes) -> httpx.Response:
    return httpx.post(f"{sandbox.url}/api.x.com/2/media/upload/{media_id}/append",
                      headers=auth, data={"segment_index": str(index)},
                      files={"media": ("blob", data, "application/octet-stream")}, timeout=30)


def test_x_rejects_big_and_out_of_order_segments(sandbox):
    entry = sandbox.server.add_account("x", "strict_x")
    auth = {"Authorization": f"Bearer {entry['access_token']}"}
    total = 6 * 1024 * 1024
    r = httpx.post(f"{sandbox.url}/api.x.com/2/media/upload/initialize", headers=auth,
                   json={"media_type": "video/mp4", "total_bytes": total,
                         "media_category": "amplify_video"})
    media_id = r.json()["data"]["id"]
    assert _x_append(sandbox, media_id, auth, 1, b"x" * 10).status_code == 400  # out of order
    assert _x_append(sandbox, media_id, auth, 0, os.urandom(5 * 1024 * 1024 + 1)
                     ).status_code == 400  # over 5 MB
    assert _x_append(sandbox, media_id, auth, 0, b"y" * 100).status_code == 204
    r = httpx.post(f"{sandbox.url}/api.x.com/2/media/upload/{media_id}/finalize", headers=auth)
    assert r.status_code == 400  # bytes missing


def test_facebook_wrong_offset_tells_the_right_one(sandbox):
    entry = sandbox.server.add_account("facebook", "strict_fb")
    sandbox.settings(facebook_chunk_size=1000)
    url = f"{sandbox.url}/graph-video.facebook.com/v21.0/{entry['page_id']}/videos"
    token = entry["access_token"]
    start = httpx.post(url, data={"upload_phase": "start", "file_size": "2500",
                                  "access_token": token}).json()
    assert (start["start_offset"], start["end_offset"]) == ("0", "1000")
    r = httpx.post(url, data={"upload_phase": "transfer", "access_token": token,
                              "upload_session_id": start["upload_session_id"],
                              "start_offset": "1000"},
                   files={"video_file_chunk": ("c", b"z" * 1000)})
    error = r.json()["error"]
    assert error["error_subcode"] == 1363037
    assert error["error_data"] == {"start_offset": "0", "end_offset": "1000"}
    r = httpx.post(url, data={"upload_phase": "finish", "access_token": token,
                              "upload_session_id": start["upload_session_id"]})
    assert r.status_code == 400  # not all bytes there


def test_control_from_another_process(sandbox, random_file):
    """Faults, accounts and counters over HTTP: a separate process drives the sandbox."""
    script = f"""
import httpx, json
root = {sandbox.url!r}
acct = httpx.post(root + "/_sandbox/accounts", json={{"platform": "dailymotion",
                  "name": "remote_dm"}}).json()
httpx.post(root + "/_sandbox/faults", json={{"faults": [{{"platform": "dailymotion",
           "route": "create", "kind": "status", "status": 502, "count": 2}}]}})
print(json.dumps(acct))
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    import json

    from vidcamp.credentials import save_account

    save_account("remote_dm", json.loads(proc.stdout), sandbox.credentials)
    video = random_file(50_000)
    upload(UploadRequest(video, "dailymotion", "remote"), "remote_dm", policy=policy())
    posts = httpx.get(f"{sandbox.url}/_sandbox/posts").json()["posts"]
    assert [p["sha256"] for p in posts] == [hashlib.sha256(video.read_bytes()).hexdigest()]
    stats = httpx.get(f"{sandbox.url}/_sandbox/stats").json()
    assert stats["routes"]["dailymotion.create"] == 3
    assert stats["bytes_received"]["dailymotion"] == 50_000
    assert httpx.post(f"{sandbox.url}/_sandbox/reset").status_code == 200
    assert httpx.get(f"{sandbox.url}/_sandbox/posts").json()["posts"] == []
    bad = httpx.post(f"{sandbox.url}/_sandbox/faults", json={"faults": [{"kind": "nope"}]})
    assert bad.status_code == 400


def _browser(url: str) -> None:
    assert httpx.get(url, follow_redirects=True, timeout=30).status_code == 200


def test_oauth_login_youtube_offline_access(sandbox):
    entry = sandbox.server.add_account("youtube", "login_yt")
    seen: list[str] = []
    got = login("youtube", entry["client_id"], entry["client_secret"],
                open_url=lambda u: (seen.append(u), _browser(u)))
    assert "access_type=offline" in seen[0]
    assert got["refresh_token"] and got["access_token"] != entry["access_token"]
    assert got["expires_at"]


def test_oauth_login_facebook_gets_the_page_token(sandbox):
    entry = sandbox.server.add_account("facebook", "login_fb")
    got = login("facebook", entry["client_id"], entry["client_secret"], open_url=_browser)
    assert got["page_id"] == entry["page_id"]
    assert got["access_token"].startswith("sbx-at-") and "refresh_token" not in got


def test_oauth_login_rejects_wrong_secret(sandbox):
    from vidcamp.errors import ReauthRequired

    entry = sandbox.server.add_account("dailymotion", "login_dm")
    with pytest.raises(ReauthRequired, match="code exchange refused"):
        login("dailymotion", entry["client_id"], "wrong", open_url=_browser)
