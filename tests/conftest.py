"""Shared fixtures. ``sandbox``: the loopback platform sandbox, reset for each test."""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from vidcamp.sandbox import SandboxServer


class Sandbox:
    """A test's view of the running sandbox: accounts land in a per-test credentials file."""

    def __init__(self, server: SandboxServer, credentials: Path) -> None:
        self.server = server
        self.credentials = credentials

    @property
    def url(self) -> str:
        return self.server.url

    def account(self, platform: str, name: str | None = None, **extra: Any) -> str:
        """Register an account at the sandbox and save its entry; returns the account name."""
        from vidcamp.credentials import save_account

        name = name or f"{platform}_acct"
        entry = self.server.add_account(platform, name)
        entry.update(extra)
        save_account(name, entry, self.credentials)
        return name

    def entry(self, name: str) -> dict[str, Any]:
        from vidcamp.credentials import load_account

        return load_account(name, self.credentials)

    def faults(self, *faults: dict[str, Any]) -> None:
        self.server.add_faults(*faults)

    def settings(self, **values: Any) -> None:
        self.server.state.settings.update(values)

    def posts(self, platform: str | None = None) -> list[dict[str, Any]]:
        return [p for p in self.server.posts() if platform in (None, p["platform"])]

    def received(self, platform: str) -> int:
        """Payload bytes the sandbox received for ``platform``, re-sent bytes included."""
        return int(self.server.stats()["bytes_received"].get(platform, 0))

    def tokens(self) -> list[str]:
        """Every token value the sandbox has issued so far that is still current."""
        with self.server.state.lock:
            accts = list(self.server.state.accounts.values())
        return [t for a in accts for t in (a.access_token, a.refresh_token, a.client_secret)]


def made_once(
    factory: pytest.TempPathFactory, name: str, make: Callable[[Path], object], *key: object
) -> Path:
    """The file ``name`` made by ``make(path)`` once per test run (``key``: what it is made
    from). Under pytest-xdist the workers share it: the first makes it under a lock, the
    others wait and reuse it, so generated footage costs its ffmpeg run once, not per worker."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each worker's own
    digest = hashlib.sha256(repr((name, key)).encode()).hexdigest()[:12]
    folder = base / "made-once" / digest
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            part = folder / f".part{os.getpid()}{path.suffix}"
            make(part)
            part.replace(path)
    return path


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    with SandboxServer("127.0.0.1", 0) as server:
        yield server


@pytest.fixture
def sandbox(
    sandbox_server: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Sandbox:
    """The sandbox, reset, with VIDCAMP_API_ROOT and VIDCAMP_CREDENTIALS pointing at it."""
    sandbox_server.reset()
    credentials = tmp_path / "credentials.yaml"
    monkeypatch.setenv("VIDCAMP_API_ROOT", sandbox_server.url)
    monkeypatch.setenv("VIDCAMP_CREDENTIALS", str(credentials))
    return Sandbox(sandbox_server, credentials)


@pytest.fixture
def random_file(tmp_path: Path) -> Callable[[int], Path]:
    """Write ``size`` random bytes to a fresh .mp4 path (upload protocols need no real video)."""
    count = 0

    def make(size: int) -> Path:
        nonlocal count
        count += 1
        path = tmp_path / f"video{count}.mp4"
        path.write_bytes(os.urandom(size))
        return path

    return make
