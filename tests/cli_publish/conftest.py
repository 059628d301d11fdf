"""publish --due against the loopback sandbox: real processes, real HTTP, real SQLite."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from vidcamp.jobs import Post

ROOT = Path(__file__).resolve().parents[2]

# (target, platform, preset) for each of the four platforms
TARGETS = (
    ("youtube_shorts", "youtube", "youtube_shorts"),
    ("facebook_reels", "facebook", "facebook_reels"),
    ("x", "x", "x"),
    ("dailymotion", "dailymotion", "dailymotion"),
)


def real_now() -> datetime:
    """Schedules in these tests sit around the real time, since platforms judge times by it."""
    return datetime.now(UTC).replace(second=0, microsecond=0)


def make_mp4(
    path: Path, *, seed: int = 0, big: bool = False, seconds: float | None = None
) -> Path:
    """A small real vertical MP4 (H.264 + AAC) made from lavfi; ``big`` makes it ~1 MB.

    Vertical and over 3 s, so it is a valid Short and Reel (the clients check both).
    """
    import imageio_ffmpeg

    ffmpeg = os.environ.get("VIDCAMP_FFMPEG") or imageio_ffmpeg.get_ffmpeg_exe()
    quality = ["-qp", "0"] if big else ["-crf", "35"]
    if seconds is None:
        seconds = 5 if big else 3.5
    subprocess.run(
        [
            ffmpeg, "-v", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc2=size=180x320:rate=25:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency={300 + 40 * seed}:duration={seconds}",
            "-vf", f"hue=h={seed * 37 % 360}",
            "-c:v", "libx264", "-preset", "ultrafast", *quality, "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "64k", "-shortest", "-movflags", "+faststart",
            str(path),
        ],
        check=True, capture_output=True, timeout=120,
    )
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Sandbox:
    """A running sandbox plus the credentials file of its accounts."""

    url: str
    credentials: Path
    server: Any
    accounts: dict[str, str] = field(default_factory=dict)  # platform -> account name

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=30) as answer:
            return json.load(answer)

    def post(self, path: str, body: Any) -> Any:
        request = urllib.request.Request(
            self.url + path, data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.load(answer)

    def posts(self) -> list[dict[str, Any]]:
        return list(self.get("/_sandbox/posts")["posts"])

    def faults(self, *faults: dict[str, Any]) -> None:
        self.post("/_sandbox/faults", {"faults": list(faults)})


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    from vidcamp.sandbox import SandboxServer

    server = SandboxServer().start()
    try:
        creds = tmp_path / "credentials.yaml"
        entries: dict[str, Any] = {}
        box = Sandbox(url=server.url, credentials=creds, server=server)
        for _, platform, _ in TARGETS:
            name = f"brand_{platform}"
            entries[name] = server.add_account(platform, name)
            box.accounts[platform] = name
        creds.write_text(yaml.safe_dump(entries))
        creds.chmod(0o600)
        # fast polls: X processing answers at once instead of after a second
        box.post("/_sandbox/settings", {"x_check_after_secs": 0, "facebook_chunk_size": 256 * 1024})
        yield box
    finally:
        server.stop()


def posts_for(
    box: Sandbox,
    media: Path,
    clips: int | range,
    *,
    publish_at: datetime,
    mode: str = "cron",
    big: bool = False,
    campaign: str = "demo",
) -> list[Post]:
    """``clips`` x four platforms posts, each with its own MP4 file (so each sha256 differs)."""
    posts = []
    media.mkdir(parents=True, exist_ok=True)
    for c in range(clips) if isinstance(clips, int) else clips:
        for t, (target, platform, preset) in enumerate(TARGETS):
            seed = c * len(TARGETS) + t
            video = make_mp4(media / f"clip{c}-{target}.mp4", seed=seed, big=big)
            posts.append(
                Post(
                    campaign=campaign, clip_id=f"clip{c}", target=target, platform=platform,
                    preset=preset, account=box.accounts[platform], video=video, thumbnail=None,
                    render_hash=sha256(video), publish_at=publish_at, privacy="public",
                    mode=mode, title=f"{campaign} clip{c} on {target}",
                    description=f"clip {c} for {platform} #demo", tags=("demo",),
                )
            )
    return posts


def env_for(box: Sandbox, ledger: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "VIDCAMP_API_ROOT": box.url,
        "VIDCAMP_CREDENTIALS": str(box.credentials),
        "VIDCAMP_LEDGER": str(ledger),
    }
    env.pop("VIDCAMP_NOW", None)
    env.update(extra)
    return env


def vidcamp(
    *args: str, env: dict[str, str], timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vidcamp", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )


def start_vidcamp(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "vidcamp", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def iso(value: datetime) -> str:
    return value.isoformat()


def later(value: datetime, **delta: float) -> datetime:
    return value + timedelta(**delta)
