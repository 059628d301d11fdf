"""What every platform module of the sandbox shares: the route table, the request, errors in
each platform's shape, fault answers, accounts and the OAuth endpoints.

Routes are registered with ``@route(METHOD, HOST, PATH_REGEX)``. Any module can add endpoints
this way (a metrics API, say): import ``route`` from here, decorate the handlers, and list the
module in ``vidcamp.sandbox.server.ROUTE_MODULES`` (or call ``register_module(name)`` before
the server starts) so the server imports it. A handler gets ``(state, server, request)`` and
returns ``(status, body, headers)`` or raises ``Answer``; control endpoints use the host
``_sandbox``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit

from vidcamp.sandbox.multipart import FileSink, boundary_of, read_multipart
from vidcamp.sandbox.state import BLOCK, Account, Answer, Dropped, SandboxState

if TYPE_CHECKING:
    from vidcamp.sandbox.server import Handler, SandboxHTTPServer

Result = tuple[int, Any, dict[str, str]]
HandlerFn = Callable[["SandboxState", "SandboxHTTPServer", "Request"], Result]

_ROUTES: list[tuple[str, str, re.Pattern[str], HandlerFn]] = []


def route(method: str, host: str, path: str) -> Callable[[HandlerFn], HandlerFn]:
    def register(fn: HandlerFn) -> HandlerFn:
        _ROUTES.append((method, host, re.compile(path + r"$"), fn))
        return fn

    return register


def match(method: str, host: str, path: str) -> HandlerFn | None:
    for m, h, pattern, fn in _ROUTES:
        if m == method and h == host and pattern.match(path):
            return fn
    return None


def ok(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Result:
    return status, body, headers or {}


class Body:
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


class Request:
    def __init__(self, handler: Handler, host: str, path: str, query: dict[str, str],
                 body: Body) -> None:
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
                self._form = read_multipart(self.body, boundary_of(ctype), no_files)
            else:
                raw = self.body.read_all().decode("utf-8", "replace")
                self._form = dict(parse_qsl(raw, keep_blank_values=True))
        return self._form

    def bearer(self, scheme: str = "Bearer") -> str:
        value = self.headers.get("Authorization", "")
        if value.lower().startswith(scheme.lower() + " "):
            return value[len(scheme) + 1:].strip()
        return ""


SinkT = TypeVar("SinkT", bound=FileSink)


def receive_file(req: Request, open_file: Callable[[str, str, dict[str, str]], SinkT]
                 ) -> SinkT | None:
    """Read the multipart body, streaming its file part to the sink ``open_file`` opens: that
    sink (the last, if several file parts came), or None when no file part came."""
    opened: list[SinkT] = []

    def open_and_keep(name: str, filename: str, fields: dict[str, str]) -> SinkT:
        opened.append(open_file(name, filename, fields))
        return opened[-1]

    read_multipart(req.body, boundary_of(req.headers.get("Content-Type", "")), open_and_keep)
    return opened[-1] if opened else None


class ImageSink:
    """Collects one uploaded image part (at most ``limit`` bytes)."""

    def __init__(self, limit: int = 2 * 1024 * 1024) -> None:
        self.data = bytearray()
        self.limit = limit

    def write(self, data: bytes) -> None:
        self.data.extend(data)
        if len(self.data) > self.limit:
            raise Answer(413, {"error": "image too large"})


def no_files(name: str, filename: str, fields: dict[str, str]) -> Any:
    raise Answer(400, {"error": f"unexpected file part {name!r}"})


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


def yt_error(status: int, reason: str, message: str, domain: str = "global") -> Answer:
    return Answer(status, {"error": {"code": status, "message": message,
                                     "errors": [{"domain": domain, "reason": reason,
                                                 "message": message}]}})


def fb_error(message: str, code: int, subcode: int | None = None, status: int = 400,
             transient: bool = False, data: dict[str, Any] | None = None) -> Answer:
    error: dict[str, Any] = {"message": message, "type": "OAuthException" if code == 190
                             else "GraphMethodException", "code": code,
                             "is_transient": transient, "fbtrace_id": secrets.token_hex(6)}
    if subcode:
        error["error_subcode"] = subcode
    if data:
        error["error_data"] = data
    return Answer(status, {"error": error})


def x_error(status: int, title: str, detail: str, headers: dict[str, str] | None = None) -> Answer:
    return Answer(status, {"title": title, "detail": detail, "type": "about:blank",
                           "status": status}, headers)


def dm_error(status: int, kind: str, message: str, reason: str = "",
             headers: dict[str, str] | None = None) -> Answer:
    error: dict[str, Any] = {"code": status, "message": message, "type": kind}
    if reason:
        error["error_data"] = {"reason": reason}
    return Answer(status, {"error": error}, headers)


def fault_answer(platform: str, fault: dict[str, Any] | None) -> None:
    """Raise the answer a status/rate-limit/quota/reject fault stands for."""
    if not fault:
        return
    kind = fault["kind"]
    if kind == "status":
        status = int(fault.get("status", 503))
        headers = {"Retry-After": str(fault["retry_after"])} if "retry_after" in fault else {}
        if platform == "facebook":
            raise Answer(status, {"error": {"message": "An unexpected error has occurred.",
                                            "type": "OAuthException", "code": 2,
                                            "is_transient": True}}, headers)
        if platform == "x":
            raise x_error(status, "Service Unavailable", "try again", headers)
        if platform == "dailymotion":
            raise dm_error(status, "server_error", "Server error", headers=headers)
        raise Answer(status, {"error": {"code": status, "message": "Backend Error",
                                        "errors": [{"reason": "backendError"}]}}, headers)
    if kind == "rate_limit":
        seconds = float(fault.get("seconds", 2))
        headers = {"Retry-After": str(int(seconds)),
                   "x-rate-limit-limit": "50", "x-rate-limit-remaining": "0",
                   "x-rate-limit-reset": str(int(time.time() + seconds))}
        if platform == "x":
            headers.pop("Retry-After")  # X tells the window only by its reset time
        raise Answer(429, {"error": {"code": 429, "message": "Too Many Requests"},
                           "title": "Too Many Requests"}, headers)
    if kind == "quota":
        if platform == "youtube":
            raise yt_error(403, "quotaExceeded", "The request cannot be completed because you"
                           " have exceeded your quota.", "youtube.quota")
        if platform == "x":
            seconds = float(fault.get("seconds", 3600))
            raise x_error(429, "Too Many Requests", "Too Many Requests",
                          {"x-rate-limit-limit": "17", "x-rate-limit-remaining": "0",
                           "x-rate-limit-reset": str(int(time.time() + seconds))})
        if platform == "dailymotion":
            raise dm_error(403, "access_forbidden", "You reached your upload limit.",
                           "upload_limit_exceeded")
        raise fb_error("Application request limit reached", 4, transient=True)
    if kind == "reject":
        if platform == "youtube":
            raise yt_error(400, "invalidTitle", "The request metadata specifies an invalid"
                           " video title.", "youtube.video")
        if platform == "x":
            raise x_error(403, "Forbidden", "Your media IDs are invalid.")
        if platform == "dailymotion":
            raise dm_error(400, "invalid_parameter", "Invalid value for `title`.")
        raise fb_error("(#100) Invalid parameter", 100)


def enter_authorised(state: SandboxState, req: Request, platform: str, step: str,
                     token: Callable[[Request], str] = Request.bearer) -> Account:
    """Enter ``step`` of ``platform``: answer the fault set for it, if any, then the account
    owning the request's token (``token`` reads it: the bearer token unless said otherwise)."""
    fault_answer(platform, req.enter(platform, step))
    return account_for(state, req, platform, token(req))


