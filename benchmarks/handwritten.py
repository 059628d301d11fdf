"""(b) The best hand-written ffmpeg for the same outputs: per clip, one loudness reading of the
cut's audio, then ONE command that decodes the cut once and ``split``s it to the four outputs.

The filters and encoder settings are the ones vidcamp's renderer uses (crop to an even window,
lanczos scale, ``setsar=1``, the ASS file burned with libass, two-pass linear ``loudnorm`` to
48 kHz, x264 at the same preset and CRF with each preset's GOP and rate cap, AAC, faststart),
written the way a person would: ``fps`` once before the split, no redundant trims.

``prepare`` (not timed) writes the ASS files and a JSON job; ``python -m benchmarks.handwritten
JOB.json`` (timed, in a fresh process) runs the ffmpeg commands and nothing else.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

AUDIO_FILTER = "loudnorm=I={i}:TP=-1.5:LRA=11"


def prepare(
    campaign_file: Path, out_dir: Path, *, x264_preset: str, crf: int, only: set[str] | None = None
) -> Path:
    """Write the ASS files and the job JSON for every clip of the campaign (untimed set-up)."""
    from vidcamp.media.ffmpeg import find_ffmpeg
    from vidcamp.paths import fonts_dir
    from vidcamp.plan import plan_renders, render_environment
    from vidcamp.render import reframe as rf
    from vidcamp.render.captions import load_style, read_captions, write_ass
    from vidcamp.spec.checks import check_campaign
    from vidcamp.spec.loader import load_campaign

    report = check_campaign(load_campaign(campaign_file))
    media = next(iter(report.media.values()))
    assert media.video is not None
    src_w, src_h = media.video.width, media.video.height
    fps = round(media.video.fps)
    clips: list[dict[str, Any]] = []
    for job in plan_renders(report.campaign, render_environment()):
        if only is not None and job.clip_id not in only:
            continue
        clip_dir = out_dir / job.clip_id
        clip_dir.mkdir(parents=True, exist_ok=True)
        lines, _ = read_captions(job.captions, job.segments) if job.captions else ([], "")
        outputs = []
        for v in job.variants:
            p = v.preset
            ass = write_ass(
                clip_dir / f"{v.target}.ass", p, lines,
                load_style(v.caption_style) if job.captions else None, None, None,
            )
            r = rf.crop_rect(src_w, src_h, p.width, p.height, v.focus)
            gop = max(1, round(p.gop_seconds * fps))
            outputs.append({
                "target": v.target,
                "video": f"crop={r.w}:{r.h}:{r.x}:{r.y},scale={p.width}:{p.height}:flags=lanczos,"
                         f"setsar=1,ass={ass}:fontsdir={fonts_dir()},format=yuv420p",
                "encode": [
                    "-c:v", "libx264", "-preset", x264_preset, "-crf", str(crf),
                    "-profile:v", p.video_profile, "-pix_fmt", p.pix_fmt,
                    *(["-x264-params", "cabac=1:8x8dct=1"] if x264_preset == "ultrafast" else []),
                    "-maxrate", f"{p.video_maxrate_kbps}k",
                    "-bufsize", f"{p.video_maxrate_kbps * 2}k",
                    "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0",
                    "-flags", "+cgop", "-bf", "2", "-fps_mode", "cfr",
                    "-c:a", "aac", "-b:a", f"{p.audio_bitrate_kbps}k",
                    "-ar", str(p.audio_rate), "-ac", str(p.audio_channels),
                    "-movflags", "+faststart",
                ],
                "file": str(clip_dir / f"{v.target}.mp4"),
            })
        clips.append({
            "clip": job.clip_id,
            "source": str(job.source),
            "segments": [[s.start, s.end] for s in job.segments],
            "loudness": job.loudness,
            "fps": fps,
            "outputs": outputs,
        })
    path = out_dir / "job.json"
    path.write_text(json.dumps({"ffmpeg": str(find_ffmpeg()), "clips": clips}, indent=1))
    return path


def _inputs(clip: dict[str, Any]) -> list[str]:
    args: list[str] = []
    for start, end in clip["segments"]:
        args += ["-ss", f"{start:g}", "-t", f"{end - start:g}", "-i", clip["source"]]
    return args


def _joined(clip: dict[str, Any], kind: str) -> str:
    """Filter text that joins the segments' ``v`` or ``a`` streams into [kind]."""
    n = len(clip["segments"])
    if n == 1:
        return f"[0:{kind}]"
    pads = "".join(f"[{k}:{kind}]" for k in range(n))
    flags = "v=1:a=0" if kind == "v" else "v=0:a=1"
    return f"{pads}concat=n={n}:{flags},"


def measure_loudness(ffmpeg: str, clip: dict[str, Any]) -> dict[str, str]:
    """loudnorm's first pass over the cut's audio only."""
    graph = _joined(clip, "a") + AUDIO_FILTER.format(i=clip["loudness"]) + ":print_format=json"
    args = [ffmpeg, "-hide_banner", "-nostdin", "-vn", *_inputs(clip),
            "-filter_complex", graph + "[a]", "-map", "[a]", "-f", "null", "-"]
    err = subprocess.run(args, capture_output=True, text=True, check=True).stderr
    data: dict[str, str] = json.loads(err[err.rfind("{") : err.rfind("}") + 1])
    return data


def render_command(ffmpeg: str, clip: dict[str, Any], measured: dict[str, str]) -> list[str]:
    """One command: decode the cut once, split to every output."""
    outs = clip["outputs"]
    n = len(outs)
    graph = [
        _joined(clip, "v") + f"fps={clip['fps']},split={n}"
        + "".join(f"[v{k}]" for k in range(n)),
        _joined(clip, "a") + AUDIO_FILTER.format(i=clip["loudness"])
        + f":measured_I={measured['input_i']}:measured_TP={measured['input_tp']}"
        + f":measured_LRA={measured['input_lra']}:measured_thresh={measured['input_thresh']}"
        + f":offset={measured['target_offset']}:linear=true,aresample=48000,asplit={n}"
        + "".join(f"[a{k}]" for k in range(n)),
    ]
    graph += [f"[v{k}]{o['video']}[o{k}]" for k, o in enumerate(outs)]
    args = [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *_inputs(clip),
            "-filter_complex", ";".join(graph)]
    for k, o in enumerate(outs):
        args += ["-map", f"[o{k}]", "-map", f"[a{k}]", *o["encode"], o["file"]]
    return args


def run(job_file: Path) -> None:
    job = json.loads(job_file.read_text())
    for clip in job["clips"]:
        measured = measure_loudness(job["ffmpeg"], clip)
        subprocess.run(render_command(job["ffmpeg"], clip, measured), check=True)


if __name__ == "__main__":
    run(Path(sys.argv[1]))
