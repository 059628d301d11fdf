"""The campaign spec as pydantic models: the shape of campaign.yaml and its JSON Schema.

Only the shape and single-field rules live here. Rules that need the file system or several
fields at once (sources exist, cut inside the source, ids unique...) live in ``checks.py``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    Tag,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from vidcamp.spec.timecode import DURATION_HELP, TIMECODE_HELP, parse_duration, parse_timecode

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def _timecode(value: Any) -> float:
    try:
        return parse_timecode(value)
    except ValueError:
        raise PydanticCustomError(
            "timecode",
            "{shown} is not a timecode ({help})",
            {"shown": show_value(value), "help": TIMECODE_HELP},
        ) from None


def _duration(value: Any) -> timedelta:
    try:
        return parse_duration(value)
    except ValueError:
        raise PydanticCustomError(
            "duration", "{shown} is not {help}", {"shown": show_value(value), "help": DURATION_HELP}
        ) from None


def _identifier(value: Any) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise PydanticCustomError(
            "identifier",
            "{shown} is not a valid id (letters, digits, - and _, starting with a letter or "
            "digit, at most 64 characters; it becomes a file name)",
            {"shown": show_value(value)},
        )
    return value


def show_value(value: Any) -> str:
    """How a YAML value is named in an error: quoted text, "a list", "a mapping", or repr."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)


Timecode = Annotated[
    float,
    BeforeValidator(_timecode),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": r"^(\d+:)?\d+:\d{1,2}([.,]\d+)?$|^\d+(\.\d+)?$"},
            ],
            "description": f"a time: {TIMECODE_HELP}",
        }
    ),
]
Duration = Annotated[
    timedelta,
    BeforeValidator(_duration),
    PlainSerializer(lambda d: d.total_seconds(), return_type=float),
    WithJsonSchema(
        {
            "anyOf": [{"type": "number", "exclusiveMinimum": 0}, {"type": "string"}],
            "description": DURATION_HELP,
        }
    ),
]
Identifier = Annotated[
    str, BeforeValidator(_identifier), WithJsonSchema({"type": "string", "pattern": _ID.pattern})
]

Privacy = Literal["public", "unlisted", "private"]
ScheduleMode = Literal["platform", "cron"]
Reframe = Literal["crop", "pad", "blur", "smart"]
OverLength = Literal["error", "trim"]
Corner = Literal["top-left", "top-right", "bottom-left", "bottom-right"]


class SpecModel(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=False, coerce_numbers_to_str=True
    )


class Generate(SpecModel):
    """How to make a missing source with ffmpeg lavfi (used by the demo campaign)."""

    video: str = Field("testsrc2=size=1920x1080:rate=30", description="a lavfi video source")
    audio: str = Field("sine=frequency=440", description="a lavfi audio source")
    duration: float = Field(20, gt=0, le=600, description="seconds")


class Source(SpecModel):
    """A piece of footage, by path relative to the campaign file."""

    path: str = Field(description="footage file, relative to the campaign file")
    generate: Generate | None = Field(
        None, description="make the file with ffmpeg lavfi when it does not exist (demo footage)"
    )

    @model_validator(mode="before")
    @classmethod
    def _path_shorthand(cls, value: Any) -> Any:
        return {"path": value} if isinstance(value, str) else value


class Cut(SpecModel):
    """One segment of the source, from `from` to `to`; a clip's segments are joined in order."""

    start: Timecode = Field(alias="from")
    end: Timecode = Field(alias="to")


class CaptionLine(SpecModel):
    start: Timecode = Field(description="on the clip's timeline (after the cut)")
    end: Timecode
    text: str = Field(min_length=1)


