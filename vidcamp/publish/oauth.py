"""OAuth 2 authorisation-code login with a loopback redirect (RFC 8252), PKCE where required.

The user's browser is sent to the platform's authorize URL; the platform redirects to
``http://127.0.0.1:PORT/callback?code=...``, which a one-shot local server catches; the code
is traded for tokens at the token URL. Facebook then trades the user token for the Page's token.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

from vidcamp.errors import ReauthRequired, UsageError
from vidcamp.publish.base import OAuthEndpoints, api_url, now_utc, short, token_fields


class _Catcher(BaseHTTPRequestHandler):
    result: dict[str, str]
    done: threading.Event

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != "/callback":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.server.result.update(dict(parse_qsl(parts.query)))  # type: ignore[attr-defined]
        page = b"vidcamp: authorisation received; you can close this tab.\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)
        self.server.done.set()  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:
        pass


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def login(
    platform: str,
    client_id: str,
    client_secret: str = "",
    *,
    open_url: Callable[[str], Any],
    port: int = 0,
    timeout: float = 300.0,
    page_id: str = "",
    client: httpx.Client | None = None,
    extra_scopes: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Run the authorisation-code flow; the credentials entry for the account (with secrets).

    ``extra_scopes`` are asked for beside the platform's own (e.g. YouTube Analytics).
    """
    from dataclasses import replace

    from vidcamp.platforms import get_platform

    endpoints: OAuthEndpoints = get_platform(platform).oauth
    if extra_scopes:
        wanted = endpoints.scopes + tuple(s for s in extra_scopes if s not in endpoints.scopes)
        endpoints = replace(endpoints, scopes=wanted)
    server = HTTPServer(("127.0.0.1", port), _Catcher)
    server.result = {}  # type: ignore[attr-defined]
    server.done = threading.Event()  # type: ignore[attr-defined]
    redirect_uri = f"http://127.0.0.1:{server.server_address[1]}/callback"
    state = secrets.token_urlsafe(16)
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": endpoints.scope_separator.join(endpoints.scopes),
        "state": state,
        **dict(endpoints.extra_params),
    }
    verifier = ""
    if endpoints.pkce:
        verifier, challenge = pkce_pair()
        params["code_challenge"] = challenge
        params["code_challenge_method"] = "S256"
    url = api_url(endpoints.authorize_url) + "?" + urlencode(params)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    try:
        open_url(url)
        if not server.done.wait(timeout):  # type: ignore[attr-defined]
            raise ReauthRequired(f"{platform}: no authorisation arrived within {timeout:.0f} s")
        result: dict[str, str] = server.result  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
    if result.get("state") != state:
        raise ReauthRequired(f"{platform}: authorisation answer had the wrong state parameter")
    if "error" in result or "code" not in result:
        raise ReauthRequired(f"{platform}: authorisation refused: "
                             f"{short(result.get('error', 'no code'), 80)}")
    own = client is None
    http = client or httpx.Client(timeout=30.0)
    try:
        answer = _exchange(http, endpoints, platform, client_id, client_secret,
                           result["code"], redirect_uri, verifier)
        entry: dict[str, Any] = {"platform": platform, "client_id": client_id,
                                 "authorized_at": now_utc().replace(microsecond=0).isoformat(),
                                 "scope": str(answer.get("scope") or " ".join(endpoints.scopes))}
        if client_secret:
            entry["client_secret"] = client_secret
        if platform == "facebook":
            entry.update(_page_token(http, answer["access_token"], page_id))
            return entry
        entry.update(token_fields(answer))
        return entry
    finally:
        if own:
            http.close()


def _exchange(http: httpx.Client, endpoints: OAuthEndpoints, platform: str, client_id: str,
              client_secret: str, code: str, redirect_uri: str, verifier: str) -> dict[str, Any]:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": client_id}
    auth: httpx.BasicAuth | None = None
    if verifier:
        form["code_verifier"] = verifier
    if client_secret:
        if endpoints.client_auth == "basic":
            auth = httpx.BasicAuth(client_id, client_secret)
        else:
            form["client_secret"] = client_secret
    url = api_url(endpoints.token_url)
    try:
        if endpoints.token_method == "GET":
            response = http.get(url, params=form)
        else:
            response = (http.post(url, data=form, auth=auth) if auth is not None
                        else http.post(url, data=form))
    except httpx.HTTPError as exc:
        raise ReauthRequired(
            f"{platform}: token endpoint unreachable ({type(exc).__name__})"
        ) from None
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code != 200 or not answer.get("access_token"):
        error = answer.get("error") if isinstance(answer, dict) else None
        if isinstance(error, dict):
            error = error.get("message")
        raise ReauthRequired(f"{platform}: code exchange refused (HTTP {response.status_code}"
                             f" {short(str(error or ''), 60)})")
    return dict(answer)


def _page_token(http: httpx.Client, user_token: str, page_id: str) -> dict[str, Any]:
    from vidcamp.publish.facebook import GRAPH

    response = http.get(api_url(f"{GRAPH}/me/accounts"),
                        headers={"Authorization": f"Bearer {user_token}"})
    pages = response.json().get("data") or [] if response.status_code == 200 else []
    if page_id:
        pages = [p for p in pages if str(p.get("id")) == page_id]
    if not pages:
        raise ReauthRequired("facebook: the login gave no access to "
                             + (f"Page {page_id}" if page_id else "any Page"))
    if len(pages) > 1:
        names = ", ".join(f"{p.get('id')} ({p.get('name')})" for p in pages)
        raise UsageError(f"facebook: several Pages; choose one with --page-id: {names}")
    return {"page_id": str(pages[0]["id"]), "access_token": pages[0]["access_token"]}
