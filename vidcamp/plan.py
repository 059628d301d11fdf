"""Pure planning: a validated campaign -> render jobs (with content hashes) and posts.

Nothing here runs ffmpeg or touches the network. File fingerprints and the render
environment (ffmpeg version, render version, asset digests) come in as arguments so that the
same inputs always give the same plan and the same hashes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from vidcamp import jobs
from vidcamp.presets import PRESETS, Preset
from vidcamp.spec.loader import LoadedCampaign
from vidcamp.spec.models import Clip, Source, Target
from vidcamp.spec.templates import render_template

DEFAULT_CAPTION_STYLE = "pop"
DEFAULT_WORD_STYLE = "karaoke"  # word-timed captions (auto, words:) without a style
DEFAULT_HOOK_STYLE = "hook"
DEFAULT_THUMBNAIL_TIME = 1.0

Fingerprint = Callable[[Path], str]


@dataclass(frozen=True)
class RenderEnvironment:
    """What, besides the spec, changes a render's output."""

    ffmpeg_version: str
    render_version: str
    assets_digest: str  # caption styles and fonts


def render_environment() -> RenderEnvironment:
    """The environment of this machine: ffmpeg's version, the renderer's, the bundled assets'."""
    from vidcamp.media.ffmpeg import ffmpeg_version
    from vidcamp.paths import caption_styles_dir, fonts_dir
    from vidcamp.render import RENDER_VERSION

    digest = hashlib.sha256()
    for folder in (caption_styles_dir(), fonts_dir()):
        for path in sorted(folder.glob("*")):
            if path.is_file():
                digest.update(path.name.encode())
                digest.update(file_fingerprint(path).encode())
    return RenderEnvironment(ffmpeg_version(), RENDER_VERSION, digest.hexdigest())


def file_fingerprint(path: Path) -> str:
    """A cheap, content-based fingerprint: size plus hashes of the first and last MiB."""
    chunk = 1 << 20
    digest = hashlib.sha256()
    size = path.stat().st_size
    digest.update(str(size).encode())
    with path.open("rb") as fh:
        digest.update(fh.read(chunk))
        if size > 2 * chunk:
            fh.seek(-chunk, 2)
            digest.update(fh.read(chunk))
    return digest.hexdigest()


def build_root(loaded: LoadedCampaign, override: Path | None = None) -> Path:
    """Where outputs go: ``<campaign dir>/build/<campaign>/`` unless overridden."""
    root = override if override is not None else loaded.base_dir / "build"
    return root / loaded.spec.name


