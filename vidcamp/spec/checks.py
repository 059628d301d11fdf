"""Checks that need the file system or several fields at once, and the platform lint.

``check_campaign`` collects every problem it can find in one pass: errors (exit 3) and
warnings (printed, not fatal). Media are probed once each.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from vidcamp.errors import MediaError, SpecError, SpecErrors
from vidcamp.platforms import PLATFORMS, REGISTRY
from vidcamp.presets import PRESETS, Preset
from vidcamp.render.captions import style_names
from vidcamp.spec.loader import LoadedCampaign
from vidcamp.spec.models import Clip, Target
from vidcamp.spec.templates import TemplateError, check_template
from vidcamp.spec.yamlpos import PathKey

if TYPE_CHECKING:
    from collections.abc import Iterator

    from vidcamp.media.probe import MediaInfo

log = logging.getLogger(__name__)

# A crop that keeps less than this share of the source frame gets a warning. 16:9 footage
# cropped to 9:16 keeps 31.6%, the everyday Shorts case, so the line sits just below it.
CROP_KEEP_WARNING = 0.3
# A cut may end this far past the probed duration (container rounding) before it is an error.
END_TOLERANCE = 0.05


@dataclass(frozen=True)
class Finding:
    """A warning from validation: where, which field, what."""

    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class CheckReport:
    campaign: LoadedCampaign
    media: dict[str, MediaInfo] = field(default_factory=dict)  # source name -> probe
    warnings: list[Finding] = field(default_factory=list)
    errors: list[SpecError] = field(default_factory=list)

    def warn(self, path: PathKey, message: str, *, key: bool = False) -> None:
        self.warnings.append(Finding(self.campaign.error(path, message, key=key).message))

    def fail(self, path: PathKey, message: str, *, key: bool = False) -> None:
        self.errors.append(self.campaign.error(path, message, key=key))


def check_campaign(
    loaded: LoadedCampaign, *, probe_media: bool = True, make_missing: bool = True
) -> CheckReport:
    """Run every cross-check and the platform lint; raise SpecErrors if any error was found."""
    report = CheckReport(loaded)
    spec = loaded.spec
    styles = style_names()
    tz = _check_timezone(report)

    if probe_media:
        _check_sources(report, make_missing=make_missing)
    _check_brand(report, probe_media=probe_media)
    _check_targets(report, styles)
    _check_accounts(report)
    _check_naive(report, ("schedule", "start"), spec.schedule.start, tz)

    seen_ids: dict[str, int] = {}
    for i, clip in enumerate(spec.clips):
        base: PathKey = ("clips", i)
        if clip.id in seen_ids:
            report.fail(
                (*base, "id"), f'duplicate clip id "{clip.id}" (also clips[{seen_ids[clip.id]}])'
            )
        else:
            seen_ids[clip.id] = i
        _check_clip(report, i, clip, styles, tz)

    if not report.errors:
        _check_quotas(report, tz)
    if report.errors:
        raise SpecErrors(report.errors)
    return report


def _check_quotas(report: CheckReport, tz: tzinfo | None) -> None:
    """Warn where the schedule asks an account for more posts a day than its platform allows."""
    from datetime import UTC

    from vidcamp.plan import _publish_time
    from vidcamp.quota import credentials_entries, overloads

    spec = report.campaign.spec
    now = datetime.now(UTC)
    planned: list[tuple[str, str, datetime]] = []
    for i, clip in enumerate(spec.clips):
        for _, target, preset, account in _published_targets(report, clip):
            when = _publish_time(clip, target, i, spec.schedule.start, spec.schedule.every, tz, now)
            planned.append((account, preset.platform, when))
    if not planned:
        return
    for over in overloads(planned, credentials_entries()):
        report.warn(("accounts", over.platform), over.message())


def _published_targets(
    report: CheckReport, clip: Clip
) -> Iterator[tuple[str, Target, Preset, str]]:
    """``(name, target, preset, account)`` of the clip's known targets that post to an account."""
    spec = report.campaign.spec
    for name in clip.targets or list(spec.targets):
        target = spec.targets.get(name)
        preset = PRESETS.get(target.preset or name) if target is not None else None
        if target is None or preset is None or not preset.platform:
            continue
        account = target.account or spec.accounts.get(preset.platform)
        if account:
            yield name, target, preset, account


