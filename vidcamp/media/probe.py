"""Probe media files with PyAV (imageio-ffmpeg ships no ffprobe). PyAV is imported lazily."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

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
    variable_frame_rate: bool = False  # frame durations differ (phone footage, screen captures)
    bit_depth: int = 8  # bits per luma sample
    chroma: str = "4:2:0"  # chroma subsampling: 4:2:0, 4:2:2, 4:4:4, or "rgb"/"gray"
    frames_checked: int = 0  # packets looked at for the frame-rate check
    duration: float = 0.0  # the video stream's own length in seconds (0 when unknown)


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

    @property
    def square_size(self) -> tuple[int, int]:
        """The display size in square pixels: non-square (anamorphic) pixels widened."""
        if self.video is None:
            return (0, 0)
        w, h = self.video.width, self.video.height
        sar = self.video.sample_aspect_ratio
        if sar and sar > 0 and sar != 1:
            w = max(2, round(w * sar / 2) * 2)
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
            depth, chroma = _depth_and_chroma(ctx.pix_fmt or "")
            rotation = _rotation(container, vstream, path)
            vfr, checked = _frame_rate_varies(container, vstream)
            video = VideoStreamInfo(
                codec=ctx.name,
                width=ctx.width,
                height=ctx.height,
                fps=float(rate) if rate else 0.0,
                pix_fmt=ctx.pix_fmt or "",
                sample_aspect_ratio=Fraction(sar) if sar else None,
                rotation=rotation,
                profile=ctx.profile,
                variable_frame_rate=vfr,
                bit_depth=depth,
                chroma=chroma,
                frames_checked=checked,
                duration=_stream_seconds(vstream),
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


def _stream_seconds(stream: Any) -> float:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return 0.0


def _rotation(container: Any, stream: Any, path: Path) -> int:
    """Clockwise display rotation, read from the first decoded frame.

    PyAV 18 does not expose a stream's display matrix; FFmpeg attaches it to every decoded
    frame as DISPLAYMATRIX side data, which ``VideoFrame.rotation`` reads (counter-clockwise
    degrees). The legacy ``rotate`` tag of old files is honoured first.
    """
    import av

    meta = stream.metadata or {}
    if "rotate" in meta:
        try:
            return int(meta["rotate"]) % 360
        except ValueError:
            pass
    try:
        for frame in container.decode(stream):
            return int(-round(float(frame.rotation or 0))) % 360
    except (av.error.FFmpegError, ValueError) as exc:
        raise MediaError(f"{path}: video stream does not decode ({_reason(exc)})") from exc
    raise MediaError(f"{path}: video stream has no decodable frame (truncated or corrupt?)")


def _frame_rate_varies(container: Any, stream: Any, limit: int = 240) -> tuple[bool, int]:
    """True when frame durations in the first ``limit`` packets differ by more than 10%."""
    import av

    stamps: list[int] = []
    try:
        container.seek(0)
        for packet in container.demux(stream):
            if packet.pts is not None:
                stamps.append(packet.pts)
            if len(stamps) >= limit:
                break
    except av.error.FFmpegError:
        pass  # a damaged tail: decide from what was read
    stamps.sort()
    deltas = [b - a for a, b in itertools.pairwise(stamps) if b > a]
    if len(deltas) < 3:
        return False, len(stamps)
    deltas.sort()
    typical = deltas[len(deltas) // 2]
    varies = any(abs(d - typical) > 0.1 * typical for d in deltas)
    return varies, len(stamps)


def _depth_and_chroma(pix_fmt: str) -> tuple[int, str]:
    """Bits per sample and chroma subsampling of a pixel format name, e.g. yuv422p10le."""
    import av

    if not pix_fmt:
        return 8, "4:2:0"
    try:
        fmt = av.VideoFormat(pix_fmt)
    except (ValueError, av.error.FFmpegError):
        return 8, "unknown"
    depth = max((c.bits for c in fmt.components), default=8)
    if fmt.is_rgb:
        return depth, "rgb"
    if len([c for c in fmt.components if not c.is_alpha]) == 1:
        return depth, "gray"
    full_w, full_h = 64, 64
    cw, ch = fmt.chroma_width(full_w), fmt.chroma_height(full_h)
    if cw == full_w and ch == full_h:
        return depth, "4:4:4"
    if cw * 2 == full_w and ch == full_h:
        return depth, "4:2:2"
    if cw * 2 == full_w and ch * 2 == full_h:
        return depth, "4:2:0"
    if cw * 4 == full_w and ch == full_h:
        return depth, "4:1:1"
    return depth, "unknown"


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return " ".join(str(text).split())


def summary(info: MediaInfo) -> dict[str, Any]:
    """A JSON-ready digest of a probe, as stored in build manifests."""
    out: dict[str, Any] = {
        "duration": round(info.duration, 3),
        "size": info.size,
        "format": info.format_name,
    }
    if info.video is not None:
        v = info.video
        out["video"] = {
            "codec": v.codec, "profile": v.profile, "width": v.width, "height": v.height,
            "fps": round(v.fps, 3), "vfr": v.variable_frame_rate, "pix_fmt": v.pix_fmt,
            "sar": str(v.sample_aspect_ratio) if v.sample_aspect_ratio else None,
            "rotation": v.rotation,
        }
    if info.audio is not None:
        a = info.audio
        out["audio"] = {
            "codec": a.codec, "profile": a.profile, "sample_rate": a.sample_rate,
            "channels": a.channels,
        }
    return out
