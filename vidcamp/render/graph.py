"""Build the one ffmpeg command line that renders a clip into all of its variants.

The source is opened once per cut segment with input seeking (``-ss``/``-t`` before ``-i``, which
ffmpeg makes frame-accurate when transcoding), so only the cut is decoded. The joined cut is
``split`` into one chain per variant: frame rate, reframe, captions, watermark, bumpers, encode.
Audio is joined, loudness-normalised and resampled once, then ``asplit`` to every output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidcamp.jobs import ClipRender, Segment, Variant, Watermark
from vidcamp.media.probe import MediaInfo
from vidcamp.render import reframe as rf

AUDIO_RATE = 48000
# loudnorm's true-peak ceiling and loudness range; dBTP -1.5 leaves room for AAC overshoot.
TRUE_PEAK = -1.5
LOUDNESS_RANGE = 11.0
DEFAULT_CRF = 21
STANDARD_RATES = (23.976, 24.0, 25.0, 29.97, 30.0, 48.0, 50.0, 59.94, 60.0)


@dataclass(frozen=True)
class Part:
    """One piece of the timeline: a source segment, or a whole intro/outro bumper."""

    info: MediaInfo
    start: float | None  # None: the whole file
    duration: float


@dataclass(frozen=True)
class VariantPlan:
    """What the graph needs to know about one variant beyond the Variant itself."""

    variant: Variant
    fps: float
    ass_file: Path | None
    temp_output: Path
    max_seconds: float | None  # output -t when the over-length policy is trim
    # the thumbnail JPEG, written by the render itself from the frame at ``thumbnail_at``
    thumbnail: Path | None = None
    thumbnail_at: float = 0.0
    # smart reframe's crop path (vidcamp.render.smart.path.CameraPlan); None: a fixed crop
    camera: Any = None


@dataclass(frozen=True)
class Loudness:
    """Values from loudnorm's measuring pass, fed back into the second pass."""

    input_i: float
    input_tp: float
    input_lra: float
    input_thresh: float
    target_offset: float


def output_fps(info: MediaInfo, variant: Variant) -> float:
    """The constant output rate: the source's (snapped to a standard rate) if the preset allows."""
    src = info.video.fps if info.video else 0.0
    snapped = min(STANDARD_RATES, key=lambda r: abs(r - src)) if src else 0.0
    if src and abs(snapped - src) / src > 0.02:
        snapped = 0.0 if info.video and info.video.variable_frame_rate else src
    return variant.preset.default_fps(snapped or None)


def timeline(job: ClipRender, source: MediaInfo, intro: MediaInfo | None,
             outro: MediaInfo | None) -> list[Part]:
    parts: list[Part] = []
    if intro is not None:
        parts.append(Part(intro, None, _picture_length(intro)))
    parts.extend(Part(source, s.start, s.duration) for s in job.segments)
    if outro is not None:
        parts.append(Part(outro, None, _picture_length(outro)))
    return parts


def _picture_length(info: MediaInfo) -> float:
    """A bumper lasts as long as its picture; its sound is padded or cut to match."""
    if info.video is not None and info.video.duration > 0:
        return min(info.video.duration, info.duration) if info.duration else info.video.duration
    return info.duration


def _open(part: Part) -> Any:
    import ffmpeg

    if part.start is None:
        return ffmpeg.input(str(part.info.path))
    return ffmpeg.input(str(part.info.path), ss=_num(part.start), t=_num(part.duration))


def _num(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".") or "0"


def _part_audio(inp: Any, part: Part) -> Any:
    """The part's audio as 48 kHz stereo float, exactly ``part.duration`` long."""
    import ffmpeg

    if part.info.has_audio:
        stream = inp.audio
    else:
        stream = ffmpeg.input(
            f"anullsrc=r={AUDIO_RATE}:cl=stereo", f="lavfi", t=_num(part.duration)
        ).audio
    return (
        # first_pts=0 with async: sound that starts after the picture (common in camera files,
        # or a cut from 0) gets leading silence instead of being pulled forward out of sync
        stream.filter("aresample", AUDIO_RATE, **{"async": 1, "first_pts": 0})
        .filter("aformat", sample_fmts="fltp", channel_layouts="stereo")
        .filter("apad")
        .filter("atrim", duration=_num(part.duration))
        .filter("asetpts", "PTS-STARTPTS")
    )


def joined_audio(parts: Sequence[Part], inputs: Sequence[Any]) -> Any:
    import ffmpeg

    streams = [_part_audio(inp, p) for inp, p in zip(inputs, parts, strict=True)]
    if len(streams) == 1:
        return streams[0]
    return ffmpeg.concat(*streams, v=0, a=1)


def loudnorm_args(target: float, measured: Loudness | None) -> dict[str, Any]:
    args: dict[str, Any] = {"I": _num(target), "TP": _num(TRUE_PEAK), "LRA": _num(LOUDNESS_RANGE)}
    if measured is not None:
        args.update(
            measured_I=_num(measured.input_i),
            measured_TP=_num(measured.input_tp),
            measured_LRA=_num(measured.input_lra),
            measured_thresh=_num(measured.input_thresh),
            offset=_num(measured.target_offset),
            linear="true",
        )
    return args


