"""The ledger: one SQLite file recording every post, its state, and every transition it made.

Durability comes from SQLite itself: WAL journal, ``synchronous=FULL``, one transaction per state
change. A process killed mid-write loses at most the transaction it had not committed. The file is
never recreated behind the user's back: an unreadable, foreign or newer file is a ``LedgerError``.

States and the moves between them are one table in ``vidcamp.ledger.states``; ``Ledger.move`` is
the only code that changes a post's state, and it records every move as an event.

Mutual exclusion between overlapping ``publish --due`` runs is a lease on the row
(``lease_owner`` + ``lease_until``), taken inside ``BEGIN IMMEDIATE`` so two claimers cannot both
see the row free. A lease is free when it has expired, or when its owner is a process on this
host that no longer exists (a run killed by cron's timeout or an OOM kill frees its posts at once).
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from vidcamp.errors import LedgerError, UsageError
from vidcamp.ledger.clock import from_db, to_db, wall
from vidcamp.ledger.states import (  # the ledger's vocabulary, re-exported
    AWAITING_APPROVAL,
    CANCELLED,
    CLAIMABLE,
    DEFERRED,
    FAILED,
    PROCESSING,
    PUBLISHED,
    QUEUED,
    REJECTED,
    REVIEWABLE,
    UPLOADING,
    State,
    as_state,
    check_move,
)
from vidcamp.ledger.states import STATES as STATES
from vidcamp.ledger.states import STOPPED as STOPPED

#: "vdcp": marks a SQLite file as a vidcamp ledger (PRAGMA application_id)
APPLICATION_ID = 0x76646370
DEFAULT_LEASE_SECONDS = 120.0

def _posts_table(name: str, states: str, more: str = "") -> str:
    """The posts table's definition; migrations that rebuild it differ in states and columns."""
    return f"""
        CREATE TABLE {name} (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            key TEXT NOT NULL UNIQUE,
            campaign TEXT NOT NULL,
            clip_id TEXT NOT NULL,
            target TEXT NOT NULL,
            platform TEXT NOT NULL,
            preset TEXT NOT NULL,
            account TEXT NOT NULL,
            video TEXT NOT NULL,
            thumbnail TEXT,
            render_hash TEXT NOT NULL,
            publish_at TEXT NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('platform', 'cron')),
            privacy TEXT NOT NULL,
            title TEXT NOT NULL,
            description TEXT NOT NULL,
            tags TEXT NOT NULL,
            made_for_kids INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL CHECK (state IN ({states})),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            lease_owner TEXT,
            lease_until TEXT,
            remote_id TEXT,
            url TEXT,
            resume TEXT,
            bytes_sent INTEGER,
            bytes_total INTEGER,
            last_error TEXT,
            error_kind TEXT,
            pending_render_hash TEXT,
            pending_video TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL{more}
        );
"""


_POSTS_INDEXES = """
        CREATE INDEX posts_due ON posts (state, next_attempt_at);
        CREATE INDEX posts_campaign ON posts (campaign, clip_id);
"""


_FIRST_COLUMNS = (
    "id, key, campaign, clip_id, target, platform, preset, account, video, thumbnail,"
    " render_hash, publish_at, mode, privacy, title, description, tags, made_for_kids, state,"
    " attempts, next_attempt_at, lease_owner, lease_until, remote_id, url, resume, bytes_sent,"
    " bytes_total, last_error, error_kind, pending_render_hash, pending_video, created_at,"
    " updated_at"
)

