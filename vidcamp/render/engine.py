"""Render a clip: skip cached variants, probe, measure loudness, one ffmpeg run, check, rename."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from vidcamp.errors import MediaError, RenderError, VidcampError
from vidcamp.jobs import ClipRender, Effect, Variant
from vidcamp.media.ffmpeg import ffmpeg_version, find_ffmpeg
from vidcamp.media.probe import MediaInfo, probe, summary
from vidcamp.paths import fonts_dir
from vidcamp.render import audio as audio_pass
from vidcamp.render import cache
from vidcamp.render.captions import (
    TimedText,
    apply_options,
    load_style,
    missing_glyphs,
    read_captions,
    write_ass,
)
from vidcamp.render.check import check_output
from vidcamp.render.graph import (
    Part,
    VariantPlan,
    output_fps,
    render_command,
    segments_total,
    timeline,
)
from vidcamp.render.progress import BatchTally, NullProgress, ProgressSink
from vidcamp.render.reframe import REFRAME_MODES
from vidcamp.render.runner import run_ffmpeg

X264_PRESET_ENV = "VIDCAMP_X264_PRESET"
DEFAULT_X264_PRESET = "veryfast"
X264_PRESETS = (
    "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
    "veryslow", "placebo",
)
# A cut may end this far past the probed end: container durations are rounded.
END_SLACK = 0.05
DEFAULT_JOBS = 1  # measured on 2 cores: see docs/rendering.md


@dataclass(frozen=True)
class ClipResult:
    """What happened to one clip's variants."""

    clip_id: str
    rendered: tuple[str, ...] = ()
    cached: tuple[str, ...] = ()
    outputs: dict[str, Path] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # e.g. the legacy encoding a caption file was read with
    seconds: float = 0.0


def x264_preset(encoder: str | None = None) -> str:
    """The x264 speed preset: the argument, else $VIDCAMP_X264_PRESET, else veryfast."""
    name = encoder or os.environ.get(X264_PRESET_ENV) or DEFAULT_X264_PRESET
    if name not in X264_PRESETS:
        raise RenderError(f"unknown x264 preset {name!r} (known: {', '.join(X264_PRESETS)})")
    return name


