"""The sandbox: YouTube, Facebook, X and Dailymotion upload/post/OAuth endpoints on loopback.

Requests use the ``VIDCAMP_API_ROOT`` scheme: ``https://HOST/PATH?Q`` is served at
``{url}/HOST/PATH?Q``. URLs the sandbox hands out (YouTube session URIs, Facebook
``upload_url``, Dailymotion ``upload_url``) point back at it. Bodies are streamed: bytes are
hashed as they arrive and only counters are kept, so a 300 MB upload costs no memory.

Control endpoints (JSON), usable from any process:

``POST /_sandbox/accounts`` ``{"platform": "youtube", "name": "yt", "expires_in": 3600}``
    Registers an account and answers its credentials entry (``platform``, ``client_id``,
    ``client_secret``, ``access_token``, ``refresh_token``, ``expires_at``; Facebook:
    ``page_id`` and a Page token without refresh). Only tokens the sandbox issued are accepted.
``GET /_sandbox/posts``
    ``{"posts": [{platform, account, remote_id, title, description, sha256, size,
    scheduled_time, privacy, tags, made_for_kids, thumbnail_sha256}]}`` — one per created post.
``GET /_sandbox/stats``
    ``{"uploads": [{id, platform, account, size, stored, bytes_received, requests, complete}],
    "bytes_received": {platform: n}, "routes": {route: hits}}``; ``bytes_received`` counts every
    payload byte that arrived, duplicates included.
``GET /_sandbox/metrics``
    ``{"posts": {remote_id: {platform, gone, views, likes, comments, shares, impressions,
    watch_seconds, complete}}}``: the figures the metrics endpoints serve now (see
    ``vidcamp.sandbox.metrics``; settings ``metrics_clock`` and ``metrics_gone``).
``POST /_sandbox/reset``
    Forgets posts, uploads, faults and counters (accounts stay).
``POST /_sandbox/settings`` ``{"facebook_chunk_size": n, "x_processing_polls": n,
    "x_check_after_secs": s}``.
``POST /_sandbox/faults`` ``{"faults": [FAULT, ...]}`` (appends; ``GET`` lists them), where
    FAULT is ``{"platform": P, "route": R, "kind": K, "count": 1, ...}``; ``platform``/``route``
    omitted match any. A fault fires on the next ``count`` matching requests, after letting
    ``skip`` (default 0) matching requests through. Routes:
    youtube: session chunk status thumbnail token; facebook: start rupload transfer status
    finish token; x: initialize append finalize status tweet me timeline token;
    dailymotion: file_upload upload create list token. Kinds:

    - ``drop`` ``after_bytes``: read that many body bytes (YouTube and Reels keep them), then
      close the connection without an answer.
    - ``drop_response``: do the work (e.g. create the post), then close without answering.
    - ``status`` ``status`` (default 503): answer that status with the platform's error body.
    - ``rate_limit`` ``seconds`` (default 2): 429 with ``Retry-After`` and ``x-rate-limit-reset``.
    - ``session_expired``: YouTube forgets the upload session (the request gets 404).
    - ``wrong_offset``: Facebook transfer answers subcode 1363037 with the right offsets.
    - ``processing`` ``pending_polls``, ``result`` (succeeded|failed): X processing of the
      next finalized media.
    - ``expire_token``: the account's access token expires (with ``route``: when that route is
      hit, which then answers 401; without: at once).
    - ``revoke``: the access token expires and the refresh token stops working.
    - ``quota``: the platform's quota answer (YouTube 403 quotaExceeded, X 429 with a reset
      ``seconds`` ahead (default 3600), Dailymotion 403 upload limit, Facebook code 4).
    - ``reject``: a permanent refusal (YouTube 400 invalid metadata, Facebook code 100,
      X 403 on the post, Dailymotion 400).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from vidcamp.platforms import PLATFORMS
from vidcamp.sandbox.multipart import MultipartError, boundary_of, read_multipart

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
    page_id: str = ""
    user_id: str = ""
    username: str = ""
    refresh_valid: bool = True

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

    def reset(self) -> None:
        with self.lock:
            self.codes.clear()
            self.uploads.clear()
            self.posts.clear()
            self.faults.clear()
            self.routes.clear()
            self.received.clear()
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

    def new_post(self, **post: Any) -> dict[str, Any]:
        with self.lock:
            post.setdefault("created_at", time.time())
            self.posts.append(post)
            return post


class _Body:
    """The request body as a reader that counts, enforces Content-Length and injected drops."""

    def __init__(self, rfile: Any, length: int, drop_after: int | None) -> None:
        self.rfile, self.remaining, self.drop_after = rfile, length, drop_after
        self.read_total = 0

    def read(self, n: int = BLOCK) -> bytes:
        if self.remaining <= 0:
            return b""
        n = min(n, self.remaining)
        if self.drop_after is not None:
            left = self.drop_after - self.read_total
            if left <= 0:
                raise Dropped()
            n = min(n, left)
        data = self.rfile.read(n)
        if not data:
            raise Dropped()
        self.remaining -= len(data)
        self.read_total += len(data)
        return data

    def read_all(self, limit: int = 2_000_000) -> bytes:
        out = bytearray()
        while chunk := self.read(BLOCK):
            out.extend(chunk)
            if len(out) > limit:
                raise Answer(413, {"error": "body too large"})
        return bytes(out)

    def drain(self) -> None:
        while self.read(BLOCK):
            pass


class _Request:
    def __init__(self, handler: Handler, host: str, path: str, query: dict[str, str],
                 body: _Body) -> None:
        self.handler, self.host, self.path, self.query, self.body = handler, host, path, query, body
        self.headers = handler.headers
        self._form: dict[str, str] | None = None
        self.fault: dict[str, Any] | None = None

    def enter(self, platform: str, route: str) -> dict[str, Any] | None:
        """Count the route and take a matching fault (a drop starts counting body bytes)."""
        state = self.handler.server.state
        with state.lock:
            key = f"{platform}.{route}"
            state.routes[key] = state.routes.get(key, 0) + 1
        self.fault = state.take_fault(platform, route)
        if self.fault and self.fault["kind"] == "drop":
            self.body.drop_after = self.body.read_total + int(self.fault.get("after_bytes", 0))
        return self.fault

    def json(self) -> Any:
        try:
            return json.loads(self.body.read_all() or b"{}")
        except ValueError:
            raise Answer(400, {"error": "body is not JSON"}) from None

    def form(self) -> dict[str, str]:
        if self._form is None:
            ctype = self.headers.get("Content-Type", "")
            if ctype.startswith("multipart/"):
                self._form = read_multipart(self.body, boundary_of(ctype), _no_files)
            else:
                raw = self.body.read_all().decode("utf-8", "replace")
                self._form = dict(parse_qsl(raw, keep_blank_values=True))
        return self._form

    def bearer(self, scheme: str = "Bearer") -> str:
        value = self.headers.get("Authorization", "")
        if value.lower().startswith(scheme.lower() + " "):
            return value[len(scheme) + 1:].strip()
        return ""


def _no_files(name: str, filename: str, fields: dict[str, str]) -> Any:
    raise Answer(400, {"error": f"unexpected file part {name!r}"})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # header and body go in separate writes
    server: SandboxHTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet; tests read counters
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        from vidcamp.sandbox import platforms

        state = self.server.state
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        segments = parts.path.lstrip("/").split("/", 1)
        host, path = segments[0], "/" + (segments[1] if len(segments) > 1 else "")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._send(411, {"error": "send Content-Length"}, {}, close=True)
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = _Body(self.rfile, length, None)
        req = _Request(self, host, path, query, body)
        try:
            if host == "_sandbox":
                status, payload, headers = platforms.control(state, self.server, method, path,
                                                             req)
            else:
                handler = platforms.match(method, host, path)
                if handler is None:
                    raise Answer(404, {"error": f"no sandbox endpoint for {method} {host}{path}"})
                status, payload, headers = handler(state, self.server, req)
            if req.fault and req.fault["kind"] in ("drop", "drop_response"):
                body.drain()  # a drop after more bytes than the body has: drop at its end
                raise Dropped()
        except Dropped:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        except Answer as answer:
            status, payload, headers = answer.status, answer.body, answer.headers
        except (MultipartError, ValueError, KeyError) as exc:
            status, payload, headers = 400, {"error": f"bad request: {exc}"}, {}
        except Exception as exc:  # a sandbox bug must still answer, not hang the client
            status, payload, headers = 500, {"error": f"sandbox: {type(exc).__name__}"}, {}
        if req.fault and req.fault["kind"] in ("drop", "drop_response"):
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        close = False
        try:
            body.drain()
        except Dropped:
            close = True
        self._send(status, payload, headers, close=close)

    def _send(self, status: int, payload: Any, headers: dict[str, str], close: bool) -> None:
        if isinstance(payload, bytes):
            data = payload
        elif payload is None:
            data = b""
        else:
            data = json.dumps(payload).encode()
            headers = {"Content-Type": "application/json; charset=UTF-8", **headers}
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: SandboxState) -> None:
        self.state = state
        super().__init__(address, Handler)

    @property
    def root(self) -> str:
        host, port = self.server_address[:2]
        if isinstance(host, bytes):
            host = host.decode()
        return f"http://{host}:{port}"


class SandboxServer:
    """The sandbox on ``host:port`` (0 = any free port), served from a background thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port = host, port
        self.state = SandboxState()
        self._httpd: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The value for ``VIDCAMP_API_ROOT``."""
        if self._httpd is None:
            raise RuntimeError("sandbox not started")
        return self._httpd.root

    def start(self) -> SandboxServer:
        self._httpd = SandboxHTTPServer((self.host, self.port), self.state)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.2},
                                        name="vidcamp-sandbox", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Run in the calling thread until interrupted (for ``vidcamp sandbox serve``)."""
        self._httpd = SandboxHTTPServer((self.host, self.port), self.state)
        self.port = self._httpd.server_address[1]
        try:
            self._httpd.serve_forever(poll_interval=0.5)
        finally:
            self._httpd.server_close()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd, self._thread = None, None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # in-process conveniences (the same as the HTTP control endpoints)

    def add_account(self, platform: str, name: str, expires_in: float = 3600) -> dict[str, Any]:
        """Register an account; its credentials-file entry."""
        return self.state.add_account(platform, name, expires_in).entry()

    def add_faults(self, *faults: dict[str, Any]) -> None:
        from vidcamp.sandbox.platforms import add_faults

        add_faults(self.state, list(faults))

    def posts(self) -> list[dict[str, Any]]:
        from vidcamp.sandbox.platforms import public_post

        with self.state.lock:
            return [public_post(p) for p in self.state.posts]

    def stats(self) -> dict[str, Any]:
        from vidcamp.sandbox.platforms import stats

        return stats(self.state)

    def reset(self) -> None:
        self.state.reset()


def basic_auth(value: str) -> tuple[str, str]:
    """(client_id, secret) from an ``Authorization: Basic`` header value."""
    try:
        raw = base64.b64decode(value.split(" ", 1)[1]).decode()
        user, _, password = raw.partition(":")
        return user, password
    except (IndexError, ValueError):
        return "", ""


def add_query(url: str, params: dict[str, str]) -> str:
    sep = "&" if "?" in url else "?"
    return url + sep + urlencode(params)