def plan_renders(
    loaded: LoadedCampaign,
    env: RenderEnvironment,
    *,
    build_dir: Path | None = None,
    fingerprint: Fingerprint = file_fingerprint,
) -> list[jobs.ClipRender]:
    """One ClipRender per clip, each with a Variant per target it goes to."""
    spec = loaded.spec
    root = build_root(loaded, build_dir)
    prints: dict[Path, str] = {}

    def fp(path: Path) -> str:
        if path not in prints:
            prints[path] = fingerprint(path)
        return prints[path]

    watermark = None
    if spec.brand.watermark is not None:
        wm = spec.brand.watermark
        watermark = jobs.Watermark(
            loaded.resolve(wm.image), wm.corner, wm.scale, wm.opacity, wm.margin
        )
    intro = loaded.resolve(spec.brand.intro) if spec.brand.intro else None
    outro = loaded.resolve(spec.brand.outro) if spec.brand.outro else None

    renders = []
    for clip in spec.clips:
        source_spec = spec.sources[clip.source or ""]
        source = loaded.resolve(source_spec.path)
        still = _still_shots(loaded, clip, source_spec, fp)
        if still["images"]:
            source = still["images"][0]
        segments = tuple(jobs.Segment(c.start, c.end) for c in clip.cut)
        captions = _captions(loaded, clip)
        words = clip_words(clip, loaded) or ()
        hook = (
            jobs.Hook(clip.hook.text, clip.hook.duration)
            if clip.hook is not None and clip.hook.text
            else None
        )
        thumb_time = (
            clip.thumbnail
            if clip.thumbnail is not None
            else min(DEFAULT_THUMBNAIL_TIME, sum(s.duration for s in segments) / 2)
        )
        clip_dir = root / clip.id
        shared = {
            "source": fp(source),
            **({"still": still["key"]} if still["images"] else {}),
            "segments": [asdict(s) for s in segments],
            "captions": _captions_key(captions, fp),
            "hook": asdict(hook) if hook else None,
            "thumbnail_time": thumb_time,
            "watermark": _watermark_key(watermark, fp),
            "intro": fp(intro) if intro else None,
            "outro": fp(outro) if outro else None,
            "loudness": spec.brand.loudness,
            "env": asdict(env),
        }
        variants = []
        for name in clip.targets or list(spec.targets):
            target = spec.targets[name]
            preset = PRESETS[target.preset or name]
            hook_style = clip.hook.style if clip.hook is not None else DEFAULT_HOOK_STYLE
            caption_style = target.caption_style or (
                captions.style if captions is not None else DEFAULT_CAPTION_STYLE
            )
            mode, smart = _reframe(loaded, target)
            effects = _effects(loaded, clip, target, segments, words, fp)
            # what the variant's render depends on, beyond the clip's shared inputs
            settings: dict[str, Any] = {
                "reframe": mode,
                "focus": target.focus,
                "pad_color": target.pad_color,
                "over_length": target.over_length,
                "caption_style": caption_style,
                "hook_style": hook_style,
            }
            variant_key = {
                **settings,
                "target": name,
                "preset": _preset_key(preset),
                "focus": list(target.focus),
            }
            if target.caption_options is not None:
                variant_key["caption_options"] = [
                    list(kv) for kv in caption_options(target.caption_options)
                ]
            if smart is not None:
                variant_key["smart"] = _smart_key(smart, fp)
            if effects:  # absent when empty, so hashes of renders without effects stay put
                variant_key["effects"] = [asdict(e) for e in effects]
            variants.append(
                jobs.Variant(
                    target=name,
                    preset=preset,
                    **settings,
                    output=clip_dir / f"{name}.mp4",
                    thumbnail=clip_dir / f"{name}.jpg",
                    content_hash=_hash({"clip": shared, "variant": variant_key}),
                    caption_options=caption_options(target.caption_options),
                    smart=smart,
                    effects=effects,
                )
            )
        renders.append(
            jobs.ClipRender(
                campaign=spec.name,
                clip_id=clip.id,
                source=source,
                segments=segments,
                captions=captions,
                hook=hook,
                thumbnail_time=thumb_time,
                watermark=watermark,
                intro=intro,
                outro=outro,
                loudness=spec.brand.loudness,
                variants=tuple(variants),
                clip_dir=clip_dir,
                words=words,
                images=tuple(still["images"]),
                shot=source_spec.shot,
                kenburns=source_spec.kenburns,
                audio=still["audio"],
            )
        )
    return renders


def plan_posts(
    loaded: LoadedCampaign, renders: list[jobs.ClipRender], *, now: datetime
) -> list[jobs.Post]:
    """One Post per (clip, target) whose platform has an account, in schedule order."""
    spec = loaded.spec
    zone = _zone(spec.schedule.timezone)
    by_clip = {r.clip_id: r for r in renders}
    posts = []
    for index, clip in enumerate(spec.clips):
        render = by_clip.get(clip.id)
        if render is None:
            continue
        for variant in render.variants:
            target = spec.targets[variant.target]
            preset = variant.preset
            account = target.account or spec.accounts.get(preset.platform)
            if not preset.platform or not account:
                continue
            when = _publish_time(
                clip, target, index, spec.schedule.start, spec.schedule.every, zone, now
            )
            mode = (
                target.mode or spec.schedule.mode or ("platform" if preset.can_schedule else "cron")
            )
            if not preset.can_schedule:
                mode = "cron"  # e.g. X: its API cannot schedule, so cron posts it on time
            values = _template_values(loaded, clip, target, variant.target, preset)
            title = render_template(target.title or "{clip.title}", values).strip()
            rotation = _rotation(loaded, clip, target, values)
            if rotation is not None and rotation.titles:
                title = rotation.titles[0]
            description = render_template(
                target.description or "{clip.description}", values
            ).strip()
            posts.append(
                jobs.Post(
                    campaign=spec.name,
                    clip_id=clip.id,
                    target=variant.target,
                    platform=preset.platform,
                    preset=preset.name,
                    account=account,
                    video=variant.output,
                    thumbnail=variant.thumbnail if preset.thumbnail_size else None,
                    render_hash=variant.content_hash,
                    publish_at=when,
                    privacy=target.privacy or clip.privacy or spec.schedule.privacy,
                    mode=mode,
                    title=title or clip.id,
                    description=description,
                    tags=tuple(t.lstrip("#") for t in clip.tags or ()),
                    made_for_kids=bool(clip.made_for_kids),
                    rotation=rotation,
                )
            )
    return sorted(posts, key=lambda p: (p.publish_at, p.clip_id, p.target))