def _check_timezone(report: CheckReport) -> tzinfo | None:
    name = report.campaign.spec.schedule.timezone
    if name is None:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        report.fail(
            ("schedule", "timezone"), f'"{name}" is not a known time zone (e.g. Europe/Rome)'
        )
        return None


def _check_naive(
    report: CheckReport, path: PathKey, value: datetime | None, tz: tzinfo | None
) -> None:
    if value is None or value.tzinfo is not None or tz is not None:
        return
    report.fail(
        path,
        f'"{value.isoformat(sep=" ")}" has no time zone; add an offset such as +01:00 or Z, '
        "or set schedule.timezone",
    )


def _check_sources(report: CheckReport, *, make_missing: bool) -> None:

    loaded = report.campaign
    sound_only = _sound_only_sources(loaded)
    for name, source in loaded.spec.sources.items():
        path = loaded.resolve(source.path)
        if _check_still_source(report, name, path):
            continue
        where: PathKey = (
            ("sources", name, "path")
            if ("sources", name, "path") in loaded.positions.values
            else ("sources", name)
        )
        if not path.exists() and source.generate is not None:
            if not make_missing:
                # checking writes nothing: the footage is made by the commands that render
                report.warn(
                    where,
                    f"{source.path}: not made yet; `vidcamp build` makes it from its `generate:` "
                    "recipe (cuts against it are checked then)",
                )
                continue
            from vidcamp.media.generate import generate_footage

            gen = source.generate
            log.info("making footage %s with ffmpeg lavfi (first use)...", source.path)
            generate_footage(path, video=gen.video, audio=gen.audio, duration=gen.duration)
        if not path.exists():
            report.fail(where, f"{source.path}: file not found (looked in {path.parent})")
            continue
        if name in sound_only:
            _probe_sound(report, where, source.path, path)
            continue
        info = _probe_video(report, where, source.path, path, needs_duration=True)
        if info is not None:
            report.media[name] = info


def _sound_only_sources(loaded: LoadedCampaign) -> set[str]:
    """Sources that clips use only as their `audio:` (they need no picture)."""
    pictures = {c.source for c in loaded.spec.clips}
    return {c.audio for c in loaded.spec.clips if c.audio} - pictures


def _probe_sound(report: CheckReport, where: PathKey, rel: str, path: Path) -> None:
    from vidcamp.media.probe import probe

    try:
        info = probe(path)
    except MediaError as exc:
        report.fail(where, f"{rel}: {_media_reason(exc, path)}")
        return
    if not info.has_audio:
        report.fail(where, f"{rel}: has no audio stream")


def _check_still_source(report: CheckReport, name: str, path: Path) -> bool:
    """An image or folder of images: it holds images that decode. False if not such a source."""
    from vidcamp.media.images import image_files, is_image_source

    if not is_image_source(path) or not path.exists():
        return False
    source = report.campaign.spec.sources[name]
    images = image_files(path)
    if not images:
        report.fail(("sources", name), f"{source.path}: no images (.jpg, .png, .webp) in it")
        return True
    for image in images:
        rel = str(image.relative_to(report.campaign.base_dir)) if image.is_relative_to(
            report.campaign.base_dir) else str(image)
        if _probe_video(report, ("sources", name), rel, image, needs_duration=False) is None:
            break  # one unreadable image is reported; the rest are not probed
    return True


def _probe_video(
    report: CheckReport, where: PathKey, rel: str, path: Path, *, needs_duration: bool
) -> MediaInfo | None:
    """Probe a file that must hold a picture; report why not and return None if it does not."""
    from vidcamp.media.probe import probe

    try:
        info = probe(path)
    except MediaError as exc:
        report.fail(where, f"{rel}: {_media_reason(exc, path)}")
        return None
    if not info.has_video:
        report.fail(where, f"{rel}: has no video stream")
        return None
    if needs_duration and info.duration <= 0:
        report.fail(where, f"{rel}: duration unknown or zero (truncated file?)")
        return None
    return info


def _media_reason(exc: SpecError, path: Path) -> str:
    text = exc.reason
    prefix = f"{path}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