def render_clip(
    job: ClipRender,
    *,
    force: bool = False,
    progress: ProgressSink | None = None,
    encoder: str | None = None,
    only: Iterable[str] | None = None,
) -> ClipResult:
    """Render every variant of ``job`` that is not cached (all with ``force``) in one ffmpeg run."""
    began = time.monotonic()
    sink: ProgressSink = progress or NullProgress()
    wanted = [v for v in job.variants if only is None or v.target in set(only)]
    manifest = cache.read_manifest(job)
    todo = [v for v in wanted if force or not cache.is_cached(v, manifest)]
    cached = tuple(v.target for v in wanted if v not in todo)
    outputs = {v.target: v.output for v in wanted}
    if not todo:
        return ClipResult(job.clip_id, (), cached, outputs, (), time.monotonic() - began)

    preset_name = x264_preset(encoder)
    for v in todo:
        if v.reframe not in REFRAME_MODES:
            raise RenderError(f"{job.clip_id}/{v.target}: unknown reframe mode {v.reframe!r}")
    exe = find_ffmpeg()
    job.clip_dir.mkdir(parents=True, exist_ok=True)
    cache.remove_stale_temps(job.clip_dir)

    source, intro, outro = _probe_inputs(job)
    parts = timeline(job, source, intro, outro)
    stills: list[MediaInfo] = []
    if job.images:
        from vidcamp.render import stills as st

        stills, sound = st.probe_stills(job)
        parts = st.sound_parts(parts, job, sound)
        source = st.without_rate(source)  # shots take the preset's default rate
    total = sum(p.duration for p in parts)
    intro_len = parts[0].duration if intro is not None else 0.0
    lines, words, notes = _captions(job)

    # smart reframe's analysis runs beside the loudness measurement (an audio-only ffmpeg run)
    smart = ThreadPoolExecutor(max_workers=1)
    cameras_future = smart.submit(_smart_reframe, job, source, todo)
    workdir = Path(tempfile.mkdtemp(prefix="vidcamp-"))
    plans: list[VariantPlan] = []
    try:
        for k, v in enumerate(todo):
            plan = _plan_variant(job, v, source, total, lines, workdir / f"{k}.ass", words)
            length = min(total, plan.max_seconds or total)
            at = min(max(0.0, intro_len + job.thumbnail_time), max(0.0, length - 2.0 / plan.fps))
            plans.append(replace(plan, thumbnail=cache.temp_name(v.thumbnail), thumbnail_at=at))
        notes += _glyph_notes(job, todo, lines, words)
        sink.start(job.clip_id, total, [v.target for v in todo])
        sink.note(job.clip_id, "measuring loudness" + (
            ", analysing shots" if any(v.reframe == "smart" for v in todo) else ""))
        measured = audio_pass.measure(exe, job, parts)
        cameras, smart_notes = cameras_future.result()
        notes += smart_notes
        plans = [replace(p, camera=cameras.get(p.variant.target)) for p in plans]
        fonts = _fonts_folder(workdir)
        # one run for all variants, or one per set of Python effects (their frames differ)
        for python, group in _python_groups(plans):
            feed = None
            if python:
                from vidcamp.render.pyeffects import PythonFeed

                feed = PythonFeed(job, python, source)
            args = _long_graph_by_file(render_command(
                exe, job, parts, group, fonts_dir=fonts, measured=measured,
                x264_preset=preset_name, video_pipe=feed.pipe if feed else None,
                stills=stills,
            ), workdir)
            run_ffmpeg(
                args,
                what=f"{job.clip_id}: render",
                on_progress=lambda sec, speed: sink.update(job.clip_id, sec, speed),
                feed=feed.write if feed else None,
            )
        infos = {}
        for plan in plans:
            expected = min(total, plan.max_seconds or total)
            try:
                infos[plan.variant.target] = check_output(
                    plan.temp_output, plan.variant.preset, expected_duration=expected,
                    fps=plan.fps, what=f"{job.clip_id}/{plan.variant.target}",
                )
            except RenderError as exc:
                if "video lasts" not in exc.message:
                    raise
                # ffmpeg stops quietly at the end of a damaged file: say which file to suspect
                raise RenderError(f"{exc.message}; is {job.source} truncated?") from exc
        thumbs = _thumbnails(job, plans)
        _publish(job, plans, thumbs, infos, manifest)
    except BaseException:
        for plan in plans:
            with contextlib.suppress(OSError):
                plan.temp_output.unlink()
            with contextlib.suppress(OSError):
                cache.temp_name(plan.variant.thumbnail).unlink()
        raise
    finally:
        smart.shutdown(wait=True)
        shutil.rmtree(workdir, ignore_errors=True)
    rendered = tuple(v.target for v in todo)
    sink.finish(job.clip_id, f"done: {', '.join(rendered)}"
                + (f" (cached: {', '.join(cached)})" if cached else ""))
    return ClipResult(job.clip_id, rendered, cached, outputs, notes, time.monotonic() - began)


def render_all(
    jobs: Sequence[ClipRender],
    *,
    jobs_parallel: int = DEFAULT_JOBS,
    force: bool = False,
    progress: ProgressSink | None = None,
    encoder: str | None = None,
    only: dict[str, set[str] | None] | None = None,
) -> list[ClipResult]:
    """Render clips side by side (``-j N``).

    A clip that fails does not stop the others (their outputs are cached for the next run);
    the first failure is raised at the end, later ones are reported to ``progress``.
    """
    if jobs_parallel < 1:
        raise RenderError(f"-j must be at least 1, got {jobs_parallel}")
    selected = [j for j in jobs if only is None or j.clip_id in only]
    sink: ProgressSink = progress or NullProgress()
    errors: list[VidcampError] = []

    # the whole batch: clips done / total and an ETA, after each clip (with two or more)
    tally = BatchTally({j.clip_id: segments_total(j.segments) for j in selected})

    def one(job: ClipRender) -> ClipResult | None:
        targets = only.get(job.clip_id) if only is not None else None
        result = None
        try:
            result = render_clip(job, force=force, progress=sink, encoder=encoder, only=targets)
            return result
        except VidcampError as exc:
            if errors:  # the first failure is raised (and printed) at the end; say the rest now
                sink.finish(job.clip_id, f"failed: {exc.message}")
            errors.append(exc)
            return None
        finally:
            line = tally.clip_done(job.clip_id, rendered=bool(result and result.rendered))
            if tally.total > 1:
                sink.note("batch", line)

    if jobs_parallel == 1 or len(selected) <= 1:
        outcomes = [one(j) for j in selected]
    else:
        with ThreadPoolExecutor(max_workers=jobs_parallel) as pool:
            outcomes = list(pool.map(one, selected))
    if errors:
        raise errors[0]
    return [r for r in outcomes if r is not None]


