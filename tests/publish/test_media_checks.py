"""Real MP4s (made with ffmpeg lavfi): duration/size read without PyAV, preset checks."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pytest

from tests.publish.common import policy, sha256
from vidcamp.errors import PermanentPublishError
from vidcamp.publish import UploadRequest, upload
from vidcamp.publish.mp4info import read_mp4_info


def _mp4(path: Path, size: str, seconds: float) -> Path:
    from vidcamp.media.ffmpeg import find_ffmpeg

    subprocess.run([str(find_ffmpeg()), "-v", "error", "-f", "lavfi", "-i",
                    f"testsrc2=size={size}:rate=10:duration={seconds}", "-f", "lavfi", "-i",
                    f"sine=duration={seconds}", "-c:v", "libx264", "-preset", "ultrafast",
                    "-c:a", "aac", "-shortest", str(path)], check=True, timeout=60)
    return path


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("clips")
    return {"wide": _mp4(d / "wide.mp4", "320x180", 2), "tall": _mp4(d / "tall.mp4", "180x320", 4)}


def test_reads_duration_and_size(clips, tmp_path):
    wide = read_mp4_info(clips["wide"])
    assert wide is not None and (wide.width, wide.height) == (320, 180)
    assert 1.9 <= wide.duration <= 2.2
    tall = read_mp4_info(clips["tall"])
    assert tall is not None and (tall.width, tall.height) == (180, 320)
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x00\x00\x08free" + bytes(100))
    assert read_mp4_info(junk) is None


def test_reels_too_short_refused_before_upload(sandbox, clips):
    account = sandbox.account("facebook")
    with pytest.raises(PermanentPublishError, match="Facebook Reels must be 3-90 s"):
        upload(UploadRequest(clips["wide"], "facebook_reels", "t"), account, policy=policy())
    assert sandbox.received("facebook") == 0
    upload(UploadRequest(clips["tall"], "facebook_reels", "t"), account, policy=policy())
    assert sandbox.posts()[0]["sha256"] == sha256(clips["tall"])


def test_landscape_short_uploads_with_a_warning(sandbox, clips, caplog):
    account = sandbox.account("youtube")
    caplog.set_level(logging.WARNING, logger="vidcamp")
    result = upload(UploadRequest(clips["wide"], "youtube_shorts", "t"), account,
                    policy=policy())
    assert "regular video, not a Short" in caplog.text
    assert result.url.startswith("https://www.youtube.com/shorts/")
