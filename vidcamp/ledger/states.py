"""The post state machine as data: every state, every allowed move, and each platform's phases.

Pure: no IO. ``Ledger.move`` is the one place that changes a post's state; it asks ``check_move``
first, so a move missing from ``TRANSITIONS`` cannot happen, whichever command asks for it.

    (new) ─▶ queued ─▶ uploading ─▶ processing ─▶ published
      │        ▲ │         │  ▲          │             │
      │        │ │         ▼  │          ▼             │ republish
      │        │ └──▶ failed | deferred | cancelled    ▼
      └─▶ awaiting_approval ──approve──▶ queued ◀──────┘
               └──reject──▶ rejected
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal, get_args

State = Literal[
    "awaiting_approval",
    "queued",
    "uploading",
    "processing",
    "published",
    "failed",
    "deferred",
    "cancelled",
    "rejected",
]
STATES: Final[tuple[State, ...]] = get_args(State)

AWAITING_APPROVAL: Final = "awaiting_approval"
QUEUED: Final = "queued"
UPLOADING: Final = "uploading"
PROCESSING: Final = "processing"
PUBLISHED: Final = "published"
FAILED: Final = "failed"
DEFERRED: Final = "deferred"
CANCELLED: Final = "cancelled"
REJECTED: Final = "rejected"

#: where a post may go from each state, and why (the reason is what tests and docs show).
#: ``None`` is a post not yet in the ledger. Staying in a state (a note, a lease change, new
#: details) is always allowed and is not listed.
TRANSITIONS: Final[Mapping[State | None, Mapping[State, str]]] = {
    None: {
        QUEUED: "build queues a new post",
        AWAITING_APPROVAL: "build queues a new post of a campaign under review",
    },
    AWAITING_APPROVAL: {
        QUEUED: "approved",
        REJECTED: "rejected",
        CANCELLED: "cancelled by the user",
    },
    QUEUED: {
        UPLOADING: "claimed by publish --due",
        AWAITING_APPROVAL: "its content changed under review: approval withdrawn",
        REJECTED: "rejected after all",
        CANCELLED: "cancelled by the user",
    },
    UPLOADING: {
        PROCESSING: "every byte is with the platform",
        PUBLISHED: "the platform returned the post",
        QUEUED: "retry later, or the upload starts over",
        DEFERRED: "quota or rate window: wait for its reset",
        FAILED: "the platform refused it, or attempts ran out",
        AWAITING_APPROVAL: "its content changed under review: approval withdrawn",
        CANCELLED: "cancelled by the user",
    },
    PROCESSING: {
        PUBLISHED: "the platform returned the post",
        QUEUED: "retry later",
        DEFERRED: "quota or rate window: wait for its reset",
        FAILED: "the platform refused it, or attempts ran out",
        CANCELLED: "cancelled by the user",
    },
    PUBLISHED: {
        QUEUED: "republish requested",
        AWAITING_APPROVAL: "republish requested under review",
    },
    FAILED: {
        QUEUED: "retry requested, or its render changed",
        AWAITING_APPROVAL: "its content changed under review: approval withdrawn",
        REJECTED: "rejected after all",
        CANCELLED: "cancelled by the user",
    },
    DEFERRED: {
        UPLOADING: "claimed by publish --due once the window reset",
        QUEUED: "retry requested, or its render changed",
        AWAITING_APPROVAL: "its content changed under review: approval withdrawn",
        REJECTED: "rejected after all",
        CANCELLED: "cancelled by the user",
    },
    CANCELLED: {
        QUEUED: "retry requested",
        AWAITING_APPROVAL: "retry requested of a post still to be approved",
    },
    REJECTED: {
        AWAITING_APPROVAL: "its content changed: up for review again",
        QUEUED: "approved after all",
        CANCELLED: "cancelled by the user",
    },
}

#: states a post can be claimed from once its next attempt time has come
CLAIMABLE: Final[tuple[State, ...]] = (QUEUED, DEFERRED, UPLOADING, PROCESSING)
#: states in which the post has not gone out and will not without a user's command
STOPPED: Final[tuple[State, ...]] = (FAILED, CANCELLED, REJECTED)
#: states a reviewer decides on with ``vidcamp approve`` / ``reject``
REVIEWABLE: Final[tuple[State, ...]] = (AWAITING_APPROVAL, REJECTED)


class IllegalMove(ValueError):
    """A move the state table does not allow (a bug in the caller, never a user error)."""


def allowed(from_state: State | None, to_state: State) -> bool:
    """True when ``TRANSITIONS`` lets a post go from ``from_state`` to ``to_state``."""
    return from_state == to_state or to_state in TRANSITIONS.get(from_state, {})


def check_move(from_state: State | None, to_state: State) -> None:
    """Raise ``IllegalMove`` unless the table allows the move."""
    if not allowed(from_state, to_state):
        raise IllegalMove(f"a post cannot go from {from_state or 'nothing'} to {to_state}")


def as_state(value: str) -> State:
    """A state read back from the ledger, checked against the closed set."""
    if value not in STATES:
        raise IllegalMove(f"unknown post state {value!r}")
    return value


# ------------------------------------------------------------------ upload phases per platform
# The resumable state each upload flow saves carries a ``phase``. These are the closed sets of
# phases per platform, and which of them mean every byte is already with the platform (the post
# moves to ``processing``: a new run must finish that upload, never start a second one).
YouTubePhase = Literal["new", "uploading", "thumbnail", "done"]
FacebookPhase = Literal["new", "uploading", "finishing", "done"]
XPhase = Literal["new", "appending", "finalizing", "processing", "posting", "done"]
DailymotionPhase = Literal["new", "uploaded", "creating", "done"]
UploadPhase = YouTubePhase | FacebookPhase | XPhase | DailymotionPhase

PHASES: Final[Mapping[str, tuple[str, ...]]] = {
    "youtube": get_args(YouTubePhase),
    "facebook": get_args(FacebookPhase),
    "x": get_args(XPhase),
    "dailymotion": get_args(DailymotionPhase),
}
#: the first phase, per platform, in which the platform holds every byte
BYTES_DELIVERED_FROM: Final[Mapping[str, str]] = {
    "youtube": "thumbnail",
    "facebook": "finishing",
    "x": "finalizing",
    "dailymotion": "uploaded",
}


def bytes_delivered(platform: str, phase: str) -> bool:
    """True when ``phase`` of ``platform``'s upload comes after every byte was acknowledged.

    An unknown platform or phase is an ``IllegalMove``: guessing could post a video twice.
    """
    phases = PHASES.get(platform)
    if phases is None or phase not in phases:
        raise IllegalMove(f"{platform} uploads have no phase {phase!r}")
    return phases.index(phase) >= phases.index(BYTES_DELIVERED_FROM[platform])
