"""Title and thumbnail rotation: swaps planned at publishing, performed by `publish --due` on a
controlled clock, each once, each a ledger event; the sandbox records every edit."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import Sandbox
from tests.ledger.conftest import T0, make_post
from vidcamp.jobs import Rotation
from vidcamp.ledger import Ledger, queue_posts
from vidcamp.ledger.run import publish_due

DAY = timedelta(days=1)


@pytest.fixture
def ledger_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("VIDCAMP_NOW", raising=False)
    return tmp_path / "ledger.sqlite3"


def image(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(2000))  # JPEG magic, then noise
    return path


@pytest.mark.parametrize(("platform", "preset"), [
    ("youtube", "youtube"), ("facebook", "facebook"), ("dailymotion", "dailymotion"),
])
def test_a_rotation_performs_exactly_the_planned_swaps_once_each(
    sandbox: Sandbox, ledger_file: Path, random_file: Callable[[int], Path], tmp_path: Path,
    platform: str, preset: str,
) -> None:
    account = sandbox.account(platform)
    thumbs = (image(tmp_path, "a.jpg"), image(tmp_path, "b.jpg"))
    rotation = Rotation(DAY.total_seconds(), ("Title A", "Title B", "Title C"), thumbs)
    post = dataclasses.replace(
        make_post("c1", target=preset, platform=platform, preset=preset, account=account,
                  video=random_file(40_000), mode="cron", publish_at=T0, title="Title A"),
        thumbnail=thumbs[0], rotation=rotation,
    )
    queue_posts([post], ledger_path=ledger_file, now=T0)

    def run(at: timedelta) -> list[tuple[str, str]]:
        report = publish_due(ledger_path=ledger_file, now=T0 + at,
                             credentials=sandbox.credentials)
        assert all(s.error is None for s in report.swaps), report.swaps
        return [(s.field, s.value) for s in report.swaps]

    live = timedelta(minutes=1)
    assert run(live) == []  # published; swaps planned from now on
    assert run(live + timedelta(hours=23)) == []
    assert run(live + DAY) == [("title", "Title B"), ("thumbnail", str(thumbs[1]))]
    assert run(live + DAY + timedelta(minutes=5)) == []  # once each
    assert run(live + 2 * DAY) == [("title", "Title C")]
    assert run(live + 30 * DAY) == []

    [live_post] = sandbox.posts(platform)
    edits = [(e["field"], e["value"]) for e in live_post.get("edits", [])]
    digest = hashlib.sha256(thumbs[1].read_bytes()).hexdigest()
    # YouTube also received the first thumbnail with the upload
    expected = [("title", "Title B"), ("thumbnail_sha256", digest), ("title", "Title C")]
    assert [e for e in edits if e != ("thumbnail_sha256",
                                      hashlib.sha256(thumbs[0].read_bytes()).hexdigest())
            ] == expected
    assert live_post["title"] == "Title C"
    with Ledger.open(ledger_file) as ledger:
        [row] = ledger.posts()
        swaps = ledger.swaps(row.id)
        assert [(s.n, s.field, s.due_at - T0) for s in swaps] == [
            (1, "title", live + DAY), (1, "thumbnail", live + DAY), (2, "title", live + 2 * DAY)]
        assert all(s.done_at is not None for s in swaps)
        details = [e.detail for e in ledger.events(row.id)]
    assert details.count("swap 1 title: Title B") == 1
    assert details.count(f"swap 1 thumbnail: {thumbs[1]}") == 1
    assert details.count("swap 2 title: Title C") == 1


def test_a_failed_swap_is_tried_again_next_run(
    sandbox: Sandbox, ledger_file: Path, random_file: Callable[[int], Path],
) -> None:
    account = sandbox.account("dailymotion")
    post = dataclasses.replace(
        make_post("c1", target="dailymotion", platform="dailymotion", preset="dailymotion",
                  account=account, video=random_file(20_000), mode="cron", publish_at=T0),
        rotation=Rotation(3600.0, ("One", "Two")),
    )
    queue_posts([post], ledger_path=ledger_file, now=T0)
    publish_due(ledger_path=ledger_file, now=T0, credentials=sandbox.credentials)
    sandbox.faults({"platform": "dailymotion", "route": "edit", "kind": "reject"})
    first = publish_due(ledger_path=ledger_file, now=T0 + timedelta(hours=2),
                        credentials=sandbox.credentials)
    assert [s.error is not None for s in first.swaps] == [True]
    second = publish_due(ledger_path=ledger_file, now=T0 + timedelta(hours=3),
                         credentials=sandbox.credentials)
    assert [(s.value, s.error) for s in second.swaps] == [("Two", None)]
    assert sandbox.posts("dailymotion")[0]["title"] == "Two"
