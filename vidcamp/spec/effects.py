"""The effects a clip may carry: the built-in catalogue, the spec entry, and timing resolution.

An ``effects:`` entry names one effect with its parameters::

    effects:
      - zoom: {factor: 1.3, on: highlight}      # punch in on each highlighted word
      - progress_bar: {color: "#FFCC00"}
      - sticker: {emoji: "🔥", at: 2.0}
      - python: "my_effects:vhs_look"           # a user function through moviepy
        args: {strength: 0.4}

Every effect takes a time on the clip's timeline: ``from``/``to``, or ``at`` (with
``duration``), or ``on`` (``highlight`` or a word) to fire on each matching caption word.
This module is pure: no ffmpeg, no moviepy, no file IO.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidcamp.jobs import Effect, Word

_COLOR = re.compile(r"^(#[0-9A-Fa-f]{6}|[A-Za-z]{3,20})(@(0(\.\d+)?|1(\.0+)?))?$")
_FUNCTION = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
# drawtext would read these as its own syntax; no emoji needs them
_STICKER_TEXT_FORBIDDEN = set("\\'\":%{}\n\r")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # number | color | text | choice | time | word | mapping | function
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class EffectKind:
    name: str
    help: str
    params: tuple[Param, ...]
    default_duration: float | None = None  # for `at:` and word-tied effects; None: the word's own

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.params]


_TIMING = (
    Param("from", "time", None, "start on the clip's timeline (default: the clip's start)"),
    Param("to", "time", None, "end on the clip's timeline (default: the clip's end)"),
    Param("at", "time", None, "start time; the effect lasts `duration`"),
    Param("duration", "number", None, "seconds, with `at` or `on`", 0.01, 600),
    Param("on", "word", None, "`highlight` (each highlighted caption word) or a word"),
)

BUILTIN: dict[str, EffectKind] = {
    k.name: k
    for k in (
        EffectKind(
            "zoom",
            "punch in around the target's focus, eased in and out",
            (
                Param("factor", "number", 1.3, "zoom factor at the peak", 1.01, 4),
                Param("ease", "number", 0.15, "seconds to ease in and to ease out", 0, 5),
                *_TIMING,
            ),
        ),
        EffectKind(
            "progress_bar",
            "a bar along an edge that fills as the clip plays",
            (
                Param("position", "choice", "bottom", "edge", choices=("top", "bottom")),
                Param("color", "color", "#FFFFFF", "ffmpeg colour, e.g. red or #FFCC00@0.8"),
                Param("thickness", "number", 0.012, "height as a fraction of the frame", 0.001,
                      0.2),
                *_TIMING,
            ),
        ),
        EffectKind(
            "shake",
            "camera shake",
            (
                Param("amplitude", "number", 0.02, "offset as a fraction of the frame", 0.001,
                      0.2),
                Param("speed", "number", 12.0, "shakes per second", 0.5, 60),
                *_TIMING,
            ),
            default_duration=0.4,
        ),
        EffectKind(
            "flash",
            "the frame flashes to a colour",
            (
                Param("color", "color", "white", "ffmpeg colour"),
                Param("opacity", "number", 0.85, "0..1", 0.05, 1),
                *_TIMING,
            ),
            default_duration=0.12,
        ),
        EffectKind(
            "sticker",
            "an image or emoji that pops in, placed inside the platform's safe zone",
            (
                Param("image", "text", None, "PNG file relative to the campaign file"),
                Param("emoji", "text", None, "one emoji or a short text"),
                Param("x", "number", 0.5, "centre, 0..1 across the safe zone", 0, 1),
                Param("y", "number", 0.3, "centre, 0..1 down the safe zone", 0, 1),
                Param("size", "number", 0.25, "width (image) or height (emoji) as a fraction of "
                      "the frame width", 0.02, 1),
                *_TIMING,
            ),
            default_duration=1.5,
        ),
        EffectKind(
            "freeze",
            "hold one frame (the sound goes on)",
            (*_TIMING,),
            default_duration=1.0,
        ),
    )
}

PYTHON = EffectKind(
    "python",
    "a user function (frame, t, **args) -> frame applied through moviepy (needs vidcamp[effects])",
    (
        Param("python", "function", None, '"module:function", importable from the campaign folder'),
        Param("args", "mapping", {}, "keyword arguments passed to the function"),
        Param("from", "time", None, "start (default: the clip's start)"),
        Param("to", "time", None, "end (default: the clip's end)"),
    ),
)

KNOWN = [*BUILTIN, "python"]


class EffectError(ValueError):
    """A malformed effect entry; the message names the problem and the known choices."""


@dataclass(frozen=True)
class EffectEntry:
    """One parsed `effects:` entry: the effect's name and its given parameters."""

    name: str
    params: Mapping[str, Any]

    @property
    def kind(self) -> EffectKind:
        return PYTHON if self.name == "python" else BUILTIN[self.name]

    def get(self, name: str) -> Any:
        if name in self.params:
            return self.params[name]
        param = self.kind.param(name)
        return param.default if param is not None else None


