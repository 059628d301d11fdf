"""The publishing ledger: SQLite record of every post, its state and its history.

Public API::

    queue_posts(posts, *, ledger_path=None, now=None) -> QueueReport   # vidcamp build
    publish_due(...) -> RunReport                                      # vidcamp publish --due
    Ledger.open(path) -> Ledger                                        # status, retry, cancel

Names are loaded on first use, so the cron path imports only what it runs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vidcamp.ledger.queue import QueueReport, queue_posts
    from vidcamp.ledger.run import Outcome, RunReport, publish_due
    from vidcamp.ledger.store import STATES, Event, Ledger, PostRow

_WHERE = {
    "queue_posts": "queue",
    "QueueReport": "queue",
    "publish_due": "run",
    "RunReport": "run",
    "Outcome": "run",
    "Ledger": "store",
    "PostRow": "store",
    "Event": "store",
    "STATES": "store",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'vidcamp.ledger' has no attribute {name!r}")
    return getattr(import_module(f"vidcamp.ledger.{module}"), name)


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
