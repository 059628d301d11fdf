"""Smart reframe: follow the speaker (or the action) with a steady crop.

Layers, each a module:

    analyse   decode the cut at low size and rate (PyAV), shot changes, faces, motion -> Analysis
    detect    face detectors: OpenCV's Haar cascade, or a YuNet ONNX model from a path
    store     the analysis cached on disk by source fingerprint + segments + settings
    path      pure: Analysis + settings -> per-shot camera plan (steady, follow, fallbacks)
    chain     the plan as filters in the render's one ffmpeg graph (crop expressions on t)

Only ``path`` and ``chain`` import without the ``reframe`` extra (numpy, opencv-python-headless);
``analyse`` and ``detect`` import them inside, and say how to install them when they are missing.
"""

from __future__ import annotations

from typing import Any

from vidcamp.errors import RenderError

INSTALL_HINT = "pip install 'vidcamp[reframe]'"


class ReframeError(RenderError):
    """Smart reframe cannot run: the extra is missing, or the face model is unusable."""


def require_extra() -> tuple[Any, Any]:
    """numpy and cv2, or a one-line error that says which pip command brings them."""
    try:
        import cv2
        import numpy
    except ImportError as exc:
        raise ReframeError(
            f"reframe: smart needs numpy and OpenCV ({exc.name} is missing): {INSTALL_HINT}"
        ) from None
    return numpy, cv2