def _check_brand(report: CheckReport, *, probe_media: bool) -> None:
    loaded = report.campaign
    brand = loaded.spec.brand
    items: list[tuple[PathKey, str | None, bool]] = [
        (("brand", "intro"), brand.intro, True),
        (("brand", "outro"), brand.outro, True),
    ]
    if brand.watermark is not None:
        items.append((("brand", "watermark", "image"), brand.watermark.image, False))
    for path, rel, needs_video in items:
        if rel is None:
            continue
        file = loaded.resolve(rel)
        if not file.is_file():
            report.fail(path, f"{rel}: file not found")
            continue
        if probe_media:
            _probe_video(report, path, rel, file, needs_duration=needs_video)


def _check_targets(report: CheckReport, styles: list[str]) -> None:
    for name, target in report.campaign.spec.targets.items():
        preset_name = target.preset or name
        where: PathKey = ("targets", name, "preset") if target.preset else ("targets", name)
        if preset_name not in PRESETS:
            report.fail(
                where,
                f'unknown platform preset "{preset_name}"{_did_you_mean(preset_name, PRESETS)}',
                key=target.preset is None,
            )
        _check_style(report, ("targets", name, "caption_style"), target.caption_style, styles)
        _check_face_model(report, name, target)
        for key in ("title", "description"):
            template = getattr(target, key)
            if template is not None:
                try:
                    check_template(template)
                except TemplateError as exc:
                    report.fail(("targets", name, key), str(exc))


def _check_face_model(report: CheckReport, name: str, target: Target) -> None:
    """A named YuNet model must exist; with `subject: auto` smart reframe follows motion without."""
    smart = target.reframe
    if isinstance(smart, str) or smart.yunet is None:
        return
    if not report.campaign.resolve(smart.yunet).is_file():
        where: PathKey = ("targets", name, "reframe", "yunet")
        if smart.subject == "auto":
            report.warn(where, f"{smart.yunet}: file not found; smart reframe will follow motion")
        else:
            report.fail(where, f"{smart.yunet}: file not found")


def _check_accounts(report: CheckReport) -> None:
    for platform in report.campaign.spec.accounts:
        if platform not in PLATFORMS:
            report.fail(
                ("accounts", platform),
                f'"{platform}" is not a platform vidcamp publishes to '
                f"(one of {', '.join(PLATFORMS)}){_did_you_mean(platform, PLATFORMS)}",
                key=True,
            )


def _check_clip(
    report: CheckReport, i: int, clip: Clip, styles: list[str], tz: tzinfo | None
) -> None:
    loaded = report.campaign
    spec = loaded.spec
    base: PathKey = ("clips", i)
    _check_naive(report, (*base, "publish_at"), clip.publish_at, tz)

    info = None
    if clip.source is None:
        report.fail(base, "no source: set clips[].source or defaults.source")
    elif clip.source not in spec.sources:
        report.fail(
            (*base, "source"),
            f'unknown source "{clip.source}" (defined: {", ".join(spec.sources)})'
            f"{_did_you_mean(clip.source, spec.sources)}",
        )
    else:
        info = report.media.get(clip.source)

    stills = _still_length(loaded, clip.source)
    if clip.audio is not None and clip.audio not in spec.sources:
        report.fail(
            (*base, "audio"),
            f'unknown source "{clip.audio}" (defined: {", ".join(spec.sources)})'
            f"{_did_you_mean(clip.audio, spec.sources)}",
        )
    elif clip.audio is not None and stills is None:
        report.fail((*base, "audio"), "audio: goes with image sources (a video has its own sound)")
    duration = 0.0
    for j, cut in enumerate(clip.cut):
        where: PathKey = (*base, "cut", j)
        if cut.end <= cut.start:
            report.fail(
                (*where, "to"), f"ends at {cut.end:g} s, not after its start ({cut.start:g} s)"
            )
            continue
        if info is not None and cut.end > info.duration + END_TOLERANCE:
            report.fail(
                (*where, "to"),
                f"{cut.end:g} s is past the end of {spec.sources[clip.source or ''].path} "
                f"({info.duration:.3f} s long)",
            )
        if stills is not None and cut.end > stills + 1e-6:
            report.fail(
                (*where, "to"),
                f"{cut.end:g} s is past the end of {spec.sources[clip.source or ''].path} "
                f"(its shots last {stills:g} s)",
            )
        duration += cut.end - cut.start

    if clip.thumbnail is not None and clip.thumbnail > duration:
        report.fail(
            (*base, "thumbnail"),
            f"{clip.thumbnail:g} s is past the end of the clip ({duration:g} s)",
        )
    _check_captions(report, i, clip, styles, duration)
    if duration > 0:
        _check_effects(report, i, clip, duration, still=stills is not None)

    if clip.hook is not None and clip.hook.text:
        _check_style(report, (*base, "hook", "style"), clip.hook.style, styles)

    for k, target in enumerate(clip.targets or []):
        if target not in spec.targets:
            report.fail(
                (*base, "targets", k),
                f'unknown target "{target}" (defined: {", ".join(spec.targets)})'
                f"{_did_you_mean(target, spec.targets)}",
            )

    _check_rotation(report, base, clip)
    if duration > 0:
        _lint_clip(report, i, clip, info, duration)


