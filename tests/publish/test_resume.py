"""A process killed mid-upload; a new process given the saved state sends only the remainder."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.publish.common import CHUNK, PRESETS, SIZE, policy, sha256
from vidcamp.publish import UploadRequest, upload

ROOT = Path(__file__).resolve().parents[2]


def _child(sandbox, tmp_path, preset: str, video: Path, **extra) -> subprocess.Popen[str]:
    args = {"preset": preset, "account": f"{PRESETS[preset]}_acct", "file": str(video),
            "credentials": str(sandbox.credentials), "chunk_size": CHUNK,
            "state_out": str(tmp_path / "state.json"), **extra}
    env = {**os.environ, "VIDCAMP_API_ROOT": sandbox.url, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "tests.publish.upload_child",
                             json.dumps(args)], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for_state(path: Path, proc: subprocess.Popen[str], done) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if path.exists():
            state = json.loads(path.read_text())
            if done(state):
                return state
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    raise AssertionError("the child never reached the expected state")


@pytest.mark.parametrize("preset", ["youtube", "facebook", "facebook_reels", "x"])
@pytest.mark.slow
def test_sigkilled_upload_resumes_with_only_the_remainder(sandbox, random_file, tmp_path,
                                                          preset):
    platform = PRESETS[preset]
    sandbox.settings(facebook_chunk_size=CHUNK)
    sandbox.account(platform)
    video = random_file(SIZE)
    state_file = tmp_path / "state.json"
    first = _child(sandbox, tmp_path, preset, video, pause_offset=4 * CHUNK)
    state = _wait_for_state(state_file, first, lambda s: int(s.get("offset") or 0) >= 4 * CHUNK)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert first.returncode == -signal.SIGKILL
    sent_before = sandbox.received(platform)
    assert sent_before == state["offset"] < SIZE
    assert sandbox.posts() == []

    saved = tmp_path / "saved.json"
    saved.write_text(state_file.read_text())
    second = _child(sandbox, tmp_path, preset, video, resume=str(saved))
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    result = json.loads(out)
    # every byte arrived exactly once across both processes
    assert sandbox.received(platform) == SIZE
    [post] = sandbox.posts()
    assert post["sha256"] == sha256(video)
    assert post["remote_id"] == result["remote_id"]


@pytest.mark.parametrize(("preset", "route"), [
    ("youtube", "chunk"), ("facebook", "finish"), ("facebook_reels", "finish"),
    ("x", "tweet"), ("dailymotion", "create"),
])
@pytest.mark.slow
def test_create_sent_but_answer_never_recorded_is_not_sent_again(
    sandbox, random_file, tmp_path, preset, route
):
    """The platform made the post, the process died before it learnt so: no second post."""
    platform = PRESETS[preset]
    sandbox.settings(facebook_chunk_size=CHUNK)
    sandbox.account(platform)
    video = random_file(SIZE)
    skip = -(-SIZE // CHUNK) - 1 if route == "chunk" else 0  # YouTube: the last chunk
    sandbox.faults({"platform": platform, "route": route, "kind": "drop_response",
                    "skip": skip})
    first = _child(sandbox, tmp_path, preset, video, max_attempts=1)
    out, err = first.communicate(timeout=60)
    assert first.returncode == 5 and "RetryableError" in out, (out, err)
    assert len(sandbox.posts()) == 1  # created, but the process never saw the answer
    state = json.loads((tmp_path / "state.json").read_text())
    assert state["phase"] in ("uploading", "finishing", "posting", "creating")

    saved = tmp_path / "saved.json"
    saved.write_text(json.dumps(state))
    second = _child(sandbox, tmp_path, preset, video, resume=str(saved))
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    [post] = sandbox.posts()
    assert post["remote_id"] == json.loads(out)["remote_id"]
    assert sandbox.received(platform) == SIZE


@pytest.mark.slow
def test_dailymotion_resume_after_upload_skips_the_file(sandbox, random_file, tmp_path):
    """Dailymotion has no partial resume; once the file is up, a new process only creates."""
    sandbox.account("dailymotion")
    video = random_file(SIZE)
    first = _child(sandbox, tmp_path, "dailymotion", video, pause_phase="uploaded")
    state = _wait_for_state(tmp_path / "state.json", first,
                            lambda s: s.get("phase") == "uploaded")
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    saved = tmp_path / "saved.json"
    saved.write_text(json.dumps(state))
    second = _child(sandbox, tmp_path, "dailymotion", video, resume=str(saved))
    _, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert sandbox.received("dailymotion") == SIZE
    assert [p["sha256"] for p in sandbox.posts()] == [sha256(video)]


def test_in_process_abort_after_n_chunks_then_resume(sandbox, random_file):
    """The same in one process: an exception from on_state stops the upload after 3 chunks."""
    account = sandbox.account("youtube")
    video = random_file(SIZE)
    saved: list[dict] = []

    class Stop(Exception):
        pass

    def on_state(state: dict) -> None:
        saved.append(json.loads(json.dumps(state)))  # what a ledger would store
        if state.get("offset", 0) >= 3 * CHUNK:
            raise Stop

    with pytest.raises(Stop):
        upload(UploadRequest(video, "youtube", "t"), account, on_state=on_state,
               policy=policy(), chunk_size=CHUNK)
    assert sandbox.received("youtube") == 3 * CHUNK
    upload(UploadRequest(video, "youtube", "t"), account, resume=saved[-1], policy=policy(),
           chunk_size=CHUNK)
    assert sandbox.received("youtube") == SIZE
    assert len(sandbox.posts()) == 1


def test_state_for_another_file_is_ignored(sandbox, random_file):
    account = sandbox.account("x")
    stale = {"platform": "x", "phase": "appending", "size": 1, "media_id": "1",
             "segment": 3, "segment_size": CHUNK}
    video = random_file(SIZE)
    upload(UploadRequest(video, "x", "t"), account, resume=stale, policy=policy(),
           chunk_size=CHUNK)
    assert sandbox.posts()[0]["sha256"] == sha256(video)


@pytest.mark.parametrize("preset", list(PRESETS))
def test_finished_state_sends_nothing_again(sandbox, random_file, preset):
    """A run whose result was lost after the last checkpoint: resuming just reports it."""
    account = sandbox.account(PRESETS[preset])
    video = random_file(5000)
    states: list[dict] = []
    first = upload(UploadRequest(video, preset, "t"), account, on_state=states.append,
                   policy=policy())
    hits = sum(sandbox.server.stats()["routes"].values())
    again = upload(UploadRequest(video, preset, "t"), account, resume=states[-1],
                   policy=policy())
    assert again == first
    assert sum(sandbox.server.stats()["routes"].values()) == hits
