"""Timecodes (``HH:MM:SS.mmm``, ``MM:SS`` or seconds) and durations (``1d``, ``2h30m``, ``90s``)."""

from __future__ import annotations

import re
from datetime import timedelta

TIMECODE_HELP = "HH:MM:SS.mmm, MM:SS or seconds"
DURATION_HELP = "a duration such as 90s, 45m, 2h30m or 1d"

_CLOCK = re.compile(
    r"""^(?:(?P<h>\d+):(?P<m>[0-5]?\d)   # HH:MM (minutes below 60 when hours are given)
         |(?P<mm>\d+)):              # or MM (any number of minutes)
         (?P<s>[0-5]?\d)             # seconds
         (?:[.,](?P<frac>\d{1,9}))?$""",
    re.VERBOSE,
)
_SECONDS = re.compile(r"^\d+(?:\.\d+)?$")
_DURATION = re.compile(
    r"^(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+(?:\.\d+)?)s)?$"
)


def parse_timecode(value: object) -> float:
    """Seconds from a timecode; ValueError with the accepted forms when it is not one."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a timecode ({TIMECODE_HELP})")
    if isinstance(value, int | float):
        if value < 0 or value != value or value == float("inf"):
            raise ValueError(f"{value!r} is not a timecode ({TIMECODE_HELP})")
        return round(float(value), 6)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a timecode ({TIMECODE_HELP})")
    text = value.strip()
    if _SECONDS.match(text):
        return round(float(text), 6)
    match = _CLOCK.match(text)
    if not match:
        raise ValueError(f'"{value}" is not a timecode ({TIMECODE_HELP})')
    hours = int(match["h"] or 0)
    minutes = int(match["m"] if match["m"] is not None else match["mm"])
    seconds = int(match["s"])
    frac = match["frac"] or ""
    fraction = int(frac) / 10 ** len(frac) if frac else 0.0
    return round(hours * 3600 + minutes * 60 + seconds + fraction, 6)


def format_timecode(seconds: float) -> str:
    """``HH:MM:SS.mmm`` for a non-negative number of seconds, rounded to the millisecond."""
    if seconds < 0:
        raise ValueError("a timecode cannot be negative")
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def parse_duration(value: object) -> timedelta:
    """A positive duration from ``1d``, ``2h30m``, ``45m``, ``90s`` or a number of seconds."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not {DURATION_HELP}")
    if isinstance(value, int | float):
        if value <= 0:
            raise ValueError(f"{value!r} is not {DURATION_HELP} (must be positive)")
        return timedelta(seconds=float(value))
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not {DURATION_HELP}")
    text = value.strip().replace(" ", "")
    match = _DURATION.match(text)
    if not text or not match:
        raise ValueError(f'"{value}" is not {DURATION_HELP}')
    delta = timedelta(
        days=int(match["d"] or 0),
        hours=int(match["h"] or 0),
        minutes=int(match["m"] or 0),
        seconds=float(match["s"] or 0),
    )
    if delta <= timedelta(0):
        raise ValueError(f'"{value}" is not {DURATION_HELP} (must be positive)')
    return delta