def parse_entry(value: Any) -> EffectEntry:
    """`{zoom: {...}}`, a bare name, or `{python: "m:f", args: {...}}` -> EffectEntry."""
    if isinstance(value, str):
        value = {value: None}
    if not isinstance(value, Mapping) or not value:
        raise EffectError(f"an effect is a mapping such as {{zoom: {{factor: 1.3}}}} "
                          f"(known effects: {', '.join(KNOWN)})")
    if "python" in value:
        params = dict(value)
        unknown = [k for k in params if PYTHON.param(str(k)) is None]
        if unknown:
            raise EffectError(f'unknown python effect parameter "{unknown[0]}" '
                              f"(known: {', '.join(PYTHON.names)})")
        return _checked(EffectEntry("python", params))
    if len(value) != 1:
        raise EffectError(f"one effect per entry, got {', '.join(map(str, value))} "
                          f"(known effects: {', '.join(KNOWN)})")
    name, params = next(iter(value.items()))
    if name not in BUILTIN:
        raise EffectError(f'unknown effect "{name}" (known: {", ".join(KNOWN)})')
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise EffectError(f"{name}: expected a mapping of parameters "
                          f"({', '.join(BUILTIN[name].names)})")
    params = dict(params)
    for key in params:
        if BUILTIN[name].param(str(key)) is None:
            raise EffectError(f'unknown {name} parameter "{key}" '
                              f"(known: {', '.join(BUILTIN[name].names)})")
    return _checked(EffectEntry(str(name), dict(params)))


def _checked(entry: EffectEntry) -> EffectEntry:
    from vidcamp.spec.timecode import parse_timecode

    kind = entry.kind
    for key, value in entry.params.items():
        p = kind.param(key)
        assert p is not None
        where = f"{entry.name}.{key}"
        if p.kind == "time":
            try:
                parse_timecode(value)
            except ValueError as exc:
                raise EffectError(f"{where}: {exc}") from None
        elif p.kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise EffectError(f"{where}: expected a number, got {value!r}")
            if (p.low is not None and value < p.low) or (p.high is not None and value > p.high):
                raise EffectError(f"{where}: {value:g} is outside {p.low:g}..{p.high:g}")
        elif p.kind == "color":
            if not isinstance(value, str) or not _COLOR.match(value):
                raise EffectError(f"{where}: {value!r} is not a colour (a name such as red, "
                                  "or #RRGGBB, optionally @opacity)")
        elif p.kind == "choice":
            if value not in p.choices:
                raise EffectError(f"{where}: {value!r} is not one of {', '.join(p.choices)}")
        elif p.kind in ("text", "word"):
            if not isinstance(value, str) or not value.strip():
                raise EffectError(f"{where}: expected text, got {value!r}")
        elif p.kind == "function":
            if not isinstance(value, str) or not _FUNCTION.match(value):
                raise EffectError(f'{where}: expected "module:function", got {value!r}')
        elif p.kind == "mapping" and not isinstance(value, Mapping):
            raise EffectError(f"{where}: expected a mapping of arguments")
    if entry.name == "sticker":
        has = [k for k in ("image", "emoji") if k in entry.params]
        if len(has) != 1:
            raise EffectError("sticker: give exactly one of image or emoji")
        emoji = entry.params.get("emoji")
        if isinstance(emoji, str) and (len(emoji) > 12 or _STICKER_TEXT_FORBIDDEN & set(emoji)):
            raise EffectError("sticker.emoji: at most 12 characters, without quotes, "
                              "backslashes, colons, % or braces")
    timing = {k for k in ("from", "to", "at", "on") if k in entry.params}
    if "at" in timing and timing & {"from", "to"}:
        raise EffectError(f"{entry.name}: give either at or from/to, not both")
    if "on" in timing and len(timing) > 1:
        raise EffectError(f"{entry.name}: `on` ties the effect to words; drop from/to/at")
    if "duration" in entry.params and not timing & {"at", "on"}:
        raise EffectError(f"{entry.name}: duration goes with at or on")
    return entry


# --------------------------------------------------------------------------- timing


def _norm(word: str) -> str:
    return re.sub(r"[^\w]+", "", word.casefold())


