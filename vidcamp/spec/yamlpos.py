"""Load YAML with the safe loader and remember where every key and value came from.

PyYAML's composer gives nodes with marks; we build plain Python values from them and keep a
map ``path -> Position`` so a validation error on ``clips[2].cut[0].to`` can name its line.

A spec is plain data, so the composer also refuses what only a hostile file contains: aliases
that expand past ``MAX_VALUES`` values ("billion laughs"), nesting deeper than ``MAX_DEPTH``,
an alias inside its own anchor, and explicit tags other than YAML's own scalar and collection
tags. Each check runs while composing, in time and memory linear in the file's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from vidcamp.errors import Location, SpecError, SpecErrors

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based
    origin: PathKey | None = None  # where the value was written, when merged from elsewhere


@dataclass
class Positions:
    """Where each value (and each mapping key) of a loaded document was written."""

    file: Path
    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)

    def location(self, path: PathKey, *, key: bool = False) -> Location:
        """The location of ``path``, or of its nearest ancestor that has one."""
        table = self.keys if key and path in self.keys else self.values
        probe = tuple(path)
        while probe:
            pos = table.get(probe) or self.values.get(probe)
            if pos is not None:
                return Location(self.file, pos.line, pos.column)
            probe = probe[:-1]
        pos = self.values.get(())
        if pos is not None:
            return Location(self.file, pos.line, pos.column)
        return Location(self.file, 1, 1)

    def origin(self, path: PathKey) -> PathKey:
        """The path a value was written at (differs from ``path`` for inherited defaults)."""
        probe = tuple(path)
        while probe:
            pos = self.values.get(probe)
            if pos is not None and pos.origin is not None:
                return pos.origin + tuple(path[len(probe) :])
            probe = probe[:-1]
        return tuple(path)

    def copy_subtree(self, src: PathKey, dst: PathKey) -> None:
        """Record that the value at ``dst`` is the one written at ``src``."""
        for table in (self.values, self.keys):
            for path, pos in list(table.items()):
                if path[: len(src)] == src:
                    rest = path[len(src) :]
                    table[dst + rest] = Position(pos.line, pos.column, pos.origin or src + rest)


def format_path(path: PathKey) -> str:
    """``("clips", 2, "cut", 0, "to")`` -> ``clips[2].cut[0].to``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


#: the most values a spec may expand to once aliases are followed (a large campaign has ~20k)
MAX_VALUES = 100_000
#: the deepest nesting of mappings and lists (a campaign needs about 6)
MAX_DEPTH = 64
#: the largest spec file read
MAX_BYTES = 4 * 1024 * 1024

# explicit tags a spec may carry: YAML's own plain-data tags, nothing that constructs objects
_PLAIN_TAGS = frozenset(
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)


class _Constructor(yaml.constructor.SafeConstructor):
    pass


class _GuardedLoader(yaml.SafeLoader):
    """A safe loader whose composer counts expanded values and depth as it goes."""

    def __init__(self, stream: str, file: Path) -> None:
        super().__init__(stream)
        self.file = file
        self.depth = 0
        self.total = 0  # values in the document with every alias expanded
        self.sizes: dict[int, int] = {}  # id(node) -> its expanded size, once composed
        self.heights: dict[int, int] = {}  # id(node) -> its expanded depth, once composed
        self.tag_errors: list[SpecError] = []

    def compose_document(self) -> yaml.Node | None:
        self.total = 0
        node: yaml.Node | None = super().compose_document()
        return node

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            node: yaml.Node | None = super().compose_node(parent, index)
            assert node is not None
            if id(node) not in self.sizes:
                raise self._refuse(event, f"alias *{event.anchor} is used inside its own anchor")
            self._count(event, self.sizes[id(node)], self.heights[id(node)])
            return node
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self._refuse(event, f"nested more than {MAX_DEPTH} levels deep")
        self._count(event, 1, 1)
        before = self.total
        node = super().compose_node(parent, index)
        self.depth -= 1
        assert node is not None
        self.sizes[id(node)] = 1 + self.total - before
        self.heights[id(node)] = 1 + max(
            (self.heights[id(child)] for child in _children(node)), default=0
        )
        explicit = getattr(event, "tag", None)
        if explicit not in (None, "!") and node.tag not in _PLAIN_TAGS:
            self.tag_errors.append(
                self._refuse(
                    event,
                    f"the tag {_shown_tag(str(explicit))} is not allowed; a campaign is plain "
                    "YAML data",
                )
            )
        return node

    def _count(self, event: yaml.Event, size: int, height: int) -> None:
        self.total += size
        if self.total > MAX_VALUES:
            raise self._refuse(
                event, f"aliases here expand the document past {MAX_VALUES:,} values"
            )
        if self.depth + height - 1 > MAX_DEPTH:
            raise self._refuse(event, f"nested more than {MAX_DEPTH} levels deep (through aliases)")

    def _refuse(self, event: yaml.Event, reason: str) -> SpecError:
        mark = event.start_mark
        if mark is None:
            return SpecError(reason, location=Location(self.file))
        return SpecError(reason, location=Location(self.file, mark.line + 1, mark.column + 1))


