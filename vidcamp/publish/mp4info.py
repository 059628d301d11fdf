"""Duration and frame size of an MP4 read from its ``moov`` boxes (no PyAV: uploads stay light).

Only what the upload checks need: ``mvhd`` duration and the first video ``tkhd`` size. A file
that is not a readable MP4 gives ``None`` and the platform decides.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}


@dataclass(frozen=True)
class Mp4Info:
    duration: float  # seconds
    width: int | None
    height: int | None


def read_mp4_info(path: Path) -> Mp4Info | None:
    """The file's duration and video size, or None when it is not an MP4 we can read."""
    try:
        with open(path, "rb") as handle:
            size = path.stat().st_size
            moov = _find_box(handle, 0, size, b"moov")
            if moov is None:
                return None
            return _parse_moov(handle, *moov)
    except (OSError, struct.error, ValueError):
        return None


def _boxes(handle: BinaryIO, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """(type, payload start, box end) of the boxes in [start, end)."""
    out = []
    pos = start
    while pos + 8 <= end:
        handle.seek(pos)
        head = handle.read(8)
        if len(head) < 8:
            break
        length, kind = struct.unpack(">I4s", head)
        body = pos + 8
        if length == 1:
            length = struct.unpack(">Q", handle.read(8))[0]
            body += 8
        elif length == 0:
            length = end - pos
        if length < 8 or pos + length > end:
            break
        out.append((kind, body, pos + length))
        pos += length
    return out


def _find_box(handle: BinaryIO, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    for k, body, stop in _boxes(handle, start, end):
        if k == kind:
            return body, stop
    return None


def _parse_moov(handle: BinaryIO, start: int, end: int) -> Mp4Info | None:
    duration = None
    width = height = None
    for kind, body, stop in _boxes(handle, start, end):
        if kind == b"mvhd":
            handle.seek(body)
            version = handle.read(1)[0]
            handle.seek(body + 4)
            if version == 1:
                _, _, scale, length = struct.unpack(">QQIQ", handle.read(28))
            else:
                _, _, scale, length = struct.unpack(">IIII", handle.read(16))
            duration = length / scale if scale else None
        elif kind == b"trak" and width is None:
            width, height = _video_size(handle, body, stop)
    if duration is None:
        return None
    return Mp4Info(duration, width, height)


def _video_size(handle: BinaryIO, start: int, end: int) -> tuple[int | None, int | None]:
    size: tuple[int | None, int | None] = (None, None)
    is_video = False
    for kind, body, stop in _boxes(handle, start, end):
        if kind == b"tkhd":
            handle.seek(stop - 8)  # width and height: the box's last two 16.16 numbers
            w, h = struct.unpack(">II", handle.read(8))
            size = (w >> 16, h >> 16)
        elif kind == b"mdia":
            hdlr = _find_box(handle, body, stop, b"hdlr")
            if hdlr is not None:
                handle.seek(hdlr[0] + 8)
                is_video = handle.read(4) == b"vide"
    return size if is_video else (None, None)