# Named migrations, applied in order and recorded in the ``migrations`` table; PRAGMA user_version
# holds how many ran, so a file written by a newer vidcamp is recognised and refused.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "0001_posts_and_events",
        _posts_table(
            "posts",
            "'queued', 'uploading', 'processing', 'published', 'failed', 'deferred', 'cancelled'",
        )
        + _POSTS_INDEXES
        + """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            post_id INTEGER NOT NULL REFERENCES posts (id),
            at TEXT NOT NULL,
            from_state TEXT,
            to_state TEXT NOT NULL,
            owner TEXT,
            detail TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX events_post ON events (post_id, id);
        CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        """,
    ),
    (
        # the review gate: two more states (a CHECK constraint changes only by rebuilding the
        # table) and who approved the post's current content, when. The indexes go with the
        # old table and are made again on the new one
        "0002_review_gate",
        _posts_table(
            "posts_new",
            "'awaiting_approval', 'queued', 'uploading', 'processing', 'published', 'failed',"
            " 'deferred', 'cancelled', 'rejected'",
            """,
            review INTEGER NOT NULL DEFAULT 0,
            approved_at TEXT,
            approved_by TEXT""",
        )
        + f"""
        INSERT INTO posts_new ({_FIRST_COLUMNS}) SELECT {_FIRST_COLUMNS} FROM posts;
        DROP TABLE posts;
        ALTER TABLE posts_new RENAME TO posts;
        """
        + _POSTS_INDEXES,
    ),
    (
        "0003_rotation_swaps",
        """
        ALTER TABLE posts ADD COLUMN rotation TEXT;
        CREATE TABLE swaps (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            post_id INTEGER NOT NULL REFERENCES posts (id),
            n INTEGER NOT NULL,
            field TEXT NOT NULL CHECK (field IN ('title', 'thumbnail')),
            value TEXT NOT NULL,
            due_at TEXT NOT NULL,
            started_at TEXT,
            done_at TEXT,
            UNIQUE (post_id, n, field)
        );
        CREATE INDEX swaps_due ON swaps (done_at, due_at);
        """,
    ),
    (
        "0004_stats_metrics_polls_deferrals",
        """
        CREATE TABLE metrics (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            post_id INTEGER NOT NULL REFERENCES posts (id),
            at TEXT NOT NULL,
            metric TEXT NOT NULL,
            value REAL NOT NULL,
            source TEXT NOT NULL
        );
        CREATE INDEX metrics_post ON metrics (post_id, metric, at);
        CREATE TRIGGER metrics_append_only_update BEFORE UPDATE ON metrics
        BEGIN SELECT RAISE(ABORT, 'metrics are append-only'); END;
        CREATE TRIGGER metrics_append_only_delete BEFORE DELETE ON metrics
        BEGIN SELECT RAISE(ABORT, 'metrics are append-only'); END;
        CREATE TABLE stat_polls (
            post_id INTEGER PRIMARY KEY REFERENCES posts (id),
            last_polled_at TEXT,
            next_due_at TEXT,
            polls INTEGER NOT NULL DEFAULT 0,
            gone TEXT CHECK (gone IN ('deleted', 'private')),
            gone_at TEXT,
            last_error TEXT
        );
        CREATE TABLE stat_deferrals (
            platform TEXT PRIMARY KEY,
            until TEXT NOT NULL,
            reason TEXT NOT NULL
        );
        CREATE INDEX stat_polls_due ON stat_polls (next_due_at);
        CREATE TABLE stat_reports (
            platform TEXT NOT NULL,
            account TEXT NOT NULL,
            token TEXT NOT NULL,
            asked_at TEXT NOT NULL,
            PRIMARY KEY (platform, account)
        );
        """,
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class PostRef:
    """Which post a row is: its ledger id and key, and the clip, target and account it is for."""

    id: int
    key: str
    campaign: str
    clip_id: str
    target: str
    platform: str
    preset: str
    account: str


@dataclass(frozen=True)
class PostRow(PostRef):
    """One row of the ledger's posts table, decoded."""

    video: Path
    thumbnail: Path | None
    render_hash: str
    publish_at: datetime
    mode: str
    privacy: str
    title: str
    description: str
    tags: tuple[str, ...]
    made_for_kids: bool
    state: State
    attempts: int
    next_attempt_at: datetime
    lease_owner: str | None
    lease_until: datetime | None
    remote_id: str | None
    url: str | None
    resume: dict[str, Any] | None
    bytes_sent: int | None
    bytes_total: int | None
    last_error: str | None
    error_kind: str | None
    pending_render_hash: str | None
    pending_video: Path | None
    created_at: datetime
    updated_at: datetime
    review: bool = False  # its campaign asks for approval before it goes out
    approved_at: datetime | None = None  # when its current content was approved
    approved_by: str | None = None
    rotation: dict[str, Any] | None = None  # jobs.Rotation.to_json()

    @property
    def gated(self) -> bool:
        """True while the post needs an approval it does not have."""
        return self.review and self.approved_at is None

    @property
    def progress(self) -> float | None:
        """Fraction of the file the platform has acknowledged, when known."""
        if self.state == PUBLISHED:
            return 1.0
        if self.bytes_sent is None or not self.bytes_total:
            return None
        return min(1.0, self.bytes_sent / self.bytes_total)

    def to_json(self) -> dict[str, Any]:
        """JSON-able view for ``--json`` output (resumable state left out: it is internal)."""
        return {
            "id": self.id,
            "key": self.key,
            "campaign": self.campaign,
            "clip": self.clip_id,
            "target": self.target,
            "platform": self.platform,
            "account": self.account,
            "state": self.state,
            "mode": self.mode,
            "scheduled": self.publish_at.isoformat(),
            "next_attempt": self.next_attempt_at.isoformat(),
            "attempts": self.attempts,
            "progress": self.progress,
            "remote_id": self.remote_id,
            "url": self.url,
            "error": self.last_error,
            "error_kind": self.error_kind,
            "video": str(self.video),
            "render_hash": self.render_hash,
            "changed_render_waiting": self.pending_render_hash is not None,
            "review": self.review,
            "approved_at": None if self.approved_at is None else self.approved_at.isoformat(),
            "approved_by": self.approved_by,
        }


@dataclass(frozen=True)
class Event:
    """One recorded transition of a post."""

    id: int
    post_id: int
    at: datetime
    from_state: str | None
    to_state: str
    owner: str | None
    detail: str


class LeaseLost(LedgerError):
    """This run no longer holds the post's lease: it must stop touching the post."""


def new_owner() -> str:
    """A lease owner id: host, pid and a random part (pids are reused; the random part is not)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _owner_is_dead(owner: str) -> bool:
    """True only when the owner was a process on this host that has gone away."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        # our own process: the lease is ours unless the owner string differs (another Ledger
        # object in this process, e.g. a test); an exact-owner check happens elsewhere
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Ledger:
    """An open ledger file. Use ``Ledger.open(path)``; close it (or use ``with``) when done."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn

    # ----------------------------------------------------------------- opening and checking
    @classmethod
    def open(cls, path: Path | None = None, *, create: bool = True) -> Ledger:
        """Open (and, only when the file does not exist yet, create) the ledger at ``path``."""
        if path is None:
            from vidcamp.paths import ledger_path

            path = ledger_path()
        path = Path(path)
        exists = path.exists()
        if exists and path.is_dir():
            raise LedgerError(f"{path}: is a directory, not a ledger file")
        if exists and path.stat().st_size == 0:
            # an empty file may be a truncated ledger; starting afresh would forget what was
            # published and post it all again
            raise LedgerError(
                f"{path}: the file is empty, not a vidcamp ledger (move it away to start a new one)"
            )
        if not exists:
            if not create:
                raise LedgerError(f"{path}: no ledger here (run `vidcamp build` to queue posts)")
            cls._create(path)
        uri = f"{path.resolve().as_uri()}?mode=rw"  # rw, never c: an open never creates a file
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=30.0, isolation_level=None)
        except sqlite3.Error as exc:
            raise LedgerError(f"{path}: cannot open the ledger: {exc}") from None
        conn.row_factory = sqlite3.Row
        ledger = cls(path, conn)
        try:
            ledger._prepare()
        except BaseException:
            conn.close()
            raise
        return ledger

    @classmethod
    def _create(cls, path: Path) -> None:
        """Build a new ledger under a temp name and link it into place (a racing creator wins)."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LedgerError(f"{path}: cannot create the ledger folder: {exc}") from None
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.new")
        try:
            try:
                conn = sqlite3.connect(str(tmp), timeout=30.0, isolation_level=None)
            except sqlite3.Error as exc:
                raise LedgerError(f"{path}: cannot create the ledger: {exc}") from None
            conn.row_factory = sqlite3.Row
            fresh = cls(tmp, conn)
            try:
                with fresh._errors("create"):
                    conn.execute("PRAGMA journal_mode = WAL")
                fresh._migrate()
            finally:
                conn.close()  # checkpoints the WAL into the file
            # upload session URIs in the resumable state grant access to the upload: owner only
            os.chmod(tmp, 0o600)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process created it first: use theirs
            except OSError:
                if not path.exists():
                    os.replace(tmp, path)
        finally:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                leftover.unlink(missing_ok=True)

    def _prepare(self) -> None:
        conn = self._conn
        with self._errors("read"):
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
        if app_id != APPLICATION_ID:
            raise LedgerError(
                f"{self.path}: a SQLite file but not a vidcamp ledger "
                f"(application_id {app_id:#x}, {tables} tables); refusing to touch it"
            )
        if version > SCHEMA_VERSION:
            raise LedgerError(
                f"{self.path}: written by a newer vidcamp (schema {version}, this version "
                f"knows {SCHEMA_VERSION}); upgrade vidcamp"
            )
        with self._errors("set up"):
            conn.execute("PRAGMA busy_timeout = 30000")
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        if version < SCHEMA_VERSION:
            self._migrate()
        else:
            self._check_migrations()

    def _migrate(self) -> None:
        # a migration may rebuild a table that events reference: foreign keys off meanwhile
        # (a no-op inside a transaction), and checked before the commit
        with self._errors("migrate"):
            self._conn.execute("PRAGMA foreign_keys = OFF")
        try:
            self._run_migrations()
        finally:
            with self._errors("migrate"):
                self._conn.execute("PRAGMA foreign_keys = ON")
        self._check_migrations()

    def _run_migrations(self) -> None:
        with self._tx() as conn:
            # re-read inside the write lock: another process may have migrated meanwhile
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS migrations ("
                    " id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, applied_at TEXT NOT NULL)"
                )
            for index, (name, sql) in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in _split_sql(sql):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO migrations (id, name, applied_at) VALUES (?, ?, ?)",
                    (index, name, to_db(wall())),
                )
                conn.execute(f"PRAGMA user_version = {index}")
            if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise LedgerError(f"{self.path}: a migration broke the events' post references")

    def _check_migrations(self) -> None:
        with self._errors("read"):
            names = [r[0] for r in self._conn.execute("SELECT name FROM migrations ORDER BY id")]
        known = [name for name, _ in MIGRATIONS]
        if names != known:
            raise LedgerError(
                f"{self.path}: migrations recorded in the file ({', '.join(names) or 'none'}) "
                f"do not match this vidcamp's ({', '.join(known)})"
            )

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as exc:
            raise LedgerError(f"{self.path}: cannot {doing} the ledger: {exc}") from None

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken with the write lock up front (BEGIN IMMEDIATE)."""
        with self._errors("write"):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction for modules that keep their own tables here (``vidcamp.stats``)."""
        with self._tx() as conn:
            yield conn

    def query(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Rows of one read-only statement."""
        with self._errors("read"):
            return list(self._conn.execute(sql, tuple(args)).fetchall())

    # ----------------------------------------------------------------- reading
    def posts(self, campaign: str | None = None) -> list[PostRow]:
        """Every post, or one campaign's, in campaign / clip / target / account order."""
        rows = self._read(
            "SELECT * FROM posts", "campaign", campaign, "campaign, clip_id, target, account"
        )
        return [decode_row(r) for r in rows]

    def _read(self, sql: str, column: str, value: object, order: str) -> list[sqlite3.Row]:
        """``sql``'s rows, only those whose ``column`` equals ``value`` unless it is None."""
        args: tuple[object, ...] = ()
        if value is not None:
            sql += f" WHERE {column} = ?"
            args = (value,)
        with self._errors("read"):
            return self._conn.execute(f"{sql} ORDER BY {order}", args).fetchall()

    def get(self, ref: str | int) -> PostRow:
        """A post by its numeric id or its key ``campaign/clip/target/account``."""
        if isinstance(ref, int) or str(ref).isdigit():
            with self._errors("read"):
                raw = self._conn.execute("SELECT * FROM posts WHERE id = ?", (int(ref),)).fetchone()
            found = None if raw is None else decode_row(raw)
        else:
            found = self.find(str(ref))
        if found is None:
            raise UsageError(f"no post {ref!r} in {self.path} (see `vidcamp status`)")
        return found

    def find(self, key: str) -> PostRow | None:
        with self._errors("read"):
            found = self._conn.execute("SELECT * FROM posts WHERE key = ?", (key,)).fetchone()
        return None if found is None else decode_row(found)

    def events(self, post_id: int | None = None) -> list[Event]:
        rows = self._read(
            "SELECT id, post_id, at, from_state, to_state, owner, detail FROM events",
            "post_id", post_id, "id",
        )
        return [
            Event(r[0], r[1], from_db(r[2]) or wall(), r[3], r[4], r[5], r[6]) for r in rows
        ]

    def due(
        self, now: datetime, *, campaign: str | None = None, include_leased: bool = False
    ) -> list[PostRow]:
        """Posts whose next attempt time has come (by default only those nobody holds)."""
        sql, args = _due_query(now, campaign)
        with self._errors("read"):
            rows = [decode_row(r) for r in self._conn.execute(sql, args).fetchall()]
        if include_leased:
            return rows
        return [r for r in rows if lease_is_free(r)]

    # ----------------------------------------------------------------- leases
    def claim(
        self,
        owner: str,
        now: datetime,
        *,
        campaign: str | None = None,
        exclude: Sequence[int] = (),
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
    ) -> PostRow | None:
        """Take the lease on the next due post nobody holds and mark it uploading; None if none."""
        sql, args = _due_query(now, campaign)
        with self._tx() as conn:
            for raw in conn.execute(sql, args).fetchall():
                row = decode_row(raw)
                if row.id in exclude or not lease_is_free(row):
                    continue
                until = wall() + timedelta(seconds=lease_seconds)
                if row.lease_owner is not None:
                    detail = f"took over the stale lease of {row.lease_owner}"
                elif row.resume:
                    detail = "claimed; resuming the saved upload"
                else:
                    detail = "claimed"
                return self.move(
                    conn, row, _claimed_state(row), owner=owner, detail=detail,
                    lease_owner=owner, lease_until=to_db(until),
                )
        return None

    def renew(self, post_id: int, owner: str, lease_seconds: float = DEFAULT_LEASE_SECONDS) -> None:
        """Push the lease forward; LedgerError if this owner no longer holds it."""
        until = wall() + timedelta(seconds=lease_seconds)
        with self._tx() as conn:
            self._held(conn, post_id, owner)
            conn.execute("UPDATE posts SET lease_until = ? WHERE id = ?", (to_db(until), post_id))

    def save_resume(
        self,
        post_id: int,
        owner: str,
        state: dict[str, Any],
        *,
        processing: bool = False,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
    ) -> None:
        """Commit the upload's resumable state now (and renew the lease while at it)."""
        until = wall() + timedelta(seconds=lease_seconds)
        encoded = json.dumps(state, sort_keys=True)
        sent, total = _bytes_of(state)
        with self._tx() as conn:
            row = self._held(conn, post_id, owner)
            conn.execute(
                "UPDATE posts SET resume = ?, lease_until = ?, updated_at = ?,"
                " bytes_sent = COALESCE(?, bytes_sent), bytes_total = COALESCE(?, bytes_total)"
                " WHERE id = ?",
                (encoded, to_db(until), to_db(wall()), sent, total, post_id),
            )
            if processing and row.state == UPLOADING:
                self.move(conn, row, PROCESSING, owner=owner, detail="upload complete")

    def save_progress(
        self, post_id: int, owner: str, sent: int, total: int | None,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
    ) -> None:
        until = wall() + timedelta(seconds=lease_seconds)
        with self._tx() as conn:
            self._held(conn, post_id, owner)
            conn.execute(
                "UPDATE posts SET bytes_sent = ?, bytes_total = COALESCE(?, bytes_total),"
                " lease_until = ? WHERE id = ?",
                (sent, total, to_db(until), post_id),
            )

    def mark_published(self, post_id: int, owner: str, remote_id: str, url: str) -> PostRow:
        with self._tx() as conn:
            row = self._held(conn, post_id, owner)
            return self.move(
                conn, row, PUBLISHED, owner=owner, detail=url, remote_id=remote_id, url=url,
                lease_owner=None, lease_until=None, last_error=None, error_kind=None, resume=None,
                bytes_sent=row.bytes_total,
            )

    def mark_problem(
        self,
        post_id: int,
        owner: str,
        *,
        state: str,
        kind: str,
        error: str,
        next_attempt_at: datetime | None = None,
        count_attempt: bool = True,
        keep_resume: bool = True,
    ) -> PostRow:
        """Record a failed attempt: back to queued (retry later), deferred, or failed for good."""
        if state not in (QUEUED, DEFERRED, FAILED):
            raise ValueError(f"not a problem state: {state}")
        with self._tx() as conn:
            row = self._held(conn, post_id, owner)
            return self.move(
                conn, row, as_state(state), owner=owner, detail=f"{kind}: {error}",
                error_kind=kind, last_error=error,
                next_attempt_at=to_db(next_attempt_at or row.next_attempt_at),
                attempts=row.attempts + (1 if count_attempt else 0),
                lease_owner=None, lease_until=None,
                resume=_encode_resume(row.resume) if keep_resume else None,
            )

    def reschedule(self, post_id: int, owner: str, at: datetime, why: str) -> PostRow:
        """Give the lease back and wait until ``at`` (no attempt counted)."""
        with self._tx() as conn:
            row = self._held(conn, post_id, owner)
            back = QUEUED if row.state == UPLOADING and not row.resume else row.state
            return self.move(
                conn, row, back, owner=owner, detail=why, next_attempt_at=to_db(at),
                lease_owner=None, lease_until=None,
            )

    def release(self, post_id: int, owner: str, why: str = "released") -> None:
        """Give the lease back without a result (interrupted): the next run resumes the post."""
        with self._tx() as conn:
            raw = conn.execute(
                "SELECT * FROM posts WHERE id = ? AND lease_owner = ?", (post_id, owner)
            ).fetchone()
            if raw is None:
                return
            row = decode_row(raw)
            self.move(
                conn, row, row.state, owner=owner, detail=why, lease_owner=None, lease_until=None
            )

    def _held(self, conn: sqlite3.Connection, post_id: int, owner: str) -> PostRow:
        raw = conn.execute("SELECT * FROM posts WHERE id = ?", (post_id,)).fetchone()
        if raw is None or raw["lease_owner"] != owner:
            raise LeaseLost(
                f"{self.path}: post {post_id} is no longer leased to this run "
                "(another run took it over); stopping this upload"
            )
        return decode_row(raw)

    # ----------------------------------------------------------------- user commands
    def retry(self, ref: str | int, now: datetime) -> PostRow:
        """A failed, deferred, cancelled or waiting post goes back to the queue, due now."""
        row = self.get(ref)
        if row.state == PUBLISHED:
            raise UsageError(
                f"{row.key} is already published ({row.url}); "
                "use `vidcamp republish` to post it again"
            )
        if row.state in REVIEWABLE:
            raise UsageError(
                f"{row.key} is {row.state.replace('_', ' ')}; "
                f"`vidcamp approve {row.campaign} {row.clip_id}:{row.target}` releases it"
            )
        with self._tx() as conn:
            fresh = _fetch(conn, row.id)
            if fresh.lease_owner and not lease_is_free(fresh):
                raise UsageError(f"{row.key} is being uploaded right now by {fresh.lease_owner}")
            back: State = QUEUED
            if fresh.state in (UPLOADING, PROCESSING):
                back = as_state(fresh.state)
            elif fresh.gated:
                back = AWAITING_APPROVAL
            due = max(now, fresh.publish_at) if fresh.mode == "cron" else now
            return self.move(
                conn, fresh, back, owner=None, detail="retry requested", attempts=0,
                next_attempt_at=to_db(due), last_error=None, error_kind=None,
            )

    def cancel(self, ref: str | int) -> PostRow:
        """Stop a post that has not gone out; refused while an upload of it is running."""
        row = self.get(ref)
        with self._tx() as conn:
            fresh = _fetch(conn, row.id)
            if fresh.state == PUBLISHED:
                raise UsageError(
                    f"{row.key} is already published ({fresh.url}); remove it on the platform"
                )
            if fresh.state == CANCELLED:
                return fresh
            if fresh.lease_owner and not lease_is_free(fresh):
                raise UsageError(
                    f"{row.key} is being uploaded right now by {fresh.lease_owner}; "
                    "try again when that run ends"
                )
            return self.move(
                conn, fresh, CANCELLED, owner=None, detail="cancelled by the user",
                lease_owner=None, lease_until=None,
            )

    def republish(self, ref: str | int, now: datetime) -> PostRow:
        """Queue a published post again, with its changed render if one is waiting."""
        row = self.get(ref)
        if row.state != PUBLISHED:
            raise UsageError(
                f"{row.key} is {row.state}, not published; use `vidcamp retry` for it"
            )
        with self._tx() as conn:
            video = row.pending_video or row.video
            render_hash = row.pending_render_hash or row.render_hash
            due = max(now, row.publish_at) if row.mode == "cron" else now
            # under review, a new render is new bytes: they wait for an approval of their own
            renewed = row.review and render_hash != row.render_hash
            approval: dict[str, Any] = (
                {"approved_at": None, "approved_by": None} if renewed else {}
            )
            return self.move(
                conn, _fetch(conn, row.id), AWAITING_APPROVAL if renewed else QUEUED, owner=None,
                detail=f"republish requested (was {row.remote_id} {row.url}; "
                f"render {render_hash[:12]})" + ("; awaiting approval" if renewed else ""),
                **approval,
                video=str(video), render_hash=render_hash, pending_video=None,
                pending_render_hash=None, remote_id=None, url=None, resume=None, bytes_sent=None,
                bytes_total=None, attempts=0, last_error=None, error_kind=None,
                next_attempt_at=to_db(due),
            )

    def review(
        self,
        campaign: str,
        selectors: Sequence[str],
        *,
        user: str,
        reject_reason: str | None = None,
    ) -> list[PostRow]:
        """Approve (or, with ``reject_reason``, reject) posts of ``campaign``, all or none.

        A selector is ``CLIP`` or ``CLIP:TARGET``; none means every post awaiting approval.
        A selector matching no post, or a post already out, is a ``UsageError``.
        """
        verb = "approve" if reject_reason is None else "reject"
        with self._tx() as conn:
            rows = [
                decode_row(r)
                for r in conn.execute(
                    "SELECT * FROM posts WHERE campaign = ? ORDER BY clip_id, target, account",
                    (campaign,),
                ).fetchall()
            ]
            if not rows:
                raise UsageError(
                    f"no posts of campaign {campaign!r} in {self.path} "
                    "(`vidcamp build` queues them)"
                )
            chosen = _select(rows, selectors, campaign) if selectors else [
                r for r in rows if r.state == AWAITING_APPROVAL
            ]
            for row in chosen:
                if row.state in (PUBLISHED, PROCESSING) or (
                    row.state == UPLOADING and not lease_is_free(row)
                ):
                    raise UsageError(
                        f"{row.key} is {row.state}: too late to {verb} it"
                        + (f" ({row.url})" if row.url else "")
                    )
                if row.state == CANCELLED:
                    raise UsageError(
                        f"{row.key} is cancelled; `vidcamp retry {row.id}` queues it again first"
                    )
            done = []
            for row in chosen:
                if reject_reason is not None:
                    if row.state == REJECTED:
                        continue
                    done.append(
                        self.move(
                            conn, row, REJECTED, owner=user,
                            detail=f"rejected by {user}: {reject_reason}",
                            approved_at=None, approved_by=None,
                            last_error=f"rejected by {user}: {reject_reason}", error_kind="review",
                        )
                    )
                    continue
                if row.approved_at is not None and row.state not in REVIEWABLE:
                    continue  # already approved as it is
                done.append(
                    self.move(
                        conn, row, QUEUED if row.state in REVIEWABLE else as_state(row.state),
                        owner=user, detail=f"approved by {user}", approved_at=to_db(wall()),
                        approved_by=user, last_error=None, error_kind=None,
                    )
                )
        return done

    # ----------------------------------------------------------------- the one state change
    def move(
        self,
        conn: sqlite3.Connection,
        row: PostRow,
        to_state: State,
        *,
        owner: str | None,
        detail: str,
        **columns: Any,
    ) -> PostRow:
        """Move ``row`` to ``to_state`` inside the caller's transaction, setting ``columns``.

        The move is checked against ``TRANSITIONS`` and recorded as an event; staying in the
        same state records a note. Returns the row as it is now.
        """
        check_move(as_state(row.state), to_state)
        bad = set(columns) - _MOVABLE_COLUMNS
        if bad:
            raise ValueError(f"move cannot set {', '.join(sorted(bad))}")
        values = {**columns, "state": to_state, "updated_at": to_db(wall())}
        conn.execute(
            f"UPDATE posts SET {', '.join(f'{name} = ?' for name in values)} WHERE id = ?",
            (*values.values(), row.id),
        )
        self._event(conn, row.id, row.state, to_state, owner, detail)
        return _fetch(conn, row.id)

    # ----------------------------------------------------------------- rotation (A/B)
    def plan_swaps(self, post_id: int, live_at: datetime) -> list[Swap]:
        """Plan a published post's title/thumbnail swaps from its rotation (once; idempotent).

        Variant ``n`` (``n >= 1``; 0 is what was published) goes live at
        ``live_at + n * every``; a field with fewer variants stops swapping at its last one.
        """
        row = self.get(post_id)
        if not row.rotation:
            return []
        every = float(row.rotation["every"])
        fields = (("title", list(row.rotation.get("titles") or [])),
                  ("thumbnail", list(row.rotation.get("thumbnails") or [])))
        with self._tx() as conn:
            added = 0
            for field, values in fields:
                for n, value in enumerate(values[1:], start=1):
                    due = live_at + timedelta(seconds=n * every)
                    cur = conn.execute(
                        "INSERT OR IGNORE INTO swaps (post_id, n, field, value, due_at)"
                        " VALUES (?, ?, ?, ?, ?)", (post_id, n, field, str(value), to_db(due)),
                    )
                    added += cur.rowcount
            if added:
                self._event(conn, post_id, row.state, row.state, None,
                            f"rotation planned: {added} swap(s), every {every:g} s")
        return self.swaps(post_id)

    def swaps(self, post_id: int | None = None) -> list[Swap]:
        """Planned and performed swaps (of one post, or all), in the order they are due."""
        rows = self._read("SELECT * FROM swaps", "post_id", post_id, "due_at, id")
        return [_swap(r) for r in rows]

    def due_swaps(self, now: datetime, stale_after: float = DEFAULT_LEASE_SECONDS) -> list[Swap]:
        """Swaps of published posts whose time has come, not done and not being done."""
        stale = to_db(now - timedelta(seconds=stale_after))
        with self._errors("read"):
            rows = self._conn.execute(
                "SELECT swaps.* FROM swaps JOIN posts ON posts.id = swaps.post_id"
                " WHERE posts.state = ? AND swaps.done_at IS NULL AND swaps.due_at <= ?"
                " AND (swaps.started_at IS NULL OR swaps.started_at < ?)"
                " ORDER BY swaps.due_at, swaps.id", (PUBLISHED, to_db(now), stale),
            ).fetchall()
        return [_swap(r) for r in rows]

    def start_swap(self, swap_id: int, now: datetime,
                   stale_after: float = DEFAULT_LEASE_SECONDS) -> bool:
        """Take a due swap for this run; False when another run has it or it is done."""
        stale = to_db(now - timedelta(seconds=stale_after))
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE swaps SET started_at = ? WHERE id = ? AND done_at IS NULL"
                " AND (started_at IS NULL OR started_at < ?)", (to_db(now), swap_id, stale),
            )
            return cur.rowcount == 1

    def finish_swap(self, swap: Swap, now: datetime, error: str | None = None) -> None:
        """Record a swap as performed (an event on its post), or give it back on ``error``."""
        with self._tx() as conn:
            if error is not None:
                conn.execute("UPDATE swaps SET started_at = NULL WHERE id = ?", (swap.id,))
                self._event(conn, swap.post_id, PUBLISHED, PUBLISHED, None,
                            f"swap {swap.n} {swap.field} failed: {error}")
                return
            conn.execute("UPDATE swaps SET done_at = ? WHERE id = ?", (to_db(now), swap.id))
            self._event(conn, swap.post_id, PUBLISHED, PUBLISHED, None,
                        f"swap {swap.n} {swap.field}: {swap.value}")

    # ----------------------------------------------------------------- used by queue_posts
    def _event(
        self,
        conn: sqlite3.Connection,
        post_id: int,
        from_state: str | None,
        to_state: str,
        owner: str | None,
        detail: str,
    ) -> None:
        conn.execute(
            "INSERT INTO events (post_id, at, from_state, to_state, owner, detail)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (post_id, to_db(wall()), from_state, to_state, owner, detail),
        )


