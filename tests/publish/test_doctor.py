"""`vidcamp doctor`: a real refresh per account, scopes per feature, token age, quota."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Sandbox
from tests.ledger.conftest import make_post
from vidcamp.cli import main
from vidcamp.ledger import queue_posts


def doctor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, Any]]]:
    with pytest.raises(SystemExit) as done:
        main(["doctor", "--json", *args])
        raise SystemExit(0)
    return int(done.value.code or 0), json.loads(capsys.readouterr().out)


def test_healthy_accounts_exit_0_after_a_real_refresh(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VIDCAMP_LEDGER", str(tmp_path / "ledger.sqlite3"))
    yt = sandbox.account("youtube", "doc_yt",
                         authorized_at=(datetime.now(UTC) - timedelta(days=6.5)).isoformat())
    sandbox.account("facebook", "doc_fb", scope="pages_manage_posts,publish_video")
    old_token = sandbox.entry(yt)["access_token"]
    soon = datetime.now(UTC) + timedelta(hours=1)
    queue_posts([make_post(f"c{n}", account=yt, publish_at=soon + timedelta(minutes=n))
                 for n in range(8)], ledger_path=tmp_path / "ledger.sqlite3")
    code, found = doctor(capsys)
    assert code == 0
    by_name = {h["account"]: h for h in found}
    youtube = by_name["doc_yt"]
    assert youtube["token"] == "refreshed" and not youtube["needs_login"]
    assert sandbox.entry(yt)["access_token"] != old_token  # the refresh really happened
    # the refresh answer says which scopes are granted: YouTube Analytics was not asked for
    assert youtube["missing_scopes"]["upload"] == []
    assert youtube["missing_scopes"]["analytics"] == [
        "https://www.googleapis.com/auth/yt-analytics.readonly"]
    assert any("testing" in w for w in youtube["warnings"])
    assert sum(youtube["scheduled"].values()) == 8
    assert any("over the 6 uploads a day" in w for w in youtube["warnings"])
    facebook = by_name["doc_fb"]
    assert facebook["token"] == "valid"  # Page tokens do not refresh: one authenticated call
    assert facebook["missing_scopes"] == {"upload": [], "thumbnails": [],
                                          "analytics": ["pages_read_engagement", "read_insights"]}
    assert sandbox.server.stats()["routes"].get("youtube.token") == 1


def test_an_account_that_needs_login_exits_5(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VIDCAMP_LEDGER", str(tmp_path / "none.sqlite3"))
    sandbox.account("x", "doc_x")
    sandbox.account("dailymotion", "doc_dm")
    sandbox.faults({"platform": "x", "kind": "revoke"})
    code, found = doctor(capsys)
    assert code == 5
    by_name = {h["account"]: h for h in found}
    assert by_name["doc_x"]["needs_login"] and by_name["doc_x"]["token"].startswith("needs login")
    assert by_name["doc_dm"]["token"] == "refreshed"
    # scopes recorded from the refresh answer: everything granted
    assert by_name["doc_dm"]["missing_scopes"] == {"upload": [], "thumbnails": [],
                                                   "analytics": []}
    for token in sandbox.tokens():
        assert token not in json.dumps(found)