def matching_words(on: str, words: Sequence[Word]) -> list[Word]:
    """The words an `on:` value selects: highlighted ones, or those equal to the given word."""
    if on == "highlight":
        return [w for w in words if w.highlight]
    want = _norm(on)
    return [w for w in words if _norm(w.text) == want]


def resolve(
    entry: EffectEntry, clip_duration: float, words: Sequence[Word]
) -> list[tuple[float, float]]:
    """The (start, end) ranges, in clip seconds, at which ``entry`` is active.

    Raises EffectError when a range falls outside the clip or a word is not in the captions.
    """
    from vidcamp.spec.timecode import parse_timecode

    kind = entry.kind
    p = entry.params
    if "on" in p:
        found = matching_words(str(p["on"]), words)
        if not found:
            what = "no caption word is highlighted" if p["on"] == "highlight" else (
                f'the captions do not contain the word "{p["on"]}"')
            raise EffectError(f"{entry.name}.on: {what}")
        length = p.get("duration", kind.default_duration)
        ranges = [(w.start, w.start + length if length else w.end) for w in found]
        return [(a, min(b, clip_duration)) for a, b in ranges if a < clip_duration]
    if "at" in p:
        start = parse_timecode(p["at"])
        end = start + float(p.get("duration", kind.default_duration or 1.0))
        where = "at"
    else:
        start = parse_timecode(p["from"]) if "from" in p else 0.0
        end = parse_timecode(p["to"]) if "to" in p else clip_duration
        where = "to" if "to" in p else "from"
    if end <= start:
        raise EffectError(f"{entry.name}: ends at {end:g} s, not after its start ({start:g} s)")
    if start >= clip_duration or end > clip_duration + 1e-6:
        raise EffectError(f"{entry.name}.{where}: {start:g}-{end:g} s is outside the clip "
                          f"(0-{clip_duration:g} s)")
    return [(start, end)]


def to_jobs(
    entries: Sequence[EffectEntry], clip_duration: float, words: Sequence[Word],
    extra: Mapping[int, Mapping[str, Any]] | None = None,
) -> tuple[Effect, ...]:
    """Resolved effects for the renderer, one per active range, in spec order.

    ``extra`` adds planner-made values per entry index (a sticker's absolute path, a Python
    effect's source hash).
    """
    out: list[Effect] = []
    for i, entry in enumerate(entries):
        params = {p.name: entry.get(p.name) for p in entry.kind.params
                  if p.kind not in ("time", "word") and p.name != "duration"}
        params.update((extra or {}).get(i, {}))
        items = tuple(sorted((k, _freeze(v)) for k, v in params.items() if v is not None))
        for start, end in resolve(entry, clip_duration, words):
            out.append(Effect(entry.name, round(start, 6), round(end, 6), items))
    return tuple(out)


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        import json

        return json.dumps(value, sort_keys=True, default=str)
    return value


def words_from_lines(lines: Sequence[tuple[float, float, str]]) -> tuple[Word, ...]:
    """Word times from hand-timed caption lines: each line's time shared by character count."""
    out: list[Word] = []
    for start, end, text in lines:
        tokens = text.split()
        total = sum(len(t) for t in tokens) or 1
        at = start
        for token in tokens:
            span = (end - start) * len(token) / total
            out.append(Word(token, round(at, 6), round(at + span, 6)))
            at += span
    return tuple(out)


def catalogue() -> list[dict[str, Any]]:
    """Every effect with its parameters, for `vidcamp effects` (and --json)."""
    rows = []
    for kind in [*BUILTIN.values(), PYTHON]:
        rows.append({
            "name": kind.name,
            "help": kind.help,
            "params": [
                {"name": p.name, "kind": p.kind, "default": p.default, "help": p.help,
                 **({"min": p.low, "max": p.high} if p.low is not None else {}),
                 **({"choices": list(p.choices)} if p.choices else {})}
                for p in kind.params
            ],
        })
    return rows


def locate_module(function: str, base_dir: Path) -> Path | None:
    """The source file of a Python effect's module, found without importing it.

    The campaign's folder is searched first, then ``sys.path``.
    """
    import importlib.machinery
    import sys

    module = function.partition(":")[0]
    search: list[str] | None = [str(base_dir), *sys.path]
    spec = None
    for part in module.split("."):
        spec = importlib.machinery.PathFinder.find_spec(part, search)
        if spec is None:
            return None
        search = list(spec.submodule_search_locations or [])
    if spec is None or not spec.origin or not spec.has_location:
        return None
    return Path(spec.origin)
