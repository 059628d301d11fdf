"""When a post's figures are read again: a schedule that follows the post's age (pure).

The default reads a post hourly for its first 48 hours, daily until it is 30 days old, then
weekly. X bills reads per post per UTC day, so an X post is read at most ``x_per_day`` times
(default once) per UTC day whatever the schedule says.

A schedule is written ``AGE:EVERY,AGE:EVERY,...,EVERY`` (``48h:1h,30d:1d,7d``): up to each age,
read every so often; the last value alone applies after the last age. Units: ``m``, ``h``,
``d``, ``w``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from vidcamp.errors import UsageError

DEFAULT_SCHEDULE = "48h:1h,30d:1d,7d"
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# a run may start a little earlier than one interval after the last (cron jitter, run time):
# a reading this close to due counts as due
_SLACK_FRACTION = 0.1
_SLACK_CAP = timedelta(minutes=10)


@dataclass(frozen=True)
class Cadence:
    """Age bands ``(up_to_age, every)`` in order, then ``after`` for older posts."""

    bands: tuple[tuple[timedelta, timedelta], ...] = (
        (timedelta(hours=48), timedelta(hours=1)),
        (timedelta(days=30), timedelta(days=1)),
    )
    after: timedelta = timedelta(days=7)
    x_per_day: int = 1

    def interval(self, age: timedelta) -> timedelta:
        """How long to wait between readings of a post this old."""
        for up_to, every in self.bands:
            if age < up_to:
                return every
        return self.after

    def _wait(self, age: timedelta) -> timedelta:
        every = self.interval(age)
        return every - min(every * _SLACK_FRACTION, _SLACK_CAP)

    def next_due(self, platform: str, published_at: datetime, polled: datetime) -> datetime:
        """When a post read at ``polled`` is due again: the first time ``t`` at which
        ``t - polled`` reaches the interval for the post's age at ``t`` (less the slack), and,
        on X, the UTC-day limit allows it. Stored with each reading, so an idle cron run is
        one indexed query."""
        due = polled + self._wait(polled - published_at)
        for _ in range(len(self.bands) + 1):  # intervals only grow: a few steps settle it
            later = polled + self._wait(due - published_at)
            if later <= due:
                break
            due = later
        if platform == "x":
            midnight = datetime.combine(polled.date() + timedelta(days=1), time(),
                                        tzinfo=polled.tzinfo)
            allowed = midnight
            if self.x_per_day > 1:
                gap = timedelta(days=1) / self.x_per_day
                allowed = min(midnight, polled + gap - min(gap * _SLACK_FRACTION, _SLACK_CAP))
            due = max(due, allowed)
        return due

    def is_due(
        self, platform: str, published_at: datetime, last_polled: datetime | None,
        now: datetime,
    ) -> bool:
        """Whether a post published at ``published_at`` should be read at ``now``."""
        if published_at > now:
            return False
        return last_polled is None or now >= self.next_due(platform, published_at, last_polled)


def parse_duration(text: str, *, what: str = "schedule") -> timedelta:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*", text)
    if not match:
        raise UsageError(f"{what}: {text!r} is not a duration like 30m, 1h, 2d or 1w")
    seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds <= 0:
        raise UsageError(f"{what}: {text!r} must be longer than zero")
    return timedelta(seconds=seconds)


def parse_cadence(text: str | None = None, *, x_per_day: int = 1,
                  what: str = "--schedule") -> Cadence:
    """A ``Cadence`` from ``AGE:EVERY,...,EVERY`` text (None: the default schedule)."""
    parts = [p for p in (text or DEFAULT_SCHEDULE).split(",") if p.strip()]
    if not parts:
        raise UsageError(f"{what}: empty schedule (e.g. {DEFAULT_SCHEDULE})")
    bands: list[tuple[timedelta, timedelta]] = []
    after: timedelta | None = None
    for index, part in enumerate(parts):
        age_text, sep, every_text = part.partition(":")
        if not sep:
            if index != len(parts) - 1:
                raise UsageError(f"{what}: {part!r}: only the last entry may omit its AGE:")
            after = parse_duration(age_text, what=what)
            continue
        age = parse_duration(age_text, what=what)
        if bands and age <= bands[-1][0]:
            raise UsageError(f"{what}: ages must grow ({part!r} after {parts[index - 1]!r})")
        bands.append((age, parse_duration(every_text, what=what)))
    if after is None:
        after = bands[-1][1]
    if x_per_day < 1:
        raise UsageError("--x-per-day must be at least 1")
    return Cadence(tuple(bands), after, x_per_day)
