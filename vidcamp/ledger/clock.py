"""The ledger's idea of "now", with one testing hook.

``VIDCAMP_NOW`` (an ISO 8601 time with a zone, e.g. ``2026-05-01T09:00:00+00:00``) fixes the
time that schedules are compared against, so tests and rehearsals can ask "what would go out at
09:00?". It is a testing hook, read here and nowhere else. Leases use the real clock whatever
``VIDCAMP_NOW`` says: a lease is about whether a process is alive, not about the schedule.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from typing import overload

from vidcamp.errors import UsageError

NOW_ENV = "VIDCAMP_NOW"


def now() -> datetime:
    """The schedule clock: ``VIDCAMP_NOW`` if set, else the real time (always UTC, aware)."""
    fixed = os.environ.get(NOW_ENV)
    if fixed:
        return parse_time(fixed, what=NOW_ENV)
    return datetime.now(UTC)


def wall() -> datetime:
    """The real time, for leases and event stamps."""
    return datetime.fromtimestamp(time.time(), UTC)


def parse_time(text: str, *, what: str = "time") -> datetime:
    """An aware UTC datetime from ISO 8601 text; a naive time is refused, not guessed."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"{what}: {text!r} is not an ISO 8601 time") from None
    if value.tzinfo is None:
        raise UsageError(f"{what}: {text!r} has no time zone (add +00:00 or Z)")
    return value.astimezone(UTC)


def to_db(value: datetime) -> str:
    """The one stored form of a time: UTC, fixed width, so text order is time order."""
    if value.tzinfo is None:
        raise ValueError("naive datetime reached the ledger")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@overload
def from_db(text: str) -> datetime: ...
@overload
def from_db(text: None) -> None: ...
@overload
def from_db(text: str | None) -> datetime | None: ...


def from_db(text: str | None) -> datetime | None:
    """A stored time (the ``to_db`` form) back, parsed fast: an idle cron run reads every live
    post's times, and strptime would dominate it."""
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
