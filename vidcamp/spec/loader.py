"""campaign.yaml -> validated ``Campaign``, with every error pointing at file:line:column."""

from __future__ import annotations

import copy
import difflib
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from vidcamp.errors import Location, SpecError, SpecErrors
from vidcamp.spec.models import UNION_TAGS, Campaign, show_value
from vidcamp.spec.yamlpos import PathKey, Positions, format_path, load_yaml

# Clip fields whose mappings merge key by key with `defaults`; other fields are replaced whole.
_MERGED_MAPPINGS = ("captions", "hook")


@dataclass(frozen=True)
class LoadedCampaign:
    """A validated campaign and where it came from."""

    spec: Campaign
    path: Path
    positions: Positions

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    def resolve(self, relative: str) -> Path:
        """A path written in the spec, relative to the campaign file."""
        return (self.base_dir / Path(relative).expanduser()).resolve()

    def error(self, path: PathKey, reason: str, *, key: bool = False) -> SpecError:
        """A SpecError at the place where ``path`` was written (defaults included)."""
        origin = self.positions.origin(path)
        return SpecError(
            reason, location=self.positions.location(path, key=key), field=format_path(origin)
        )

    def location(self, path: PathKey) -> Location:
        return self.positions.location(path)


def load_campaign(path: Path | str) -> LoadedCampaign:
    """Read and validate the shape of a campaign file (no media IO; see checks.py for that)."""
    path = Path(path)
    data, positions = load_yaml(path)
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({data!r})"
        raise SpecError(
            f"expected a mapping of campaign fields (name, sources, clips, targets...), got {kind}",
            location=positions.location(()),
        )
    data = _apply_defaults(data, positions)
    try:
        campaign = Campaign.model_validate(data)
    except ValidationError as exc:
        errors = _dedupe([_format_error(err, positions) for err in exc.errors()])
        raise SpecErrors(errors) from None
    return LoadedCampaign(spec=campaign, path=path.resolve(), positions=positions)


def _apply_defaults(data: dict[str, Any], positions: Positions) -> dict[str, Any]:
    defaults = data.get("defaults")
    clips = data.get("clips")
    if not isinstance(defaults, dict) or not isinstance(clips, list):
        return data
    data = dict(data)
    merged_clips = []
    for i, clip in enumerate(clips):
        if not isinstance(clip, dict):
            merged_clips.append(clip)
            continue
        clip = dict(clip)
        for key, value in defaults.items():
            if key not in clip:
                clip[key] = copy.deepcopy(value)
                positions.copy_subtree(("defaults", key), ("clips", i, key))
            elif (
                key in _MERGED_MAPPINGS and isinstance(value, dict) and isinstance(clip[key], dict)
            ):
                inner = dict(clip[key])
                for sub, sub_value in value.items():
                    if sub not in inner:
                        inner[sub] = copy.deepcopy(sub_value)
                        positions.copy_subtree(("defaults", key, sub), ("clips", i, key, sub))
                clip[key] = inner
        merged_clips.append(clip)
    data["clips"] = merged_clips
    return data


def _dedupe(errors: list[SpecError]) -> list[SpecError]:
    # a value inherited from `defaults` fails once per clip: report it once, where it was written
    seen: set[tuple[str, str]] = set()
    out = []
    for err in errors:
        key = (str(err.location), err.field)
        if key not in seen:
            seen.add(key)
            out.append(err)
    return sorted(
        out, key=lambda e: (e.location.line or 0, e.location.column or 0) if e.location else (0, 0)
    )


def _format_error(err: Any, positions: Positions) -> SpecError:
    loc: PathKey = _without_union_tags(tuple(err["loc"]))
    kind = err["type"]
    value = err.get("input")
    shown = show_value(value)
    origin = positions.origin(loc)
    field = format_path(origin)
    if kind == "missing":
        return SpecError(
            "required field is missing", location=positions.location(loc[:-1]), field=field
        )
    if kind == "extra_forbidden":
        reason = f'unknown field "{loc[-1]}"'
        allowed = _allowed_fields(loc[:-1])
        if allowed:
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
            reason += (
                f' (did you mean "{close[0]}"?)'
                if close
                else f" (expected one of: {', '.join(allowed)})"
            )
        return SpecError(reason, location=positions.location(loc, key=True), field=field)
    reason = _reason(kind, err, shown)
    return SpecError(reason, location=positions.location(loc), field=field)


def _reason(kind: str, err: Any, shown: str) -> str:
    ctx = err.get("ctx") or {}
    if kind in ("string_type",):
        return f"expected text, got {shown}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {shown}"
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"):
        return f"expected a number, got {shown}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, got {shown}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping of fields, got {shown}"
    if kind == "literal_error":
        return f"{shown} is not one of {ctx.get('expected', '')}"
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return f"needs at least {n} item{'s' if n != 1 else ''}"
    if kind == "too_long":
        return f"has too many items (at most {ctx.get('max_length')})"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in ("datetime_type", "datetime_parsing", "datetime_from_date_parsing"):
        return f"{shown} is not a date and time (e.g. 2026-12-01T09:00:00+01:00)"
    msg = str(err.get("msg", "invalid value"))
    if msg.startswith("Input should be"):
        return f"{shown} should be{msg[len('Input should be') :]}"
    return msg[0].lower() + msg[1:] if msg else "invalid value"


def _without_union_tags(loc: PathKey) -> PathKey:
    """Drop the form name pydantic adds after a field that takes a name or a mapping."""
    return tuple(
        part for k, part in enumerate(loc)
        if not (k and part in UNION_TAGS.get(str(loc[k - 1]), ()))
    )


def _allowed_fields(loc: PathKey) -> list[str]:
    """The field names a model accepts at ``loc`` (for did-you-mean hints)."""
    current: Any = Campaign
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            if isinstance(part, int):
                return []
            field = next(
                (f for n, f in current.model_fields.items() if (f.alias or n) == part), None
            )
            if field is None:
                return []
            current = field.annotation
        else:
            args = typing.get_args(current)
            origin = typing.get_origin(current)
            if origin in (list, tuple) and args:
                current = args[0]
            elif origin is dict and len(args) == 2:
                current = args[1]
            else:
                return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated down to the model or container type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation
