"""The publishing ledger: SQLite record of every post, its state and its history.

Public API::

    queue_posts(posts, *, ledger_path=None, now=None) -> QueueReport   # vidcamp build
    publish_due(...) -> RunReport                                      # vidcamp publish --due
    Ledger.open(path) -> Ledger                                        # status, retry, cancel
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vidcamp.ledger.queue import QueueReport, queue_posts
from vidcamp.ledger.store import STATES, Event, Ledger, PostRow

if TYPE_CHECKING:
    from vidcamp.ledger.run import Outcome, RunReport, publish_due


def __getattr__(name: str) -> Any:
    # the publish-due driver is imported on first use only
    if name in ("publish_due", "RunReport", "Outcome"):
        from vidcamp.ledger import run

        return getattr(run, name)
    raise AttributeError(name)


__all__ = [
    "STATES",
    "Event",
    "Ledger",
    "Outcome",
    "PostRow",
    "QueueReport",
    "RunReport",
    "publish_due",
    "queue_posts",
]
