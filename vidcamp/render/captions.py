"""Captions and hook text → one ASS file per variant, laid out in output pixels.

Caption files are read with pysubs2 (SRT, VTT, ASS), decoded from UTF-8 or a detected legacy
encoding, moved from the source timeline onto the clip timeline through the cut segments, and
written as ASS with ``PlayResX``/``PlayResY`` equal to the output size, so sizes and margins are
pixels. libass finds no emoji through font fallback when the machine has no fonts, so every run
of characters the text font lacks but the emoji font has is wrapped in explicit ``\\fn`` runs.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidcamp.errors import MediaError, SpecError
from vidcamp.jobs import CaptionLine, Captions, Hook, Segment
from vidcamp.paths import caption_styles_dir, fonts_dir
from vidcamp.presets import Preset
from vidcamp.timeline import onto_cut

EMOJI_FONT_FILE = "NotoEmoji-Bold.ttf"
# Bundled fonts for scripts the Latin display fonts lack, tried after the style's own font.
SCRIPT_FONT_FILES = (
    "NotoSansArabic-Bold.ttf", "NotoSansHebrew-Bold.ttf", "NotoSansDevanagari-Bold.ttf",
)
SYSTEM_FONT_DIRS_ENV = "VIDCAMP_SYSTEM_FONT_DIRS"  # os.pathsep-separated; "" searches none
# System fonts with CJK coverage (file name stems, lower case, prefix match), best first.
CJK_FONT_PREFIXES = (
    "notosanscjk", "notoserifcjk", "sourcehansans", "sourcehanserif", "notosanssc", "notosansjp",
    "notosanstc", "notosanskr", "wqy-zenhei", "wqy-microhei", "droidsansfallback", "msgothic",
    "msyh", "simhei", "pingfang", "hiragino", "applegothic", "malgun",
)
_SYSTEM_FONT_DIRS = (
    "/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
    "/System/Library/Fonts", "/Library/Fonts", "C:/Windows/Fonts",
)
# Characters that may stay in the run of the font before them (no font switch at each space).
_NEUTRAL = set(" \u00a0.,;:!?'\"-()[]«»“”‘’…")
# Lines shorter than this after clipping to a cut are dropped: a flash of text is noise.
MIN_LINE_SECONDS = 0.1
# Tried in order when a caption file is not UTF-8. cp1252 first: it is what Windows editors
# write for Western languages and decodes everything latin-1 does except five unused bytes.
LEGACY_ENCODINGS = ("cp1252", "latin-1")
# Characters that join or modify emoji; they belong to the emoji run around them.
_EMOJI_JOINERS = {0x200D, 0xFE0E, 0xFE0F, 0x20E3}


@dataclass(frozen=True)
class CaptionStyle:
    """A caption look from templates/captions/<name>.yaml, sizes relative to the frame."""

    name: str
    font_file: Path
    size: float = 0.06  # fraction of the frame's shorter side
    uppercase: bool = False
    color: str = "#FFFFFF"
    outline_color: str = "#000000"
    outline: float = 0.05  # fraction of the font size
    shadow: float = 0.0  # fraction of the font size
    shadow_color: str = "#00000080"
    box: bool = False
    box_color: str = "#000000B3"
    box_padding: float = 0.2  # fraction of the font size
    align: str = "bottom"  # bottom | middle | top
    justify: str = "center"  # left | center | right
    raise_: float = 0.0  # fraction of the frame height above (or below) the safe-zone edge
    line_spacing: float = 0.0
    description: str = ""
    # word-timed captions (transcripts, word files): how the words are shown
    animation: str = "none"  # none | karaoke | pop | chunk
    accent_color: str | None = None  # the word being spoken (karaoke, pop); None: color
    highlight_color: str = "#FFD400"  # the clip's `highlight:` words
    words_per_chunk: int = 4  # at most this many words on screen
    max_lines: int = 2


@dataclass(frozen=True)
class TimedText:
    """A caption line on the clip timeline."""

    start: float
    end: float
    text: str


def style_names() -> list[str]:
    """Caption style names: the stems of templates/captions/*.yaml."""
    return sorted(p.stem for p in caption_styles_dir().glob("*.yaml"))


_STYLE_KEYS = {
    "description", "font", "size", "uppercase", "color", "outline_color", "outline", "shadow",
    "shadow_color", "box", "box_color", "box_padding", "align", "justify", "raise",
    "line_spacing", "animation", "accent_color", "highlight_color", "words_per_chunk",
    "max_lines",
}
ANIMATIONS = ("none", "karaoke", "pop", "chunk")


def load_style(
    name: str, *, directory: Path | None = None, fonts: Path | None = None
) -> CaptionStyle:
    """Read a caption style; SpecError for an unknown name or field, MediaError for a lost font."""
    import yaml

    directory = directory or caption_styles_dir()
    fonts = fonts or fonts_dir()
    path = directory / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in directory.glob("*.yaml")))
        raise SpecError(f"unknown caption style {name!r} (known: {known})")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: not a readable caption style ({exc})") from exc
    if not isinstance(data, dict):
        raise SpecError(f"{path}: a caption style is a mapping of fields")
    unknown = set(data) - _STYLE_KEYS
    if unknown:
        raise SpecError(f"{path}: unknown field(s) {', '.join(sorted(unknown))}")
    font_name = str(data.get("font", ""))
    if not font_name:
        raise SpecError(f"{path}: font: a font file name in {fonts} is required")
    font_file = fonts / font_name
    if not font_file.is_file():
        raise MediaError(f"{font_file}: font file of caption style {name!r} is missing")
    kwargs: dict[str, Any] = {k: v for k, v in data.items() if k not in {"font", "raise"}}
    if "raise" in data:
        kwargs["raise_"] = float(data["raise"])
    try:
        style = CaptionStyle(name=name, font_file=font_file, **kwargs)
    except TypeError as exc:
        raise SpecError(f"{path}: {exc}") from exc
    if style.align not in {"bottom", "middle", "top"}:
        raise SpecError(f"{path}: align: expected bottom, middle or top, got {style.align!r}")
    if style.justify not in {"left", "center", "right"}:
        raise SpecError(f"{path}: justify: expected left, center or right, got {style.justify!r}")
    _check_style_values(style, str(path))
    return style


def _check_style_values(style: CaptionStyle, where: str) -> None:
    if style.animation not in ANIMATIONS:
        raise SpecError(f"{where}: animation: expected one of {', '.join(ANIMATIONS)}, "
                        f"got {style.animation!r}")
    for field in ("color", "outline_color", "shadow_color", "box_color", "highlight_color"):
        parse_color(getattr(style, field), where=f"{where}: {field}")
    if style.accent_color is not None:
        parse_color(style.accent_color, where=f"{where}: accent_color")
    if not 1 <= int(style.words_per_chunk) <= 12 or int(style.max_lines) not in (1, 2):
        raise SpecError(f"{where}: words_per_chunk is 1 to 12 and max_lines 1 or 2")


def apply_options(
    style: CaptionStyle, options: Sequence[tuple[str, object]], *, where: str = "caption options"
) -> CaptionStyle:
    """The style with a clip's or target's overrides (CaptionOptions fields) applied."""
    from dataclasses import replace

    if not options:
        return style
    changes: dict[str, Any] = {}
    for key, value in options:
        if key == "font":
            font_file = fonts_dir() / str(value)
            if not font_file.is_file():
                raise MediaError(f"{font_file}: font file of {where} is missing")
            changes["font_file"] = font_file
        else:
            changes[key] = value
    try:
        out = replace(style, **changes)
    except TypeError as exc:
        raise SpecError(f"{where}: {exc}") from exc
    _check_style_values(out, where)
    return out


def style_font_files(name: str) -> list[Path]:
    """The font files a style draws with (its text font and the emoji font), for hashing."""
    style = load_style(name)
    return [style.font_file, emoji_font_file()]


def font_chain(style: CaptionStyle) -> list[Path]:
    """The fonts a caption is drawn with, in order: the style's, the bundled script fonts,
    system CJK fonts when installed, and the emoji font."""
    bundled = [fonts_dir() / name for name in SCRIPT_FONT_FILES]
    return [style.font_file, *[p for p in bundled if p.is_file()], *system_cjk_fonts(),
            emoji_font_file()]


@functools.lru_cache(maxsize=4)
def _system_cjk_fonts(dirs: tuple[str, ...]) -> tuple[Path, ...]:
    found: list[tuple[int, Path]] = []
    for folder in dirs:
        root = Path(folder).expanduser()
        if not root.is_dir():
            continue
        for path in root.rglob("*"):
            if path.suffix.lower() not in {".ttf", ".otf", ".ttc", ".otc"}:
                continue
            stem = path.stem.lower().replace(" ", "")
            for rank, prefix in enumerate(CJK_FONT_PREFIXES):
                if stem.startswith(prefix):
                    found.append((rank, path))
                    break
    return tuple(p for _, p in sorted(found)[:1])


def system_cjk_fonts() -> tuple[Path, ...]:
    """An installed CJK font (none bundled: they are tens of megabytes), or nothing."""
    env = os.environ.get(SYSTEM_FONT_DIRS_ENV)
    dirs = tuple(d for d in env.split(os.pathsep) if d) if env is not None else _SYSTEM_FONT_DIRS
    return _system_cjk_fonts(dirs)


def emoji_font_file() -> Path:
    path = fonts_dir() / EMOJI_FONT_FILE
    if not path.is_file():
        raise MediaError(f"{path}: emoji font is missing")
    return path


@functools.lru_cache(maxsize=16)
def _font_facts(path: Path) -> tuple[str, frozenset[int]]:
    """The family name libass matches, and the code points the font draws."""
    from fontTools.ttLib import TTFont, TTLibError  # type: ignore[import-untyped]

    try:
        font = TTFont(str(path), lazy=True, fontNumber=0)
    except (TTLibError, OSError) as exc:
        raise MediaError(f"{path}: not a readable font file ({exc})") from exc
    with font:
        family = font["name"].getDebugName(1) or path.stem
        cmap = frozenset(font.getBestCmap() or {})
    return family, cmap


def font_family(path: Path) -> str:
    return _font_facts(path)[0]


# --------------------------------------------------------------------------- reading


def read_captions(captions: Captions, segments: Sequence[Segment]) -> tuple[list[TimedText], str]:
    """Caption lines on the clip timeline and the encoding the file was read with."""
    if captions.file is None:
        clip_len = sum(s.duration for s in segments)
        return clip_inline(captions.lines, clip_len), "utf-8"
    text, encoding = decode_caption_file(captions.file, captions.encoding)
    events = parse_caption_text(text, captions.file)
    return remap_to_clip(events, segments), encoding


def decode_caption_file(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """The file's text and its encoding: the given one, else UTF-8, else cp1252 / latin-1."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise MediaError(f"{path}: cannot read caption file ({exc.strerror or exc})") from exc
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except LookupError as exc:
            raise SpecError(f"{path}: unknown encoding {encoding!r}") from exc
        except UnicodeDecodeError as exc:
            raise MediaError(
                f"{path}: not valid {encoding} (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
            ) from exc
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16"), "utf-16"
    for candidate in LEGACY_ENCODINGS:
        try:
            return raw.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise MediaError(  # unreachable for latin-1, kept for a narrower LEGACY_ENCODINGS
        f"{path}: not UTF-8 (byte 0x{raw[first_bad]:02x} at offset {first_bad}); "
        "set captions.encoding"
    )


def parse_caption_text(text: str, path: Path) -> list[TimedText]:
    """SRT/VTT/ASS text → plain lines on the file's own (source) timeline."""
    import pysubs2

    try:
        subs = pysubs2.SSAFile.from_string(text)
    except (pysubs2.exceptions.FormatAutodetectionError, ValueError) as exc:
        raise MediaError(f"{path}: not a subtitle file pysubs2 can read ({exc})") from exc
    out = []
    for ev in subs.events:
        if ev.is_comment:
            continue
        plain = ev.plaintext.strip()
        if plain:
            out.append(TimedText(ev.start / 1000.0, ev.end / 1000.0, plain))
    return out


def remap_to_clip(events: Iterable[TimedText], segments: Sequence[Segment]) -> list[TimedText]:
    """Move source-timed lines onto the joined cut: outside lines dropped, straddlers clipped."""
    out = [TimedText(start, end, ev.text)
           for ev, start, end in onto_cut(events, segments, MIN_LINE_SECONDS)]
    out.sort(key=lambda e: (e.start, e.end))
    return out


def clip_inline(lines: Iterable[CaptionLine], clip_len: float) -> list[TimedText]:
    """Inline lines are already on the clip timeline; clip them to its length."""
    out = []
    for line in lines:
        start, end = max(0.0, line.start), min(clip_len, line.end)
        if end - start >= MIN_LINE_SECONDS and line.text.strip():
            out.append(TimedText(start, end, line.text.strip()))
    return out


# --------------------------------------------------------------------------- writing


def parse_color(value: str, *, where: str = "color") -> tuple[int, int, int, int]:
    """``#RRGGBB`` or ``#RRGGBBAA`` (AA = opacity) → (r, g, b, ASS alpha where 0 is opaque)."""
    text = str(value).strip().lstrip("#")
    if len(text) not in (6, 8):
        raise SpecError(f"{where}: expected #RRGGBB or #RRGGBBAA, got {value!r}")
    try:
        r, g, b = int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)
        opacity = int(text[6:8], 16) if len(text) == 8 else 255
    except ValueError as exc:
        raise SpecError(f"{where}: expected #RRGGBB or #RRGGBBAA, got {value!r}") from exc
    return r, g, b, 255 - opacity


def _alignment(style: CaptionStyle) -> int:
    """ASS numpad alignment from vertical and horizontal placement."""
    column = {"left": 1, "center": 2, "right": 3}[style.justify]
    row = {"bottom": 0, "middle": 3, "top": 6}[style.align]
    return row + column


def ass_style(style: CaptionStyle, preset: Preset, *, family: str | None = None) -> Any:
    """A pysubs2 SSAStyle in output pixels, kept inside the preset's safe zone."""
    import pysubs2

    w, h = preset.width, preset.height
    size = max(8, round(style.size * min(w, h)))
    zone = preset.safe_zone
    side_pad = round(0.02 * w)
    s = pysubs2.SSAStyle()
    s.fontname = family or font_family(style.font_file)
    s.fontsize = size
    s.bold = False  # weight comes from the font file itself; faux bold would thicken it
    s.primarycolor = pysubs2.Color(*parse_color(style.color))
    s.secondarycolor = pysubs2.Color(*parse_color(style.color))
    if style.box:
        # libass's BorderStyle 4 draws one box behind the whole event in BackColour, padded by
        # Outline; style 3 boxes each font run, and the emoji run's box overlaps the text's.
        s.borderstyle = 4
        s.outlinecolor = pysubs2.Color(0, 0, 0, 255)  # no glyph outline inside the box
        s.backcolor = pysubs2.Color(*parse_color(style.box_color))
        s.outline = round(style.box_padding * size, 1)
        s.shadow = 0
    else:
        s.borderstyle = 1
        s.outlinecolor = pysubs2.Color(*parse_color(style.outline_color))
        s.backcolor = pysubs2.Color(*parse_color(style.shadow_color))
        s.outline = round(style.outline * size, 1)
        s.shadow = round(style.shadow * size, 1)
    s.alignment = pysubs2.Alignment(_alignment(style))
    s.marginl = round(zone.left * w) + side_pad
    s.marginr = round(zone.right * w) + side_pad
    edge = zone.top if style.align == "top" else zone.bottom
    s.marginv = max(0, round((edge + style.raise_) * h))
    s.spacing = style.line_spacing
    return s


def ass_text(text: str, style: CaptionStyle) -> str:
    """Plain text → an ASS event body: case, line breaks, escapes and font runs."""
    if style.uppercase:
        text = text.upper()
    chain = [_font_facts(p) for p in font_chain(style)]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "\\N".join(font_runs(line, chain) for line in lines)


def missing_glyphs(text: str, style: CaptionStyle) -> str:
    """The characters of ``text`` that no font of the style's chain can draw."""
    cmaps = [_font_facts(p)[1] for p in font_chain(style)]
    if style.uppercase:
        text = text.upper()
    seen: dict[str, None] = {}
    for ch in text:
        cp = ord(ch)
        if ch.isspace() or cp in _EMOJI_JOINERS or any(cp in cmap for cmap in cmaps):
            continue
        seen.setdefault(ch, None)
    return "".join(seen)


def _escape(text: str) -> str:
    # A backslash would start an override (\N, \h): a word joiner after it defuses it.
    # libass draws \{ and \} as literal braces instead of opening an override block.
    return text.replace("\\", "\\\u2060").replace("{", "\\{").replace("}", "\\}")


def font_runs(line: str, chain: Sequence[tuple[str, frozenset[int]]]) -> str:
    """Escape ``line`` and switch font (``\\fn``) for each run the text font cannot draw.

    ``chain`` is (family, code points) per font, the text font first and the emoji font last.
    A character goes to the first font that draws it; spaces and punctuation stay in the run
    they follow, so a right-to-left phrase stays one run and shapes as one.
    """
    parts: list[str] = []
    run: list[str] = []
    current = 0
    emoji = len(chain) - 1
    for ch in line:
        cp = ord(ch)
        if cp in _EMOJI_JOINERS:
            if current != emoji:
                continue  # a stray variation selector after text: invisible, drop it
            run.append(ch)
            continue
        if ch in _NEUTRAL and current != emoji and cp in chain[current][1]:
            wanted = current
        else:
            wanted = next((k for k, (_, cmap) in enumerate(chain) if cp in cmap), 0)
        if wanted != current and run:
            parts.append(_escape("".join(run)))
            run = []
        if wanted != current:
            parts.append(f"{{\\fn{chain[wanted][0]}}}")
            current = wanted
        run.append(ch)
    if run:
        parts.append(_escape("".join(run)))
    if current != 0:
        parts.append(f"{{\\fn{chain[0][0]}}}")
    return "".join(parts)


def write_ass(
    path: Path,
    preset: Preset,
    lines: Sequence[TimedText],
    caption_style: CaptionStyle | None,
    hook: Hook | None,
    hook_style: CaptionStyle | None,
    *,
    words: Sequence[Any] | None = None,
    highlight: Sequence[str] = (),
    upper: bool | None = None,
) -> Path:
    """Write the ASS file one variant burns in: caption lines (or word-timed captions,
    animated as the style says) plus the hook."""
    import pysubs2

    from vidcamp.render.word_captions import word_events

    if caption_style is not None and upper is not None:
        from dataclasses import replace

        caption_style = replace(caption_style, uppercase=upper)
    # word-timed captions become animated events; line captions (words None) keep their lines
    animated = (
        word_events(words, caption_style, highlight=highlight)
        if caption_style is not None and words is not None else None
    )

    subs = pysubs2.SSAFile()
    subs.info["PlayResX"] = str(preset.width)
    subs.info["PlayResY"] = str(preset.height)
    subs.info["WrapStyle"] = "0"  # smart wrapping inside the margins, top line longer
    subs.info["ScaledBorderAndShadow"] = "yes"
    subs.styles.clear()
    if caption_style is not None:
        subs.styles["Caption"] = ass_style(caption_style, preset)
        for event in animated or ():
            subs.events.append(
                pysubs2.SSAEvent(start=round(event.start * 1000), end=round(event.end * 1000),
                                 text=event.text, style="Caption")
            )
        for line in lines if animated is None else ():
            subs.events.append(
                pysubs2.SSAEvent(
                    start=round(line.start * 1000),
                    end=round(line.end * 1000),
                    text=ass_text(line.text, caption_style),
                    style="Caption",
                )
            )
    if hook is not None and hook.text.strip() and hook_style is not None:
        subs.styles["Hook"] = ass_style(hook_style, preset)
        subs.events.append(
            pysubs2.SSAEvent(
                start=0,
                end=round(hook.duration * 1000),
                text=ass_text(hook.text, hook_style),
                style="Hook",
                layer=1,
            )
        )
    for name, style in subs.styles.items():
        if any(_has_rtl(e.text) for e in subs.events if e.style == name):
            # libass lays a line out left to right unless told to find its base direction:
            # words of a right-to-left line split into font runs would come out reversed
            style.encoding = -1
    path.write_text(subs.to_string("ass"), encoding="utf-8")
    return path


def _has_rtl(text: str) -> bool:
    import unicodedata

    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)
