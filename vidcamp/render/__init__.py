"""The render stage: one ffmpeg process per clip, split into every target variant.

``RENDER_VERSION`` goes into every variant's content hash: bump it whenever a change here
changes the bytes of an output, so cached renders are made again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

RENDER_VERSION = "2"

if TYPE_CHECKING:
    from vidcamp.render.engine import ClipResult, render_all, render_clip

__all__ = ["RENDER_VERSION", "ClipResult", "render_all", "render_clip"]


def __getattr__(name: str) -> Any:
    # Keep `import vidcamp.render` cheap for the planner, which only needs RENDER_VERSION.
    if name in {"ClipResult", "render_all", "render_clip"}:
        from vidcamp.render import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'vidcamp.render' has no attribute {name!r}")