# columns a move may set besides the state (never the key, ids or creation time)
_MOVABLE_COLUMNS = frozenset(
    {
        "campaign", "clip_id", "target", "platform", "preset", "account", "video", "thumbnail",
        "render_hash", "publish_at", "mode", "privacy", "title", "description", "tags",
        "made_for_kids", "attempts", "next_attempt_at", "lease_owner", "lease_until",
        "remote_id", "url", "resume", "bytes_sent", "bytes_total", "last_error", "error_kind",
        "pending_render_hash", "pending_video", "review", "approved_at", "approved_by",
        "rotation",
    }
)


def _select(rows: Sequence[PostRow], selectors: Sequence[str], campaign: str) -> list[PostRow]:
    """The posts ``CLIP`` or ``CLIP:TARGET`` selectors name; UsageError for one naming none."""
    chosen: dict[int, PostRow] = {}
    for selector in selectors:
        clip, _, target = selector.partition(":")
        found = [r for r in rows if r.clip_id == clip and (not target or r.target == target)]
        if not found:
            raise UsageError(
                f"no post {selector!r} in campaign {campaign!r} (see `vidcamp status`)"
            )
        chosen.update((r.id, r) for r in found)
    return list(chosen.values())


def _encode_resume(state: dict[str, Any] | None) -> str | None:
    return None if state is None else json.dumps(state, sort_keys=True)


