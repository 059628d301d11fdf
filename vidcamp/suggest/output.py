"""Suggestions as ready-to-edit campaign YAML, JSON, or a printed table.

``--write FILE`` either starts a new campaign (FILE does not exist) or appends the clips to
an existing one by inserting text: the user's clips, comments and layout stay byte for byte,
and a source entry for the footage is added only when no source points at it. The result is
parsed and validated before it replaces FILE; anything wrong leaves FILE untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidcamp.errors import Location, SpecError, UsageError
from vidcamp.spec.timecode import format_timecode
from vidcamp.suggest.engine import Suggestion, SuggestResult


def clip_id(s: Suggestion, taken: set[str]) -> str:
    """``s-12m03s``: where the clip starts; a suffix when that id is taken."""
    m, sec = divmod(int(s.start), 60)
    base = f"s-{m:02d}m{sec:02d}s"
    name, k = base, 2
    while name in taken:
        name, k = f"{base}-{k}", k + 1
    taken.add(name)
    return name


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def explain(s: Suggestion) -> str:
    """The parts of a score in one line (their measurements are in --json)."""
    return ", ".join(f"{p.name} {p.value:.2f}" for p in s.candidate.parts)


def clips_yaml(result: SuggestResult, source: str, indent: int, taken: set[str]) -> str:
    """The suggestions as block-sequence items at ``indent`` spaces, with a comment each."""
    pad = " " * indent
    lines: list[str] = []
    for s in result.suggestions:
        lines.append(f"{pad}# suggested #{s.rank}, score {s.score:.1f}: {explain(s)}")
        lines.append(f"{pad}- id: {clip_id(s, taken)}")
        lines.append(f"{pad}  source: {source}")
        lines.append(f"{pad}  title: {_q(s.title)}")
        lines.append(f"{pad}  cut:")
        start, end = format_timecode(s.start), format_timecode(s.end)
        lines.append(f'{pad}    - {{from: "{start}", to: "{end}"}}')
        if result.auto_captions is not None:
            model, language = result.auto_captions
            lines.append(f"{pad}  captions:")
            lines.append(f"{pad}    auto: true")
            if language != "auto":
                lines.append(f"{pad}    language: {_q(language)}")
            if model != "base":
                lines.append(f"{pad}    model: {_q(model)}")
        elif s.captions:
            lines.append(f"{pad}  captions:")
            lines.append(f"{pad}    lines:")
            for a, b, text in s.captions:
                lines.append(f"{pad}      - {{start: {a:.2f}, end: {b:.2f}, text: {_q(text)}}}")
    return "\n".join(lines) + "\n"


def new_campaign_text(result: SuggestResult, campaign: Path) -> str:
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", result.footage.stem).strip("-_")[:50] or "suggested"
    if not name[0].isalnum():
        name = "c" + name
    lo, hi = result.length_range
    head = [
        f"# Clips suggested by `vidcamp suggest` from {result.footage.name} "
        f"({result.target}, {lo:g}-{hi:g} s).",
        "# Each clip's comment says what its score is made of. Edit cuts, titles and captions,",
        "# delete what you do not want, then run `vidcamp validate` and `vidcamp build`.",
        f"name: {name}",
        "sources:",
        f"  main: {_q(_relative(result.footage, campaign))}",
        "targets:",
        f"  {result.target}:",
        "clips:",
    ]
    return "\n".join(head) + "\n" + clips_yaml(result, "main", 2, set())


@dataclass(frozen=True)
class Written:
    path: Path
    clip_ids: tuple[str, ...]
    created: bool


def write_campaign(result: SuggestResult, path: Path) -> Written:
    """Create ``path`` or append the suggestions to it; validated before it is replaced."""
    from vidcamp.spec.loader import load_campaign

    if not result.suggestions:
        raise UsageError(f"{path}: no clip suggested, nothing written")
    created = not path.exists()
    if created:
        text = new_campaign_text(result, path)
    else:
        original = _read(path)
        load_campaign(path)  # a target that does not parse or validate: its error, no write
        text = _append(original, result, path)
    tmp = path.with_name(f".{path.name}.suggest{os.getpid()}{path.suffix or '.yaml'}")
    try:
        tmp.write_text(text, encoding="utf-8")
        try:
            loaded = load_campaign(tmp)
        except SpecError as exc:  # e.g. `defaults` the new clips cannot take; name the real file
            first = exc.lines[0].replace(tmp.name, path.name)
            raise SpecError(f"the suggested clips would not validate ({first}); nothing "
                            "written", location=Location(path)) from exc
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    ids = tuple(c.id for c in loaded.spec.clips[-len(result.suggestions):])
    return Written(path, ids, created)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise SpecError("not UTF-8 text", field=str(path)) from exc


def check_target(path: Path) -> None:
    """Fail now, before the long pass, when ``path`` exists and cannot take the clips."""
    from vidcamp.spec.loader import load_campaign

    if path.exists():
        load_campaign(path)
        _layout(_read(path), path)


def _layout(text: str, path: Path) -> tuple[Any, Any]:
    """The ``clips`` and ``sources`` nodes, when they are written in block style."""
    import yaml

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        raise UsageError(f"{path}: not a campaign mapping, nothing written")
    nodes = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    clips, sources = nodes.get("clips"), nodes.get("sources")
    if not isinstance(clips, yaml.SequenceNode) or clips.flow_style or not clips.value:
        raise UsageError(f"{path}: `clips` is not a block list (- id: ...); write the "
                         "suggestions to a new file instead, nothing written")
    if not isinstance(sources, yaml.MappingNode) or sources.flow_style or not sources.value:
        raise UsageError(f"{path}: `sources` is not a block mapping (name: path); write the "
                         "suggestions to a new file instead, nothing written")
    return clips, sources


def _append(text: str, result: SuggestResult, path: Path) -> str:
    clips, sources = _layout(text, path)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    plain = text.splitlines()
    taken = {str(_scalar(item, "id")) for item in clips.value}
    source_name, source_line = _source_for(result.footage, path, sources, plain)
    first = clips.value[0]
    dash = _dash_column(plain, first)
    insert_at = _block_end(plain, clips.value[-1], dash)
    inserts = [(insert_at, clips_yaml(result, source_name, dash, taken))]
    if source_line is not None:
        inserts.append(source_line)
    for at, block in sorted(inserts, key=lambda x: -x[0]):
        lines[at:at] = [block]
    return "".join(lines)


def _scalar(node: Any, key: str) -> Any:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key and isinstance(v, yaml.ScalarNode):
                return v.value
    return None


def _source_for(
    footage: Path, campaign: Path, sources: Any, lines: Sequence[str]
) -> tuple[str, tuple[int, str] | None]:
    """The name of the source that is ``footage``, or a new entry to insert for it (``lines``:
    the campaign's text)."""
    import yaml

    want = footage.resolve()
    names = set()
    for k, v in sources.value:
        names.add(k.value)
        where = v.value if isinstance(v, yaml.ScalarNode) else _scalar(v, "path")
        if where and (campaign.parent / str(where)).resolve() == want:
            return str(k.value), None
    name, n = "suggested", 2
    while name in names:
        name, n = f"suggested{n}", n + 1
    key = sources.value[0][0]
    indent = " " * key.start_mark.column
    last = sources.value[-1][1]
    at = last.end_mark.line + (1 if last.end_mark.column else 0)
    at = _trim_trailing(lines, at, key.start_mark.column)
    return name, (at, f"{indent}{name}: {_q(_relative(footage, campaign))}\n")


def _dash_column(lines: Sequence[str], item: Any) -> int:
    line = lines[item.start_mark.line]
    col = item.start_mark.column
    while col > 0 and line[col - 1] != "-":
        col -= 1
    return max(0, col - 1)


def _block_end(lines: Sequence[str], last_item: Any, dash: int) -> int:
    end = last_item.end_mark.line + (1 if last_item.end_mark.column else 0)
    return _trim_trailing(lines, end, dash)


def _trim_trailing(lines: Sequence[str], end: int, indent: int) -> int:
    """Step back over blank lines and less-indented comments that belong to what follows."""
    end = min(end, len(lines))
    while end > 0:
        line = lines[end - 1]
        stripped = line.lstrip()
        if not stripped or (stripped.startswith("#") and len(line) - len(stripped) < indent):
            end -= 1
            continue
        break
    return end


def _relative(footage: Path, campaign: Path) -> str:
    try:
        return os.path.relpath(footage.resolve(), campaign.resolve().parent)
    except ValueError:  # another drive (Windows)
        return str(footage.resolve())


def to_json(result: SuggestResult) -> dict[str, Any]:
    taken: set[str] = set()
    return {
        "footage": str(result.footage),
        "target": result.target,
        "length": list(result.length_range),
        "duration": round(result.signals.duration, 3),
        "audio": result.signals.has_audio,
        "transcript": result.transcript,
        "considered": result.considered,
        "notes": list(result.notes),
        "signals": {
            "shot_changes": len(result.signals.cuts),
            "pauses": len(result.signals.silences),
        },
        "clips": [
            {
                "rank": s.rank,
                "id": clip_id(s, taken),
                "start": round(s.start, 3),
                "end": round(s.end, 3),
                "duration": round(s.end - s.start, 3),
                "score": s.score,
                "starts_on": s.candidate.start.kind,
                "ends_on": s.candidate.end.kind,
                "title": s.title,
                "parts": {
                    p.name: {"value": round(p.value, 3), "weight": p.weight,
                             "points": round(100 * p.points, 2), "detail": p.detail}
                    for p in s.candidate.parts
                },
                "captions": [{"start": a, "end": b, "text": t} for a, b, t in s.captions],
            }
            for s in result.suggestions
        ],
    }
