"""``publish --due``: claim each due post under a lease, upload it, record what happened.

The upload clients (``vidcamp.publish``) are imported only once a post is actually due, so a cron
run with nothing to do touches nothing but SQLite.

Failure handling, by the error's ``kind``:
    retry      back off (exponential from RETRY_BASE, honouring Retry-After, capped at RETRY_CAP)
               and keep the resumable state; after ``max_attempts`` failed attempts: failed
    defer      deferred until the platform's reset time (quota, rate window); not an attempt
    reauth     failed, with the `vidcamp auth login ACCOUNT` hint
    permanent  failed, with the platform's reason

Rotation: a published post whose clip gives ``titles:``/``thumbnails:`` with ``rotate:`` has its
swaps planned when it is published; each run performs the swaps that are due, each once (a
ledger event per swap, so statistics can be attributed to the title that was live).

An exception that is not a ``PublishError`` is a local bug (or an OS error), never the
platform's verdict: the post goes back to the queue without counting an attempt, the other
posts still run, the traceback is logged (shown with ``--verbose``) and the run exits 1.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from vidcamp.errors import LedgerError, PartlyPublished, PublishError, VidcampError
from vidcamp.ledger.clock import now as clock_now
from vidcamp.ledger.states import bytes_delivered
from vidcamp.ledger.store import (
    DEFAULT_LEASE_SECONDS,
    DEFERRED,
    FAILED,
    PUBLISHED,
    QUEUED,
    LeaseLost,
    Ledger,
    PostRow,
    new_owner,
)

RETRY_BASE = 60.0  # seconds before the first retry of a failed attempt
RETRY_CAP = 3600.0
RETRY_MIN = 30.0  # even a Retry-After of 0 waits this long, so one run never spins on a post
DEFAULT_MAX_ATTEMPTS = 5
UploadFn = Callable[..., Any]
BUG = "bug"  # Outcome.kind of a post stopped by a local error
# what an upload takes from the post's row as it is
_REQUEST_FIELDS = (
    "preset", "title", "description", "tags", "privacy", "thumbnail", "made_for_kids",
)

log = logging.getLogger("vidcamp.publish")


@dataclass(frozen=True)
class Outcome:
    """What one run did with one post."""

    post_id: int
    key: str
    state: str  # published | queued (will retry) | deferred | failed | lost
    url: str | None = None
    remote_id: str | None = None
    error: str | None = None
    kind: str | None = None
    next_attempt_at: datetime | None = None
    scheduled_for: datetime | None = None  # platform publishes at this time

    @property
    def problem(self) -> bool:
        return self.state != PUBLISHED

    def line(self) -> str:
        """One human line for the run's output."""
        if self.state == PUBLISHED:
            when = (
                f" (the platform publishes it at {self.scheduled_for:%Y-%m-%d %H:%M} UTC)"
                if self.scheduled_for
                else ""
            )
            return f"published #{self.post_id} {self.key} -> {self.url}{when}"
        if self.state == FAILED:
            return f"failed #{self.post_id} {self.key}: {self.error}"
        if self.state == DEFERRED:
            return (
                f"deferred #{self.post_id} {self.key} until {_hm(self.next_attempt_at)}: "
                f"{self.error}"
            )
        if self.state == QUEUED and self.kind is None:
            return (
                f"waiting #{self.post_id} {self.key} until {_hm(self.next_attempt_at)}: "
                f"{self.error}"
            )
        if self.state == QUEUED:
            return (
                f"will retry #{self.post_id} {self.key} at {_hm(self.next_attempt_at)}: "
                f"{self.error}"
            )
        return f"{self.state} #{self.post_id} {self.key}: {self.error}"

    def to_json(self) -> dict[str, Any]:
        plain = ("key", "state", "url", "remote_id", "error", "kind")
        return {
            "id": self.post_id,
            **{name: getattr(self, name) for name in plain},
            "next_attempt": _iso(self.next_attempt_at),
            "scheduled_for": _iso(self.scheduled_for),
        }


@dataclass(frozen=True)
class SwapOutcome:
    """One title/thumbnail swap this run performed (or tried)."""

    post_id: int
    key: str
    n: int
    field: str
    value: str
    error: str | None = None

    def line(self) -> str:
        if self.error:
            return f"swap failed #{self.post_id} {self.key} {self.field} {self.n}: {self.error}"
        return f"swapped #{self.post_id} {self.key} {self.field} -> {self.value}"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.post_id, "key": self.key, "n": self.n, "field": self.field,
                "value": self.value, "error": self.error}


