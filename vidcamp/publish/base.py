"""Shared, IO-free pieces of the upload clients: request/response values, policy, URL mapping.

A platform's upload flow is a generator (see ``Flow``) that yields ``Call`` values (one HTTP
request each), ``Checkpoint`` values (the resumable state advanced) and ``Wait`` values (poll
later), and receives a ``Reply`` for every ``Call``. It never touches a socket: the driver
(``vidcamp.publish.driver``) sends, retries, refreshes tokens and reports progress. Tokens are
never part of a ``Call``; the driver adds them at send time according to ``Call.auth``, so flow
state and logged requests cannot leak them.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from vidcamp.presets import Preset
    from vidcamp.publish import EditRequest, UploadRequest

AuthMode = Literal["bearer", "oauth", "form", "query", "none"]
FailureKind = Literal["retry", "defer", "reauth", "permanent", "refresh"]


@dataclass(frozen=True)
class FileSlice:
    """Bytes [offset, offset + length) of a file, streamed by the driver in small blocks."""

    path: Path
    offset: int
    length: int


@dataclass(frozen=True)
class Multipart:
    """A multipart/form-data body: text fields, then optionally one file part (streamed)."""

    fields: tuple[tuple[str, str], ...] = ()
    file_field: str = ""
    filename: str = "video.mp4"
    content_type: str = "video/mp4"
    file: FileSlice | bytes | None = None


@dataclass(frozen=True)
class Call:
    """One HTTP request a flow wants sent (without credentials)."""

    method: str
    url: str  # a platform URL (https://host/path) or a URL the platform returned
    route: str  # short label for logs and progress, e.g. "youtube.chunk"
    headers: tuple[tuple[str, str], ...] = ()
    params: tuple[tuple[str, str], ...] = ()
    json: Any = None
    form: tuple[tuple[str, str], ...] | None = None
    content: bytes | FileSlice | Multipart | None = None
    auth: AuthMode = "bearer"
    # on a retryable failure: "replay" sends the same request again after the backoff;
    # "deliver" hands the failed Reply to the flow, which re-synchronises with the server first
    on_failure: Literal["replay", "deliver"] = "replay"


@dataclass(frozen=True)
class Reply:
    """What came back: status 0 means no HTTP answer (connection refused, dropped, timed out)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    error: str = ""  # transport error description when status == 0

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        """The body as JSON, or {} when it is empty or not JSON."""
        if not self.body:
            return {}
        try:
            return json.loads(self.body)
        except ValueError:
            return {}


@dataclass(frozen=True)
class Checkpoint:
    """The resumable state advanced; the driver passes ``state`` to ``on_state``."""

    state: dict[str, Any]


@dataclass(frozen=True)
class Wait:
    """Sleep ``seconds`` before the next step (processing polls), not counted as a failure."""

    seconds: float
    reason: str = ""


@dataclass(frozen=True)
class Failure:
    """How a reply is classified when it is not a usable answer."""

    kind: FailureKind
    reason: str
    retry_after: float | None = None  # seconds, from Retry-After or a rate-limit reset
    retry_at: datetime | None = None  # for "defer"


Step = Call | Checkpoint | Wait
FlowGen = Generator[Step, Reply | None, Any]


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds of the driver's internal retries: exponential backoff with full jitter."""

    max_attempts: int = 6  # consecutive failures without progress before RetryableError
    backoff_base: float = 1.0
    backoff_cap: float = 64.0
    jitter: bool = True
    # a wait longer than this (Retry-After, rate window) is not slept: DeferredError instead
    max_wait: float = 300.0
    # how long to keep polling platform-side processing before handing back a RetryableError
    max_processing_wait: float = 900.0
    sleep: Callable[[float], None] = time.sleep
    rng: Callable[[], float] = random.random

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        backoff = min(self.backoff_cap, self.backoff_base * (2 ** max(0, attempt - 1)))
        if self.jitter:
            backoff = backoff * (0.5 + 0.5 * self.rng())
        if retry_after is not None:
            return max(float(retry_after), 0.0)
        return backoff


def api_url(url: str, root: str | None = None) -> str:
    """Map ``https://HOST/PATH?Q`` to ``$VIDCAMP_API_ROOT/HOST/PATH?Q`` when the root is set."""
    root = os.environ.get("VIDCAMP_API_ROOT") if root is None else root
    if not root:
        return url
    parts = urlsplit(url)
    if parts.scheme != "https":
        return url
    rest = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"{root.rstrip('/')}/{parts.netloc}{rest}"