def _shown_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def load_yaml(path: Path) -> tuple[Any, Positions]:
    """Parse one YAML document safely; SpecError with file:line:col on any syntax problem."""
    positions = Positions(file=path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SpecError("file not found", location=Location(path)) from None
    except OSError as exc:
        raise SpecError(f"cannot read the file ({exc.strerror})", location=Location(path)) from None
    if len(raw) > MAX_BYTES:
        raise SpecError(
            f"the file is {len(raw) / 2**20:.1f} MiB; a campaign spec is at most "
            f"{MAX_BYTES // 2**20} MiB",
            location=Location(path),
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SpecError(
            "the file is not UTF-8 text; save it as UTF-8",
            location=Location(path, line),
        ) from None
    loader = _GuardedLoader(text, path)
    try:
        nodes: list[yaml.Node] = []
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                nodes.append(node)
            if loader.tag_errors:
                break
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(path, text, exc) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"YAML syntax: {exc}", location=Location(path)) from None
    finally:
        loader.dispose()
    if loader.tag_errors:
        raise SpecErrors(loader.tag_errors) if len(loader.tag_errors) > 1 else loader.tag_errors[0]
    if len(nodes) > 1:
        mark = nodes[1].start_mark
        raise SpecError(
            "one campaign per file: found a second YAML document (---)",
            location=Location(path, mark.line + 1, mark.column + 1),
        )
    node = nodes[0] if nodes else None
    if node is None:
        raise SpecError(
            "the file is empty; expected a campaign mapping (name, sources, clips, targets...)",
            location=Location(path, 1, 1),
        )
    constructor = _Constructor()
    value = _build(node, (), positions, constructor)
    return value, positions


def _build(node: yaml.Node, path: PathKey, positions: Positions, ctor: _Constructor) -> Any:
    positions.values[path] = Position(node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        ctor.flatten_mapping(node)  # resolves `<<: *anchor` merge keys
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise SpecError(
                    "a key must be plain text, not a list or mapping",
                    location=Location(
                        positions.file, key_node.start_mark.line + 1, key_node.start_mark.column + 1
                    ),
                    field=format_path(path),
                )
            key = ctor.construct_object(key_node, deep=True)
            if isinstance(key, bool):  # YAML 1.1 reads keys such as `on:` as booleans
                key = str(key_node.value)
            elif not isinstance(key, str):
                key = str(key)
            child = (*path, key)
            key_pos = Position(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in out:
                raise SpecError(
                    f'duplicate key "{key}" (first given at line {positions.keys[child].line})',
                    location=Location(positions.file, key_pos.line, key_pos.column),
                    field=format_path(child),
                )
            positions.keys[child] = key_pos
            out[key] = _build(value_node, child, positions, ctor)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), positions, ctor) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    # YAML 1.1 reads 1:30 as the base-60 integer 90; keep such values as written so that
    # timecodes are parsed by our rules, not by YAML's.
    if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and ":" in node.value:
        return node.value
    return ctor.construct_object(node, deep=True)


def _syntax_error(path: Path, text: str, exc: yaml.MarkedYAMLError) -> SpecError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    problem = exc.problem or exc.context or "invalid YAML"
    lines = text.splitlines()
    offending = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    if "\\t" in problem or "\t" in offending[: (mark.column + 1) if mark else 0]:
        problem = "a tab character; indent with spaces, not tabs"
    return SpecError(f"YAML syntax: {problem}", location=Location(path, line, column))
