"""Probe media files with PyAV (imageio-ffmpeg ships no ffprobe). PyAV is imported lazily."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from vidcamp.errors import MediaError


@dataclass(frozen=True)
class VideoStreamInfo:
    codec: str
    width: int
    height: int
    fps: float  # average frame rate
    pix_fmt: str
    sample_aspect_ratio: Fraction | None
    rotation: int  # degrees clockwise that a player applies to show it upright
    profile: str | None


@dataclass(frozen=True)
class AudioStreamInfo:
    codec: str
    sample_rate: int
    channels: int
    profile: str | None


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    duration: float  # seconds
    size: int  # bytes
    format_name: str
    video: VideoStreamInfo | None
    audio: AudioStreamInfo | None

    @property
    def has_video(self) -> bool:
        return self.video is not None

    @property
    def has_audio(self) -> bool:
        return self.audio is not None

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height as shown to a viewer, after rotation metadata is applied."""
        if self.video is None:
            return (0, 0)
        w, h = self.video.width, self.video.height
        return (h, w) if self.video.rotation % 180 == 90 else (w, h)


def probe(path: Path) -> MediaInfo:
    """Read a media file's container and stream facts; MediaError if it is not usable media."""
    import av

    path = Path(path)
    if not path.is_file():
        raise MediaError(f"{path}: file not found")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise MediaError(f"{path}: not a readable media file ({_reason(exc)})") from exc
    with container:
        video = audio = None
        vstream = next(iter(container.streams.video), None)
        astream = next(iter(container.streams.audio), None)
        if vstream is not None:
            ctx = vstream.codec_context
            rate = vstream.average_rate or vstream.guessed_rate or vstream.base_rate
            sar = ctx.sample_aspect_ratio
            video = VideoStreamInfo(
                codec=ctx.name,
                width=ctx.width,
                height=ctx.height,
                fps=float(rate) if rate else 0.0,
                pix_fmt=ctx.pix_fmt or "",
                sample_aspect_ratio=Fraction(sar) if sar else None,
                rotation=_rotation(vstream),
                profile=ctx.profile,
            )
        if astream is not None:
            actx = astream.codec_context
            audio = AudioStreamInfo(
                codec=actx.name,
                sample_rate=actx.sample_rate,
                channels=actx.channels,
                profile=actx.profile,
            )
        duration = _duration(container, vstream or astream)
        return MediaInfo(
            path=path,
            duration=duration,
            size=path.stat().st_size,
            format_name=container.format.name,
            video=video,
            audio=audio,
        )


def _duration(container: object, stream: object) -> float:
    dur = getattr(container, "duration", None)
    if dur:
        return float(dur) / 1_000_000  # av.time_base
    if stream is not None and getattr(stream, "duration", None) and stream.time_base:  # type: ignore[attr-defined]
        return float(stream.duration * stream.time_base)  # type: ignore[attr-defined]
    return 0.0


def _rotation(stream: object) -> int:
    """Clockwise display rotation from the display matrix side data or the legacy rotate tag."""
    meta = getattr(stream, "metadata", {}) or {}
    if "rotate" in meta:
        try:
            return int(meta["rotate"]) % 360
        except ValueError:
            pass
    side = getattr(getattr(stream, "codec_context", None), "side_data", None)
    if side is None:
        side = getattr(stream, "side_data", None)
    try:
        for item in side or []:
            rot = getattr(item, "rotation", None)
            if rot is not None:
                return int(-float(rot)) % 360
    except TypeError:
        pass
    return 0


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return " ".join(str(text).split())