@dataclass(frozen=True)
class Swap:
    """One planned change of a published post's title or thumbnail."""

    id: int
    post_id: int
    n: int  # the variant that goes live (1 = the second one)
    field: str  # title | thumbnail
    value: str  # the title, or the thumbnail image's path
    due_at: datetime
    done_at: datetime | None


def _swap(raw: Any) -> Swap:
    return Swap(raw["id"], raw["post_id"], raw["n"], raw["field"], raw["value"],
                from_db(raw["due_at"]), from_db(raw["done_at"]))


def _fetch(conn: sqlite3.Connection, post_id: int) -> PostRow:
    return decode_row(conn.execute("SELECT * FROM posts WHERE id = ?", (post_id,)).fetchone())


def _claimed_state(row: PostRow) -> State:
    return PROCESSING if row.state == PROCESSING else UPLOADING


def lease_is_free(row: PostRow) -> bool:
    if row.lease_owner is None:
        return True
    if row.lease_until is None or row.lease_until <= wall():
        return True
    return _owner_is_dead(row.lease_owner)


def _bytes_of(state: dict[str, Any]) -> tuple[int | None, int | None]:
    """Acknowledged and total bytes, if the client's resumable state says."""
    sent = next((state[k] for k in ("offset", "bytes_sent", "sent", "acked") if k in state), None)
    total = next((state[k] for k in ("size", "total", "bytes_total") if k in state), None)
    return (
        sent if isinstance(sent, int) and not isinstance(sent, bool) else None,
        total if isinstance(total, int) and not isinstance(total, bool) else None,
    )


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