def _still_length(loaded: LoadedCampaign, name: str | None) -> float | None:
    """How long an image source's shots last together; None for other sources."""
    from vidcamp.media.images import image_files, is_image_source

    if name is None or name not in loaded.spec.sources:
        return None
    source = loaded.spec.sources[name]
    path = loaded.resolve(source.path)
    if not path.exists() or not is_image_source(path):
        return None
    return len(image_files(path)) * source.shot


def _check_rotation(report: CheckReport, base: PathKey, clip: Clip) -> None:
    """``titles``/``thumbnails`` need ``rotate``; only platforms that edit posts may rotate."""
    variants = [k for k in ("titles", "thumbnails") if getattr(clip, k)]
    if clip.rotate is None:
        if variants:
            report.fail((*base, variants[0]), "variants rotate only with `rotate:`, e.g. 24h")
        return
    if not variants:
        report.fail((*base, "rotate"), "nothing to rotate: give `titles:` and/or `thumbnails:`")
        return
    for k, image in enumerate(clip.thumbnails or []):
        if not report.campaign.resolve(image).is_file():
            report.fail((*base, "thumbnails", k), f"{image}: no such image file")
    for name, _, preset, _ in _published_targets(report, clip):
        platform = REGISTRY[preset.platform]
        for varied in variants:
            if varied.removesuffix("s") not in platform.editable:
                report.fail(
                    (*base, "rotate"),
                    f'target "{name}": {platform.label} posts cannot be edited after publishing,'
                    f" so its {varied} cannot rotate (leave {platform.label} out with `targets:`)",
                )


def _check_captions(
    report: CheckReport, i: int, clip: Clip, styles: list[str], duration: float
) -> None:
    captions = clip.captions
    if captions is None:
        return
    base: PathKey = ("clips", i, "captions")
    _check_style(report, (*base, "style"), captions.style, styles)
    from vidcamp.spec.caption_checks import check_word_captions

    check_word_captions(report, base, clip, styles)
    if captions.file is not None and captions.lines is not None:
        report.fail(base, "give either file or lines, not both")
        return
    for k, line in enumerate(captions.lines or []):
        if line.end <= line.start:
            report.fail((*base, "lines", k, "end"), "must be after start")
        elif line.start >= duration > 0:
            report.warn(
                (*base, "lines", k), f"starts after the clip ends ({duration:g} s); not shown"
            )
    if captions.file is None:
        return
    path = report.campaign.resolve(captions.file)
    if not path.is_file():
        report.fail((*base, "file"), f"{captions.file}: file not found")
        return
    from vidcamp.render.captions import decode_caption_file, parse_caption_text

    try:
        text, encoding = decode_caption_file(path, captions.encoding)
        events = parse_caption_text(text, path)
    except SpecError as exc:  # MediaError included
        report.fail((*base, "file"), f"{captions.file}: {_media_reason(exc, path)}")
        return
    if captions.encoding is None and encoding != "utf-8":
        report.warn(
            (*base, "file"),
            f"{captions.file}: not UTF-8; read as {encoding} "
            f"(set captions.encoding: {encoding} to silence this)",
        )
    if not events:
        report.warn((*base, "file"), f"{captions.file}: has no caption lines")


