"""Checks of word-timed captions and of caption glyph coverage, for ``vidcamp validate``.

Every caption character must be drawn by a font of the style's chain (its own font, the bundled
Arabic and Hebrew fonts, an installed CJK font, the emoji font): libass would otherwise draw a
box or nothing. A character no font draws is named with the file and line it is written on.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from vidcamp.errors import SpecError
from vidcamp.spec.models import Clip
from vidcamp.spec.yamlpos import PathKey

if TYPE_CHECKING:
    from vidcamp.render.captions import CaptionStyle
    from vidcamp.spec.checks import CheckReport

CJK_HINT = ("install a CJK font (e.g. Debian fonts-noto-cjk) or set "
            "VIDCAMP_SYSTEM_FONT_DIRS to a folder holding one")


def check_word_captions(report: CheckReport, base: PathKey, clip: Clip, styles: list[str]) -> None:
    """Rules for ``auto``/``words``/``language``/``model`` and glyph coverage of the captions."""
    from vidcamp.transcribe import WHISPER_LANGUAGES

    captions = clip.captions
    if captions is None:
        return
    loaded = report.campaign
    if captions.auto and (captions.file or captions.lines or captions.words):
        report.fail((*base, "auto"), "auto transcribes the speech: drop file, lines and words")
        return
    if captions.words and (captions.file or captions.lines):
        report.fail((*base, "words"), "give words, file or lines, only one of them")
        return
    if captions.language != "auto" and captions.language not in WHISPER_LANGUAGES:
        report.fail((*base, "language"),
                    f'Whisper knows no language "{captions.language}" '
                    "(use a code such as en, it, es, ar, ja, or auto)")
    if captions.auto and _looks_like_path(captions.model):
        from vidcamp.transcribe.whisper import MODEL_FILES

        folder = loaded.resolve(captions.model)
        missing = [n for n in MODEL_FILES if not (folder / n).is_file()]
        if not folder.is_dir():
            report.fail((*base, "model"), f"{captions.model}: model folder not found")
        elif missing:
            report.fail((*base, "model"), f"{captions.model}: not a CTranslate2 Whisper model "
                        f"folder (no {', '.join(missing)})")
    if captions.auto and not _has_transcribe_extra():
        from vidcamp.transcribe import INSTALL_HINT
        from vidcamp.transcribe.words import words_path

        if not words_path(loaded.base_dir, clip.id).is_file():
            report.warn((*base, "auto"), f"no transcript yet and {INSTALL_HINT}")
    texts = _caption_texts(report, base, clip)
    if texts is None:
        return
    for style in _styles_of(report, clip, styles):
        _check_coverage(report, base, style, texts)


def _has_transcribe_extra() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec("faster_whisper") is not None
    except (ImportError, ValueError):  # ValueError: blocked in sys.modules
        return False


def _looks_like_path(model: str) -> bool:
    return "/" in model or "\\" in model or model.startswith(".")


def _caption_texts(
    report: CheckReport, base: PathKey, clip: Clip
) -> list[tuple[PathKey, str, str]] | None:
    """(where, file:line label or "", text) of every caption line; None after a failure."""
    from vidcamp.jobs import Segment
    from vidcamp.transcribe.words import read_word_file, read_words, stale_cut, words_path

    captions = clip.captions
    assert captions is not None
    loaded = report.campaign
    out: list[tuple[PathKey, str, str]] = []
    try:
        if captions.auto:
            path = words_path(loaded.base_dir, clip.id)
            if path.is_file():
                transcript = read_words(path)
                if stale_cut(transcript, [Segment(c.start, c.end) for c in clip.cut]):
                    report.warn((*base, "auto"), f"{_rel(path, loaded.base_dir)}: made for "
                                "another cut of the clip; its word times may be off (vidcamp "
                                f"transcribe --force --only {clip.id})")
                for w in transcript.words:
                    out.append(((*base, "auto"), f"{_rel(path, loaded.base_dir)}:{w.line}", w.text))
        elif captions.words:
            path = loaded.resolve(captions.words)
            if not path.is_file():
                report.fail((*base, "words"), f"{captions.words}: file not found")
                return None
            read_word_file(path)
            out += [((*base, "words"), label, text) for label, text in _file_lines(path, loaded)]
        elif captions.file:
            path = loaded.resolve(captions.file)
            if path.is_file():
                out += [((*base, "file"), label, text) for label, text in _file_lines(path, loaded)]
        for k, line in enumerate(captions.lines or []):
            out.append(((*base, "lines", k, "text"), "", line.text))
    except SpecError as exc:  # MediaError included: a bad transcript names its file and line
        where = "auto" if captions.auto else "words"
        report.fail((*base, where), exc.message)
        return None
    return out


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _file_lines(path: Path, loaded: object) -> Iterator[tuple[str, str]]:
    from vidcamp.render.captions import decode_caption_file

    root = getattr(loaded, "base_dir", path.parent)
    try:
        text, _ = decode_caption_file(path)
    except SpecError:
        return  # reported by the caption file check
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield f"{_rel(path, root)}:{n}", line


def _styles_of(report: CheckReport, clip: Clip, styles: list[str]) -> list[CaptionStyle]:
    from vidcamp.plan import DEFAULT_CAPTION_STYLE, DEFAULT_WORD_STYLE, caption_options
    from vidcamp.render.captions import apply_options, load_style

    captions = clip.captions
    assert captions is not None
    word_timed = captions.auto or captions.words is not None
    name = captions.style or (DEFAULT_WORD_STYLE if word_timed else DEFAULT_CAPTION_STYLE)
    spec = report.campaign.spec
    names = {name}
    for target in clip.targets or list(spec.targets):
        t = spec.targets.get(target)
        if t is not None and t.caption_style:
            names.add(t.caption_style)
    out = []
    for style_name in sorted(n for n in names if n in styles):
        try:
            style = load_style(style_name)
            style = apply_options(style, caption_options(captions.options))
            if captions.upper is not None:
                from dataclasses import replace

                style = replace(style, uppercase=captions.upper)
        except SpecError:
            continue  # reported where the style or option is named
        out.append(style)
    return out


def _check_coverage(
    report: CheckReport, base: PathKey, style: CaptionStyle,
    texts: list[tuple[PathKey, str, str]],
) -> None:
    from vidcamp.render.captions import missing_glyphs

    for where, label, text in texts:
        missing = missing_glyphs(text, style)
        if not missing:
            continue
        named = ", ".join(f"{ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, '?')})"
                          for ch in missing[:3])
        cjk = any(unicodedata.name(ch, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))
                  for ch in missing)
        fix = CJK_HINT if cjk else "choose a style or font: that draws it"
        prefix = f"{label}: " if label else ""
        report.fail(where, f"{prefix}no caption font of style {style.name!r} draws {named}; {fix}")
