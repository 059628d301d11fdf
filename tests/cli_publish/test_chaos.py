"""Chaos: `publish --due` runs killed with SIGKILL at random moments while the sandbox injects
faults. In the end every due post is published exactly once: none missing, none twice."""

from __future__ import annotations

import json
import random
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

from vidcamp.ledger import Ledger, queue_posts

from .conftest import (
    Sandbox,
    env_for,
    iso,
    later,
    posts_for,
    real_now,
    sha256,
    start_vidcamp,
    vidcamp,
)

SEED = 20260501
KILLED_RUNS = 50
CHUNK = 256 * 1024


def _random_fault(rng: random.Random) -> dict[str, Any]:
    """One transient fault: each is something a client rides out or the next run resumes.

    Left out on purpose: expired tokens on X and Dailymotion, and lost answers from their token
    endpoints. Both rotate the refresh token on use, so a run killed (or an answer lost) between
    the platform's rotation and the credentials write-back leaves a spent refresh token: that
    account needs `vidcamp auth login` again, which is the right outcome, not a lost post.
    Facebook Page tokens cannot be refreshed at all.
    """
    platform = rng.choice(["youtube", "facebook", "x", "dailymotion"])
    choices: list[dict[str, Any]] = [
        {"kind": "drop", "after_bytes": rng.randint(1, CHUNK)},
        {"kind": "status", "status": rng.choice([500, 502, 503]), "count": rng.randint(1, 2)},
        {"kind": "rate_limit", "seconds": 1},
    ]
    route_faults = {
        "youtube": [{"route": "chunk", "kind": "drop_response"},
                    {"route": "chunk", "kind": "session_expired"},
                    {"route": "session", "kind": "drop_response"},
                    {"kind": "expire_token"}],
        "facebook": [{"route": "transfer", "kind": "wrong_offset"},
                     {"route": "rupload", "kind": "drop_response"},
                     {"route": "finish", "kind": "drop_response"}],
        "x": [{"route": "tweet", "kind": "drop_response"},
              {"route": "append", "kind": "drop", "after_bytes": rng.randint(1, CHUNK)},
              {"kind": "processing", "pending_polls": rng.randint(1, 3), "result": "succeeded"}],
        "dailymotion": [{"route": "create", "kind": "drop_response"},
                        {"route": "upload", "kind": "drop", "after_bytes": rng.randint(1, CHUNK)}],
    }
    fault = dict(rng.choice(choices + route_faults[platform]))
    fault["platform"] = platform
    return fault


def test_killed_runs_under_faults_publish_every_post_exactly_once(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    t0 = real_now()
    ledger = tmp_path / "ledger.sqlite3"
    media = tmp_path / "media"
    # clip0: due now (cron); clip1: platform-scheduled two days ahead (its X post by cron then)
    posts = posts_for(sandbox, media, range(0, 1), publish_at=later(t0, minutes=-1), big=True)
    posts += posts_for(sandbox, media, range(1, 2), publish_at=later(t0, days=2), big=True,
                       mode="platform")
    queue_posts(posts, ledger_path=ledger, now=t0)

    def env_at(run: int) -> dict[str, str]:
        # the schedule clock moves 2 h a run, so back-offs and deferrals come due
        return env_for(sandbox, ledger, VIDCAMP_NOW=iso(later(t0, hours=2 * run)),
                       VIDCAMP_CHUNK_SIZE=str(CHUNK))

    killed = 0
    for run in range(KILLED_RUNS):
        # keep about two faults armed: runs killed early would otherwise pile them up
        armed = [f for f in sandbox.get("/_sandbox/faults")["faults"]
                 if f.get("kind") != "processing" and int(f.get("count", 1)) > 0]
        if len(armed) < 2:
            sandbox.faults(*[_random_fault(rng) for _ in range(2 - len(armed))])
        proc = start_vidcamp("publish", "--due", "--quiet", "--max-attempts", "1000",
                             env=env_at(run))
        time.sleep(rng.uniform(0.05, 1.2))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.communicate(timeout=60)

    # then cron keeps running, unharmed, until nothing is left
    for run in range(KILLED_RUNS, KILLED_RUNS + 30):
        started = time.monotonic()
        done = vidcamp("publish", "--due", "--json", "--max-attempts", "1000", env=env_at(run))
        report = json.loads(done.stdout)
        print("recovery", run, round(time.monotonic() - started, 1), report["summary"])
        with Ledger.open(ledger) as book:
            if all(r.state == "published" for r in book.posts()):
                break
    else:
        with Ledger.open(ledger) as book:
            left = [(r.key, r.state, r.last_error) for r in book.posts() if r.state != "published"]
        raise AssertionError(f"unpublished after the recovery runs: {left} (last run: {report})")

    assert killed >= KILLED_RUNS // 2, f"only {killed} runs were killed mid-way"
    remote = sandbox.posts()
    hashes = Counter(p["sha256"] for p in remote)
    expected = Counter(sha256(p.video) for p in posts)
    assert hashes == expected, "a post is missing or was published twice"
    with Ledger.open(ledger) as book:
        rows = book.posts()
        assert {r.state for r in rows} == {"published"}
        assert {r.remote_id for r in rows} == {p["remote_id"] for p in remote}
        resumed = sum(
            1 for r in rows for e in book.events(r.id) if "stale lease" in e.detail
        )
    assert resumed >= 1  # killed uploads were taken over, not started afresh elsewhere
    print(f"chaos: {killed} runs killed, {resumed} stale leases taken over")