def _check_effects(
    report: CheckReport, i: int, clip: Clip, duration: float, *, still: bool
) -> None:
    """Effect times inside the clip, tied words present, sticker files and Python modules found
    (``still``: the clip's source is images)."""
    from vidcamp.plan import clip_words
    from vidcamp.spec.effects import EffectError, locate_module, parse_entry, resolve

    loaded = report.campaign
    words = clip_words(clip, loaded)
    lists: list[tuple[PathKey, list[object], str]] = []
    names = clip.targets or list(loaded.spec.targets)
    if clip.effects and any(
        loaded.spec.targets[n].effects is None for n in names if n in loaded.spec.targets
    ):
        lists.append((("clips", i, "effects"), list(clip.effects), ""))
    for name in names:
        target = loaded.spec.targets.get(name)
        if target is not None and target.effects:
            lists.append((("targets", name, "effects"), list(target.effects), f" (clip {clip.id})"))
    for base, items, suffix in lists:
        for k, item in enumerate(items):
            entry = parse_entry(item)  # the shape was checked when the spec was loaded
            if words is None and "on" in entry.params:
                report.warn(
                    (*base, k),
                    f"{entry.name}.on: checked once clip {clip.id} is transcribed "
                    "(vidcamp build or vidcamp transcribe does that first)",
                )
                continue
            try:
                resolve(entry, duration, words or ())
            except EffectError as exc:
                report.fail((*base, k), f"{exc}{suffix}")
                continue
            emoji = entry.get("emoji") if entry.name == "sticker" else None
            if emoji:
                from vidcamp.render.effects import emoji_missing

                missing = emoji_missing(str(emoji))
                if missing:
                    report.fail((*base, k), f"sticker emoji {missing!r}: the bundled emoji font "
                                "does not draw it (use an image: sticker)")
            image = entry.get("image") if entry.name == "sticker" else None
            if image and not loaded.resolve(str(image)).is_file():
                report.fail((*base, k), f"{image}: sticker image not found")
            if entry.name == "python":
                function = str(entry.get("python"))
                if still:
                    report.fail((*base, k), "python effects need a video source, not images")
                if locate_module(function, loaded.base_dir) is None:
                    report.fail(
                        (*base, k),
                        f'python effect "{function}": module not found in the campaign folder '
                        "or on the Python path",
                    )


def _lint_clip(
    report: CheckReport, i: int, clip: Clip, info: MediaInfo | None, duration: float
) -> None:
    spec = report.campaign.spec
    names = clip.targets or list(spec.targets)
    extra = 0.0
    for bumper in (spec.brand.intro, spec.brand.outro):
        if bumper is not None:
            extra += _bumper_duration(report, bumper)
    total = duration + extra
    for name in names:
        target = spec.targets.get(name)
        if target is None:
            continue
        preset: Preset | None = PRESETS.get(target.preset or name)
        if preset is None:
            continue
        where: PathKey = ("clips", i, "cut")
        if total > preset.max_duration + 1e-6:
            msg = (
                f"clip is {total:.1f} s but {preset.name} allows at most {preset.max_duration:g} s"
            )
            if target.over_length == "trim":
                report.warn(where, msg + f"; it will be trimmed to {preset.max_duration:g} s")
            else:
                report.fail(
                    where, msg + f" (shorten the cut or set targets.{name}.over_length: trim)"
                )
        if total < preset.min_duration - 1e-6:
            report.fail(
                where,
                f"clip is {total:.1f} s but {preset.name} needs at least {preset.min_duration:g} s",
            )
        if info is None or info.video is None:
            continue
        width, height = info.display_size
        if target.reframe == "crop" and width and height:
            src = width / height
            dst = preset.width / preset.height
            kept = min(src, dst) / max(src, dst)
            if kept < CROP_KEEP_WARNING:
                explicit = ("targets", name, "reframe") in report.campaign.positions.values
                report.warn(
                    ("targets", name, "reframe") if explicit else ("targets", name),
                    f"clips[{i}] ({clip.id}): cropping {width}x{height} to {preset.aspect_label} "
                    f"keeps only {kept:.0%} of the frame; consider reframe: blur or pad",
                    key=not explicit,
                )
    if info is not None and not info.has_audio:
        report.warn(
            ("clips", i, "source"), f"{clip.source}: no audio track; a silent one will be added"
        )


def _bumper_duration(report: CheckReport, rel: str) -> float:
    from vidcamp.media.probe import probe

    path = report.campaign.resolve(rel)
    try:
        return probe(path).duration
    except MediaError:
        return 0.0  # already reported by _check_brand


def _check_style(report: CheckReport, path: PathKey, style: str | None, styles: list[str]) -> None:
    if style is not None and style not in styles:
        report.fail(path, f'unknown caption style "{style}"{_did_you_mean(style, styles)}')


def _did_you_mean(word: str, choices: object) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)  # type: ignore[call-overload]
    return f' (did you mean "{close[0]}"?)' if close else ""