def _split_sql(script: str) -> list[str]:
    """Statements of a migration script; trigger bodies keep their inner semicolons."""
    statements: list[str] = []
    current: list[str] = []
    for part in script.split(";"):
        current.append(part)
        candidate = ";".join(current).strip()
        if not candidate:
            current = []
            continue
        if sqlite3.complete_statement(candidate + ";"):
            statements.append(candidate)
            current = []
    return statements


# columns a PostRow holds as they are stored
_PLAIN_COLUMNS = (
    "id", "key", "campaign", "clip_id", "target", "platform", "preset", "account",
    "render_hash", "mode", "privacy", "title", "description", "attempts", "lease_owner",
    "remote_id", "url", "bytes_sent", "bytes_total", "last_error", "error_kind",
    "pending_render_hash", "approved_by",
)


def decode_row(raw: Any) -> PostRow:
    if not isinstance(raw, sqlite3.Row):
        raise TypeError("rows come from a connection with sqlite3.Row factory")
    g = raw

    def path_or_none(value: str | None) -> Path | None:
        return None if value is None else Path(value)

    return PostRow(
        **{name: g[name] for name in _PLAIN_COLUMNS},
        video=Path(g["video"]),
        thumbnail=path_or_none(g["thumbnail"]),
        publish_at=from_db(g["publish_at"]) or wall(),
        tags=tuple(json.loads(g["tags"])),
        made_for_kids=bool(g["made_for_kids"]),
        state=as_state(g["state"]),
        next_attempt_at=from_db(g["next_attempt_at"]) or wall(),
        lease_until=from_db(g["lease_until"]),
        resume=None if g["resume"] is None else json.loads(g["resume"]),
        pending_video=path_or_none(g["pending_video"]),
        created_at=from_db(g["created_at"]) or wall(),
        updated_at=from_db(g["updated_at"]) or wall(),
        review=bool(g["review"]),
        approved_at=from_db(g["approved_at"]),
        rotation=None if g["rotation"] is None else json.loads(g["rotation"]),
    )


def _due_query(now: datetime, campaign: str | None) -> tuple[str, list[Any]]:
    """Claimable posts whose next attempt time has come, oldest first."""
    # the review gate twice over: unapproved posts are never in a claimable state, and the
    # query refuses them even if they were
    sql = (
        f"SELECT * FROM posts WHERE state IN ({_marks(CLAIMABLE)}) AND next_attempt_at <= ?"
        " AND (review = 0 OR approved_at IS NOT NULL)"
    )
    args: list[Any] = [*CLAIMABLE, to_db(now)]
    if campaign is not None:
        sql += " AND campaign = ?"
        args.append(campaign)
    return sql + " ORDER BY next_attempt_at, id", args
