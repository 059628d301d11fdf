"""Posting quotas: does a schedule ask an account for more posts in a day than its platform
allows? Figures come from ``vidcamp.platforms`` (overridable per account in the credentials
file); used by ``validate``/``plan`` (warnings) and ``doctor`` (what the ledger holds)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class Overload:
    """An account asked for more posts in one quota day than the platform allows."""

    account: str
    platform: str
    day: str  # the quota day (YYYY-MM-DD) where the limit is first passed
    count: int
    limit: int
    window: str  # "Pacific day" | "24 h"
    limit_text: str

    def message(self) -> str:
        from vidcamp.platforms import get_platform

        label = get_platform(self.platform).label
        return (
            f"account {self.account} ({label}): {self.count} posts in one {self.window}"
            f" on {self.day}, over the {self.limit_text} the platform allows;"
            " the rest would be deferred to the next quota day"
        )


def overloads(
    posts: Iterable[tuple[str, str, datetime]],
    entries: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Overload]:
    """Quota overloads among ``(account, platform, publish time)``, one per account and day."""
    from vidcamp.platforms import REGISTRY

    entries = entries or {}
    by_account: dict[tuple[str, str], list[datetime]] = {}
    for account, platform, when in posts:
        by_account.setdefault((account, platform), []).append(when.astimezone(UTC))
    found: list[Overload] = []
    for (account, platform), times in sorted(by_account.items()):
        quota = REGISTRY[platform].quota
        entry = entries.get(account) or {}
        limit = quota.daily_posts(entry)
        if limit is None:
            continue
        times.sort()
        text = quota.describe(entry)
        if quota.day == "pacific":
            from zoneinfo import ZoneInfo

            pacific = ZoneInfo("America/Los_Angeles")
            days: dict[str, int] = {}
            for when in times:
                key = when.astimezone(pacific).date().isoformat()
                days[key] = days.get(key, 0) + 1
            found += [Overload(account, platform, day, n, limit, "Pacific day", text)
                      for day, n in sorted(days.items()) if n > limit]
            continue
        # a rolling 24 h window: warn once per UTC day in which some window overflows
        start = 0
        flagged: dict[str, int] = {}
        for end, when in enumerate(times):
            while when - times[start] >= timedelta(hours=24):
                start += 1
            count = end - start + 1
            if count > limit:
                day = when.date().isoformat()
                flagged[day] = max(flagged.get(day, 0), count)
        found += [Overload(account, platform, day, n, limit, "24 h", text)
                  for day, n in sorted(flagged.items())]
    return found


def credentials_entries() -> dict[str, dict[str, Any]]:
    """The credentials file's accounts (for per-account quota overrides); {} when unreadable."""
    from vidcamp.credentials import load_all
    from vidcamp.errors import CredentialsError

    try:
        return load_all(missing_ok=True)
    except CredentialsError:
        return {}