# --------------------------------------------------------------------------- steps


def _python_groups(
    plans: Sequence[VariantPlan],
) -> list[tuple[tuple[Effect, ...], list[VariantPlan]]]:
    groups: dict[tuple[Effect, ...], list[VariantPlan]] = {}
    for plan in plans:
        key = tuple(e for e in plan.variant.effects if e.name == "python")
        groups.setdefault(key, []).append(plan)
    return list(groups.items())


def _probe_inputs(job: ClipRender) -> tuple[MediaInfo, MediaInfo | None, MediaInfo | None]:
    source = probe(job.source)
    if source.video is None:
        raise MediaError(f"{job.source}: has no video stream")
    if not job.segments:
        raise MediaError(f"{job.source}: clip {job.clip_id} has no segments to cut")
    for n, seg in enumerate(() if job.images else job.segments, 1):  # stills: see stills.py
        if seg.start < 0 or seg.end <= seg.start:
            raise MediaError(
                f"{job.source}: segment {n} ({seg.start:g}-{seg.end:g} s) is empty or negative"
            )
        if seg.end > source.duration + END_SLACK:
            raise MediaError(
                f"{job.source}: segment {n} ({seg.start:g}-{seg.end:g} s) ends past the end "
                f"of the source ({source.duration:.2f} s)"
            )
    bumpers: list[MediaInfo | None] = []
    for label, path in (("intro", job.intro), ("outro", job.outro)):
        if path is None:
            bumpers.append(None)
            continue
        info = probe(path)
        if info.video is None:
            raise MediaError(f"{path}: {label} has no video stream")
        bumpers.append(info)
    if job.watermark is not None:
        wm = probe(job.watermark.image)
        if wm.video is None:
            raise MediaError(f"{job.watermark.image}: watermark is not an image")
    return source, bumpers[0], bumpers[1]


def _captions(job: ClipRender) -> tuple[list[TimedText], list[Any] | None, tuple[str, ...]]:
    """Caption lines, the words when the captions are word-timed, and notes for the user."""
    if job.captions is None:
        return [], None, ()
    captions = job.captions
    if captions.transcript is not None or captions.word_file is not None:
        from vidcamp.render.word_captions import clip_words

        words, word_notes = clip_words(job)
        return [], words, word_notes
    lines, encoding = read_captions(captions, job.segments)
    notes: tuple[str, ...] = ()
    if encoding not in {"utf-8", captions.encoding}:
        notes = (f"{captions.file}: not UTF-8, read as {encoding}",)
    return lines, None, notes


# Linux refuses a single argument over 128 KiB; smart reframe's crop paths can get there.
GRAPH_ARG_LIMIT = 64 * 1024


def _long_graph_by_file(args: list[str], workdir: Path) -> list[str]:
    """Pass a very long filtergraph through a file (ffmpeg's ``-/option file`` form)."""
    if "-filter_complex" not in args:
        return args
    k = args.index("-filter_complex")
    if len(args[k + 1]) <= GRAPH_ARG_LIMIT:
        return args
    path = workdir / "graph.txt"
    path.write_text(args[k + 1], encoding="utf-8")
    return [*args[:k], "-/filter_complex", str(path), *args[k + 2:]]


