"""A writer killed with SIGKILL loses nothing it had committed, and never half a transaction."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from vidcamp.ledger import Ledger

from .conftest import ROOT


@pytest.mark.parametrize("batch", [1, 25])
@pytest.mark.slow
def test_sigkill_during_writes_loses_nothing_committed(tmp_path: Path, batch: int) -> None:
    rng = random.Random(5 + batch)
    path = tmp_path / "ledger.sqlite3"
    for _round in range(4):
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.ledger.helpers", "write", str(path), str(batch)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert proc.stdout is not None
        acknowledged: list[int] = []
        stop_after = rng.randint(1, 12)
        for line in proc.stdout:
            acknowledged.append(int(line))
            if len(acknowledged) >= stop_after:
                break
        proc.send_signal(signal.SIGKILL)  # mid-way through its next transaction, most likely
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        with Ledger.open(path) as ledger:
            keys = {row.clip_id for row in ledger.posts()}
            events = ledger.events()
        # every acknowledged batch is there, whole; no batch is there in part
        for start in acknowledged:
            assert {f"k{start + i}" for i in range(batch)} <= keys
        numbers = sorted(int(k[1:]) for k in keys)
        assert numbers == list(range(len(numbers)))
        assert len(numbers) % batch == 0
        assert len(events) == len(numbers)  # one "queued" event per post, no more, no less
        assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
