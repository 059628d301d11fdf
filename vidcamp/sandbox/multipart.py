"""A streaming multipart/form-data reader: text fields in memory, file parts to a sink."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

BLOCK = 64 * 1024


class Reader(Protocol):
    def read(self, n: int) -> bytes: ...


class FileSink(Protocol):
    def write(self, data: bytes) -> None: ...


class MultipartError(ValueError):
    pass


def boundary_of(content_type: str) -> str:
    match = re.search(r'boundary="?([^";]+)"?', content_type or "")
    if not match:
        raise MultipartError("multipart body without a boundary")
    return match.group(1)


def read_multipart(
    reader: Reader,
    boundary: str,
    open_file: Callable[[str, str, dict[str, str]], FileSink],
) -> dict[str, str]:
    """Read every part; returns text fields, streams file parts to ``open_file(name, ...)``.

    ``open_file`` receives the part name, its filename and the text fields read so far.
    """
    delim = b"\r\n--" + boundary.encode()
    buf = bytearray(b"\r\n")  # so the first boundary looks like every other one
    fields: dict[str, str] = {}

    def more() -> None:
        chunk = reader.read(BLOCK)
        if not chunk:
            raise MultipartError("multipart body ended early")
        buf.extend(chunk)

    while (i := buf.find(delim)) < 0:
        more()
    del buf[: i + len(delim)]
    while True:
        while len(buf) < 2:
            more()
        if buf[:2] == b"--":
            return fields
        while (j := buf.find(b"\r\n\r\n")) < 0:
            more()
        head = bytes(buf[2:j]).decode("utf-8", "replace")
        del buf[: j + 4]
        name_m = re.search(r'\bname="([^"]*)"', head)
        file_m = re.search(r'\bfilename="([^"]*)"', head)
        name = name_m.group(1) if name_m else ""
        sink: FileSink | None = open_file(name, file_m.group(1), fields) if file_m else None
        text = bytearray()
        while True:
            k = buf.find(delim)
            if k >= 0:
                piece = bytes(buf[:k])
                del buf[: k + len(delim)]
                if sink is not None:
                    sink.write(piece)
                else:
                    text.extend(piece)
                break
            safe = len(buf) - len(delim)
            if safe > 0:
                piece = bytes(buf[:safe])
                del buf[:safe]
                if sink is not None:
                    sink.write(piece)
                else:
                    text.extend(piece)
                    if len(text) > 1_000_000:
                        raise MultipartError(f"text field {name!r} too long")
            more()
        if sink is None:
            fields[name] = text.decode("utf-8", "replace")