def _smart_reframe(
    job: ClipRender, source: MediaInfo, todo: Sequence[Variant]
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Camera plans of the smart variants (analysing the cut once, or reading the cache)."""
    if not any(v.reframe == "smart" for v in todo):
        return {}, ()
    from vidcamp.render.smart.service import plan_smart

    result = plan_smart(job, source, todo)
    return dict(result.plans), result.notes


def _glyph_notes(
    job: ClipRender, todo: Sequence[Variant], lines: list[TimedText], words: list[Any] | None
) -> tuple[str, ...]:
    """Say which caption characters no bundled font draws (libass would show nothing)."""
    texts = {(v.caption_style, line.text) for v in todo for line in lines}
    if words:
        texts |= {(v.caption_style, " ".join(w.text for w in words)) for v in todo}
    if job.hook is not None:
        texts |= {(v.hook_style, job.hook.text) for v in todo}
    styles = {name: load_style(name) for name, _ in texts}
    missing: dict[str, None] = {}
    for style_name, text in sorted(texts):
        for ch in missing_glyphs(text, styles[style_name]):
            missing.setdefault(ch, None)
    if not missing:
        return ()
    return (f"{job.clip_id}: no bundled font draws {''.join(missing)!r}; those characters "
            "will not show",)


def _fonts_folder(workdir: Path) -> Path:
    """The bundled fonts folder, or, when a system CJK font joins the chain, a folder of links
    to both (libass reads one fonts folder)."""
    from vidcamp.render.captions import system_cjk_fonts

    extra = system_cjk_fonts()
    if not extra:
        return fonts_dir()
    folder = workdir / "fonts"
    folder.mkdir(exist_ok=True)
    for font in (*fonts_dir().iterdir(), *extra):
        link = folder / font.name
        if not link.exists():
            try:
                link.symlink_to(font)
            except OSError:
                shutil.copyfile(font, link)
    return folder


def _plan_variant(
    job: ClipRender, v: Variant, source: MediaInfo, total: float, lines: list[TimedText],
    ass_path: Path, words: list[Any] | None = None,
) -> VariantPlan:
    what = f"{job.clip_id}/{v.target}"
    max_seconds = None
    if total > v.preset.max_duration:
        if v.over_length != "trim":
            raise RenderError(
                f"{what}: {total:.1f} s is over {v.preset.name}'s {v.preset.max_duration:g} s "
                "limit (set over_length: trim to cut it)"
            )
        max_seconds = v.preset.max_duration
    if total < v.preset.min_duration:
        raise RenderError(
            f"{what}: {total:.1f} s is under {v.preset.name}'s {v.preset.min_duration:g} s minimum"
        )
    ass_file = None
    caption_style = None
    if job.captions is not None:
        caption_style = apply_options(
            load_style(v.caption_style), (*job.captions.options, *v.caption_options),
            where=f"{what}: caption options",
        )
    hook_style = load_style(v.hook_style) if job.hook is not None else None
    if (caption_style is not None and (lines or words)) or hook_style is not None:
        ass_file = write_ass(
            ass_path, v.preset, lines, caption_style, job.hook, hook_style, words=words,
            highlight=job.captions.highlight if job.captions else (),
            upper=job.captions.upper if job.captions else None,
        )
    return VariantPlan(
        variant=v,
        fps=output_fps(source, v),
        ass_file=ass_file,
        temp_output=cache.temp_name(v.output),
        max_seconds=max_seconds,
    )


def _thumbnails(job: ClipRender, plans: Sequence[VariantPlan]) -> dict[str, Path]:
    """The JPEG the render wrote for each variant, checked against the preset's size limit."""
    out = {plan.variant.target: cache.temp_name(plan.variant.thumbnail) for plan in plans}
    for plan in plans:
        limit = plan.variant.preset.thumbnail_max_bytes
        temp = out[plan.variant.target]
        if not temp.is_file():
            raise RenderError(f"{job.clip_id}/{plan.variant.target}: no thumbnail frame written")
        if limit is not None and temp.stat().st_size > limit:
            raise RenderError(
                f"{job.clip_id}/{plan.variant.target}: thumbnail is {temp.stat().st_size} "
                f"bytes, over the {limit} byte limit"
            )
    return out


def _publish(
    job: ClipRender, plans: Sequence[VariantPlan], thumbs: dict[str, Path],
    infos: dict[str, MediaInfo], manifest: dict[str, Any],
) -> None:
    """Give every checked output its final name and record it in the manifest."""
    from vidcamp.render import RENDER_VERSION

    entries = manifest.setdefault("variants", {})
    for plan in plans:
        v = plan.variant
        v.output.parent.mkdir(parents=True, exist_ok=True)
        os.replace(thumbs[v.target], v.thumbnail)
        os.replace(plan.temp_output, v.output)
        info = infos[v.target]
        entries[v.target] = {
            "content_hash": v.content_hash,
            "file": v.output.name,
            "thumbnail": v.thumbnail.name,
            "bytes": v.output.stat().st_size,
            "duration": round(info.duration, 3),
            "preset": v.preset.name,
            "probe": summary(info),
            "render_version": RENDER_VERSION,
            "ffmpeg": ffmpeg_version(),
        }
    manifest["updated"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    cache.write_manifest(job, manifest)


__all__ = ["ClipResult", "Part", "render_all", "render_clip", "x264_preset"]
