"""The batch line of a multi-clip render: clips done out of the total and an ETA."""

from __future__ import annotations

import re

from vidcamp.render.progress import BatchTally


def test_eta_counts_rendered_footage_and_cached_clips_as_done() -> None:
    tally = BatchTally({"a": 10.0, "b": 30.0, "c": 20.0})
    assert tally.clip_done("a", rendered=False) == "1/3 clips done"  # cached: no rate yet
    line = tally.clip_done("b", rendered=True)
    m = re.fullmatch(r"2/3 clips done, about (\d+) s left", line)
    assert m is not None
    # 20 s of footage left at the rate of the 30 s rendered: two thirds of the time so far
    assert int(m.group(1)) <= 1  # the clip "rendered" instantly here
    assert tally.clip_done("c", rendered=True) == "3/3 clips done"