class CaptionOptions(SpecModel):
    """Caption style fields overridden for a clip or a target (unset: the style's value)."""

    font: str | None = Field(None, description="font file in templates/fonts/")
    size: float | None = Field(None, gt=0, le=0.5, description="fraction of the shorter side")
    color: str | None = Field(None, description="#RRGGBB or #RRGGBBAA")
    accent_color: str | None = Field(None, description="the current word (karaoke, pop)")
    highlight_color: str | None = Field(None, description="the clip's highlight words")
    outline_color: str | None = None
    words_per_chunk: int | None = Field(None, ge=1, le=12, description="words on screen at most")
    max_lines: int | None = Field(None, ge=1, le=2)
    align: Literal["bottom", "middle", "top"] | None = Field(
        None, description="where in the safe zone the captions sit"
    )
    raise_: float | None = Field(
        None, alias="raise", ge=-0.5, le=0.5, description="lift, fraction of the frame height"
    )


class CaptionsSpec(SpecModel):
    """Burned-in captions: a subtitle file (timed on the source), inline lines (on the clip),
    word times from a file, or words transcribed from the speech (`auto: true`)."""

    file: str | None = Field(None, description="SRT, VTT or ASS file relative to the campaign file")
    lines: list[CaptionLine] | None = None
    style: str | None = Field(None, description="caption style from templates/captions/")
    encoding: str | None = Field(None, description="text encoding of the file; detected when unset")
    auto: bool = Field(
        False, description="transcribe the clip's speech into captions/<clip>.words.json"
    )
    language: str = Field("auto", description="Whisper language code (it, en, ...) or auto")
    model: str = Field("base", description="faster-whisper size name or CTranslate2 folder")
    words: str | None = Field(
        None,
        description="word times from elsewhere (whisper/WhisperX JSON, SRT/VTT), source timeline",
    )
    highlight: list[str] | None = Field(None, description="words drawn in the highlight colour")
    upper: bool | None = Field(None, description="upper-case the captions")
    options: CaptionOptions | None = None


class HookSpec(SpecModel):
    """Text shown over the first seconds of the clip."""

    text: str | None = Field(None, min_length=1)
    duration: float = Field(3.0, gt=0, le=30)
    style: str = "hook"


class ClipFields(SpecModel):
    """Fields a clip may take from `defaults`."""

    source: str | None = None
    title: str | None = None
    description: str | None = None
    tags: list[str] | None = Field(None, description="tags/hashtags, without or with #")
    captions: CaptionsSpec | None = None
    hook: HookSpec | None = None
    thumbnail: Timecode | None = Field(
        None, description="frame time for the thumbnail (clip timeline)"
    )
    titles: list[str] | None = Field(
        None, description="title variants rotated after publishing (the first goes out)",
        min_length=1,
    )
    thumbnails: list[str] | None = Field(
        None, description="thumbnail images (JPEG/PNG) rotated after publishing", min_length=1
    )
    rotate: Duration | None = Field(None, description="how long each variant stays live, e.g. 24h")
    targets: list[str] | None = Field(None, description="only these targets (default: all)")
    publish_at: datetime | None = Field(None, description="publication time with time zone")
    privacy: Privacy | None = None
    made_for_kids: bool | None = None


class Clip(ClipFields):
    id: Identifier
    source: str | None = None
    cut: list[Cut] = Field(min_length=1)


class Defaults(ClipFields):
    pass


class FocusRange(SpecModel):
    """A crop centre set by hand for a stretch of the clip, where smart reframe gets it wrong."""

    start: Timecode = Field(alias="from", description="on the clip's timeline (after the cut)")
    end: Timecode = Field(alias="to")
    x: float = Field(ge=0, le=1, description="crop centre across the source frame, 0..1")
    y: float = Field(0.5, ge=0, le=1, description="crop centre down the source frame, 0..1")

    @model_validator(mode="after")
    def _ordered(self) -> FocusRange:
        if self.end <= self.start:
            raise PydanticCustomError("range", "`to` must be after `from`")
        return self


