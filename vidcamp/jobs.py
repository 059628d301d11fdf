"""Plain-data jobs that the planner produces and the renderer and publisher consume.

Everything here is a frozen dataclass of resolved values: no spec objects, no defaults left to
apply, no IO. Times are seconds (float) on the clip's own timeline unless a name says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from vidcamp.presets import Preset


@dataclass(frozen=True)
class Span:
    """[start, end) in seconds; which timeline, the class built on it says."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Segment(Span):
    """One cut from the source, [start, end) in source seconds."""


@dataclass(frozen=True)
class CaptionLine(Span):
    """An inline caption, in clip seconds (after the cut segments are joined)."""

    text: str


@dataclass(frozen=True)
class Captions:
    """Either a subtitle file (timed on the SOURCE timeline) or inline lines (clip timeline)."""

    style: str
    file: Path | None = None
    lines: tuple[CaptionLine, ...] = ()
    encoding: str | None = None  # None: detect (UTF-8, then common legacy encodings)
    transcript: Path | None = None  # captions/<clip>.words.json, CLIP timeline (auto captions)
    language: str = "auto"  # what to transcribe the clip as when the transcript is missing
    model: str = "base"
    word_file: Path | None = None  # word times from elsewhere, SOURCE timeline
    highlight: tuple[str, ...] = ()
    upper: bool | None = None
    options: tuple[tuple[str, object], ...] = ()  # CaptionStyle field overrides for the clip


@dataclass(frozen=True)
class Hook:
    """Text shown over the first ``duration`` seconds of the clip."""

    text: str
    duration: float = 3.0


@dataclass(frozen=True)
class Watermark:
    image: Path
    corner: str = "top-right"  # top-left | top-right | bottom-left | bottom-right
    scale: float = 0.15  # width as a fraction of the output width
    opacity: float = 0.85
    margin: float = 0.03  # fraction of the output width


@dataclass(frozen=True)
class FocusPin(Span):
    """A hand-set crop centre for [start, end) clip seconds, overriding smart reframe there."""

    x: float
    y: float = 0.5


@dataclass(frozen=True)
class SmartReframe:
    """Settings of ``reframe: smart``: what to follow and what to do when one crop is not enough."""

    subject: str = "auto"  # face | motion | auto (faces where there are some, else motion)
    fallback: str = "blur"  # blur | split | wide: two faces too far apart for one crop
    max_speed: float = 0.4  # fastest pan, in source frame widths (or heights) per second
    yunet: Path | None = None  # a YuNet ONNX face model; None: OpenCV's Haar cascade
    pins: tuple[FocusPin, ...] = ()


@dataclass(frozen=True)
class Word:
    """One caption word with its time on the clip's timeline (what word-tied effects fire on)."""

    text: str
    start: float
    end: float
    highlight: bool = False


@dataclass(frozen=True)
class Effect:
    """One effect active over [start, end) clip seconds; ``params`` are sorted (name, value)."""

    name: str  # zoom | progress_bar | shake | flash | sticker | freeze | python
    start: float
    end: float
    params: tuple[tuple[str, Any], ...] = ()

    def param(self, name: str, default: Any = None) -> Any:
        return next((v for k, v in self.params if k == name), default)


@dataclass(frozen=True)
class Variant:
    """One output of a clip: the clip rendered for one target."""

    target: str  # target name as written in the spec (often the preset name)
    preset: Preset
    reframe: str  # crop | pad | blur | smart
    focus: tuple[float, float]  # (x, y) in 0..1 of the source frame, for crop
    pad_color: str  # ffmpeg colour for pad mode, e.g. "black" or "#112233"
    over_length: str  # error | trim
    caption_style: str
    hook_style: str
    output: Path  # build/<campaign>/<clip>/<target>.mp4
    thumbnail: Path  # build/<campaign>/<clip>/<target>.jpg
    content_hash: str  # hex; covers every input of this variant's render
    caption_options: tuple[tuple[str, object], ...] = ()  # the target's CaptionStyle overrides
    smart: SmartReframe | None = None  # set when reframe is smart
    effects: tuple[Effect, ...] = ()  # clip timeline; per target, since zoom follows the focus


@dataclass(frozen=True)
class ClipRender:
    """Everything needed to render one clip into all of its variants in one ffmpeg run."""

    campaign: str
    clip_id: str
    source: Path
    segments: tuple[Segment, ...]
    captions: Captions | None
    hook: Hook | None
    thumbnail_time: float  # clip seconds
    watermark: Watermark | None
    intro: Path | None
    outro: Path | None
    loudness: float  # integrated LUFS target
    variants: tuple[Variant, ...]
    clip_dir: Path  # build/<campaign>/<clip>/
    words: tuple[Word, ...] = ()  # caption word times, when known (word-tied effects use them)
    # image sources: one shot of ``shot`` seconds per image, the segments cut on that timeline
    images: tuple[Path, ...] = ()
    shot: float = 3.0
    kenburns: float = 0.0  # how far each shot zooms
    audio: Path | None = None  # the clip's sound from another file (else the source's)

    @property
    def duration(self) -> float:
        """Length of the joined cut, without intro/outro."""
        return sum(s.duration for s in self.segments)


@dataclass(frozen=True)
class Rotation:
    """Title/thumbnail A/B rotation of a published post: variant ``n`` goes live ``n * every``
    seconds after the post does (variant 0 is what was published), each once."""

    every: float  # seconds
    titles: tuple[str, ...] = ()
    thumbnails: tuple[Path, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"every": self.every, "titles": list(self.titles),
                "thumbnails": [str(p) for p in self.thumbnails]}


@dataclass(frozen=True)
class Post:
    """One publication: a rendered variant going to one account at one time."""

    campaign: str
    clip_id: str
    target: str
    platform: str  # youtube | facebook | x | dailymotion
    preset: str
    account: str
    video: Path
    thumbnail: Path | None
    render_hash: str
    publish_at: datetime  # timezone-aware
    privacy: str  # public | unlisted | private
    mode: str  # platform (upload ahead, platform publishes on time) | cron
    title: str
    description: str
    tags: tuple[str, ...]
    made_for_kids: bool = False
    rotation: Rotation | None = None

    @property
    def key(self) -> str:
        """Stable identity in the ledger: campaign/clip/target/account."""
        return f"{self.campaign}/{self.clip_id}/{self.target}/{self.account}"
