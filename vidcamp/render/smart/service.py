"""Smart reframe for one clip: analyse once (or read the cache), plan every smart variant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from vidcamp.jobs import ClipRender, SmartReframe, Variant
from vidcamp.media.probe import MediaInfo
from vidcamp.render import reframe as rf
from vidcamp.render.smart import ReframeError
from vidcamp.render.smart.analyse import Analysis, AnalysisSettings
from vidcamp.render.smart.path import CameraPlan, Shot, camera_plan

# Below this much cropped away along the axis there is nothing to steer: no analysis at all.
MIN_CROPPED = 0.02


@dataclass(frozen=True)
class SmartResult:
    plans: dict[str, CameraPlan]  # by target name
    notes: tuple[str, ...]
    analysis_seconds: float  # 0 when every analysis came from the cache
    cached: bool


def needs_analysis(size: tuple[int, int], variant: Variant) -> bool:
    """Only a crop that cuts a real share of the frame away can be steered."""
    r = rf.crop_rect(size[0], size[1], variant.preset.width, variant.preset.height, (0.5, 0.5))
    return r.w < size[0] * (1 - MIN_CROPPED) or r.h < size[1] * (1 - MIN_CROPPED)


def plan_smart(
    job: ClipRender, source: MediaInfo, variants: Sequence[Variant], *, use_cache: bool = True,
) -> SmartResult:
    """Camera plans for the smart variants of ``job`` that need one (others render as crop)."""
    from vidcamp.plan import file_fingerprint
    from vidcamp.render.smart import store

    size = source.square_size
    rotation = source.video.rotation if source.video else 0
    todo = [v for v in variants if v.reframe == "smart" and needs_analysis(size, v)]
    if not todo:
        return SmartResult({}, (), 0.0, True)
    source_print = file_fingerprint(job.source)
    analyses: dict[AnalysisSettings, Analysis] = {}
    notes: list[str] = []
    spent = 0.0
    cached = True
    plans = {}
    for v in todo:
        smart = v.smart or SmartReframe()
        what = f"{job.clip_id}/{v.target}"
        settings = AnalysisSettings(faces=smart.subject != "motion", yunet=smart.yunet)
        if settings not in analyses:
            key = store.analysis_key(
                source_print, job.segments, settings,
                _model_print(smart.yunet), rotation,
            )
            found = store.load(key) if use_cache else None
            if found is None:
                found = _analyse(job, size, rotation, settings, smart, what)
                spent += found.seconds
                cached = False
                store.save(key, found)
            analyses[settings] = found
            notes.extend(found.notes)
        analysis = analyses[settings]
        r = rf.crop_rect(size[0], size[1], v.preset.width, v.preset.height, v.focus)
        plan = camera_plan(analysis, smart, (r.w, r.h), (v.preset.width, v.preset.height),
                           v.focus, what)
        plans[v.target] = plan
        notes.extend(plan.notes)
    return SmartResult(plans, tuple(notes), spent, cached)


def describe(job: ClipRender) -> dict[str, dict[str, object]]:
    """What ``vidcamp plan --json`` shows per smart variant: shots, modes, crop centres."""
    from vidcamp.errors import VidcampError
    from vidcamp.media.probe import probe

    smart = [v for v in job.variants if v.reframe == "smart"]
    try:
        source = probe(job.source)
        result = plan_smart(job, source, smart)
    except VidcampError as exc:
        return {v.target: {"error": exc.message} for v in smart}
    rows: dict[str, dict[str, object]] = {}
    for v in smart:
        plan = result.plans.get(v.target)
        rows[v.target] = plan.as_dict() if plan else {"shots": [], "notes": [
            "the source already has the output's shape: a plain crop, no analysis"]}
    return rows


def _analyse(
    job: ClipRender, size: tuple[int, int], rotation: int, settings: AnalysisSettings,
    smart: SmartReframe, what: str,
) -> Analysis:
    from vidcamp.render.smart.analyse import analyse

    try:
        return analyse(job.source, job.segments, size, settings, rotation)
    except ReframeError as exc:
        if smart.subject != "auto" or not settings.faces:
            raise ReframeError(f"{what}: {exc.message}") from None
        # auto asked for faces where there are some; without a detector it follows motion
        motion = replace(settings, faces=False, yunet=None)
        found = analyse(job.source, job.segments, size, motion, rotation)
        return replace(found, notes=(f"{what}: {exc.message}; following motion instead",))


def _model_print(path: Path | None) -> str | None:
    if path is None or not path.is_file():
        return None if path is None else f"missing:{path}"
    from vidcamp.plan import file_fingerprint

    return file_fingerprint(path)


__all__ = ["CameraPlan", "Shot", "SmartResult", "needs_analysis", "plan_smart"]
