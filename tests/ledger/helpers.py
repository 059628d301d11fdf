"""Subprocess bodies for the ledger tests (``python -m tests.ledger.helpers ACTION ...``)."""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

from vidcamp.ledger import Ledger, queue_posts
from vidcamp.ledger.store import new_owner

from .conftest import T0, make_post


def claim_and_vanish(path: Path) -> None:
    """Take a lease and die without giving it back, like a run killed mid-upload."""
    with Ledger.open(path) as ledger:
        row = ledger.claim(new_owner(), T0)
        print(row.id if row else "none", flush=True)
    os._exit(0)


def claim_all(path: Path) -> None:
    """Claim and finish posts until none is left; print each id claimed."""
    owner = new_owner()
    with Ledger.open(path) as ledger:
        while True:
            row = ledger.claim(owner, T0)
            if row is None:
                return
            print(row.id, flush=True)
            ledger.save_resume(row.id, owner, {"offset": 1, "size": 2})
            ledger.mark_published(row.id, owner, f"r{row.id}", f"https://example.invalid/{row.id}")


def write_forever(path: Path, batch: int) -> None:
    """Queue posts one transaction at a time; print each batch's first key once committed."""
    n = 0
    if path.exists():
        with Ledger.open(path) as ledger:
            n = len(ledger.posts())  # carry on after what the last (killed) writer committed
    while True:
        posts = [
            make_post(f"k{n + i}", publish_at=T0 + timedelta(minutes=n + i)) for i in range(batch)
        ]
        queue_posts(posts, ledger_path=path, now=T0)
        print(n, flush=True)
        n += batch


if __name__ == "__main__":
    action, target = sys.argv[1], Path(sys.argv[2])
    if action == "vanish":
        claim_and_vanish(target)
    elif action == "claim-all":
        claim_all(target)
    elif action == "write":
        write_forever(target, int(sys.argv[3]))
