"""Leases: one holder at a time, stale leases taken over, racing processes never share a post."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from vidcamp.ledger import Ledger, queue_posts
from vidcamp.ledger.store import new_owner

from .conftest import ROOT, T0, make_post


def _helper(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.ledger.helpers", *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_a_held_post_cannot_be_claimed_by_another_run(ledger_file: Path) -> None:
    queue_posts([make_post()], ledger_path=ledger_file, now=T0)
    with Ledger.open(ledger_file) as ledger:
        first = ledger.claim(new_owner(), T0)
        assert first is not None and first.state == "uploading"
        assert ledger.claim(new_owner(), T0) is None


def test_an_expired_lease_is_taken_over_and_resumes(ledger_file: Path) -> None:
    queue_posts([make_post()], ledger_path=ledger_file, now=T0)
    with Ledger.open(ledger_file) as ledger:
        crashed = new_owner()
        row = ledger.claim(crashed, T0, lease_seconds=-1)  # expired the moment it is taken
        assert row is not None
        ledger.save_resume(row.id, crashed, {"session": "s-1", "offset": 512, "size": 1024},
                           lease_seconds=-1)
        taker = new_owner()
        again = ledger.claim(taker, T0)
        assert again is not None and again.id == row.id
        assert again.resume == {"session": "s-1", "offset": 512, "size": 1024}
        assert again.lease_owner == taker
        assert "stale lease" in ledger.events(row.id)[-1].detail


def test_the_lease_of_a_dead_process_is_free_at_once(ledger_file: Path) -> None:
    queue_posts([make_post()], ledger_path=ledger_file, now=T0)
    proc = _helper("vanish", str(ledger_file))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    with Ledger.open(ledger_file) as ledger:
        row = ledger.get(int(out.strip()))
        assert row.lease_owner is not None and row.lease_until is not None
        assert row.lease_until > T0  # not expired: freed because its owner is gone
        taken = ledger.claim(new_owner(), T0)
        assert taken is not None and taken.id == row.id


@pytest.mark.slow
def test_racing_processes_never_claim_the_same_post(ledger_file: Path) -> None:
    posts = [make_post(f"c{i}", publish_at=T0 - timedelta(minutes=i)) for i in range(60)]
    queue_posts(posts, ledger_path=ledger_file, now=T0)
    procs = [_helper("claim-all", str(ledger_file)) for _ in range(4)]
    claimed: Counter[int] = Counter()
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        claimed.update(int(line) for line in out.split())
    assert sorted(claimed) == sorted(range(1, 61))
    assert max(claimed.values()) == 1
    with Ledger.open(ledger_file) as ledger:
        assert {r.state for r in ledger.posts()} == {"published"}


def test_a_run_that_lost_its_lease_cannot_record_anything(ledger_file: Path) -> None:
    import pytest

    from vidcamp.ledger.store import LeaseLost

    queue_posts([make_post()], ledger_path=ledger_file, now=T0)
    with Ledger.open(ledger_file) as ledger:
        slow = new_owner()
        row = ledger.claim(slow, T0, lease_seconds=-1)
        assert row is not None
        fast = new_owner()
        assert ledger.claim(fast, T0) is not None
        with pytest.raises(LeaseLost):
            ledger.save_resume(row.id, slow, {"offset": 9})
        with pytest.raises(LeaseLost):
            ledger.mark_published(row.id, slow, "dup", "https://example.invalid/dup")
        ledger.mark_published(row.id, fast, "one", "https://example.invalid/one")
        assert ledger.get(row.id).remote_id == "one"


def test_the_heartbeat_keeps_a_long_upload_leased(ledger_file: Path) -> None:
    import time

    from vidcamp.ledger.run import _Heartbeat

    queue_posts([make_post()], ledger_path=ledger_file, now=T0)
    with Ledger.open(ledger_file) as ledger:
        owner = new_owner()
        row = ledger.claim(owner, T0, lease_seconds=3)
        assert row is not None and row.lease_until is not None
        beat = _Heartbeat(ledger_file, row.id, owner, lease_seconds=3)
        beat.start()
        try:
            deadline = time.monotonic() + 30
            while ledger.get(row.id).lease_until == row.lease_until:
                assert time.monotonic() < deadline, "the lease was never renewed"
                time.sleep(0.05)
        finally:
            beat.stop()
        renewed = ledger.get(row.id).lease_until
        assert renewed is not None and renewed > row.lease_until
        assert ledger.get(row.id).lease_owner == owner
