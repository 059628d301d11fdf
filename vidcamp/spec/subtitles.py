"""Read SRT, VTT and ASS caption files with pysubs2, detecting common non-UTF-8 encodings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Tried in order when a file is not UTF-8 (UTF-16 is recognised by its byte-order mark).
# cp1252 is what Windows editors save Western European captions as; latin-1 decodes the rest.
FALLBACK_ENCODINGS = ("cp1252", "latin-1")


class SubtitleError(ValueError):
    pass


@dataclass(frozen=True)
class Subtitles:
    file: Any  # pysubs2.SSAFile
    encoding: str
    guessed_encoding: str | None  # set when the file was not UTF-8 and no encoding was given

    @property
    def events(self) -> list[Any]:
        return [e for e in self.file.events if not e.is_comment]


def read_subtitles(path: Path, *, encoding: str | None = None) -> Subtitles:
    """Parse a subtitle file; SubtitleError with a one-line reason if it cannot be read."""
    import pysubs2

    raw = path.read_bytes()
    guessed = None
    if encoding is not None:
        try:
            text = raw.decode(encoding)
        except LookupError:
            raise SubtitleError(f'unknown encoding "{encoding}"') from None
        except UnicodeDecodeError as exc:
            raise SubtitleError(f"is not valid {encoding} (byte {exc.start})") from None
    else:
        text, encoding, guessed = _decode(raw)
    try:
        subs = pysubs2.SSAFile.from_string(text)
    except Exception as exc:  # pysubs2 raises several unrelated types for bad input
        raise SubtitleError(
            f"cannot be parsed as SRT, VTT or ASS ({type(exc).__name__}: {exc})"
        ) from None
    return Subtitles(subs, encoding, guessed)


def _decode(raw: bytes) -> tuple[str, str, str | None]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16", None
    try:
        return raw.decode("utf-8-sig"), "utf-8", None
    except UnicodeDecodeError:
        pass
    for candidate in FALLBACK_ENCODINGS:
        try:
            return raw.decode(candidate), candidate, candidate
        except UnicodeDecodeError:
            continue
    raise SubtitleError("is not UTF-8 and no common encoding fits; set captions.encoding")