@dataclass(frozen=True)
class RunReport:
    """The whole run: each post's outcome, and how many due posts this run left alone."""

    ledger: Path
    outcomes: tuple[Outcome, ...] = ()
    left_due: int = 0  # due but not taken (--limit, or held by another run)
    dry_run: bool = False
    would_publish: tuple[PostRow, ...] = field(default=())
    swaps: tuple[SwapOutcome, ...] = ()

    @property
    def published(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.state == PUBLISHED)

    @property
    def failed(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.state == FAILED)

    @property
    def waiting(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.state not in (PUBLISHED, FAILED))

    @property
    def bugs(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.kind == BUG)

    @property
    def exit_code(self) -> int:
        """0 all done, 1 a local error stopped a post, 5 something failed, 6 some done and the
        rest still queued."""
        if self.dry_run:
            return 0
        if self.bugs:
            return 1
        if self.failed:
            return 5
        if self.waiting or self.left_due:
            return 6
        return 0

    def summary(self) -> str:
        parts = [f"{len(self.published)} published"]
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        deferred = sum(1 for o in self.waiting if o.state == DEFERRED)
        if deferred:
            parts.append(f"{deferred} deferred")
        if len(self.waiting) > deferred:
            parts.append(f"{len(self.waiting) - deferred} waiting to retry")
        if self.left_due:
            parts.append(f"{self.left_due} still due")
        return ", ".join(parts)

    def raise_for_exit(self) -> None:
        """Raise the error whose exit code says how the run went (nothing when all is done)."""
        code = self.exit_code
        if code == 1:
            raise VidcampError(
                f"publish: {self.summary()}; a local error stopped {len(self.bugs)} post(s),"
                " which stay queued (run with --verbose for the traceback)"
            )
        if code == 5:
            raise PublishError(f"publish: {self.summary()} (see `vidcamp status`)")
        if code == 6:
            raise PartlyPublished(f"publish: {self.summary()}; the rest stays queued")

    def to_json(self) -> dict[str, Any]:
        return {
            "ledger": str(self.ledger),
            "dry_run": self.dry_run,
            "exit_code": self.exit_code,
            "summary": self.summary(),
            "outcomes": [o.to_json() for o in self.outcomes],
            "would_publish": [r.to_json() for r in self.would_publish],
            "left_due": self.left_due,
            "swaps": [s.to_json() for s in self.swaps],
        }


def publish_due(
    *,
    ledger_path: Path | None = None,
    campaign: str | None = None,
    limit: int | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
    upload: UploadFn | None = None,
    progress: Any = None,
    credentials: Path | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
    chunk_size: int | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    api_root: str | None = None,
    edit: UploadFn | None = None,
) -> RunReport:
    """Upload every due post (or ``limit`` of them); never raises for a post's own failure."""
    if ledger_path is None:
        from vidcamp.paths import ledger_path as default_path

        ledger_path = default_path()
    if not ledger_path.exists():
        # nothing was ever queued: a cron run before the first build is not an error
        return RunReport(ledger=ledger_path, dry_run=dry_run)
    now = now or clock_now()
    with Ledger.open(ledger_path, create=False) as ledger:
        if dry_run:
            due = ledger.due(now, campaign=campaign)
            shown = due if limit is None else due[:limit]
            return RunReport(
                ledger=ledger_path, dry_run=True, would_publish=tuple(shown),
                left_due=len(due) - len(shown),
            )
        owner = new_owner()
        outcomes: list[Outcome] = []
        done: list[int] = []
        while limit is None or len(done) < limit:
            row = ledger.claim(
                owner, now, campaign=campaign, exclude=done, lease_seconds=lease_seconds
            )
            if row is None:
                break
            done.append(row.id)
            outcome = _publish_one(
                ledger, row, owner, now,
                upload=upload, progress=progress, credentials=credentials,
                max_attempts=max_attempts, lease_seconds=lease_seconds, chunk_size=chunk_size,
                api_root=api_root,
            )
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
        left = len([r for r in ledger.due(now, campaign=campaign) if r.id not in done])
        swaps = _rotate_due(ledger, now, campaign=campaign, edit=edit, credentials=credentials,
                            api_root=api_root)
    return RunReport(ledger=ledger_path, outcomes=tuple(outcomes), left_due=left,
                     swaps=tuple(swaps))


def _rotate_due(
    ledger: Ledger,
    now: datetime,
    *,
    campaign: str | None,
    edit: UploadFn | None,
    credentials: Path | None,
    api_root: str | None,
) -> list[SwapOutcome]:
    """Perform every due title/thumbnail swap once; a failed one waits for the next run."""
    due = ledger.due_swaps(now)
    if not due:
        return []
    from vidcamp.publish import EditRequest

    if edit is None:
        from vidcamp.publish import edit as edit_fn

        edit = edit_fn
    done: list[SwapOutcome] = []
    for swap in due:
        row = ledger.get(swap.post_id)
        if (campaign is not None and row.campaign != campaign) or not row.remote_id:
            continue
        if not ledger.start_swap(swap.id, now):
            continue  # another run has it
        request = EditRequest(
            remote_id=row.remote_id, preset=row.preset,
            title=swap.value if swap.field == "title" else None,
            thumbnail=Path(swap.value) if swap.field == "thumbnail" else None,
            description=row.description, tags=row.tags,
        )
        error = _try_edit(edit, request, row, credentials, api_root)
        ledger.finish_swap(swap, now, error=error)
        done.append(SwapOutcome(row.id, row.key, swap.n, swap.field, swap.value, error))
    return done