class SmartReframe(SpecModel):
    """`reframe: smart` with settings: follow faces or motion in the crop, steadily."""

    mode: Literal["smart"]
    subject: Literal["face", "motion", "auto"] = Field(
        "auto", description="what to keep in frame; auto: faces where there are some, else motion"
    )
    fallback: Literal["blur", "split", "wide"] = Field(
        "blur", description="two faces too far apart for one crop: blurred fill, two stacked "
        "crops, or one wide crop"
    )
    max_speed: float = Field(
        0.4, gt=0, le=5, description="fastest pan, in source frame widths per second"
    )
    yunet: str | None = Field(
        None, description="YuNet ONNX face model, relative to the campaign file (default: "
        "OpenCV's Haar cascade)"
    )
    focus: list[FocusRange] | None = Field(None, description="crop centres pinned by time range")


def _reframe_kind(value: Any) -> str:
    return "settings" if isinstance(value, (dict, SmartReframe)) else "name"


# field -> the tags of its name-or-mapping union; error locations leave them out
UNION_TAGS = {"reframe": ("name", "settings")}
# A name, or smart reframe's settings: one error for the form written, not one per form.
ReframeChoice = Annotated[
    Annotated[Reframe, Tag("name")] | Annotated[SmartReframe, Tag("settings")],
    Discriminator(_reframe_kind),
]


class Target(SpecModel):
    """A placement to render for: a preset name plus overrides."""

    preset: str | None = Field(None, description="preset name; defaults to the target's key")
    reframe: ReframeChoice = "crop"
    focus: tuple[float, float] = Field((0.5, 0.5), description="crop focus point, x and y in 0..1")
    pad_color: str = "black"
    over_length: OverLength = "error"
    caption_style: str | None = None
    caption_options: CaptionOptions | None = None
    title: str | None = Field(None, description='template, e.g. "{clip.title} #shorts"')
    description: str | None = Field(None, description='template, e.g. "{clip.description}"')
    account: str | None = Field(None, description="credentials account; default from `accounts`")
    privacy: Privacy | None = None
    mode: ScheduleMode | None = None
    offset: Duration | None = Field(None, description="publish this long after the clip's time")

    @model_validator(mode="before")
    @classmethod
    def _empty_is_defaults(cls, value: Any) -> Any:
        return {} if value is None else value

    @model_validator(mode="after")
    def _focus_in_frame(self) -> Target:
        if not all(0.0 <= v <= 1.0 for v in self.focus):
            raise PydanticCustomError("focus", "focus must be two numbers between 0 and 1")
        return self


class Watermark(SpecModel):
    image: str = Field(description="PNG with transparency, relative to the campaign file")
    corner: Corner = "top-right"
    scale: float = Field(0.15, gt=0, le=1, description="width as a fraction of the frame width")
    opacity: float = Field(0.85, gt=0, le=1)
    margin: float = Field(0.03, ge=0, le=0.25)


class Brand(SpecModel):
    watermark: Watermark | None = None
    intro: str | None = Field(None, description="bumper joined before every clip")
    outro: str | None = Field(None, description="bumper joined after every clip")
    loudness: float = Field(-14.0, ge=-70, le=-5, description="integrated loudness target, LUFS")


class Schedule(SpecModel):
    start: datetime | None = Field(
        None, description="when the first clip goes out (with time zone)"
    )
    every: Duration | None = Field(None, description="stagger between clips, e.g. 1d or 12h")
    timezone: str | None = Field(None, description="IANA zone for times written without an offset")
    privacy: Privacy = "public"
    mode: ScheduleMode | None = Field(
        None,
        description="platform: upload ahead and let the platform publish; cron: upload on time",
    )


class Campaign(SpecModel):
    name: Identifier
    sources: dict[str, Source] = Field(min_length=1)
    defaults: Defaults = Field(default_factory=lambda: Defaults())
    clips: list[Clip] = Field(min_length=1)
    targets: dict[str, Target] = Field(min_length=1)
    brand: Brand = Field(default_factory=lambda: Brand())
    accounts: dict[str, str] = Field(
        default_factory=dict, description="platform -> credentials account name"
    )
    schedule: Schedule = Field(default_factory=lambda: Schedule())
    review: Literal["required", "none"] = Field(
        "none",
        description="required: posts wait for `vidcamp approve` before they go out",
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of campaign.yaml, for editor completion."""
    schema = Campaign.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "vidcamp campaign"
    return schema