def account_for(state: SandboxState, req: Request, platform: str, token: str) -> Account:
    """The account owning ``token``; a fault may expire or revoke it first; 401 if invalid."""
    acct = state.by_token(token)
    fault = req.fault
    if acct is not None and fault and fault["kind"] in ("expire_token", "revoke"):
        expire(acct, revoke=fault["kind"] == "revoke")
    if acct is None or acct.platform != platform or acct.expires_at <= time.time():
        if platform == "youtube":
            raise Answer(401, {"error": {"code": 401, "message": "Request had invalid"
                                         " authentication credentials.",
                                         "errors": [{"reason": "authError",
                                                     "domain": "global"}],
                                         "status": "UNAUTHENTICATED"}},
                         {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'})
        if platform == "facebook":
            raise fb_error("Error validating access token: Session has expired.", 190, 463)
        if platform == "x":
            raise x_error(401, "Unauthorized", "Unauthorized")
        raise dm_error(401, "invalid_token", "Invalid or expired access token.",
                       headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return acct


def expire(acct: Account, revoke: bool = False) -> None:
    acct.expires_at = time.time() - 1
    if revoke:
        acct.refresh_valid = False


def issue_tokens(acct: Account, rotate_refresh: bool) -> dict[str, Any]:
    acct.access_token = f"sbx-at-{secrets.token_hex(16)}"
    acct.expires_at = time.time() + 3600
    from vidcamp.platforms import get_platform

    oauth = get_platform(acct.platform).oauth
    answer: dict[str, Any] = {"access_token": acct.access_token, "token_type": "Bearer",
                              "expires_in": 3600,
                              "scope": oauth.scope_separator.join(oauth.scopes)}
    if rotate_refresh:
        acct.refresh_token = f"sbx-rt-{secrets.token_hex(16)}"
        acct.refresh_valid = True
        answer["refresh_token"] = acct.refresh_token
    return answer


def token_endpoint(state: SandboxState, req: Request, platform: str) -> Result:
    """OAuth 2 token endpoint: refresh_token and authorization_code (with PKCE for X)."""
    fault_answer(platform, req.enter(platform, "token"))
    form = req.form() if req.handler.command == "POST" else dict(req.query)
    client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    auth = req.headers.get("Authorization", "")
    if auth.lower().startswith("basic "):
        client_id, secret = basic_auth(auth)
    grant = form.get("grant_type", "authorization_code" if "code" in form else "")
    with state.lock:
        if grant == "refresh_token":
            acct = next((a for a in state.accounts.values() if a.platform == platform
                         and secrets.compare_digest(a.refresh_token,
                                                    form.get("refresh_token", ""))), None)
            if acct is None or not acct.refresh_valid or acct.client_id != client_id:
                raise Answer(400, {"error": "invalid_grant",
                                   "error_description": "refresh token invalid or revoked"})
            # X and Dailymotion rotate refresh tokens; Google keeps the old one
            return ok(issue_tokens(acct, rotate_refresh=platform in ("x", "dailymotion")))
        if grant == "authorization_code" or "code" in form:
            code = state.codes.pop(form.get("code", ""), None)
            if code is None or code["client_id"] != client_id:
                raise Answer(400, {"error": "invalid_grant", "error_description": "bad code"})
            if code["redirect_uri"] != form.get("redirect_uri"):
                raise Answer(400, {"error": "invalid_grant",
                                   "error_description": "redirect_uri mismatch"})
            acct = state.accounts[code["account"]]
            if platform != "x" and acct.client_secret != secret:
                raise Answer(401, {"error": "invalid_client"})
            if code.get("code_challenge"):
                verifier = form.get("code_verifier", "")
                digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                if digest.rstrip(b"=").decode() != code["code_challenge"]:
                    raise Answer(400, {"error": "invalid_grant",
                                       "error_description": "PKCE verification failed"})
            answer = issue_tokens(acct, rotate_refresh=platform != "facebook")
            if platform == "facebook":
                answer.pop("refresh_token", None)
            return ok(answer)
    raise Answer(400, {"error": "unsupported_grant_type"})


def authorize(state: SandboxState, req: Request, platform: str) -> Result:
    """Approve at once and redirect to the loopback redirect URI with a code."""
    q = req.query
    redirect = q.get("redirect_uri", "")
    host = urlsplit(redirect).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise Answer(400, {"error": "the sandbox only redirects to loopback addresses"})
    with state.lock:
        acct = next((a for a in state.accounts.values()
                     if a.platform == platform and a.client_id == q.get("client_id")), None)
        if acct is None:
            raise Answer(400, {"error": "unknown client_id (register an account first)"})
        if platform == "x" and (not q.get("code_challenge")
                                or q.get("code_challenge_method") != "S256"):
            raise Answer(400, {"error": "PKCE (code_challenge, S256) is required"})
        code = secrets.token_urlsafe(16)
        state.codes[code] = {"account": acct.name, "client_id": acct.client_id,
                             "redirect_uri": redirect,
                             "code_challenge": q.get("code_challenge", "")}
    location = add_query(redirect, {"code": code, "state": q.get("state", "")})
    return ok({"redirect": location}, 302, {"Location": location})


def oauth_routes(platform: str, *, token: tuple[str, str, str],
                 consent: tuple[str, str, str]) -> None:
    """Route a platform's OAuth token endpoint and consent page, each ``(method, host, path)``."""

    def token_handler(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
        return token_endpoint(state, req, platform)

    def consent_handler(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
        return authorize(state, req, platform)

    route(*token)(token_handler)
    route(*consent)(consent_handler)
