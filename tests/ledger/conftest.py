"""Shared helpers for the ledger tests: posts to queue, a private ledger, the CLI as a process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from vidcamp.jobs import Post

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def make_post(
    clip: str = "c1",
    *,
    target: str = "youtube_shorts",
    platform: str = "youtube",
    preset: str = "youtube_shorts",
    account: str = "brand",
    video: Path | None = None,
    render_hash: str | None = None,
    publish_at: datetime | None = None,
    mode: str = "platform",
    campaign: str = "demo",
    title: str = "A title",
) -> Post:
    return Post(
        campaign=campaign,
        clip_id=clip,
        target=target,
        platform=platform,
        preset=preset,
        account=account,
        video=video or Path(f"/nonexistent/{clip}-{target}.mp4"),
        thumbnail=None,
        # a different render per clip and target, as in real builds (the duplicate guard
        # refuses the same content to the same account under another key)
        render_hash=render_hash or (
            "hash-1" if (clip, target) == ("c1", "youtube_shorts") else f"hash-{clip}-{target}"
        ),
        publish_at=publish_at or T0 + timedelta(hours=1),
        privacy="public",
        mode=mode,
        title=title,
        description="words",
        tags=("one", "two"),
    )


def changed(post: Post, **fields: object) -> Post:
    return replace(post, **fields)  # type: ignore[arg-type]


@pytest.fixture
def ledger_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "ledger.sqlite3"
    monkeypatch.setenv("VIDCAMP_LEDGER", str(path))
    monkeypatch.delenv("VIDCAMP_NOW", raising=False)
    monkeypatch.delenv("VIDCAMP_API_ROOT", raising=False)
    yield path


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m vidcamp ARGS`` as a real process, from the source checkout."""
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "vidcamp", *args],
        cwd=ROOT, env=full, capture_output=True, text=True, timeout=120,
    )
