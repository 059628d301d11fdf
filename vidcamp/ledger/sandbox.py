"""Rehearsal against the sandbox: its own ledger, its own credentials, and its API root.

A rehearsal must never mark a real post as published, so ``--sandbox`` works on a second ledger
file beside the real one (``ledger.sqlite3`` -> ``ledger.sandbox.sqlite3``) into which the real
ledger's posts are copied by the ordinary queueing rules before each run. Sandbox tokens live
in their own credentials file too (``credentials.sandbox.yaml`` beside the real one, or
``VIDCAMP_SANDBOX_CREDENTIALS``), so seeding sandbox accounts never overwrites a real account.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from vidcamp.errors import UsageError
from vidcamp.paths import sandbox_credentials_path

SANDBOX_URL_ENV = "VIDCAMP_SANDBOX_URL"
DEFAULT_SANDBOX_URL = "http://127.0.0.1:8765"


def sandbox_url() -> str:
    """Where the sandbox listens: ``VIDCAMP_SANDBOX_URL``, else the serve command's default."""
    url = os.environ.get(SANDBOX_URL_ENV, DEFAULT_SANDBOX_URL).rstrip("/")
    if not url.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]")):
        raise UsageError(f"{SANDBOX_URL_ENV}={url!r}: the sandbox must be on loopback (127.0.0.1)")
    return url


def sandbox_ledger_path(real: Path) -> Path:
    return real.with_name(real.stem + ".sandbox" + (real.suffix or ".sqlite3"))


@dataclass(frozen=True)
class Rehearsal:
    """Where a rehearsal run works: its ledger, the sandbox's API root, its credentials file.

    Passed down to ``publish_due`` and from there to every upload; the process environment is
    left as it was, so nothing else in the process is pointed at the sandbox by accident.
    """

    ledger: Path
    api_root: str
    credentials: Path


def enter_sandbox(real_ledger: Path) -> Rehearsal:
    """Mirror the real ledger's posts into the rehearsal ledger; where the rehearsal works."""
    rehearsal_at = Rehearsal(sandbox_ledger_path(real_ledger), sandbox_url(),
                             sandbox_credentials_path())
    target = rehearsal_at.ledger
    if real_ledger.exists():
        from vidcamp.jobs import Post
        from vidcamp.ledger.queue import queue_into
        from vidcamp.ledger.store import Ledger

        with Ledger.open(real_ledger, create=False) as source:
            posts = [
                Post(
                    campaign=r.campaign, clip_id=r.clip_id, target=r.target,
                    platform=r.platform, preset=r.preset, account=r.account, video=r.video,
                    thumbnail=r.thumbnail, render_hash=r.render_hash, publish_at=r.publish_at,
                    privacy=r.privacy, mode=r.mode, title=r.title,
                    description=r.description, tags=r.tags, made_for_kids=r.made_for_kids,
                )
                # in id order, so the rehearsal's short ids match the real ledger's
                for r in sorted(source.posts(), key=lambda row: row.id)
                if r.state != "cancelled"
            ]
        with Ledger.open(target) as rehearsal:
            queue_into(rehearsal, posts, allow_duplicate=True)  # the real ledger decided
    return rehearsal_at
