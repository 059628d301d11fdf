"""A sandbox rehearsal passes its API root and credentials down; the environment stays as it is."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import Sandbox
from vidcamp.ledger import queue_posts
from vidcamp.ledger.run import publish_due
from vidcamp.ledger.sandbox import enter_sandbox

from .conftest import T0, make_post


def test_enter_sandbox_leaves_the_environment_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VIDCAMP_API_ROOT", raising=False)
    monkeypatch.setenv("VIDCAMP_SANDBOX_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("VIDCAMP_SANDBOX_CREDENTIALS", str(tmp_path / "sbx.yaml"))
    before = dict(os.environ)
    rehearsal = enter_sandbox(tmp_path / "ledger.sqlite3")
    assert dict(os.environ) == before
    assert rehearsal.api_root == "http://127.0.0.1:9"
    assert rehearsal.credentials == tmp_path / "sbx.yaml"
    assert rehearsal.ledger.name == "ledger.sandbox.sqlite3"


def test_publish_due_reaches_the_sandbox_through_api_root_alone(
    sandbox: Sandbox, ledger_file: Path, random_file: Callable[[int], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("VIDCAMP_API_ROOT", raising=False)
    monkeypatch.delenv("VIDCAMP_CREDENTIALS", raising=False)
    account = sandbox.account("x", "rehearse_x")
    video = random_file(300_000)
    queue_posts([make_post("c1", target="x", platform="x", preset="x", account=account,
                           video=video, mode="cron", publish_at=T0)],
                ledger_path=ledger_file, now=T0)
    report = publish_due(ledger_path=ledger_file, now=T0 + timedelta(minutes=1),
                         api_root=sandbox.url, credentials=sandbox.credentials)
    assert [o.state for o in report.outcomes] == ["published"], report.outcomes
    assert len(sandbox.posts("x")) == 1
    assert "VIDCAMP_API_ROOT" not in os.environ
