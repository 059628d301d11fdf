"""A clean upload per platform: the sandbox holds exactly the file's bytes and the post as sent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.publish.common import CHUNK, PRESETS, SIZE, Sleeps, policy, sha256
from vidcamp.publish import UploadRequest, upload


@pytest.mark.parametrize("preset", list(PRESETS))
def test_clean_upload_matches_file_and_fields(sandbox, random_file, preset):
    platform = PRESETS[preset]
    sandbox.settings(facebook_chunk_size=CHUNK)
    account = sandbox.account(platform)
    video = random_file(SIZE)
    states: list[dict] = []
    request = UploadRequest(video, preset, f"Launch {preset}", "Line one.\nLine two.",
                            tags=("launch", "demo"), privacy="public")
    result = upload(request, account, on_state=states.append, policy=policy(),
                    chunk_size=CHUNK)

    [post] = sandbox.posts()
    assert post["platform"] == platform
    assert post["account"] == account
    assert post["sha256"] == sha256(video)
    assert post["size"] == SIZE
    assert post["remote_id"] == result.remote_id
    assert post["privacy"] == "public"
    assert post["scheduled_time"] is None
    if platform == "x":
        assert post["title"] == f"Launch {preset}\n\nLine one.\nLine two.\n\n#launch #demo"
    else:
        assert post["title"] == f"Launch {preset}"
        assert post["description"] == "Line one.\nLine two."
    assert result.state == "published"
    assert result.remote_id in result.url
    assert states[-1]["phase"] == "done"
    # the file went up in many pieces, each checkpointed
    if platform != "dailymotion":
        assert len([s for s in states if s.get("offset")]) >= SIZE // CHUNK
    assert sandbox.received(platform) == SIZE  # nothing sent twice


@pytest.mark.parametrize("preset", ["youtube", "facebook", "facebook_reels", "dailymotion"])
def test_scheduled_upload_carries_time_and_privacy(sandbox, random_file, preset):
    platform = PRESETS[preset]
    account = sandbox.account(platform)
    video = random_file(300 * 1024)
    when = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    request = UploadRequest(video, preset, "Later", "Scheduled", publish_at=when)
    result = upload(request, account, policy=policy(), chunk_size=CHUNK)
    [post] = sandbox.posts()
    assert post["scheduled_time"] == "2030-01-02T03:04:05Z"
    assert post["sha256"] == sha256(video)
    assert result.state == "scheduled"
    # YouTube: publishAt only with privacyStatus=private; Facebook: an unpublished, scheduled
    # post; Dailymotion: published with a publish_date
    expected = {"youtube": "private", "facebook": "private", "dailymotion": "public"}
    assert post["privacy"] == expected[platform]


@pytest.mark.parametrize(("preset", "privacy", "expected"), [
    ("youtube", "unlisted", "unlisted"),
    ("youtube", "private", "private"),
    ("dailymotion", "unlisted", "unlisted"),
    ("dailymotion", "private", "private"),
    ("facebook_reels", "private", "private"),
])
def test_privacy_as_sent(sandbox, random_file, preset, privacy, expected):
    account = sandbox.account(PRESETS[preset])
    video = random_file(100 * 1024)
    upload(UploadRequest(video, preset, "P", privacy=privacy), account, policy=policy())
    [post] = sandbox.posts()
    assert post["privacy"] == expected


def test_youtube_thumbnail_and_kids_flag(sandbox, random_file, tmp_path):
    account = sandbox.account("youtube")
    video = random_file(600 * 1024)
    thumb = tmp_path / "thumb.png"
    thumb.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    upload(UploadRequest(video, "youtube_shorts", "Kids", thumbnail=thumb, made_for_kids=True),
           account, policy=policy(), chunk_size=CHUNK)
    [post] = sandbox.posts()
    assert post["thumbnail_sha256"] == sha256(thumb)
    assert post["made_for_kids"] is True


def test_youtube_chunk_size_rounds_to_256k(sandbox, random_file):
    account = sandbox.account("youtube")
    video = random_file(1000 * 1024)
    sleeps = Sleeps()
    upload(UploadRequest(video, "youtube", "odd chunk"), account, policy=policy(sleeps),
           chunk_size=300 * 1024)  # not a multiple: the client sends 256 KiB chunks
    assert sandbox.posts()[0]["sha256"] == sha256(video)
    assert sleeps == []
