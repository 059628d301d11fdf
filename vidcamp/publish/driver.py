"""The one piece that does HTTP: runs a flow's steps over httpx, with retries and token refresh.

- Bodies are streamed from the file in 256 KiB blocks, so memory stays flat whatever the size.
- A reply the flow's ``classify`` calls retryable is retried with exponential backoff and jitter
  (``RetryPolicy``), honouring ``Retry-After`` / ``x-rate-limit-reset``; a wait longer than
  ``policy.max_wait`` becomes a ``DeferredError``. The failure count resets whenever the flow
  checkpoints progress; after ``policy.max_attempts`` consecutive failures: ``RetryableError``.
- A "refresh" failure (expired access token) refreshes the token once, writes the credentials
  file back (atomically, 0600, keeping a rotated refresh token) and sends the request again.
- Tokens are added here, at send time, and scrubbed from every message this module raises.
"""

from __future__ import annotations

import logging
import os
import secrets as _secrets
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from vidcamp.errors import (
    DeferredError,
    PermanentPublishError,
    PublishError,
    ReauthRequired,
    RetryableError,
)
from vidcamp.publish.base import (
    Call,
    Checkpoint,
    FileSlice,
    Flow,
    Multipart,
    Reply,
    RetryPolicy,
    Wait,
    api_url,
    now_utc,
    short,
    transient_failure,
)
from vidcamp.publish.progress import NullProgress, ProgressSink

log = logging.getLogger("vidcamp.publish")

BLOCK = 256 * 1024


class TokenRefresher(Protocol):
    """A platform's OAuth refresh: the request to send, and the entry the answer produces."""

    def refresh_call(self, entry: dict[str, Any]) -> Call: ...

    def refreshed_entry(self, entry: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]: ...