def post_marker(*parts: str) -> str:
    """A short token unique to one post (``vc`` + 16 hex digits), derived from ``parts``.

    Sent with the post where the platform stores it (a Dailymotion tag), so a run that does not
    know whether its create request arrived can find exactly its own post, never another one
    with the same title. Without ``parts``: random (kept in the resumable state)."""
    import hashlib
    import secrets

    if not parts:
        return "vc" + secrets.token_hex(8)
    return "vc" + hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def now_utc() -> datetime:
    return datetime.now(UTC)


def retry_after_seconds(headers: dict[str, str]) -> float | None:
    """Seconds from ``Retry-After`` (delta or HTTP date) or ``x-rate-limit-reset`` (unix time)."""
    value = headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            from email.utils import parsedate_to_datetime

            try:
                when = parsedate_to_datetime(value)
                return max(0.0, (when - now_utc()).total_seconds())
            except (TypeError, ValueError):
                pass
    reset = headers.get("x-rate-limit-reset")
    if reset:
        try:
            return max(0.0, float(reset) - time.time())
        except ValueError:
            pass
    return None


def next_pacific_midnight(now: datetime | None = None) -> datetime:
    """When the YouTube daily quota resets: the next midnight in America/Los_Angeles."""
    from zoneinfo import ZoneInfo

    now = now or now_utc()
    pacific = now.astimezone(ZoneInfo("America/Los_Angeles"))
    midnight = (pacific + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(UTC)


def short(text: str, limit: int = 200) -> str:
    """One line of at most ``limit`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def transient_failure(reply: Reply, platform: str) -> Failure | None:
    """The failures every platform treats alike: no answer, 5xx, 429."""
    if reply.status == 0:
        return Failure("retry", f"{platform}: network error: {short(reply.error, 120)}")
    if reply.status == 429:
        return Failure(
            "retry",
            f"{platform}: rate limited (HTTP 429)",
            retry_after=retry_after_seconds(reply.headers),
        )
    if reply.status >= 500:
        return Failure(
            "retry",
            f"{platform}: server error HTTP {reply.status}",
            retry_after=retry_after_seconds(reply.headers),
        )
    return None


class Flow:
    """Base of a platform upload flow: ``steps()`` is the generator, ``classify`` judges replies."""

    platform: str = ""
    state: dict[str, Any]  # the resumable state; every flow sets it in __init__

    def _checkpoint(self, **changes: Any) -> Checkpoint:
        """Advance the resumable state and hand a copy to the driver (which saves it)."""
        self.state.update(changes)
        return Checkpoint(dict(self.state))

    def _create_once(
        self,
        sent: str,
        find: Callable[[], FlowGen],
        create: Callable[[], Call],
        created_id: Callable[[Reply], str | None],
        id_key: str,
        intent: Callable[[], dict[str, Any]] = dict,
    ) -> FlowGen:
        """Create the post never twice: ``sent`` (with ``intent()``) is checkpointed before the
        first ``create()`` is sent; once it is set (a resumed process, an answer lost), ``find()``
        looks for the post first and adopts its id. Sends again until an answer gives an id."""
        while True:
            if self.state.get(sent):  # it may have arrived: look for it first
                found = yield from find()
                if found:
                    self.state[id_key] = found
                    return
            else:
                yield self._checkpoint(**{sent: True}, **intent())
            reply = yield create()
            assert reply is not None
            new_id = created_id(reply)
            if new_id:
                self.state[id_key] = new_id
                return

    def steps(self) -> FlowGen:  # pragma: no cover - abstract
        raise NotImplementedError

    def classify(self, call: Call, reply: Reply) -> Failure | None:
        """What the reply to ``call`` means: the failures every platform treats alike (see
        ``transient_failure``), None for a success, else the platform's reading of its error."""
        transient = transient_failure(reply, self.platform)
        if transient is not None:
            return transient
        if reply.ok:
            return None
        body = reply.json()
        return self.classify_error(call, reply, body if isinstance(body, dict) else {})

    def classify_error(self, call: Call, reply: Reply, body: dict[str, Any]
                       ) -> Failure | None:  # pragma: no cover - abstract
        """The platform's reading of an error answer (``body``: its JSON object, or empty)."""
        raise NotImplementedError


class EditFlow(Flow):
    """Base of a flow that changes a published post: no file, nothing of the upload's state.

    A platform's edit class derives from this and from its upload flow (for ``classify``)."""

    def __init__(self, request: EditRequest) -> None:
        self.edit = request
        self.state = {"platform": self.platform, "phase": "edit"}


@dataclass(frozen=True)
class OAuthEndpoints:
    """A platform's authorisation-code flow: where to send the user, where to trade the code."""

    authorize_url: str
    token_url: str
    scopes: tuple[str, ...]
    pkce: bool = False
    scope_separator: str = " "
    extra_params: tuple[tuple[str, str], ...] = ()
    # how the token endpoint wants client credentials: in the form, or as HTTP Basic
    client_auth: Literal["form", "basic"] = "form"
    token_method: Literal["POST", "GET"] = "POST"


def token_fields(answer: dict[str, Any]) -> dict[str, str]:
    """What a token endpoint's answer sets in a credentials entry: the access token, a new
    refresh token if one came, and when the access token expires if the platform said."""
    fields = {"access_token": answer["access_token"]}
    if answer.get("refresh_token"):
        fields["refresh_token"] = answer["refresh_token"]
    when = expires_at(answer.get("expires_in"))
    if when:
        fields["expires_at"] = when
    return fields


def expires_at(expires_in: Any) -> str | None:
    """ISO time ``expires_in`` seconds from now (None when the platform gave no lifetime)."""
    try:
        seconds = float(expires_in)
    except (TypeError, ValueError):
        return None
    return (now_utc() + timedelta(seconds=seconds)).replace(microsecond=0).isoformat()


class StandardRefresher:
    """OAuth 2 ``grant_type=refresh_token`` against a token URL (rotated refresh tokens kept)."""

    def __init__(self, token_url: str, client_auth: Literal["form", "basic"] = "form") -> None:
        self.token_url = token_url
        self.client_auth = client_auth

    def refresh_call(self, entry: dict[str, Any]) -> Call:
        form = [("grant_type", "refresh_token"), ("refresh_token", str(entry["refresh_token"]))]
        headers: tuple[tuple[str, str], ...] = ()
        client_id = str(entry.get("client_id") or "")
        secret = str(entry.get("client_secret") or "")
        if self.client_auth == "basic" and secret:
            import base64

            basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
            headers = (("Authorization", f"Basic {basic}"),)
            form.append(("client_id", client_id))
        else:
            form.append(("client_id", client_id))
            if secret:
                form.append(("client_secret", secret))
        return Call("POST", self.token_url, "oauth.refresh", headers=headers, form=tuple(form),
                    auth="none")

    def refreshed_entry(self, entry: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
        new = dict(entry)
        new.update(token_fields(answer))
        if answer.get("scope"):
            new["scope"] = str(answer["scope"])  # what is granted now (vidcamp doctor reads it)
        return new


@dataclass(frozen=True)
class FlowArgs:
    """What one upload flow is built from: the request, its preset, the account's credentials
    entry, the chunk size, and the saved state to resume from (None: a fresh upload)."""

    request: UploadRequest
    preset: Preset
    entry: dict[str, Any]
    chunk_size: int
    resume: dict[str, Any] | None = None


class FlowBuilder(Protocol):
    """Builds a platform's upload flow for one request (resuming from ``args.resume`` if given)."""

    def __call__(self, args: FlowArgs) -> Flow: ...


class EditBuilder(Protocol):
    """Builds the flow that changes a published post's title or thumbnail."""

    def __call__(self, request: EditRequest, entry: dict[str, Any]) -> Flow: ...


@dataclass(frozen=True)
class PlatformClient:
    """What a client module under ``vidcamp.publish`` exports as ``CLIENT`` (checked by mypy)."""

    platform: str
    build_flow: FlowBuilder
    build_edit: EditBuilder | None = None  # None: posts cannot be edited (X)


def image_type(image: bytes) -> str:
    """``image/png`` or ``image/jpeg`` from the file's first bytes."""
    return "image/png" if image[:4] == b"\x89PNG" else "image/jpeg"
