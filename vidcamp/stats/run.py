"""``stats --due``: read the figures of every post whose poll is due, and store them.

Per platform and account, one request flow (``vidcamp.stats.fetch``) reads all that account's
due posts, batched where the API allows. A 429 or quota answer defers that platform (recorded
in the ledger until its reset) and the run goes on with the others; a post the platform no
longer shows is marked deleted or private once and not asked about again; a malformed answer
for a post drops that post's reading (logged) and the run goes on.

Only SQLite is touched until a post is actually due: the HTTP machinery is imported then.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vidcamp.errors import PublishError
from vidcamp.ledger.clock import now as clock_now
from vidcamp.stats.cadence import Cadence
from vidcamp.stats.store import StatPost

if TYPE_CHECKING:
    import httpx

    from vidcamp.ledger.store import Ledger
    from vidcamp.publish.base import RetryPolicy

log = logging.getLogger("vidcamp.stats")

#: a deferral is never shorter than this, however soon the platform says to come back
MIN_DEFER = timedelta(minutes=1)


@dataclass
class StatsReport:
    """What one run did."""

    ledger: Path
    now: datetime
    due: int = 0
    read: int = 0  # posts with at least one figure stored
    rows: int = 0
    gone: dict[str, str] = field(default_factory=dict)  # post key -> deleted | private
    dropped: dict[str, str] = field(default_factory=dict)  # post key -> why
    deferred: dict[str, tuple[datetime, str]] = field(default_factory=dict)  # platform -> ...
    waiting: dict[str, int] = field(default_factory=dict)  # platform -> due posts left
    failed: dict[str, str] = field(default_factory=dict)  # platform/account -> why
    notes: list[str] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)  # platform -> HTTP requests
    cost: dict[str, float] = field(default_factory=dict)  # e.g. "youtube quota units" -> 2

    @property
    def exit_code(self) -> int:
        """0 unless an account could not be read at all (5); deferrals are not failures."""
        return 5 if self.failed else 0

    def summary(self) -> str:
        if not self.due and not self.waiting:
            return "nothing is due"
        parts = [f"{self.read} of {self.due} due posts read ({self.rows} figures)"]
        if self.gone:
            parts.append(f"{len(self.gone)} gone")
        if self.dropped:
            parts.append(f"{len(self.dropped)} readings dropped")
        waiting = sum(self.waiting.values())
        if waiting:
            parts.append(f"{waiting} waiting on deferred platforms")
        if self.failed:
            parts.append(f"{len(self.failed)} accounts failed")
        return ", ".join(parts)

    def lines(self) -> list[str]:
        """Human lines after the summary: deferrals, gone posts, drops, failures, notes."""
        out = [f"deferred {p} until {u:%Y-%m-%d %H:%M} UTC: {why}"
               for p, (u, why) in sorted(self.deferred.items())]
        out += [f"marked {kind}: {key}" for key, kind in sorted(self.gone.items())]
        out += [f"dropped reading of {key}: {why}" for key, why in sorted(self.dropped.items())]
        out += [f"failed {who}: {why}" for who, why in sorted(self.failed.items())]
        if self.cost:
            out.append("cost: " + ", ".join(f"{amount:g} {what}"
                                            for what, amount in sorted(self.cost.items())))
        return out + self.notes

    def to_json(self) -> dict[str, Any]:
        return {
            "ledger": str(self.ledger),
            "now": self.now.isoformat(),
            "summary": self.summary(),
            "exit_code": self.exit_code,
            "due": self.due,
            "read": self.read,
            "rows": self.rows,
            "calls": self.calls,
            "cost": self.cost,
            "gone": self.gone,
            "dropped": self.dropped,
            "deferred": {p: {"until": u.isoformat(), "reason": r}
                         for p, (u, r) in self.deferred.items()},
            "waiting": self.waiting,
            "failed": self.failed,
            "notes": self.notes,
        }


def due_posts(posts: list[StatPost], cadence: Cadence, now: datetime) -> list[StatPost]:
    """Posts not gone whose next reading has come (pure)."""
    return [p for p in posts if p.gone is None
            and cadence.is_due(p.platform, p.publish_at, p.last_polled_at, now)]


def stats_due(
    *,
    ledger_path: Path | None = None,
    campaign: str | None = None,
    all_posts: bool = False,
    now: datetime | None = None,
    cadence: Cadence | None = None,
    on_line: Callable[[str], None] | None = None,
    credentials: Path | None = None,
    api_root: str | None = None,
    client: httpx.Client | None = None,
    policy: RetryPolicy | None = None,
) -> StatsReport:
    """Read every due post's figures (``all_posts``: every live post, due or not).

    ``api_root`` sends the requests to the sandbox (as ``VIDCAMP_API_ROOT`` does).
    """
    from vidcamp.ledger.store import Ledger

    if ledger_path is None:
        from vidcamp.paths import ledger_path as default_path

        ledger_path = default_path()
    now = now or clock_now()
    cadence = cadence or Cadence()
    report = StatsReport(ledger=ledger_path, now=now)
    if not ledger_path.exists():
        return report
    from vidcamp.stats.store import active_deferrals, published_posts, record

    with Ledger.open(ledger_path, create=False) as ledger:
        # SQLite leaves out posts gone, not yet out, or whose stored next reading has not
        # come; the schedule (and X's per-day limit) decides about the rest
        live = published_posts(ledger, campaign, live_at=now,
                               due_by=None if all_posts else now)
        due = live if all_posts else due_posts(live, cadence, now)
        deferrals = active_deferrals(ledger, now)
        for post in due:
            if post.platform in deferrals:
                report.waiting[post.platform] = report.waiting.get(post.platform, 0) + 1
        for platform in report.waiting:
            report.deferred[platform] = deferrals[platform]
        due = [p for p in due if p.platform not in deferrals]
        report.due = len(due)
        if not due:
            return report
        result, new_deferrals = _fetch_all(ledger, due, report, now, credentials, api_root,
                                           client, policy)
        # the schedule's time, without X's per-day limit (checked per run, so raising
        # --x-per-day takes effect at once): SQLite looks no further than this
        next_due = {p.id: cadence.next_due("", p.publish_at, now) for p in due}
        report.rows = record(ledger, now, result.readings, polled=result.polled,
                             gone=result.gone, errors=result.dropped, next_due=next_due)
        from vidcamp.stats.store import defer_platform, set_pending_report

        for platform, (until, why) in new_deferrals.items():
            defer_platform(ledger, platform, until, why)
        for (platform, account), token in result.reports.items():
            set_pending_report(ledger, platform, account, token, now)
    keys = {p.id: p.key for p in due}
    report.read = len(result.readings)
    report.gone = {keys[i]: kind for i, kind in result.gone.items()}
    report.dropped = {keys[i]: why for i, why in result.dropped.items()}
    report.notes.extend(dict.fromkeys(result.notes))  # one line per distinct note
    report.cost = dict(result.cost)
    if on_line is not None:
        for line in report.lines():
            on_line(line)
    return report


def _fetch_all(
    ledger: Ledger,
    due: list[StatPost],
    report: StatsReport,
    now: datetime,
    credentials: Path | None,
    api_root: str | None,
    client: httpx.Client | None,
    policy: RetryPolicy | None,
) -> tuple[Any, dict[str, tuple[datetime, str]]]:
    import httpx

    from vidcamp.credentials import credentials_file, load_all
    from vidcamp.platforms import get_platform
    from vidcamp.publish.base import RetryPolicy, now_utc
    from vidcamp.publish.driver import Account, Driver
    from vidcamp.stats.fetch import FLOWS, FetchResult
    from vidcamp.stats.store import pending_report

    credentials = credentials_file(credentials)
    accounts = load_all(credentials, missing_ok=True)
    policy = policy or RetryPolicy(max_attempts=3, max_wait=30.0)
    groups: dict[tuple[str, str], list[StatPost]] = defaultdict(list)
    for post in due:
        groups[(post.platform, post.account)].append(post)
    total = FetchResult()
    deferred: dict[str, tuple[datetime, str]] = {}
    http = client or httpx.Client(timeout=httpx.Timeout(30.0), follow_redirects=False)
    try:
        for (platform, name), posts in sorted(groups.items()):
            if platform in deferred:
                report.waiting[platform] = report.waiting.get(platform, 0) + len(posts)
                continue
            entry = accounts.get(name)
            if entry is None or entry.get("platform") != platform:
                report.failed[f"{platform}/{name}"] = (
                    f"no {platform} account {name!r} in {credentials}"
                    f" (run `vidcamp auth login {name} --platform {platform}`)")
                continue
            flow = FLOWS[platform](posts, entry, now,
                                   pending_report=pending_report(ledger, platform, name))
            acct = Account(name, entry, credentials, get_platform(platform).refresher)
            try:
                with Driver(acct, policy=policy, client=http, api_root=api_root) as driver:
                    driver.run(flow)
            except PublishError as exc:
                from vidcamp.errors import DeferredError

                if isinstance(exc, DeferredError):
                    wait = max(exc.retry_at - now_utc(), MIN_DEFER)
                    deferred[platform] = (now + wait, exc.message)
                    report.deferred[platform] = deferred[platform]
                    left = len(posts) - len(flow.result.polled)
                    report.waiting[platform] = report.waiting.get(platform, 0) + left
                    log.warning("stats: %s deferred: %s", platform, exc.message)
                else:
                    report.failed[f"{platform}/{name}"] = exc.message
                    log.warning("stats: %s/%s: %s", platform, name, exc.message)
            finally:
                report.calls[platform] = report.calls.get(platform, 0) + flow.result.calls
                total.merge(flow.result)
    finally:
        if client is None:
            http.close()
    return total, deferred
