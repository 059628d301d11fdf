"""The benchmark harness's smallest path on tiny inputs, so it cannot rot unnoticed.

No timing is asserted here (figures belong in benchmarks/README.md): only that every part runs,
every contender's outputs meet their presets, and the results file holds every figure.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks import inputs
from benchmarks.run import Config, run_benchmark, table

TINY = replace(inputs.TINY, source_seconds=4.0, clip_seconds=1.0)


@pytest.mark.slow
def test_smallest_benchmark_runs_end_to_end(tmp_path: Path) -> None:
    cfg = Config(
        TINY, rounds=1, clips=1, scale=(1,), moviepy_targets=("x",), cache_runs=1,
        publish_runs=1, work=tmp_path / "work",
    )
    out = tmp_path / "results.json"
    res = run_benchmark(cfg, command="smoke", out=out)

    data = json.loads(out.read_text())
    summary = data["summary"]
    assert data["build_mode"] in {"cli", "library"}
    for key in ("a_over_b", "c_over_a", "build_tree_rss_gib", "rebuild_wall"):
        assert summary[key] > 0, key
    assert {r["label"] for r in data["runs"]} >= {"a-round1", "b-round1", "rebuild1", "c-moviepy"}
    # every contender made real, preset-conforming files
    assert data["checks"] == {"a (vidcamp)": [], "b (hand-written)": [], "c (moviepy)": []}
    publish = summary["publish"]
    if "pending" not in publish:
        assert publish["modules"]["heavy"] == []  # publish --due must stay light
        assert publish["future_posts"]["queued"] > 0
    assert "(a) vidcamp build, 1 clips" in table(res)
