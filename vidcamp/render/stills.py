"""Image sources in the filtergraph: each image a shot with a slow pan/zoom (Ken Burns).

An image is opened once, looped for its shot's length, and split per variant; each variant
reframes it to its own size first, so the motion is computed at the target's size. The shots
are joined in order and the clip's cut is taken on that timeline. The sound is the clip's
``audio`` file from its start, or silence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from vidcamp.errors import MediaError
from vidcamp.jobs import ClipRender
from vidcamp.media.probe import MediaInfo, probe
from vidcamp.render.graph import Part, _fan_out, _num


def probe_stills(job: ClipRender) -> tuple[list[MediaInfo], MediaInfo | None]:
    """Every image's probe, and the audio file's; MediaError naming the file that fails."""
    infos = []
    for path in job.images:
        info = probe(path)
        if info.video is None:
            raise MediaError(f"{path}: not an image")
        infos.append(info)
    length = len(job.images) * job.shot
    for n, seg in enumerate(job.segments, 1):
        if seg.start < 0 or seg.end <= seg.start or seg.end > length + 1e-6:
            raise MediaError(
                f"{job.images[0].parent}: segment {n} ({seg.start:g}-{seg.end:g} s) is outside "
                f"its {len(job.images)} shots of {job.shot:g} s"
            )
    audio = None
    if job.audio is not None:
        audio = probe(job.audio)
        if audio.audio is None:
            raise MediaError(f"{job.audio}: has no audio stream")
    return infos, audio


def sound_parts(parts: Sequence[Any], job: ClipRender, audio: MediaInfo | None) -> list[Any]:
    """The timeline with the cut's parts replaced by one part: the sound under the shots."""
    main = [p for p in parts if p.start is not None]
    first = parts.index(main[0])
    carrier = audio if audio is not None else replace(main[0].info, audio=None)
    sound = Part(carrier, 0.0, job.duration)
    return [*parts[:first], sound, *[p for p in parts[first:] if p.start is None]]


def open_stills(job: ClipRender, rate: float, n: int) -> list[list[Any]]:
    """Each image looped for one shot at ``rate``, split into ``n`` (one per variant)."""
    import ffmpeg

    out = []
    for path in job.images:
        stream = (
            ffmpeg.input(str(path), loop=1, framerate=_num(rate), t=_num(job.shot)).video
            # JPEGs are full range (yuvj420p); the platforms want limited-range yuv420p
            .filter("scale", out_range="tv").filter("format", "yuv420p")
        )
        out.append(_fan_out(stream, n, "split"))
    return out


def shots(
    job: ClipRender, streams: Sequence[Any], infos: Sequence[MediaInfo], plan: Any,
    reframe_part: Any,
) -> Any:
    """One variant's main picture: every shot reframed and moving, joined, then cut."""
    import ffmpeg

    p = plan.variant.preset
    pieces = []
    for i, (stream, info) in enumerate(zip(streams, infos, strict=True)):
        framed = reframe_part(stream, info, plan)
        if job.kenburns > 0:
            progress = f"min(1,it/{_num(job.shot)})"
            grow = progress if i % 2 == 0 else f"(1-{progress})"
            zoom = f"1+{_num(job.kenburns)}*{grow}"
            # even shots push in on the centre; odd ones pull out while drifting sideways
            x = "(iw-iw/zoom)/2" if i % 2 == 0 else f"(iw-iw/zoom)*{progress}"
            framed = framed.filter(
                "zoompan", z=zoom, x=x, y="(ih-ih/zoom)/2", d=1, s=f"{p.width}x{p.height}",
                fps=_num(plan.fps),
            ).filter("setsar", 1)
        pieces.append(
            framed.filter("trim", duration=_num(job.shot)).filter("setpts", "PTS-STARTPTS")
        )
    joined = pieces[0] if len(pieces) == 1 else ffmpeg.concat(*pieces, v=1, a=0)
    whole = len(job.images) * job.shot
    segs = job.segments
    if len(segs) == 1 and segs[0].start == 0 and abs(segs[0].end - whole) < 1e-6:
        return joined
    cut = _fan_out(joined, len(segs), "split")
    trimmed = [
        s.filter("trim", start=_num(seg.start), end=_num(seg.end)).filter("setpts", "PTS-STARTPTS")
        for s, seg in zip(cut, segs, strict=True)
    ]
    return trimmed[0] if len(trimmed) == 1 else ffmpeg.concat(*trimmed, v=1, a=0)


def without_rate(info: MediaInfo) -> MediaInfo:
    """An image's probe with no frame rate (an image's "25 fps" is the demuxer's default)."""
    return replace(info, video=replace(info.video, fps=0.0)) if info.video else info
