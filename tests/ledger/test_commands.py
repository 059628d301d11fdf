"""status, retry, cancel, republish, cron and publish --dry-run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from vidcamp.ledger import Ledger, queue_posts
from vidcamp.ledger.store import new_owner

from .conftest import ROOT, T0, make_post, run_cli


def _queue_three(path: Path) -> None:
    queue_posts(
        [
            make_post("intro", publish_at=T0 + timedelta(days=1)),
            make_post("intro", target="x", platform="x", preset="x",
                      publish_at=T0 + timedelta(hours=2)),
            make_post("outro", mode="cron", publish_at=T0 - timedelta(minutes=5)),
        ],
        ledger_path=path, now=T0,
    )


def test_status_table_and_json(ledger_file: Path) -> None:
    _queue_three(ledger_file)
    with Ledger.open(ledger_file) as ledger:
        owner = new_owner()
        row = ledger.claim(owner, T0)
        assert row is not None
        ledger.mark_published(row.id, owner, "v1", "https://youtu.be/v1")
        row2 = ledger.claim(owner, T0)
        assert row2 is not None
        ledger.mark_problem(row2.id, owner, state="failed", kind="permanent",
                            error="video too long for Shorts")
    done = run_cli("status", env={"VIDCAMP_NOW": T0.isoformat()})
    assert done.returncode == 0, done.stderr
    assert "https://youtu.be/v1" in done.stdout
    assert "video too long for Shorts" in done.stdout
    assert "campaign demo" in done.stdout
    data = json.loads(run_cli("status", "demo", "--json", "--events").stdout)
    states = {p["key"]: p["state"] for p in data["posts"]}
    assert sorted(states.values()) == ["failed", "published", "queued"]
    assert all(p["events"] for p in data["posts"])
    published = next(p for p in data["posts"] if p["state"] == "published")
    assert published["url"] == "https://youtu.be/v1" and published["progress"] == 1.0


def test_dry_run_lists_only_due_posts_and_changes_nothing(ledger_file: Path) -> None:
    _queue_three(ledger_file)
    before = ledger_file.read_bytes()
    done = run_cli("publish", "--due", "--dry-run", env={"VIDCAMP_NOW": T0.isoformat()})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2  # the platform-mode post (upload ahead) and the cron post now due
    assert any("demo/intro/youtube_shorts/brand" in line for line in lines)
    assert any("demo/outro/youtube_shorts/brand" in line for line in lines)
    later = run_cli("publish", "--due", "--dry-run", "--json",
                    env={"VIDCAMP_NOW": (T0 + timedelta(hours=3)).isoformat()})
    assert len(json.loads(later.stdout)["would_publish"]) == 3
    assert ledger_file.read_bytes() == before


def test_cancel_retry_republish_by_id_and_key(ledger_file: Path) -> None:
    _queue_three(ledger_file)
    cancelled = run_cli("cancel", "demo/intro/x/brand")
    assert cancelled.returncode == 0 and "cancelled" in cancelled.stdout
    assert run_cli("retry", "2").returncode == 0
    with Ledger.open(ledger_file) as ledger:
        assert ledger.get(2).state == "queued"
        assert [e.to_state for e in ledger.events(2)] == ["queued", "cancelled", "queued"]
    not_published = run_cli("republish", "1")
    assert not_published.returncode == 2
    assert "not published" in not_published.stderr
    unknown = run_cli("cancel", "demo/nope/x/brand")
    assert unknown.returncode == 2 and "no post" in unknown.stderr


def test_cron_prints_the_line_and_explains_the_sandbox(ledger_file: Path) -> None:
    done = run_cli("cron")
    assert done.returncode == 0
    assert "*/5 * * * * vidcamp publish --due --quiet; vidcamp stats --due --quiet" in done.stdout
    assert "--sandbox" in done.stdout and "VIDCAMP_SANDBOX_URL" in done.stdout
    assert run_cli("cron", "--line").stdout.strip() == "*/5 * * * * vidcamp publish --due --quiet; vidcamp stats --due --quiet"


def test_publish_without_due_is_a_usage_error(ledger_file: Path) -> None:
    done = run_cli("publish")
    assert done.returncode == 2 and "--due" in done.stderr


def test_nothing_due_imports_nothing_heavy(ledger_file: Path) -> None:
    _queue_three(ledger_file)
    probe = (
        "import sys; from vidcamp.cli import main\n"
        "try:\n    main(['publish', '--due', '--quiet'])\nexcept SystemExit as e:\n"
        "    code = e.code\nelse:\n    code = 0\n"
        "heavy = sorted(m for m in ('httpx', 'av', 'numpy', 'moviepy', 'rich', 'vidcamp.publish')"
        " if m in sys.modules)\nprint(code, heavy)\n"
    )
    # an hour before anything is due: nothing to upload
    env_now = (T0 - timedelta(hours=1)).isoformat()
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "VIDCAMP_NOW": env_now, "VIDCAMP_LEDGER": str(ledger_file),
             "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    # the platform-mode post was queued at T0, so an hour earlier it is not yet due either
    assert done.stdout.strip() == "0 []", done.stderr


def test_retry_every_failed_post_at_once(ledger_file: Path) -> None:
    _queue_three(ledger_file)
    with Ledger.open(ledger_file) as ledger:
        owner = new_owner()
        for _ in range(2):
            row = ledger.claim(owner, T0)
            assert row is not None
            ledger.mark_problem(row.id, owner, state="failed", kind="reauth",
                                error="credentials file missing")
    assert run_cli("retry").returncode == 2
    done = run_cli("retry", "--failed", "--campaign", "demo")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 2
    with Ledger.open(ledger_file) as ledger:
        assert sorted(r.state for r in ledger.posts()) == ["queued", "queued", "queued"]
    assert run_cli("retry", "--failed").stdout.strip() == "no failed posts"