def measure_command(ffmpeg_exe: Path, job: ClipRender, parts: Sequence[Part]) -> list[str]:
    """The first loudness pass: decode only the cut's audio and let loudnorm report."""
    import ffmpeg

    inputs = [_open(p) for p in parts]
    audio = joined_audio(parts, inputs).filter(
        "loudnorm", print_format="json", **loudnorm_args(job.loudness, None)
    )
    out = ffmpeg.output(audio, "-", f="null")
    args: list[str] = out.compile(cmd=str(ffmpeg_exe))
    args[1:1] = ["-hide_banner", "-nostdin", "-loglevel", "info"]
    return args


def _part_video(stream: Any, info: MediaInfo, plan: VariantPlan, main: bool = False) -> Any:
    """One part's frames reframed to the variant's size at its constant rate, square pixels.

    Smart reframe steers the crop of the main cut only; bumpers get the fixed crop.
    """
    v = plan.variant
    out_w, out_h = v.preset.width, v.preset.height
    src_w, src_h = info.square_size  # ffmpeg auto-rotates decoded frames
    stream = stream.filter("fps", _num(plan.fps))
    if info.square_size != info.display_size:  # anamorphic: make the pixels square first
        stream = stream.filter("scale", src_w, src_h).filter("setsar", 1)
    if v.reframe == "smart" and main and plan.camera is not None:
        from vidcamp.render.smart.chain import smart_video

        stream = smart_video(
            stream, plan.camera, (out_w, out_h), plan.fps, v.pad_color,
            lambda s: _blur_fit(s, src_w, src_h, out_w, out_h),
        )
    elif v.reframe in ("crop", "smart"):
        r = rf.crop_rect(src_w, src_h, out_w, out_h, v.focus)
        stream = stream.crop(r.x, r.y, r.w, r.h).filter("scale", out_w, out_h, flags="lanczos")
    elif v.reframe == "pad":
        w, h = rf.fit_size(src_w, src_h, out_w, out_h)
        stream = stream.filter("scale", w, h, flags="lanczos").filter(
            "pad", out_w, out_h, (out_w - w) // 2 // 2 * 2, (out_h - h) // 2 // 2 * 2,
            color=v.pad_color,
        )
    else:
        stream = _blur_fit(stream, src_w, src_h, out_w, out_h)
    return stream.filter("setsar", 1)


