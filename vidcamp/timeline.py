"""Moving source-timed spans onto the timeline of a clip cut from segments of the source."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol, TypeVar


class Timed(Protocol):
    """Anything with a [start, end) in seconds."""

    @property
    def start(self) -> float: ...

    @property
    def end(self) -> float: ...


T = TypeVar("T", bound=Timed)


def onto_cut(spans: Iterable[T], segments: Sequence[Timed], min_seconds: float
             ) -> Iterator[tuple[T, float, float]]:
    """Each span with its [start, end) on the joined cut: clipped to every segment it overlaps,
    pieces shorter than ``min_seconds`` dropped, in segment order (``spans`` is read once per
    segment, so pass a collection)."""
    offset = 0.0
    for seg in segments:
        for span in spans:
            start, end = max(span.start, seg.start), min(span.end, seg.end)
            if end - start >= min_seconds:
                yield span, offset + start - seg.start, offset + end - seg.start
        offset += seg.end - seg.start
