"""Helpers for the publish tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

from vidcamp.publish.base import RetryPolicy

KIB = 1024
CHUNK = 256 * KIB  # many chunks per small file
SIZE = 2 * 1024 * KIB + 12345  # 2 MiB and an odd tail: 9 chunks of 256 KiB

# preset -> platform, for every upload flow there is
PRESETS = {
    "youtube": "youtube",
    "youtube_shorts": "youtube",
    "facebook": "facebook",
    "facebook_reels": "facebook",
    "x": "x",
    "dailymotion": "dailymotion",
}


class Sleeps(list[float]):
    """Records the waits a policy asks for instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def policy(sleeps: Sleeps | None = None, **kw: object) -> RetryPolicy:
    return RetryPolicy(sleep=sleeps if sleeps is not None else Sleeps(), jitter=False,
                       **kw)  # type: ignore[arg-type]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
