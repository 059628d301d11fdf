"""Test footage with real faces: the astronaut photo's head moved over generated backgrounds.

Frames are drawn with numpy and piped to ffmpeg as raw video, so every test knows exactly where
each face is at every frame.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from vidcamp.media.ffmpeg import find_ffmpeg

SIZE = (640, 360)
FPS = 10
# (cx, cy) in source pixels of the face centre at clip time t
Track = Callable[[float], tuple[float, float]]


def head(scale: float = 0.75, mirror: bool = False) -> Any:
    """The astronaut's head and shoulders (the Haar face box sits near its centre)."""
    import cv2
    from skimage import data

    img = data.astronaut()[20:230, 140:310]
    if mirror:
        img = img[:, ::-1]
    h, w = img.shape[:2]
    return cv2.resize(img, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)


# where the face's centre lies inside head(): the Haar box (177,66,95,95) in the 512 px photo
FACE_IN_HEAD = ((177 + 47.5 - 140) / 170, (66 + 47.5 - 20) / 210)


def background(seed: int, tint: tuple[int, int, int] = (90, 110, 130)) -> Any:
    """A still, textured backdrop (texture lets an image shift be measured)."""
    import cv2
    import numpy as np

    rng = np.random.default_rng(seed)
    w, h = SIZE
    noise = rng.integers(0, 255, size=(h // 8, w // 8, 3), dtype=np.uint8)
    tex = cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC).astype(np.int16)
    base = np.array(tint, dtype=np.int16)[None, None, :]
    return np.clip(base + (tex - 128) // 3, 0, 255).astype(np.uint8)


def paste(frame: Any, img: Any, centre: tuple[float, float]) -> None:
    """Put ``img`` so that its face centre lands on ``centre`` (clipped at the frame edges)."""
    h, w = img.shape[:2]
    x0 = round(centre[0] - FACE_IN_HEAD[0] * w)
    y0 = round(centre[1] - FACE_IN_HEAD[1] * h)
    fh, fw = frame.shape[:2]
    xa, ya, xb, yb = max(0, x0), max(0, y0), min(fw, x0 + w), min(fh, y0 + h)
    if xa < xb and ya < yb:
        frame[ya:yb, xa:xb] = img[ya - y0:yb - y0, xa - x0:xb - x0]


def write(path: Path, frames: Sequence[Any] | Any, fps: int = FPS) -> Path:
    w, h = SIZE
    cmd = [
        str(find_ffmpeg()), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(fps), "-i", "-",
        "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo",
        "-shortest", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18",
        "-pix_fmt", "yuv420p", "-c:a", "aac", str(path),
    ]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None
    for frame in frames:
        proc.stdin.write(frame.tobytes())
    proc.stdin.close()
    err = proc.stderr.read().decode() if proc.stderr else ""
    assert proc.wait() == 0, err
    return path


def scene(
    path: Path, seconds: float, tracks: Sequence[Track], *, seed: int = 1,
    shots: Sequence[tuple[float, int, Sequence[Track]]] = (), fps: int = FPS,
) -> Path:
    """A clip of faces following ``tracks``; ``shots`` switch backdrop and tracks at a time."""
    faces = [head(), head(mirror=True)]
    backdrops = {seed: background(seed)}

    def frames() -> Any:
        for n in range(round(seconds * fps)):
            t = n / fps
            bg_seed, now = seed, tracks
            for at, s, tr in shots:
                if t >= at:
                    bg_seed, now = s, tr
            if bg_seed not in backdrops:
                backdrops[bg_seed] = background(bg_seed, (150, 90, 60))
            frame = backdrops[bg_seed].copy()
            for k, track in enumerate(now):
                paste(frame, faces[k % 2], track(t))
            yield frame

    return write(path, frames(), fps)


def faces_in(path: Path) -> list[tuple[float, list[tuple[float, float, float]]]]:
    """(time, [(cx, cy, width) of each face the Haar detector finds]) for every frame of a video."""
    import av
    import cv2

    cascade = cv2.CascadeClassifier(
        cv2.data.haarcascades + "haarcascade_frontalface_default.xml"  # type: ignore[attr-defined]
    )
    out = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            gray = frame.to_ndarray(format="gray")
            found = cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5,
                                             minSize=(40, 40))
            out.append((float(frame.time or 0.0),
                        [(x + w / 2, y + h / 2, float(w)) for x, y, w, h in found]))
    return out
