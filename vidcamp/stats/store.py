"""The stats tables of the ledger: readings (append-only), poll state, platform deferrals.

``metrics`` holds one row per (post, time, metric) reading and is never updated or deleted
(triggers refuse it), so a post's history is kept whole. ``stat_polls`` holds when each post was
last read and whether it is gone from its platform; ``stat_deferrals`` when a platform that
answered 429 / quota may be asked again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from vidcamp.ledger.clock import from_db, to_db
from vidcamp.ledger.store import Ledger, PostRef


@dataclass(frozen=True)
class StatPost(PostRef):
    """A published post as the stats loop sees it."""

    remote_id: str
    url: str | None
    title: str
    privacy: str
    publish_at: datetime
    last_polled_at: datetime | None
    polls: int
    gone: str | None


@dataclass(frozen=True)
class Reading:
    """One figure of one post at one time."""

    post_id: int
    at: datetime
    metric: str
    value: float
    source: str


_POSTS_SQL = """
SELECT p.id, p.key, p.campaign, p.clip_id, p.target, p.platform, p.preset, p.account,
       p.remote_id, p.url, p.title, p.privacy, p.publish_at,
       s.last_polled_at, COALESCE(s.polls, 0) AS polls, s.gone
FROM posts p LEFT JOIN stat_polls s ON s.post_id = p.id
WHERE p.state = 'published' AND p.remote_id IS NOT NULL
"""


def published_posts(
    ledger: Ledger, campaign: str | None = None, *, live_at: datetime | None = None,
    due_by: datetime | None = None,
) -> list[StatPost]:
    """Every published post with a platform id (one campaign's, or all).

    ``live_at``: only posts not gone and published by then; ``due_by``: only posts never read
    or whose next reading (``next_due_at``, stored with each reading) has come by then, so an
    idle cron run is one indexed query.
    """
    sql, args = _POSTS_SQL, []
    if campaign is not None:
        sql += " AND p.campaign = ?"
        args.append(campaign)
    if live_at is not None:
        sql += " AND s.gone IS NULL AND p.publish_at <= ?"
        args.append(to_db(live_at))
    if due_by is not None:
        sql += " AND (s.next_due_at IS NULL OR s.next_due_at <= ?)"
        args.append(to_db(due_by))
    rows = ledger.query(sql + " ORDER BY p.campaign, p.clip_id, p.target, p.account", args)
    return [
        StatPost(
            id=r["id"], key=r["key"], campaign=r["campaign"], clip_id=r["clip_id"],
            target=r["target"], platform=r["platform"], preset=r["preset"],
            account=r["account"], remote_id=r["remote_id"], url=r["url"], title=r["title"],
            privacy=r["privacy"], publish_at=from_db(r["publish_at"]),
            last_polled_at=from_db(r["last_polled_at"]) if r["last_polled_at"] else None,
            polls=r["polls"], gone=r["gone"],
        )
        for r in rows
    ]


def active_deferrals(ledger: Ledger, now: datetime) -> dict[str, tuple[datetime, str]]:
    """Platforms not to be asked before a time: ``{platform: (until, reason)}``."""
    rows = ledger.query(
        "SELECT platform, until, reason FROM stat_deferrals WHERE until > ?", (to_db(now),)
    )
    return {r["platform"]: (from_db(r["until"]), r["reason"]) for r in rows}


def defer_platform(ledger: Ledger, platform: str, until: datetime, reason: str) -> None:
    with ledger.transaction() as conn:
        conn.execute(
            "INSERT INTO stat_deferrals (platform, until, reason) VALUES (?, ?, ?)"
            " ON CONFLICT (platform) DO UPDATE SET until = excluded.until,"
            " reason = excluded.reason",
            (platform, to_db(until), reason),
        )


def record(
    ledger: Ledger,
    at: datetime,
    readings: Mapping[int, Mapping[str, tuple[float, str]]],
    *,
    polled: Iterable[int] = (),
    gone: Mapping[int, str] | None = None,
    errors: Mapping[int, str] | None = None,
    next_due: Mapping[int, datetime] | None = None,
) -> int:
    """Store one run's readings and poll state in one transaction; the number of rows added.

    ``readings``: post id -> metric -> (value, source). ``polled``: posts asked about (their
    last poll time moves to ``at`` even when nothing usable came back). ``gone``: post id ->
    "deleted" | "private", recorded once. ``errors``: post id -> why its reading was dropped.
    ``next_due``: post id -> when it is due again under the schedule of this run.
    """
    gone = gone or {}
    errors = errors or {}
    next_due = next_due or {}
    stamp = to_db(at)
    added = 0
    touched = set(polled) | set(readings) | set(gone) | set(errors)
    with ledger.transaction() as conn:
        for post_id, figures in readings.items():
            for metric, (value, source) in figures.items():
                conn.execute(
                    "INSERT INTO metrics (post_id, at, metric, value, source)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (post_id, stamp, metric, float(value), source),
                )
                added += 1
        for post_id in touched:
            due = next_due.get(post_id)
            conn.execute(
                "INSERT INTO stat_polls (post_id, last_polled_at, next_due_at, polls, last_error)"
                " VALUES (?, ?, ?, 1, ?) ON CONFLICT (post_id) DO UPDATE SET"
                " last_polled_at = excluded.last_polled_at, next_due_at = excluded.next_due_at,"
                " polls = polls + 1, last_error = excluded.last_error",
                (post_id, stamp, None if due is None else to_db(due), errors.get(post_id)),
            )
        for post_id, kind in gone.items():
            conn.execute(
                "UPDATE stat_polls SET gone = ?, gone_at = ? WHERE post_id = ? AND gone IS NULL",
                (kind, stamp, post_id),
            )
    return added


def readings(ledger: Ledger, post_ids: Iterable[int]) -> list[Reading]:
    """Every reading of these posts, oldest first."""
    ids = list(post_ids)
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    rows = ledger.query(
        f"SELECT post_id, at, metric, value, source FROM metrics WHERE post_id IN ({marks})"
        " ORDER BY at, id",
        ids,
    )
    return [Reading(r[0], from_db(r[1]), r[2], float(r[3]), r[4]) for r in rows]


def pending_report(ledger: Ledger, platform: str, account: str) -> str | None:
    """The token of a report asked from an asynchronous reporting API and not yet fetched."""
    rows = ledger.query("SELECT token FROM stat_reports WHERE platform = ? AND account = ?",
                        (platform, account))
    return str(rows[0][0]) if rows else None


def set_pending_report(ledger: Ledger, platform: str, account: str, token: str | None,
                       at: datetime) -> None:
    with ledger.transaction() as conn:
        conn.execute("DELETE FROM stat_reports WHERE platform = ? AND account = ?",
                     (platform, account))
        if token:
            conn.execute("INSERT INTO stat_reports (platform, account, token, asked_at)"
                         " VALUES (?, ?, ?, ?)", (platform, account, token, to_db(at)))