class Account:
    """An account's credentials in memory, refreshed and saved back as needed."""

    def __init__(
        self,
        name: str,
        entry: dict[str, Any],
        path: Path | None,
        refresher: TokenRefresher | None = None,
    ) -> None:
        self.name = name
        self.entry = dict(entry)
        self.path = path
        self.refresher = refresher
        self._seen_secrets: set[str] = set()
        self._remember()

    def _remember(self) -> None:
        from vidcamp.credentials import secrets_of

        self._seen_secrets.update(s for s in secrets_of(self.entry) if len(s) >= 4)

    @property
    def platform(self) -> str:
        return str(self.entry.get("platform", ""))

    @property
    def access_token(self) -> str:
        return str(self.entry.get("access_token") or "")

    @property
    def can_refresh(self) -> bool:
        return self.refresher is not None and bool(self.entry.get("refresh_token"))

    def expired(self, margin: float = 60.0) -> bool:
        """True when ``expires_at`` says the access token is (nearly) expired."""
        value = self.entry.get("expires_at")
        if not value:
            return not self.access_token
        try:
            when = datetime.fromisoformat(str(value))
        except ValueError:
            return False
        return when <= now_utc() + timedelta(seconds=margin)

    def update(self, entry: dict[str, Any], *, lock: bool = True) -> None:
        """Take refreshed tokens and write them back (a rotated refresh token must be kept)."""
        self.entry = dict(entry)
        self._remember()
        if self.path is not None:
            from vidcamp.credentials import save_account

            save_account(self.name, self.entry, self.path, lock=lock)

    def adopt_newer(self) -> bool:
        """Take tokens another run saved meanwhile; True when a fresh access token came."""
        if self.path is None:
            return False
        from vidcamp.credentials import load_all

        latest = load_all(self.path, missing_ok=True).get(self.name)
        if not latest or latest.get("platform") != self.platform:
            return False
        fresh = bool(latest.get("access_token")) and latest.get("access_token") != (
            self.access_token
        )
        if fresh or latest.get("refresh_token") != self.entry.get("refresh_token"):
            self.entry = dict(latest)
            self._remember()
        return fresh and not self.expired()

    def scrub(self, text: str) -> str:
        """``text`` with every token this account has ever held replaced by ``***``."""
        for secret in sorted(self._seen_secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text


class Driver:
    """Sends a flow's calls; owns retries, refresh, progress and state reporting."""

    def __init__(
        self,
        account: Account,
        *,
        policy: RetryPolicy | None = None,
        progress: ProgressSink | None = None,
        on_state: Callable[[dict[str, Any]], None] | None = None,
        client: httpx.Client | None = None,
        api_root: str | None = None,
    ) -> None:
        self.account = account
        self.policy = policy or RetryPolicy()
        self.progress: ProgressSink = progress or NullProgress()
        self.on_state = on_state
        self.api_root = api_root if api_root is not None else os.environ.get("VIDCAMP_API_ROOT")
        self._own_client = client is None
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(connect=15.0, read=120.0, write=120.0, pool=30.0),
            follow_redirects=False,
        )
        self.failures = 0
        self.last_state: dict[str, Any] | None = None

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    def __enter__(self) -> Driver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- running a flow -------------------------------------------------------------------

    def run(self, flow: Flow) -> Any:
        """Drive ``flow.steps()`` to its end and return what it returns."""
        try:
            if self.account.expired() and self.account.can_refresh:
                self.refresh()
            gen = flow.steps()
            reply: Reply | None = None
            asked: Call | None = None  # the call ``reply`` answers
            waited = 0.0
            while True:
                try:
                    step = gen.send(reply)
                except StopIteration as stop:
                    return stop.value
                except (KeyError, ValueError, TypeError, AttributeError) as exc:
                    if reply is None or asked is None:
                        raise  # no answer was being read: a local bug, not the platform's
                    # the flow choked on an answer that does not have the documented shape
                    raise PermanentPublishError(
                        f"{flow.platform}: unexpected answer from the platform to"
                        f" {asked.route} (HTTP {reply.status}:"
                        f" {type(exc).__name__}: {self.account.scrub(short(str(exc), 80))})"
                    ) from exc
                reply = None
                if isinstance(step, Checkpoint):
                    self._checkpoint(step.state)
                elif isinstance(step, Wait):
                    waited += step.seconds
                    if waited > self.policy.max_processing_wait:
                        raise RetryableError(
                            f"{flow.platform}: still {step.reason or 'processing'} after"
                            f" {waited - step.seconds:.0f} s; try again later",
                            retry_after=step.seconds,
                        )
                    self.policy.sleep(step.seconds)
                else:
                    asked = step
                    reply = self.exchange(flow, step)
        except PublishError as exc:
            exc.message = self.account.scrub(exc.message)
            exc.args = (exc.message,)
            raise

    def _checkpoint(self, state: dict[str, Any]) -> None:
        if state != self.last_state:
            self.failures = 0
        self.last_state = dict(state)
        offset = state.get("offset")
        if isinstance(offset, int):
            self.progress.update(offset)
        if self.on_state is not None:
            self.on_state(dict(state))

    def exchange(self, flow: Flow, call: Call) -> Reply:
        """Send ``call`` until it gets a usable answer, or raise the classified error."""
        refreshed = False
        while True:
            reply = self.send(call)
            failure = flow.classify(call, reply)
            if failure is None:
                return reply
            reason = self.account.scrub(failure.reason)
            if failure.kind == "refresh":
                if not refreshed and self.account.can_refresh:
                    self.refresh()
                    refreshed = True
                    continue
                raise ReauthRequired(f"{reason}; run `vidcamp auth login {self.account.name}`")
            if failure.kind == "reauth":
                raise ReauthRequired(f"{reason}; run `vidcamp auth login {self.account.name}`")
            if failure.kind == "permanent":
                raise PermanentPublishError(reason)
            if failure.kind == "defer":
                retry_at = failure.retry_at or now_utc() + timedelta(
                    seconds=failure.retry_after or self.policy.max_wait
                )
                raise DeferredError(f"{reason}; try again at {retry_at:%Y-%m-%d %H:%M} UTC",
                                    retry_at=retry_at)
            self.failures += 1
            wait = self.policy.delay(self.failures, failure.retry_after)
            if wait > self.policy.max_wait:
                retry_at = now_utc() + timedelta(seconds=wait)
                raise DeferredError(
                    f"{reason}; try again at {retry_at:%Y-%m-%d %H:%M:%S} UTC", retry_at=retry_at
                )
            if self.failures >= self.policy.max_attempts:
                raise RetryableError(
                    f"{reason} (gave up after {self.failures} attempts)", retry_after=wait
                )
            log.info("%s: %s; retrying in %.1f s", call.route, reason, wait)
            self.policy.sleep(wait)
            if call.on_failure == "deliver":
                return reply

    def refresh(self, *, force: bool = False) -> None:
        """Refresh the access token through the platform's token endpoint, then save it.

        Under the credentials lock: if another thread or process refreshed meanwhile, its
        tokens are taken instead (X rotates refresh tokens, so a second refresh with the old
        one would fail).
        """
        from contextlib import nullcontext

        from vidcamp.credentials import locked

        path = self.account.path
        with locked(path) if path is not None else nullcontext(None):
            if not force and self.account.adopt_newer():
                log.info("%s: took the access token another run refreshed for %s",
                         self.account.platform, self.account.name)
                return
            self._refresh_now()

    def _refresh_now(self) -> None:
        refresher = self.account.refresher
        if refresher is None or not self.account.entry.get("refresh_token"):
            raise ReauthRequired(
                f"{self.account.platform}: access token expired and no refresh token;"
                f" run `vidcamp auth login {self.account.name}`"
            )
        call = refresher.refresh_call(self.account.entry)
        attempts = 0
        while True:
            reply = self.send(call)
            if reply.ok:
                break
            transient = transient_failure(reply, self.account.platform)
            if transient is None:
                data = reply.json()
                code = data.get("error") if isinstance(data, dict) else None
                if isinstance(code, dict):
                    code = code.get("message") or code.get("type")
                raise ReauthRequired(
                    f"{self.account.platform}: token refresh refused"
                    f" (HTTP {reply.status} {short(str(code or ''), 60)});"
                    f" run `vidcamp auth login {self.account.name}`"
                )
            attempts += 1
            if attempts >= self.policy.max_attempts:
                raise RetryableError(f"{transient.reason} (token refresh)")
            self.policy.sleep(self.policy.delay(attempts, transient.retry_after))
        answer = reply.json()
        if not isinstance(answer, dict) or not answer.get("access_token"):
            raise ReauthRequired(f"{self.account.platform}: token refresh gave no access token")
        self.account.update(refresher.refreshed_entry(self.account.entry, answer), lock=False)
        log.info("%s: access token refreshed for account %s", self.account.platform,
                 self.account.name)

    # -- one HTTP request -----------------------------------------------------------------

    def send(self, call: Call) -> Reply:
        """One HTTP request; transport errors come back as ``Reply(status=0)``."""
        url = api_url(call.url, self.api_root or "")
        headers = dict(call.headers)
        params: list[tuple[str, str | int | float | bool | None]] = list(call.params)
        form = list(call.form) if call.form is not None else None
        token = self.account.access_token
        if call.auth == "bearer":
            headers["Authorization"] = f"Bearer {token}"
        elif call.auth == "oauth":
            headers["Authorization"] = f"OAuth {token}"
        elif call.auth == "query":
            params.append(("access_token", token))
        elif call.auth == "form":
            if isinstance(call.content, Multipart):
                pass  # added to the multipart fields below
            else:
                form = [*(form or []), ("access_token", token)]
        content: Any = None
        if isinstance(call.content, FileSlice):
            headers["Content-Length"] = str(call.content.length)
            content = self._stream_slice(call.content)
        elif isinstance(call.content, Multipart):
            fields = call.content.fields
            if call.auth == "form":
                fields = (*fields, ("access_token", token))
            length, stream, ctype = self._multipart(call.content, fields)
            headers["Content-Type"] = ctype
            headers["Content-Length"] = str(length)
            content = stream
        elif isinstance(call.content, bytes):
            content = call.content
        where = _loggable(call.method, call.url)
        try:
            response = self.client.request(
                call.method,
                url,
                headers=headers,
                params=params or None,
                json=call.json,
                data=dict(form) if form is not None else None,
                content=content,
            )
        except httpx.HTTPError as exc:
            log.info("%s -> no answer (%s)", where, type(exc).__name__)
            return Reply(status=0, error=self.account.scrub(f"{type(exc).__name__}: {exc}"))
        log.debug("%s -> %d", where, response.status_code)
        return Reply(
            status=response.status_code,
            headers={k.lower(): v for k, v in response.headers.items()},
            body=response.content,
        )

    def _stream_slice(self, part: FileSlice) -> Iterator[bytes]:
        with open(part.path, "rb") as handle:
            handle.seek(part.offset)
            remaining = part.length
            sent = 0
            while remaining > 0:
                block = handle.read(min(BLOCK, remaining))
                if not block:
                    raise PermanentPublishError(f"{part.path}: file shrank during the upload")
                remaining -= len(block)
                sent += len(block)
                yield block
                self.progress.update(part.offset + sent)

    def _multipart(
        self, body: Multipart, fields: tuple[tuple[str, str], ...]
    ) -> tuple[int, Iterator[bytes], str]:
        boundary = "vidcamp" + _secrets.token_hex(12)
        head = b"".join(
            (
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                f"{value}\r\n"
            ).encode()
            for name, value in fields
        )
        tail = f"--{boundary}--\r\n".encode()
        file_head = b""
        file_len = 0
        if body.file is not None:
            file_head = (
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"{body.file_field}\";"
                f" filename=\"{body.filename}\"\r\nContent-Type: {body.content_type}\r\n\r\n"
            ).encode()
            file_len = len(body.file) if isinstance(body.file, bytes) else body.file.length
            file_len += 2  # the CRLF after the file bytes

        def chunks() -> Iterator[bytes]:
            yield head
            if body.file is not None:
                yield file_head
                if isinstance(body.file, bytes):
                    yield body.file
                else:
                    yield from self._stream_slice(body.file)
                yield b"\r\n"
            yield tail

        total = len(head) + len(file_head) + file_len + len(tail)
        return total, chunks(), f"multipart/form-data; boundary={boundary}"


def _loggable(method: str, url: str) -> str:
    """Method and URL without its query string (which may carry a signed or token value)."""
    parts = urlsplit(url)
    return f"{method} {parts.scheme}://{parts.netloc}{parts.path}"
