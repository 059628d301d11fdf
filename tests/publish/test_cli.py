"""The commands end to end in a real process: output is useful and never holds a secret."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.publish.common import CHUNK, sha256

ROOT = Path(__file__).resolve().parents[2]


def _run(sandbox, *args: str, **kw) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VIDCAMP_API_ROOT": sandbox.url,
           "VIDCAMP_CREDENTIALS": str(sandbox.credentials), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "vidcamp", *args], cwd=ROOT, env=env,
                          text=True, capture_output=True, timeout=60, **kw)


def _assert_no_secret(sandbox, text: str, extra: list[str] = ()) -> None:
    for secret in [*sandbox.tokens(), *extra]:
        assert secret not in text


@pytest.mark.slow
def test_upload_json_with_refresh_and_retries_leaks_no_token(sandbox, random_file):
    account = sandbox.account("x")
    old = sandbox.entry(account)
    video = random_file(3 * CHUNK + 5)
    sandbox.faults({"platform": "x", "route": "append", "kind": "expire_token", "skip": 1},
                   {"platform": "x", "route": "tweet", "kind": "status", "status": 503})
    proc = _run(sandbox, "-v", "upload", str(video), "--account", account, "--title", "Hello",
                "--description", "World", "--tags", "a,b", "--chunk-size", str(CHUNK),
                "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["ok"] and result["platform"] == "x" and result["state"] == "published"
    assert "access token refreshed" in proc.stderr  # the verbose log did run
    new = sandbox.entry(account)
    assert new["refresh_token"] != old["refresh_token"]
    _assert_no_secret(sandbox, proc.stdout + proc.stderr,
                      [old["access_token"], old["refresh_token"]])
    assert sandbox.posts()[0]["sha256"] == sha256(video)


def test_upload_failure_json_is_classified_and_secret_free(sandbox, random_file):
    account = sandbox.account("dailymotion")
    old = sandbox.entry(account)
    sandbox.faults({"platform": "dailymotion", "kind": "revoke"})
    proc = _run(sandbox, "-v", "upload", str(random_file(1000)), "--account", account,
                "--title", "t", "--json")
    assert proc.returncode == 5
    failure = json.loads(proc.stdout)
    assert failure["ok"] is False and failure["kind"] == "reauth"
    assert proc.stderr.strip().splitlines()[-1].startswith("error: dailymotion: token refresh")
    _assert_no_secret(sandbox, proc.stdout + proc.stderr,
                      [old["access_token"], old["refresh_token"]])


def test_upload_plain_progress_lines_and_deferred_exit(sandbox, random_file):
    account = sandbox.account("youtube")
    proc = _run(sandbox, "upload", str(random_file(8 * CHUNK)), "--account", account,
                "--title", "t", "--chunk-size", str(CHUNK), "--privacy", "unlisted")
    assert proc.returncode == 0, proc.stderr
    assert "100%" in proc.stderr and "MB/s" in proc.stderr
    assert proc.stdout.startswith("published: https://www.youtube.com/watch?v=")
    sandbox.faults({"platform": "youtube", "kind": "quota"})
    proc = _run(sandbox, "upload", str(random_file(1000)), "--account", account, "--title",
                "t", "--quiet")
    assert proc.returncode == 5
    assert proc.stderr.startswith("error: youtube: The request cannot be completed")
    assert "try again at" in proc.stderr and "Traceback" not in proc.stderr


def test_auth_status_shows_validity_never_secrets(sandbox):
    sandbox.account("youtube")
    sandbox.account("facebook")
    from vidcamp.credentials import save_account

    save_account("old_x", {"platform": "x", "client_id": "c", "access_token": "sbx-at-old1",
                           "refresh_token": "sbx-rt-old1",
                           "expires_at": "2001-01-01T00:00:00+00:00"}, sandbox.credentials)
    proc = _run(sandbox, "auth", "status", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = {r["account"]: r for r in json.loads(proc.stdout)}
    assert rows["youtube_acct"]["token"] == "valid"
    assert rows["old_x"]["token"] == "expired" and rows["old_x"]["refreshable"]
    assert rows["facebook_acct"]["platform"] == "facebook"
    plain = _run(sandbox, "auth", "status")
    _assert_no_secret(sandbox, proc.stdout + plain.stdout + plain.stderr,
                      ["sbx-at-old1", "sbx-rt-old1"])
    assert "old_x: x, token expired (refreshable)" in plain.stdout


def test_auth_login_x_pkce_through_the_browser_flow(sandbox):
    from vidcamp.credentials import save_account

    name = sandbox.account("x", "brand_x")
    registered = sandbox.entry(name)
    save_account(name, {"platform": "x", "client_id": registered["client_id"],
                        "client_secret": registered["client_secret"]}, sandbox.credentials)
    env = {**os.environ, "VIDCAMP_API_ROOT": sandbox.url,
           "VIDCAMP_CREDENTIALS": str(sandbox.credentials), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "vidcamp", "auth", "login", name,
                             "--no-browser"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    url = ""
    for line in proc.stderr:
        if line.strip().startswith("http"):
            url = line.strip()
            break
    assert "code_challenge=" in url and "code_challenge_method=S256" in url
    # the "browser": the sandbox approves and redirects to the loopback catcher
    answer = httpx.get(url, follow_redirects=True, timeout=30)
    assert answer.status_code == 200
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "account brand_x (x) saved" in out
    entry = sandbox.entry(name)
    assert entry["access_token"].startswith("sbx-at-") and entry["refresh_token"]
    assert entry["access_token"] != registered["access_token"]
    assert stat.S_IMODE(os.stat(sandbox.credentials).st_mode) == 0o600
    _assert_no_secret(sandbox, out + err)


def test_auth_login_paste(sandbox):
    proc = _run(sandbox, "auth", "login", "pasted_dm", "--platform", "dailymotion", "--paste",
                input="cid\ncsecret-value\nrt-value\nat-value\n")
    assert proc.returncode == 0, proc.stderr
    entry = sandbox.entry("pasted_dm")
    assert (entry["client_secret"], entry["refresh_token"], entry["access_token"]) == (
        "csecret-value", "rt-value", "at-value")
    assert "rt-value" not in proc.stdout and "at-value" not in proc.stdout


def test_help_does_not_import_heavy_libraries(sandbox):
    code = ("import sys; from vidcamp.cli import main\n"
            "try:\n main(['upload', '--help'])\nexcept SystemExit: pass\n"
            "import vidcamp.publish, vidcamp.sandbox\n"
            "print(sorted(m for m in ('av', 'numpy', 'moviepy') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, text=True,
                          capture_output=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_sandbox_serve_command_for_people(tmp_path):
    creds = tmp_path / "creds.yaml"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VIDCAMP_CREDENTIALS": str(creds)}
    env.pop("VIDCAMP_API_ROOT", None)
    proc = subprocess.Popen([sys.executable, "-m", "vidcamp", "sandbox", "serve", "--port",
                             "0", "--seed", "youtube:demo_yt"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(4)]
        root = lines[1].split("VIDCAMP_API_ROOT=")[1].strip()
        sandbox_creds = lines[2].split("VIDCAMP_CREDENTIALS=")[1].split()[0]
        assert sandbox_creds == str(tmp_path / "credentials.sandbox.yaml")
        assert "account demo_yt (youtube) saved" in lines[3]
        assert root.startswith("http://127.0.0.1:")
        assert not creds.exists()  # seeding never touches the real credentials file
        video = tmp_path / "v.mp4"
        video.write_bytes(os.urandom(1000))
        done = subprocess.run([sys.executable, "-m", "vidcamp", "upload", str(video),
                               "--account", "demo_yt", "--title", "demo", "--json"],
                              cwd=ROOT, env={**env, "VIDCAMP_API_ROOT": root,
                                             "VIDCAMP_CREDENTIALS": sandbox_creds}, text=True,
                              capture_output=True, timeout=60)
        assert done.returncode == 0, done.stderr
        posts = httpx.get(f"{root}/_sandbox/posts").json()["posts"]
        assert [p["title"] for p in posts] == ["demo"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