def _blur_fit(stream: Any, src_w: int, src_h: int, out_w: int, out_h: int) -> Any:
    """The fitted frame over a blurred, zoomed copy of itself."""
    w, h = rf.fit_size(src_w, src_h, out_w, out_h)
    fg, bg = _split2(stream)
    # blur at a quarter of the size: the same look for a fraction of the work
    qw, qh = rf.even(out_w / 4), rf.even(out_h / 4)
    cw, ch = rf.cover_size(src_w, src_h, qw, qh)
    radius = max(2, min(qw, qh) // 12)
    back = (
        bg.filter("scale", cw, ch)
        .crop((cw - qw) // 2, (ch - qh) // 2, qw, qh)
        .filter("boxblur", luma_radius=radius, luma_power=2)
        .filter("scale", out_w, out_h)
        .filter("setsar", 1)
    )
    front = fg.filter("scale", w, h, flags="lanczos").filter("setsar", 1)
    return back.overlay(front, x=(out_w - w) // 2, y=(out_h - h) // 2)


def _split2(stream: Any) -> tuple[Any, Any]:
    node = stream.split()
    return node[0], node[1]


def _watermark(stream: Any, image: Any, wm: Watermark, out_w: int, out_h: int) -> Any:
    width = rf.even(out_w * wm.scale)
    margin = round(out_w * wm.margin)
    logo = (
        image.filter("scale", width, -2)
        .filter("format", "rgba")
        .filter("colorchannelmixer", aa=_num(wm.opacity))
    )
    x = str(margin) if "left" in wm.corner else f"main_w-overlay_w-{margin}"
    y = str(margin) if wm.corner.startswith("top") else f"main_h-overlay_h-{margin}"
    return stream.overlay(logo, x=x, y=y, eof_action="repeat", format="auto")


def render_command(
    ffmpeg_exe: Path,
    job: ClipRender,
    parts: Sequence[Part],
    plans: Sequence[VariantPlan],
    *,
    fonts_dir: Path,
    measured: Loudness | None,
    x264_preset: str,
) -> list[str]:
    """The whole render of one clip as an argument list for one ffmpeg process."""
    import ffmpeg

    n = len(plans)
    inputs = [_open(p) for p in parts]
    is_main = [p.start is not None for p in parts]

    # main cut: segments joined once, then split per variant
    main_idx = [i for i, m in enumerate(is_main) if m]
    main_video = [
        inputs[i].video.filter("trim", duration=_num(parts[i].duration)).filter(
            "setpts", "PTS-STARTPTS"
        )
        for i in main_idx
    ]
    joined = main_video[0] if len(main_video) == 1 else ffmpeg.concat(*main_video, v=1, a=0)
    main_split = _fan_out(joined, n, "split")
    source_info = parts[main_idx[0]].info

    bumper_splits = {
        i: _fan_out(inputs[i].video, n, "split") for i, m in enumerate(is_main) if not m
    }
    logo_split = None
    if job.watermark is not None:
        logo_split = _fan_out(ffmpeg.input(str(job.watermark.image)).video, n, "split")

    audio = joined_audio(parts, inputs)
    if measured is not None:
        audio = audio.filter("loudnorm", **loudnorm_args(job.loudness, measured))
    audio = audio.filter("aresample", AUDIO_RATE).filter(
        "aformat", sample_fmts="fltp", sample_rates=AUDIO_RATE, channel_layouts="stereo"
    )
    audio_split = _fan_out(audio, n, "asplit")

    outputs = []
    for k, plan in enumerate(plans):
        preset = plan.variant.preset
        main = _part_video(main_split[k], source_info, plan, main=True)
        if plan.ass_file is not None:
            main = main.filter("ass", filename=str(plan.ass_file), fontsdir=str(fonts_dir))
        if job.watermark is not None and logo_split is not None:
            main = _watermark(main, logo_split[k], job.watermark, preset.width, preset.height)
        pieces = []
        for i, m in enumerate(is_main):
            if m:
                if i == main_idx[0]:
                    pieces.append(main)
                continue
            pieces.append(
                _part_video(bumper_splits[i][k], parts[i].info, plan).filter(
                    "trim", duration=_num(parts[i].duration)
                ).filter("setpts", "PTS-STARTPTS")
            )
        video = pieces[0] if len(pieces) == 1 else ffmpeg.concat(*pieces, v=1, a=0)
        video = video.filter("format", "yuv420p")
        if plan.thumbnail is not None:
            # One more branch instead of a second ffmpeg run that would decode the outputs again.
            video, shot = _split2(video)
            outputs.append(_thumbnail_output(shot, plan))
        outputs.append(
            ffmpeg.output(video, audio_split[k], str(plan.temp_output),
                          **_encode_options(plan, x264_preset))
        )
    args: list[str] = ffmpeg.merge_outputs(*outputs).compile(cmd=str(ffmpeg_exe))
    args[1:1] = ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    return args


def _thumbnail_output(stream: Any, plan: VariantPlan) -> Any:
    """The frame at ``plan.thumbnail_at`` as a JPEG of the preset's thumbnail size."""
    import ffmpeg

    p = plan.variant.preset
    w, h = p.thumbnail_size or (p.width, p.height)
    shot = (
        # the second trim ends the branch after one frame, so nothing downstream scales the rest
        stream.filter("trim", start=_num(plan.thumbnail_at))
        .filter("trim", end_frame=1)
        .filter("scale", w, h, force_original_aspect_ratio="increase")
        .filter("crop", w, h)
        .filter("setsar", 1)
    )
    return ffmpeg.output(
        shot, str(plan.thumbnail), f="image2", vcodec="mjpeg",
        **{"frames:v": 1, "update": 1, "q:v": 3},
    )


def _fan_out(stream: Any, n: int, kind: str) -> list[Any]:
    if n == 1:
        return [stream]
    node = stream.filter_multi_output(kind, n)
    return [node[i] for i in range(n)]


def _encode_options(plan: VariantPlan, x264_preset: str) -> dict[str, Any]:
    p = plan.variant.preset
    gop = max(1, round(p.gop_seconds * plan.fps))
    opts: dict[str, Any] = {
        "f": "mp4",
        "c:v": "libx264",
        "profile:v": p.video_profile,
        "pix_fmt": p.pix_fmt,
        "preset": x264_preset,
        "crf": DEFAULT_CRF,
        "maxrate": f"{p.video_maxrate_kbps}k",
        "bufsize": f"{p.video_maxrate_kbps * 2}k",
        "g": gop,
        "keyint_min": gop,
        "sc_threshold": 0,
        "flags": "+cgop",
        "bf": 2,
        "fps_mode": "cfr",
        "c:a": "aac",
        "profile:a": "aac_low",
        "b:a": f"{p.audio_bitrate_kbps}k",
        "ar": p.audio_rate,
        "ac": p.audio_channels,
        "movflags": "+faststart",
        "map_metadata": -1,
        "map_chapters": -1,
    }
    if x264_preset == "ultrafast":
        # ultrafast turns off CABAC and 8x8 transforms, which makes x264 signal Constrained
        # Baseline; keep the High-profile tools so even test renders meet the preset.
        opts["x264-params"] = "cabac=1:8x8dct=1"
    if plan.max_seconds is not None:
        opts["t"] = _num(plan.max_seconds)
    return opts


def segments_total(segments: Sequence[Segment]) -> float:
    return sum(s.duration for s in segments)
