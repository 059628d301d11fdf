from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vidcamp.spec.timecode import format_timecode, parse_duration, parse_timecode


@given(st.integers(min_value=0, max_value=100 * 3600 * 1000))
def test_format_then_parse_round_trips(millis: int) -> None:
    seconds = millis / 1000
    text = format_timecode(seconds)
    assert round(parse_timecode(text) * 1000) == millis
    assert format_timecode(parse_timecode(text)) == text


@given(
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=0, max_value=59),
    st.integers(min_value=0, max_value=59),
    st.integers(min_value=0, max_value=999),
)
def test_every_clock_form_means_the_same(h: int, m: int, s: int, ms: int) -> None:
    expected = h * 3600 + m * 60 + s + ms / 1000
    assert parse_timecode(f"{h}:{m:02d}:{s:02d}.{ms:03d}") == pytest.approx(expected)
    assert parse_timecode(f"{h:02d}:{m:02d}:{s:02d},{ms:03d}") == pytest.approx(expected)
    assert parse_timecode(f"{h * 60 + m}:{s:02d}.{ms:03d}") == pytest.approx(expected)
    assert parse_timecode(f"{expected:.3f}") == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90), ("1:30", 90), ("01:30", 90), ("00:01:30.5", 90.5), ("75:00", 4500), (2.5, 2.5)],
)
def test_examples(text: str | float, seconds: float) -> None:
    assert parse_timecode(text) == seconds


@pytest.mark.parametrize(
    "bad", ["01:75", "1:2:3:4", "soon", "", "-1", "1:60", True, None, [1], -0.5]
)
def test_rejects(bad: object) -> None:
    with pytest.raises(ValueError, match="is not a timecode"):
        parse_timecode(bad)


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("1d", timedelta(days=1)),
        ("2h30m", timedelta(hours=2, minutes=30)),
        ("90s", timedelta(seconds=90)),
        ("1d12h", timedelta(hours=36)),
        (600, timedelta(minutes=10)),
    ],
)
def test_durations(text: str | int, delta: timedelta) -> None:
    assert parse_duration(text) == delta


@pytest.mark.parametrize("bad", ["", "0s", "tomorrow", "1x", -5, 0])
def test_rejects_durations(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(bad)