def _rotation(
    loaded: LoadedCampaign, clip: Clip, target: Target, values: dict[str, str]
) -> jobs.Rotation | None:
    """The clip's title/thumbnail variants, each title through the target's title template."""
    if clip.rotate is None or not (clip.titles or clip.thumbnails):
        return None
    titles = tuple(
        render_template(target.title or "{clip.title}", {**values, "clip.title": t}).strip() or t
        for t in clip.titles or ()
    )
    thumbnails = tuple(loaded.resolve(p) for p in clip.thumbnails or ())
    return jobs.Rotation(clip.rotate.total_seconds(), titles, thumbnails)


def _publish_time(
    clip: Clip,
    target: Target,
    index: int,
    start: datetime | None,
    every: timedelta | None,
    zone: tzinfo | None,
    now: datetime,
) -> datetime:
    if clip.publish_at is not None:
        when = clip.publish_at
    elif start is not None:
        when = start + (every or timedelta(0)) * index
    else:
        when = now
    if when.tzinfo is None:
        when = when.replace(tzinfo=zone or UTC)
    if target.offset is not None:
        when += target.offset
    return when


def _zone(name: str | None) -> tzinfo | None:
    if name is None:
        return None
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _template_values(
    loaded: LoadedCampaign, clip: Clip, target: Target, name: str, preset: Preset
) -> dict[str, str]:
    tags = [t.lstrip("#") for t in clip.tags or ()]
    return {
        "clip.id": clip.id,
        "clip.title": clip.title or "",
        "clip.description": clip.description or "",
        "clip.tags": ", ".join(tags),
        "clip.hashtags": " ".join(f"#{t.replace(' ', '')}" for t in tags),
        "campaign.name": loaded.spec.name,
        "target.name": name,
        "target.preset": preset.name,
        "platform": preset.platform,
    }


def _captions(loaded: LoadedCampaign, clip: Clip) -> jobs.Captions | None:
    spec = clip.captions
    if spec is None or (spec.file is None and not spec.lines and not spec.auto and not spec.words):
        return None
    word_timed = spec.auto or spec.words is not None
    style = spec.style or (DEFAULT_WORD_STYLE if word_timed else DEFAULT_CAPTION_STYLE)
    common: dict[str, Any] = {
        "style": style,
        "highlight": tuple(spec.highlight or ()),
        "upper": spec.upper,
        "options": caption_options(spec.options),
    }
    if spec.auto:
        from vidcamp.transcribe.words import words_path

        return jobs.Captions(
            transcript=words_path(loaded.base_dir, clip.id), language=spec.language,
            model=_model_name(loaded, spec.model), **common,
        )
    if spec.words is not None:
        return jobs.Captions(word_file=loaded.resolve(spec.words), **common)
    if spec.file is not None:
        return jobs.Captions(file=loaded.resolve(spec.file), encoding=spec.encoding, **common)
    lines = tuple(jobs.CaptionLine(line.start, line.end, line.text) for line in spec.lines or ())
    return jobs.Captions(lines=lines, **common)


def _model_name(loaded: LoadedCampaign, model: str) -> str:
    """A model written as a path is relative to the campaign file; a size name stays a name."""
    if "/" in model or "\\" in model or model.startswith("."):
        return str(loaded.resolve(model))
    return model


def caption_options(options: Any) -> tuple[tuple[str, object], ...]:
    """The fields a CaptionOptions sets, as sorted (CaptionStyle field, value) pairs."""
    if options is None:
        return ()
    return tuple(sorted(options.model_dump(exclude_none=True).items()))


def _reframe(loaded: LoadedCampaign, target: Target) -> tuple[str, jobs.SmartReframe | None]:
    """The reframe mode name, and smart reframe's settings when that is the mode."""
    value = target.reframe
    if isinstance(value, str):
        return value, (jobs.SmartReframe() if value == "smart" else None)
    pins = tuple(jobs.FocusPin(p.start, p.end, p.x, p.y) for p in value.focus or ())
    return "smart", jobs.SmartReframe(
        subject=value.subject,
        fallback=value.fallback,
        max_speed=value.max_speed,
        yunet=loaded.resolve(value.yunet) if value.yunet else None,
        pins=pins,
    )


def _smart_key(smart: jobs.SmartReframe, fp: Fingerprint) -> Any:
    from vidcamp.render.smart.analyse import ANALYSIS_VERSION

    key = asdict(smart)
    key["yunet"] = (fp(smart.yunet) if smart.yunet.is_file() else str(smart.yunet)) \
        if smart.yunet else None
    key["analysis"] = ANALYSIS_VERSION
    return key


