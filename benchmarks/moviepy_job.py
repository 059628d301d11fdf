"""(c) The same four outputs of one clip with a plain moviepy v2 script, as its docs teach.

``subclipped`` per segment, ``concatenate_videoclips``, ``cropped``/``resized`` per target,
``TextClip`` captions drawn with the bundled font file over a ``CompositeVideoClip``,
``AudioNormalize`` (moviepy's only level effect: peak, not EBU R128), then ``write_videofile``
with libx264 at the same preset and CRF and AAC at 48 kHz. Run as
``python -m benchmarks.moviepy_job JOB.json`` in a fresh process; the JOB is written by
``prepare`` (not timed).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def prepare(
    campaign_file: Path, out_dir: Path, clip_id: str, *, x264_preset: str, crf: int
) -> Path:
    """Write the job JSON for one clip: cut, caption lines, and per-target sizes and settings."""
    from vidcamp.plan import plan_renders, render_environment
    from vidcamp.render import reframe as rf
    from vidcamp.render.captions import load_style, read_captions
    from vidcamp.spec.checks import check_campaign
    from vidcamp.spec.loader import load_campaign

    report = check_campaign(load_campaign(campaign_file))
    media = next(iter(report.media.values()))
    assert media.video is not None
    src_w, src_h = media.video.width, media.video.height
    job = next(j for j in plan_renders(report.campaign, render_environment())
               if j.clip_id == clip_id)
    lines, _ = read_captions(job.captions, job.segments) if job.captions else ([], "")
    targets = []
    for v in job.variants:
        p = v.preset
        style = load_style(v.caption_style)
        r = rf.crop_rect(src_w, src_h, p.width, p.height, v.focus)
        gop = max(1, round(p.gop_seconds * 30))
        size = max(8, round(style.size * min(p.width, p.height)))
        targets.append({
            "target": v.target,
            "crop": [r.x, r.y, r.w, r.h],
            "size": [p.width, p.height],
            "font": str(style.font_file),
            "font_size": size,
            "stroke": max(1, round(style.outline * size)),
            "uppercase": style.uppercase,
            # bottom of the text block: the safe zone's edge plus the style's lift
            "bottom": round((p.safe_zone.bottom + style.raise_) * p.height),
            "text_width": round(p.width * (1 - p.safe_zone.left - p.safe_zone.right - 0.04)),
            "audio_bitrate": f"{p.audio_bitrate_kbps}k",
            "ffmpeg_params": [
                "-crf", str(crf), "-profile:v", p.video_profile,
                *(["-x264-params", "cabac=1:8x8dct=1"] if x264_preset == "ultrafast" else []),
                "-maxrate", f"{p.video_maxrate_kbps}k", "-bufsize", f"{p.video_maxrate_kbps * 2}k",
                "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0",
                "-movflags", "+faststart",
            ],
            "file": str(out_dir / f"{v.target}.mp4"),
        })
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "job.json"
    path.write_text(json.dumps({
        "source": str(job.source),
        "segments": [[s.start, s.end] for s in job.segments],
        "captions": [[line.start, line.end, line.text] for line in lines],
        "preset": x264_preset,
        "targets": targets,
    }, indent=1))
    return path


def run(job: dict[str, Any]) -> None:
    from moviepy import (
        CompositeVideoClip,
        TextClip,
        VideoFileClip,
        afx,
        concatenate_videoclips,
    )

    source = VideoFileClip(job["source"])
    cut = concatenate_videoclips([source.subclipped(a, b) for a, b in job["segments"]])
    cut = cut.with_effects([afx.AudioNormalize()])
    for t in job["targets"]:
        x, y, w, h = t["crop"]
        width, height = t["size"]
        frame = cut.cropped(x1=x, y1=y, width=w, height=h).resized(new_size=(width, height))
        texts = []
        for start, end, text in job["captions"]:
            caption = TextClip(
                font=t["font"], text=text.upper() if t["uppercase"] else text,
                font_size=t["font_size"], color="white", stroke_color="black",
                stroke_width=t["stroke"], method="caption", size=(t["text_width"], None),
                text_align="center",
            )
            top = height - t["bottom"] - caption.h
            texts.append(
                caption.with_start(start).with_duration(end - start).with_position(("center", top))
            )
        video = CompositeVideoClip([frame, *texts], size=(width, height))
        video.write_videofile(
            t["file"], fps=30, codec="libx264", preset=job["preset"], audio_codec="aac",
            audio_fps=48000, audio_bitrate=t["audio_bitrate"], pixel_format="yuv420p",
            ffmpeg_params=t["ffmpeg_params"], logger=None,
        )
    source.close()


if __name__ == "__main__":
    run(json.loads(Path(sys.argv[1]).read_text()))