def _try_edit(edit: UploadFn, request: Any, row: PostRow, credentials: Path | None,
              api_root: str | None) -> str | None:
    extra: dict[str, Any] = {} if api_root is None else {"api_root": api_root}
    try:
        edit(request, row.account, credentials=credentials, **extra)
    except PublishError as exc:
        return exc.message
    return None


def _publish_one(
    ledger: Ledger,
    row: PostRow,
    owner: str,
    now: datetime,
    *,
    upload: UploadFn | None,
    progress: Any,
    credentials: Path | None,
    max_attempts: int,
    lease_seconds: float,
    chunk_size: int | None,
    api_root: str | None = None,
) -> Outcome:
    scheduled_for: datetime | None = None
    if row.mode == "platform" and row.publish_at > now:
        # how far ahead the platform must be told (the upload must finish before it, too)
        from vidcamp.platforms import REGISTRY

        platform = REGISTRY.get(row.platform)
        lead = timedelta(seconds=platform.schedule_lead if platform else 300.0)
        if row.publish_at - now >= lead:
            scheduled_for = row.publish_at
        elif not row.resume:
            # too close for the platform to schedule it: publish it ourselves on the minute
            ledger.reschedule(
                row.id, owner, row.publish_at,
                "too close to its time for the platform to schedule; publishing at the time",
            )
            return Outcome(
                row.id, row.key, QUEUED, error="too close to schedule on the platform",
                next_attempt_at=row.publish_at,
            )
    if not row.video.is_file():
        return _problem(
            ledger, row, owner, now, kind="permanent", max_attempts=max_attempts,
            error=f"rendered video {row.video} is missing (run `vidcamp build` again)",
        )
    if upload is None:
        from vidcamp.publish import upload as upload_fn

        upload = upload_fn
    request = _request(row, scheduled_for)

    def on_state(state: dict[str, Any]) -> None:
        ledger.save_resume(
            row.id, owner, state, processing=_is_processing(row.platform, state),
            lease_seconds=lease_seconds,
        )

    sink = _LedgerProgress(ledger, row.id, owner, progress, lease_seconds)
    beat = _Heartbeat(ledger.path, row.id, owner, lease_seconds)
    beat.start()
    extra: dict[str, Any] = {} if chunk_size is None else {"chunk_size": chunk_size}
    if api_root is not None:
        extra["api_root"] = api_root
    try:
        result = upload(
            request, row.account, resume=row.resume, on_state=on_state, progress=sink,
            credentials=credentials, **extra,
        )
    except LeaseLost as exc:
        return Outcome(row.id, row.key, "lost", error=exc.message, kind="ledger")
    except LedgerError:
        raise
    except PublishError as exc:
        beat.stop()
        retry_after = getattr(exc, "retry_after", None)
        retry_at = getattr(exc, "retry_at", None)
        return _problem(
            ledger, row, owner, now, kind=exc.kind, error=exc.message,
            retry_after=retry_after, retry_at=retry_at, max_attempts=max_attempts,
        )
    except (KeyboardInterrupt, SystemExit):
        beat.stop()
        ledger.release(row.id, owner, "interrupted; the next run resumes it")
        raise
    except Exception as exc:  # a bug or an OS error must not stop the other posts
        beat.stop()
        log.debug("post #%d: local error", row.id, exc_info=True)
        error = _scrub(f"local error {type(exc).__name__}: {exc}", row.account, credentials)
        at = now + timedelta(seconds=RETRY_BASE)
        # not the platform's answer: no attempt is counted and the resumable state stays
        ledger.mark_problem(row.id, owner, state=QUEUED, kind=BUG, error=error,
                            next_attempt_at=at, count_attempt=False)
        return Outcome(row.id, row.key, QUEUED, error=error, kind=BUG, next_attempt_at=at)
    finally:
        beat.stop()
    try:
        published = ledger.mark_published(row.id, owner, str(result.remote_id), str(result.url))
        if row.rotation:
            ledger.plan_swaps(row.id, live_at=scheduled_for or now)
    except LeaseLost as exc:
        # another run holds the post now; it resumes from the saved state, which knows the
        # post was created, so it records it without posting again
        return Outcome(row.id, row.key, "lost", error=exc.message, kind="ledger")
    return Outcome(
        row.id, row.key, PUBLISHED, url=published.url, remote_id=published.remote_id,
        scheduled_for=scheduled_for,
    )


