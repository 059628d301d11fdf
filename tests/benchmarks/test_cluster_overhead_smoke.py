"""The cluster benchmark's smallest path (one job, one round, no scaling), so it cannot rot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("distributed")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_cluster_overhead_benchmark_runs() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.cluster_overhead", "--clips", "1", "--rounds", "1",
         "--no-scale"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Dask overhead per job" in proc.stdout
    assert "1 Dask worker" in proc.stdout and "-j 1 here" in proc.stdout
