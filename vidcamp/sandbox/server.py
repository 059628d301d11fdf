"""The sandbox: YouTube, Facebook, X and Dailymotion upload/post/OAuth endpoints on loopback.

Layout (mirroring ``vidcamp/publish/``): ``state`` (accounts, uploads, posts, faults),
``common`` (route table, request, error shapes, OAuth), one module per platform, ``control``
(the ``_sandbox`` endpoints), and this module (the HTTP server). The server imports the modules
listed in ``ROUTE_MODULES`` (plus any given to ``register_module``) when it starts; each
registers its endpoints with ``common.route``, so nothing imports the server back.

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
    scheduled_time, privacy, tags, made_for_kids, thumbnail_sha256, edits}]}`` — one per created
    post; ``edits`` lists each later change (``{field, value, at}``).
``GET /_sandbox/stats``
    ``{"uploads": [{id, platform, account, size, stored, bytes_received, requests, complete}],
    "bytes_received": {platform: n}, "routes": {route: hits}}``; ``bytes_received`` counts every
    payload byte that arrived, duplicates included.
``GET /_sandbox/metrics``
    ``{"posts": {remote_id: {platform, gone, views, likes, comments, shares, impressions,
    watch_seconds, complete}}}``: the figures the metrics endpoints serve now (see
    ``vidcamp.sandbox.metrics``; settings ``metrics_clock``, ``metrics_gone``,
    ``metrics_malformed``).
``POST /_sandbox/reset``
    Forgets posts, uploads, faults and counters (accounts stay).
``POST /_sandbox/settings`` ``{"facebook_chunk_size": n, "x_processing_polls": n,
    "x_check_after_secs": s}``.
``POST /_sandbox/faults`` ``{"faults": [FAULT, ...]}`` (appends; ``GET`` lists them), where
    FAULT is ``{"platform": P, "route": R, "kind": K, "count": 1, ...}``; ``platform``/``route``
    omitted match any. A fault fires on the next ``count`` matching requests, after letting
    ``skip`` (default 0) matching requests through. Routes:
    youtube: session chunk status thumbnail edit token; facebook: start rupload transfer status
    finish edit thumbnail token; x: initialize append finalize status tweet me timeline token;
    dailymotion: file_upload upload create list edit token. Kinds:

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

import contextlib
import importlib
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from vidcamp.sandbox.common import Body, Request, match
from vidcamp.sandbox.multipart import MultipartError
from vidcamp.sandbox.state import Answer, Dropped, SandboxState

# modules whose ``@route`` handlers the server serves, imported when a server is built
ROUTE_MODULES: list[str] = [
    "vidcamp.sandbox.control",
    "vidcamp.sandbox.youtube",
    "vidcamp.sandbox.facebook",
    "vidcamp.sandbox.x",
    "vidcamp.sandbox.dailymotion",
    "vidcamp.sandbox.metrics",
]


def register_module(name: str) -> None:
    """Serve the routes of module ``name`` too (e.g. a metrics API); call before ``start``."""
    if name not in ROUTE_MODULES:
        ROUTE_MODULES.append(name)


def load_routes() -> None:
    """Import every module in ``ROUTE_MODULES`` (each registers its routes once, on import)."""
    for name in ROUTE_MODULES:
        importlib.import_module(name)

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
        state = self.server.state
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        segments = parts.path.lstrip("/").split("/", 1)
        host, path = segments[0], "/" + (segments[1] if len(segments) > 1 else "")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._send(411, {"error": "send Content-Length"}, {}, close=True)
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = Body(self.rfile, length, None)
        req = Request(self, host, path, query, body)
        try:
            handler = match(method, host, path)
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
        load_routes()
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
        from vidcamp.sandbox.control import add_faults

        add_faults(self.state, list(faults))

    def posts(self) -> list[dict[str, Any]]:
        from vidcamp.sandbox.control import public_post

        with self.state.lock:
            return [public_post(p) for p in self.state.posts]

    def stats(self) -> dict[str, Any]:
        from vidcamp.sandbox.control import stats

        return stats(self.state)

    def reset(self) -> None:
        self.state.reset()
