"""Pure parts of the stats loop (schedule) and the ledger side (migration, append-only)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import Sandbox
from vidcamp.errors import UsageError
from vidcamp.ledger import Ledger
from vidcamp.ledger.store import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, _split_sql
from vidcamp.stats.cadence import Cadence, parse_cadence
from vidcamp.stats.fetch import ANALYTICS_SCOPE, has_scopes

from .conftest import ROOT, T0, Loop, hours

PUBLISHED = T0 - hours(5)


@pytest.mark.parametrize(
    ("age_h", "since_last_min", "due"),
    [
        (5, 60, True),  # hourly under 48 h
        (5, 55, True),  # within the 10 % slack of an hourly cron
        (5, 40, False),
        (72, 60, False),  # daily after 48 h
        (72, 24 * 60, True),
        (24 * 40, 24 * 60, False),  # weekly after 30 days
        (24 * 40, 7 * 24 * 60, True),
    ],
)
def test_default_schedule_follows_age(age_h: float, since_last_min: float, due: bool) -> None:
    now = T0
    published = now - hours(age_h)
    last = now - timedelta(minutes=since_last_min)
    assert Cadence().is_due("youtube", published, last, now) is due


def test_x_is_read_at_most_once_per_utc_day_unless_raised() -> None:
    morning = T0.replace(hour=9)
    published = morning - hours(3)
    assert Cadence().is_due("x", published, None, morning)
    assert not Cadence().is_due("x", published, morning, morning + hours(2))
    assert Cadence().is_due("x", published, morning, morning.replace(hour=0) + hours(24))
    assert parse_cadence(x_per_day=12).is_due("x", published, morning, morning + hours(2))


def test_unpublished_or_future_posts_are_never_due() -> None:
    assert not Cadence().is_due("youtube", T0 + hours(1), None, T0)


def test_schedule_text_is_parsed_and_checked() -> None:
    cadence = parse_cadence("6h:15m,7d:6h,1d")
    assert cadence.interval(hours(1)) == timedelta(minutes=15)
    assert cadence.interval(hours(30)) == timedelta(hours=6)
    assert cadence.interval(hours(24 * 9)) == timedelta(days=1)
    for bad, why in [("1h:1x", "not a duration"), ("2d:1h,1d:1h", "ages must grow"),
                     ("1h,2d:1d", "only the last")]:
        with pytest.raises(UsageError, match=why):
            parse_cadence(bad)


def test_a_ledger_from_before_the_migration_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("CREATE TABLE migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
                 " applied_at TEXT NOT NULL)")
    first_name, first_sql = MIGRATIONS[0]
    for statement in _split_sql(first_sql):
        conn.execute(statement)
    conn.execute("INSERT INTO migrations VALUES (1, ?, '2026-01-01T00:00:00.000000Z')",
                 (first_name,))
    conn.execute("PRAGMA user_version = 1")
    conn.close()

    with Ledger.open(path) as ledger:
        version = ledger.query("PRAGMA user_version")[0][0]
        tables = {r[0] for r in ledger.query("SELECT name FROM sqlite_master WHERE type='table'")}
    assert version == SCHEMA_VERSION
    assert {"metrics", "stat_polls", "stat_deferrals", "posts", "events"} <= tables
    done = subprocess.run([sys.executable, "-m", "vidcamp", "stats", "--due", "--json"],
                          cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
                               "VIDCAMP_LEDGER": str(path), "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert '"summary": "nothing is due"' in done.stdout


def test_readings_are_append_only(loop: Loop) -> None:
    loop.publish("youtube", 1, PUBLISHED)
    assert loop.vidcamp("stats", "--due", at=T0).returncode == 0
    with Ledger.open(loop.ledger) as ledger:
        for sql in ("UPDATE metrics SET value = 0", "DELETE FROM metrics"):
            with pytest.raises(Exception, match="append-only"), ledger.transaction() as conn:
                conn.execute(sql)
        # views, likes, comments (Data API) + shares, watch time, average duration (Analytics)
        assert ledger.query("SELECT count(*) FROM metrics")[0][0] == 6


def test_idle_stats_due_touches_only_sqlite(loop: Loop) -> None:
    """With nothing due, the cron run imports no HTTP client, no platform code, no rich."""
    loop.publish("youtube", 3, PUBLISHED)
    assert loop.vidcamp("stats", "--due", at=T0).returncode == 0
    probe = (
        "import sys\nfrom vidcamp.cli import main\n"
        "try:\n    main(['stats', '--due', '--quiet'])\nexcept SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "print(sorted(m for m in ('httpx', 'rich', 'yaml', 'pydantic', 'numpy', 'av',"
        " 'vidcamp.publish', 'vidcamp.stats.fetch', 'vidcamp.stats.report', 'vidcamp.platforms')"
        " if m in sys.modules))"
    )
    env = loop.clock(T0 + timedelta(minutes=20))
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert loop.routes()["youtube.stats"] == 1  # and it asked the platform nothing


def test_login_with_analytics_asks_for_the_analytics_scope(sandbox: Sandbox) -> None:
    """`auth login --analytics` adds YouTube Analytics to the consent the user is asked for."""
    import httpx

    from vidcamp.publish.oauth import login

    entry = sandbox.server.add_account("youtube", "login_stats")
    seen: list[str] = []

    def browser(url: str) -> None:
        seen.append(url)
        assert httpx.get(url, follow_redirects=True, timeout=30).status_code == 200

    got = login("youtube", entry["client_id"], entry["client_secret"], open_url=browser,
                extra_scopes=(ANALYTICS_SCOPE,))
    asked = parse_qs(urlsplit(seen[0]).query)["scope"][0].split()
    assert ANALYTICS_SCOPE in asked and len(asked) == 3
    assert got["access_token"] and got["refresh_token"]
    seen.clear()
    login("youtube", entry["client_id"], entry["client_secret"], open_url=browser)
    assert ANALYTICS_SCOPE not in parse_qs(urlsplit(seen[0]).query)["scope"][0]
    # what `vidcamp stats` checks: the granted scope the token endpoint answered
    assert has_scopes({"scope": " ".join(asked)}, "youtube", "analytics")
    assert not has_scopes({"scope": asked[0]}, "youtube", "analytics")
