"""Queueing a campaign's posts into the ledger, idempotently (``vidcamp build`` calls this)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from vidcamp.jobs import Post
from vidcamp.ledger.clock import from_db, to_db, wall
from vidcamp.ledger.clock import now as clock_now
from vidcamp.ledger.states import check_move
from vidcamp.ledger.store import (
    AWAITING_APPROVAL,
    CANCELLED,
    PROCESSING,
    PUBLISHED,
    QUEUED,
    REVIEWABLE,
    UPLOADING,
    Ledger,
    State,
    decode_row,
    lease_is_free,
)


@dataclass(frozen=True)
class QueueReport:
    """What queueing did, post key by post key."""

    ledger: Path
    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()  # unpublished post whose render changed: starts over
    updated: tuple[str, ...] = ()  # title, schedule or other metadata changed
    unchanged: tuple[str, ...] = ()
    republish_needed: tuple[str, ...] = ()  # published, render changed: `vidcamp republish`
    busy: tuple[str, ...] = ()  # being uploaded right now: left as it is
    cancelled: tuple[str, ...] = ()  # cancelled by the user: kept cancelled
    awaiting: tuple[str, ...] = ()  # posts of this build waiting for `vidcamp approve`

    @property
    def total(self) -> int:
        return sum(
            len(group)
            for group in (
                self.added, self.replaced, self.updated, self.unchanged,
                self.republish_needed, self.busy, self.cancelled,
            )
        )

    def summary(self) -> list[str]:
        """Lines for the build output: counts first, then what needs the user."""
        counts = [
            f"{len(self.added)} new",
            f"{len(self.replaced)} replaced",
            f"{len(self.updated)} updated",
            f"{len(self.unchanged)} unchanged",
        ]
        lines = [f"queued {self.total} posts in {self.ledger}: " + ", ".join(counts)]
        for key in self.republish_needed:
            lines.append(
                f"  {key}: already published; its render changed — "
                f"`vidcamp republish {key}` to post the new one"
            )
        for key in self.busy:
            lines.append(f"  {key}: being uploaded right now; left as it is")
        for key in self.cancelled:
            lines.append(f"  {key}: cancelled; `vidcamp retry {key}` to queue it again")
        if self.awaiting:
            lines.append(
                f"{len(self.awaiting)} posts await approval: review them with `vidcamp preview`, "
                "then `vidcamp approve CAMPAIGN [CLIP[:TARGET]...]`"
            )
        return lines


def effective_mode(post: Post) -> str:
    """``platform`` only where the platform can publish at a set time by itself; else ``cron``."""
    if post.mode != "platform":
        return "cron"
    from vidcamp.platforms import REGISTRY
    from vidcamp.presets import PRESETS

    preset = PRESETS.get(post.preset)
    platform = REGISTRY.get(post.platform)
    if platform is None or not platform.can_schedule or preset is None or not preset.can_schedule:
        return "cron"
    return "platform"


def _fields(post: Post) -> dict[str, Any]:
    """The row columns a Post determines (everything but the ledger's own bookkeeping)."""
    if post.publish_at.tzinfo is None:
        raise ValueError(f"{post.key}: publish_at has no time zone")
    return {
        "campaign": post.campaign,
        "clip_id": post.clip_id,
        "target": post.target,
        "platform": post.platform,
        "preset": post.preset,
        "account": post.account,
        "video": str(post.video),
        "thumbnail": None if post.thumbnail is None else str(post.thumbnail),
        "render_hash": post.render_hash,
        "publish_at": to_db(post.publish_at),
        "mode": effective_mode(post),
        "privacy": post.privacy,
        "title": post.title,
        "description": post.description,
        "tags": json.dumps(list(post.tags)),
        "made_for_kids": 1 if post.made_for_kids else 0,
        "rotation": None if post.rotation is None else json.dumps(post.rotation.to_json()),
    }


_RENDER = ("render_hash", "video")
# what a reviewer approves besides the bytes: the text each platform receives
_REVIEWED_TEXT = ("title", "description", "tags")


def _refuse_duplicate(conn: Any, post: Post) -> None:
    """``UsageError`` when the same content already goes to the same account as another post."""
    from vidcamp.errors import UsageError

    earlier = conn.execute(
        "SELECT id, key, state, url FROM posts WHERE account = ? AND platform = ?"
        " AND render_hash = ? AND key != ? AND state != 'cancelled' ORDER BY id LIMIT 1",
        (post.account, post.platform, post.render_hash, post.key),
    ).fetchone()
    if earlier is None:
        return
    where = (f"published at {earlier['url']}" if earlier["url"]
             else f"{earlier['state']}, not published yet")
    raise UsageError(
        f"{post.key}: the same video already goes to account {post.account!r} as"
        f" #{earlier['id']} {earlier['key']} ({where}); nothing queued"
        " (pass --allow-duplicate to post it again)"
    )


def queue_posts(
    posts: Sequence[Post],
    *,
    ledger_path: Path | None = None,
    now: datetime | None = None,
    review: bool = False,
    allow_duplicate: bool = False,
) -> QueueReport:
    """Put a campaign's posts in the ledger: never twice; changed renders handled by the rules.

    With ``review`` the posts wait in ``awaiting_approval`` until `vidcamp approve`; a post whose
    video or text changes after approval waits again.

    A new post whose rendered content (``render_hash``) already goes to the same account under
    another key — another campaign, clip or target — is refused (``UsageError`` naming the
    earlier post and its URL, nothing queued) unless ``allow_duplicate``.
    """
    with Ledger.open(ledger_path) as ledger:
        return queue_into(
            ledger, posts, now=now, review=review, allow_duplicate=allow_duplicate
        )


def queue_into(
    ledger: Ledger,
    posts: Sequence[Post],
    *,
    now: datetime | None = None,
    review: bool = False,
    allow_duplicate: bool = False,
) -> QueueReport:
    """``queue_posts`` on an open ledger, all posts in one transaction."""
    now = now or clock_now()
    groups: dict[str, list[str]] = {
        name: []
        for name in (
            "added", "replaced", "updated", "unchanged", "republish_needed", "busy", "cancelled",
            "awaiting",
        )
    }
    seen: set[str] = set()
    with ledger._tx() as conn:
        stamp = to_db(wall())
        for post in posts:
            key = post.key
            if key in seen:
                raise ValueError(f"{key}: the same post twice in one batch")
            seen.add(key)
            fields = _fields(post)
            due = fields["publish_at"] if fields["mode"] == "cron" else to_db(now)
            raw = conn.execute("SELECT * FROM posts WHERE key = ?", (key,)).fetchone()
            if raw is None and not allow_duplicate:
                _refuse_duplicate(conn, post)
            if raw is None:
                first: State = AWAITING_APPROVAL if review else QUEUED
                check_move(None, first)
                cols = {**fields, "key": key, "state": first, "attempts": 0,
                        "next_attempt_at": due, "created_at": stamp, "updated_at": stamp,
                        "review": 1 if review else 0}
                cur = conn.execute(
                    f"INSERT INTO posts ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                    tuple(cols.values()),
                )
                post_id = cur.lastrowid
                assert post_id is not None
                ledger._event(
                    conn, post_id, None, first, None,
                    f"queued, {fields['mode']} mode" + (", awaiting approval" if review else ""),
                )
                groups["added"].append(key)
                if review:
                    groups["awaiting"].append(key)
                continue

            row = decode_row(raw)
            old = {name: raw[name] for name in fields}
            render_changed = any(old[name] != fields[name] for name in _RENDER)
            text_changed = any(old[name] != fields[name] for name in _REVIEWED_TEXT)
            meta_changed = any(
                old[name] != fields[name] for name in fields if name not in _RENDER
            )
            # under review, what goes out is what was approved: a change withdraws the approval
            gate = review and (render_changed or text_changed or row.approved_at is None)
            newly_gated = (
                gate
                and row.state not in (*REVIEWABLE, PUBLISHED, PROCESSING, CANCELLED)
                and not (row.lease_owner is not None and not lease_is_free(row))
            )
            if not render_changed and not meta_changed and row.review == review and not newly_gated:
                groups["unchanged"].append(key)
                if row.state == AWAITING_APPROVAL:
                    groups["awaiting"].append(key)
                continue
            if row.state == CANCELLED:
                groups["cancelled"].append(key)
                continue
            if row.lease_owner is not None and not lease_is_free(row):
                groups["busy"].append(key)
                continue
            if row.state in (PUBLISHED, PROCESSING):
                # the platform already has this post; a new render goes out only on request
                if render_changed and raw["pending_render_hash"] != fields["render_hash"]:
                    ledger.move(
                        conn, row, row.state, owner=None,
                        detail=f"render changed to {post.render_hash[:12]}; waiting for republish",
                        pending_render_hash=fields["render_hash"], pending_video=fields["video"],
                    )
                if render_changed:
                    groups["republish_needed"].append(key)
                else:
                    groups["unchanged"].append(key)
                continue
            approval: dict[str, Any] = {"review": 1 if review else 0}
            withdrawn = ""
            if gate:
                approval.update(approved_at=None, approved_by=None)
                if row.approved_at is not None:
                    withdrawn = "; approval withdrawn"
            if render_changed:
                # a post waiting for (or refused) approval is never released by a rebuild
                to: State = AWAITING_APPROVAL if gate or row.state in REVIEWABLE else QUEUED
                ledger.move(
                    conn, row, to, owner=None,
                    detail=f"render changed to {post.render_hash[:12]}; replaced, upload starts "
                    f"over{withdrawn}",
                    **fields, **approval, attempts=0, next_attempt_at=due, resume=None,
                    bytes_sent=None, bytes_total=None, last_error=None, error_kind=None,
                    remote_id=None, url=None, lease_owner=None, lease_until=None,
                )
                groups["replaced"].append(key)
                if to == AWAITING_APPROVAL:
                    groups["awaiting"].append(key)
                continue
            # metadata only: the schedule moves with it unless a retry time is pending
            next_at = row.next_attempt_at
            if row.state in (QUEUED, UPLOADING) and old["publish_at"] != fields["publish_at"]:
                next_at = from_db(due) or next_at
            if old["mode"] != fields["mode"] and row.state == QUEUED:
                next_at = from_db(due) or next_at
            stay: State = AWAITING_APPROVAL if newly_gated else row.state
            if meta_changed:
                detail = "details updated by build"
            else:
                detail = "review required by build" if review else "review no longer required"
            ledger.move(
                conn, row, stay, owner=None, detail=detail + withdrawn, **fields, **approval,
                next_attempt_at=to_db(next_at),
            )
            groups["updated"].append(key)
            if stay == AWAITING_APPROVAL:
                groups["awaiting"].append(key)
    return QueueReport(ledger=ledger.path, **{name: tuple(keys) for name, keys in groups.items()})


__all__ = ["QueueReport", "effective_mode", "queue_into", "queue_posts"]
