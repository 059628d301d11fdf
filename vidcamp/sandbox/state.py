"""What the sandbox knows: accounts, uploads in progress, posts, faults, counters.

One ``SandboxState`` per server, guarded by one lock; the platform modules read and change it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vidcamp.platforms import PLATFORMS

BLOCK = 64 * 1024
YT_QUANTUM = 256 * 1024
X_MAX_SEGMENT = 5 * 1024 * 1024
DEFAULT_SETTINGS: dict[str, Any] = {
    "facebook_chunk_size": 1024 * 1024,  # the Graph API picks each chunk's end_offset
    "x_processing_polls": 1,  # STATUS polls answered "in_progress" before "succeeded"
    "x_check_after_secs": 1,
    "metrics_clock": None,  # the metrics endpoints' clock (ISO time / unix s); None: real time
    "metrics_gone": {},  # {remote_id: "deleted" | "private"}: how the metrics endpoints see it
    "metrics_malformed": [],  # remote ids whose view counts come back as no number
    "metrics_report_seconds": 60,  # metrics-clock seconds a Dailymotion report takes to make
}


class Dropped(Exception):
    """Close the connection without an answer (fault injection)."""


class Answer(Exception):
    """Stop handling and send this answer."""

    def __init__(self, status: int, body: Any = None, headers: dict[str, str] | None = None):
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


@dataclass
class Account:
    platform: str
    name: str
    client_id: str
    client_secret: str
    access_token: str
    refresh_token: str
    expires_at: float
    refresh_valid: bool = True  # False once the refresh token is revoked
    page_id: str = ""  # Facebook
    user_id: str = ""  # X, Dailymotion
    username: str = ""  # X

    def entry(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "platform": self.platform,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "access_token": self.access_token,
            "expires_at": datetime.fromtimestamp(self.expires_at, UTC).isoformat(),
        }
        if self.platform == "facebook":
            out["page_id"] = self.page_id
            out.pop("expires_at")
        else:
            out["refresh_token"] = self.refresh_token
        return out


@dataclass
class Upload:
    id: str
    platform: str
    account: str
    size: int
    stored: int = 0
    bytes_received: int = 0
    requests: int = 0
    complete: bool = False
    meta: dict[str, Any] = field(default_factory=dict)
    hasher: Any = field(default_factory=hashlib.sha256)

    def stats(self) -> dict[str, Any]:
        return {
            "id": self.id, "platform": self.platform, "account": self.account,
            "size": self.size, "stored": self.stored, "bytes_received": self.bytes_received,
            "requests": self.requests, "complete": self.complete,
        }


class UploadWriter:
    """Appends streamed bytes that start at ``start`` to an upload.

    ``atomic=False`` (YouTube, Reels): every byte that arrives is kept, bytes the upload already
    holds are skipped. ``atomic=True`` (X segments, Facebook chunks, Dailymotion files): the part
    counts only once it arrived whole (``finish``); a dropped part leaves nothing behind. A
    part that starts before what is held is a re-send: counted, not stored again.
    """

    def __init__(self, state: SandboxState, upload: Upload, start: int, atomic: bool = False):
        self.state, self.upload, self.pos, self.atomic = state, upload, start, atomic
        self.duplicate = atomic and start < upload.stored
        if start > upload.stored:
            raise Answer(400, {"error": f"bytes start at {start} but {upload.stored} are held"})
        self.hasher = upload.hasher.copy() if atomic else None
        self.length = 0

    def write(self, data: bytes) -> None:
        up = self.upload
        with self.state.lock:
            up.bytes_received += len(data)
            self.state.received[up.platform] = self.state.received.get(up.platform, 0) + len(data)
            if self.atomic:
                self.length += len(data)
                if not self.duplicate and self.hasher is not None:
                    self.hasher.update(data)
                return
            end = self.pos + len(data)
            if end > up.stored:
                piece = data[max(0, up.stored - self.pos):]
                if up.stored + len(piece) > up.size:
                    raise Answer(400, {"error": "more bytes than the declared size"})
                up.hasher.update(piece)
                up.stored += len(piece)
            self.pos = end

    def finish(self) -> None:
        """The atomic part arrived whole: keep it."""
        up = self.upload
        with self.state.lock:
            if self.atomic and not self.duplicate and self.hasher is not None:
                if up.stored + self.length > up.size:
                    raise Answer(400, {"error": "more bytes than the declared size"})
                up.hasher = self.hasher
                up.stored += self.length


class SandboxState:
    """Everything the sandbox knows; one lock guards it."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.accounts: dict[str, Account] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, Upload] = {}
        self.posts: list[dict[str, Any]] = []
        self.faults: list[dict[str, Any]] = []
        self.routes: dict[str, int] = {}
        self.received: dict[str, int] = {}
        self.settings: dict[str, Any] = dict(DEFAULT_SETTINGS)
        # Dailymotion Reporting API (vidcamp.sandbox.metrics): partner tokens -> account name,
        # report tokens -> {account, asked (metrics clock), figures}
        self.partner_tokens: dict[str, str] = {}
        self.reports: dict[str, dict[str, Any]] = {}

    def reset(self) -> None:
        with self.lock:
            self.codes.clear()
            self.uploads.clear()
            self.posts.clear()
            self.faults.clear()
            self.routes.clear()
            self.received.clear()
            self.partner_tokens.clear()
            self.reports.clear()
            self.settings = dict(DEFAULT_SETTINGS)

    def add_account(self, platform: str, name: str, expires_in: float = 3600,
                    client_id: str | None = None, client_secret: str | None = None) -> Account:
        if platform not in PLATFORMS:
            raise Answer(400, {"error": f"unknown platform {platform!r}"})
        with self.lock:
            acct = Account(
                platform=platform, name=name,
                client_id=client_id or f"sbx-{platform}-client-{secrets.token_hex(4)}",
                client_secret=client_secret or f"sbx-secret-{secrets.token_hex(12)}",
                access_token=f"sbx-at-{secrets.token_hex(16)}",
                refresh_token=f"sbx-rt-{secrets.token_hex(16)}",
                expires_at=time.time() + expires_in,
                page_id=str(10**14 + secrets.randbelow(10**14)) if platform == "facebook" else "",
                user_id=str(10**17 + secrets.randbelow(10**17)),
                username=re.sub(r"[^A-Za-z0-9_]", "_", name)[:15] or "sandbox",
            )
            self.accounts[name] = acct
            return acct

    def by_token(self, token: str) -> Account | None:
        with self.lock:
            for acct in self.accounts.values():
                if token and secrets.compare_digest(acct.access_token, token):
                    return acct
        return None

    def take_fault(self, platform: str, route: str) -> dict[str, Any] | None:
        with self.lock:
            for fault in self.faults:
                if fault.get("platform") not in (None, "*", platform):
                    continue
                if fault.get("route") not in (None, "*", route):
                    continue
                if fault.get("kind") in ("processing",):
                    continue
                if int(fault.get("count", 1)) <= 0:
                    continue
                if int(fault.get("skip", 0)) > 0:  # let that many matches through first
                    fault["skip"] = int(fault["skip"]) - 1
                    continue
                fault["count"] = int(fault.get("count", 1)) - 1
                return dict(fault)
        return None

    def edit_post(self, platform: str, account: str, remote_id: str, field: str,
                  value: str) -> dict[str, Any] | None:
        """Change a post's ``title`` or ``thumbnail_sha256``; each change is kept in its
        ``edits`` list. None when the account has no such post."""
        with self.lock:
            post = next((p for p in self.posts if p["platform"] == platform
                         and p["remote_id"] == remote_id and p["account"] == account), None)
            if post is None:
                return None
            post[field] = value
            post.setdefault("edits", []).append({"field": field, "value": value,
                                                 "at": time.time()})
            return post

    def new_post(self, **post: Any) -> dict[str, Any]:
        with self.lock:
            post.setdefault("created_at", time.time())
            self.posts.append(post)
            return post
