"""Face detectors on low-resolution BGR frames. Boxes come back in pixels of the frame given."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from vidcamp.render.smart import ReframeError, require_extra

# Haar settings measured on 320-wide frames of the test footage: 1.2/4 finds the same faces as
# 1.1/5 in a third of the time.
HAAR_SCALE = 1.2
HAAR_NEIGHBOURS = 4
HAAR_MIN_WEIGHT = 1.0  # detectMultiScale3 level weight; the weak hits are the false positives
YUNET_SCORE = 0.7


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    score: float


class FaceDetector(Protocol):
    name: str

    def detect(self, bgr: Any) -> list[Box]: ...


class HaarDetector:
    """OpenCV's frontal-face Haar cascade (shipped by opencv-python-headless 4.x)."""

    name = "haar"

    def __init__(self, min_face: int) -> None:
        _, cv2 = require_extra()
        cascade_dir = getattr(getattr(cv2, "data", None), "haarcascades", None)
        if cascade_dir is None or not hasattr(cv2, "CascadeClassifier"):
            raise ReframeError(
                "reframe: this OpenCV has no Haar cascades (OpenCV 5 dropped them); install "
                "opencv-python-headless<5 or give a YuNet model with reframe.yunet"
            )
        path = Path(cascade_dir) / "haarcascade_frontalface_default.xml"
        self._cascade = cv2.CascadeClassifier(str(path))
        if self._cascade.empty():
            raise ReframeError(f"reframe: {path}: the Haar cascade did not load")
        self._cv2 = cv2
        self._min = (min_face, min_face)

    def detect(self, bgr: Any) -> list[Box]:
        cv2 = self._cv2
        gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        rects, _levels, weights = self._cascade.detectMultiScale3(
            gray, scaleFactor=HAAR_SCALE, minNeighbors=HAAR_NEIGHBOURS, minSize=self._min,
            outputRejectLevels=True,
        )
        boxes = []
        for (x, y, w, h), weight in zip(rects, weights, strict=False):
            if float(weight) >= HAAR_MIN_WEIGHT:
                boxes.append(Box(float(x), float(y), float(w), float(h), float(weight)))
        return boxes


class YuNetDetector:
    """A YuNet ONNX face model the user supplies (cv2.FaceDetectorYN)."""

    name = "yunet"

    def __init__(self, model: Path, size: tuple[int, int]) -> None:
        _, cv2 = require_extra()
        if not model.is_file():
            raise ReframeError(f"{model}: YuNet face model not found")
        if not hasattr(cv2, "FaceDetectorYN"):
            raise ReframeError("reframe: this OpenCV has no FaceDetectorYN (needs OpenCV >= 4.5.4)")
        try:
            self._net = cv2.FaceDetectorYN.create(str(model), "", size, YUNET_SCORE)
            # a file that is not a model often loads lazily: run it once to find out now
            import numpy as np

            self._net.detect(np.zeros((size[1], size[0], 3), dtype=np.uint8))
        except cv2.error as exc:
            first = str(exc).strip().splitlines()[-1] if str(exc).strip() else "unreadable"
            raise ReframeError(f"{model}: not a usable YuNet ONNX model ({first})") from None

    def detect(self, bgr: Any) -> list[Box]:
        _, faces = self._net.detect(bgr)
        if faces is None:
            return []
        return [Box(float(f[0]), float(f[1]), float(f[2]), float(f[3]), float(f[-1]))
                for f in faces]


def face_detector(yunet: Path | None, size: tuple[int, int], min_face: int) -> FaceDetector:
    if yunet is not None:
        return YuNetDetector(yunet, size)
    return HaarDetector(min_face)
