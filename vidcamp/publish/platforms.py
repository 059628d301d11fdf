"""Which module uploads to which platform (imported on demand)."""

from __future__ import annotations

import importlib
from types import ModuleType

MODULES = {
    "youtube": "vidcamp.publish.youtube",
    "facebook": "vidcamp.publish.facebook",
    "x": "vidcamp.publish.x",
    "dailymotion": "vidcamp.publish.dailymotion",
}


def platform_module(platform: str) -> ModuleType:
    """The client module for ``platform`` (``build_flow``, ``REFRESHER``, ``OAUTH``)."""
    from vidcamp.errors import PermanentPublishError

    try:
        return importlib.import_module(MODULES[platform])
    except KeyError:
        raise PermanentPublishError(f"no uploader for platform {platform!r}") from None