def _still_shots(
    loaded: LoadedCampaign, clip: Clip, source: Source, fp: Fingerprint
) -> dict[str, Any]:
    """An image source's images, its music, and what of them goes into the content hash."""
    from vidcamp.media.images import image_files, is_image_source

    path = loaded.resolve(source.path)
    if not is_image_source(path):
        return {"images": [], "audio": None, "key": None}
    images = image_files(path)
    audio = loaded.resolve(loaded.spec.sources[clip.audio].path) if clip.audio else None
    key = {
        "images": [fp(p) for p in images],
        "shot": source.shot,
        "kenburns": source.kenburns,
        "audio": fp(audio) if audio else None,
    }
    return {"images": images, "audio": audio, "key": key}


def clip_words(clip: Clip, loaded: LoadedCampaign | None = None) -> tuple[jobs.Word, ...] | None:
    """The clip's word times on its timeline, for effects tied to words.

    Its `words:` list; else its word-timed captions (the transcript of `captions: {auto: true}`
    or a `captions.words` file moved through the cut), with `highlight:` words marked; else
    hand-timed caption lines shared out by length. None while a transcript is still to be made
    (`vidcamp build` and `vidcamp transcribe` make it first).
    """
    from vidcamp.spec.effects import words_from_lines

    if clip.words:
        return tuple(jobs.Word(w.word, w.start, w.end, w.highlight) for w in clip.words)
    spec = clip.captions
    if spec is not None and loaded is not None and (spec.auto or spec.words is not None):
        return _spoken_words(loaded, clip)
    if spec is not None and spec.lines:
        return words_from_lines([(ln.start, ln.end, ln.text) for ln in spec.lines])
    return ()


def _spoken_words(loaded: LoadedCampaign, clip: Clip) -> tuple[jobs.Word, ...] | None:
    """A word-timed clip's words from its transcript or word file; None when not made yet."""
    from vidcamp.render.word_captions import highlight_key
    from vidcamp.transcribe.words import timeline_words, words_path

    spec = clip.captions
    assert spec is not None
    path = words_path(loaded.base_dir, clip.id) if spec.auto else loaded.resolve(spec.words or "")
    if not path.is_file():
        return None  # not transcribed yet; validate names a missing word file
    segments = [jobs.Segment(c.start, c.end) for c in clip.cut]
    words, _ = timeline_words(path, transcript=spec.auto, segments=segments)
    marked = {highlight_key(h) for h in spec.highlight or ()}
    return tuple(
        jobs.Word(w.text, w.start, w.end, highlight_key(w.text) in marked) for w in words
    )


def _effects(
    loaded: LoadedCampaign, clip: Clip, target: Target, segments: tuple[jobs.Segment, ...],
    words: tuple[jobs.Word, ...], fp: Fingerprint,
) -> tuple[jobs.Effect, ...]:
    """The target's effects resolved on the clip's timeline (the target's list wins)."""
    from vidcamp.spec.effects import locate_module, parse_entry, to_jobs

    raw = target.effects if target.effects is not None else clip.effects
    if not raw:
        return ()
    entries = [parse_entry(item) for item in raw]
    extra: dict[int, dict[str, Any]] = {}
    for i, entry in enumerate(entries):
        if entry.name == "sticker" and entry.get("image"):
            image = loaded.resolve(str(entry.get("image")))
            extra[i] = {"image": str(image), "image_hash": fp(image) if image.is_file() else ""}
        elif entry.name == "python":
            module = locate_module(str(entry.get("python")), loaded.base_dir)
            extra[i] = {
                "search_dir": str(loaded.base_dir),
                "source_hash": fp(module) if module is not None else "",
            }
    return to_jobs(entries, sum(s.duration for s in segments), words, extra)


def _captions_key(captions: jobs.Captions | None, fp: Fingerprint) -> Any:
    if captions is None:
        return None
    key: dict[str, Any] = {
        "style": captions.style,
        "file": fp(captions.file) if captions.file else None,
        "lines": [asdict(line) for line in captions.lines],
        "encoding": captions.encoding,
    }
    transcript = captions.transcript
    words = {
        # an edited transcript re-renders its clip; a missing one is written before planning
        "transcript": fp(transcript) if transcript and transcript.is_file() else None,
        "auto": transcript is not None,
        "word_file": fp(captions.word_file) if captions.word_file else None,
        "highlight": list(captions.highlight),
        "upper": captions.upper,
        "options": [list(kv) for kv in captions.options],
    }
    # only what is set joins the key, so line captions keep the hashes they always had
    key.update({k: v for k, v in words.items() if v not in (None, False, [])})
    return key


def _watermark_key(watermark: jobs.Watermark | None, fp: Fingerprint) -> Any:
    if watermark is None:
        return None
    key = asdict(watermark)
    key["image"] = fp(watermark.image)
    return key


def _preset_key(preset: Preset) -> Mapping[str, Any]:
    key = asdict(preset)
    key.pop("source", None)
    key.pop("label", None)
    return key


def _hash(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