def _problem(
    ledger: Ledger,
    row: PostRow,
    owner: str,
    now: datetime,
    *,
    kind: str,
    error: str,
    max_attempts: int,
    retry_after: float | None = None,
    retry_at: datetime | None = None,
) -> Outcome:
    if kind == "defer" and retry_at is not None:
        at = max(retry_at, now + timedelta(seconds=RETRY_MIN))
        ledger.mark_problem(
            row.id, owner, state=DEFERRED, kind=kind, error=error, next_attempt_at=at,
            count_attempt=False,
        )
        return Outcome(row.id, row.key, DEFERRED, error=error, kind=kind, next_attempt_at=at)
    if kind in ("retry", "defer"):
        attempts = row.attempts + 1
        if attempts >= max_attempts:
            reason = f"gave up after {attempts} attempts: {error}"
            ledger.mark_problem(row.id, owner, state=FAILED, kind=kind, error=reason)
            return Outcome(row.id, row.key, FAILED, error=reason, kind=kind)
        wait = min(RETRY_CAP, RETRY_BASE * 2 ** (attempts - 1))
        wait = max(wait, retry_after or 0.0, RETRY_MIN)
        at = now + timedelta(seconds=wait)
        ledger.mark_problem(
            row.id, owner, state=QUEUED, kind=kind, error=error, next_attempt_at=at
        )
        return Outcome(row.id, row.key, QUEUED, error=error, kind=kind, next_attempt_at=at)
    if kind == "reauth" and "vidcamp auth login" not in error:
        error = f"{error}; run `vidcamp auth login {row.account}`"
    # the resumable state stays: if the platform already holds the video, a retry must finish
    # that upload rather than start a second one
    ledger.mark_problem(row.id, owner, state=FAILED, kind=kind, error=error)
    return Outcome(row.id, row.key, FAILED, error=error, kind=kind)


def _scrub(text: str, account: str, credentials: Path | None) -> str:
    """Blank the account's tokens out of a message the clients did not word themselves."""
    try:
        from vidcamp.credentials import load_account, secrets_of

        secrets = secrets_of(load_account(account, credentials))
    except Exception:  # no readable entry: it holds nothing to leak either
        secrets = []
    for secret in secrets:
        text = text.replace(secret, "***")
    return text[:500]


def _request(row: PostRow, publish_at: datetime | None) -> Any:
    from vidcamp.publish import UploadRequest
    from vidcamp.publish.base import post_marker

    return UploadRequest(
        path=row.video,
        publish_at=publish_at,
        marker=post_marker(row.key, row.render_hash),
        **{name: getattr(row, name) for name in _REQUEST_FIELDS},
    )


def _is_processing(platform: str, state: dict[str, Any]) -> bool:
    """True once the saved upload state says the platform holds every byte (by its phase)."""
    phase = state.get("phase")
    if isinstance(phase, str):
        return bytes_delivered(platform, phase)
    offset, size = state.get("offset"), state.get("size")
    return isinstance(offset, int) and isinstance(size, int) and size > 0 and offset >= size


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _hm(value: datetime | None) -> str:
    return "?" if value is None else f"{value:%Y-%m-%d %H:%M} UTC"


class _LedgerProgress:
    """Progress sink that records acknowledged bytes (at most once a second) and forwards."""

    def __init__(
        self, ledger: Ledger, post_id: int, owner: str, inner: Any, lease_seconds: float
    ) -> None:
        self.ledger, self.post_id, self.owner = ledger, post_id, owner
        self.inner, self.lease_seconds = inner, lease_seconds
        self.total: int | None = None
        self._last = 0.0

    def start(self, label: str, total: int) -> None:
        self.total = total
        if self.inner is not None:
            self.inner.start(label, total)

    def update(self, completed: int) -> None:
        if self.inner is not None:
            self.inner.update(completed)
        tick = time.monotonic()
        if tick - self._last >= 1.0:
            self._last = tick
            self.ledger.save_progress(
                self.post_id, self.owner, completed, self.total, self.lease_seconds
            )

    def finish(self, ok: bool = True) -> None:
        if self.inner is not None:
            self.inner.finish(ok)


class _Heartbeat:
    """Renews the lease from a side thread while the upload sleeps between retries or polls."""

    def __init__(self, path: Path, post_id: int, owner: str, lease_seconds: float) -> None:
        self.path, self.post_id, self.owner = path, post_id, owner
        self.lease_seconds = lease_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="vidcamp-lease", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

    def _run(self) -> None:
        interval = max(1.0, self.lease_seconds / 3)
        while not self._stop.wait(interval):
            try:
                with Ledger.open(self.path, create=False) as ledger:
                    ledger.renew(self.post_id, self.owner, self.lease_seconds)
            except LedgerError:
                return  # lease gone or ledger unreadable: the main thread finds out itself
