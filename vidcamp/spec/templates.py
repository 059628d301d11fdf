"""Title and description templates such as ``"{clip.title} #shorts"``.

A deliberately small language: ``{name}`` fields from a fixed list, ``{{``/``}}`` for braces.
No attribute access or format specs, so a template can never reach into Python objects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

FIELDS = (
    "clip.id",
    "clip.title",
    "clip.description",
    "clip.tags",
    "clip.hashtags",
    "campaign.name",
    "target.name",
    "target.preset",
    "platform",
)
_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


class TemplateError(ValueError):
    pass


def check_template(template: str) -> None:
    """Raise TemplateError naming the first unknown field or stray brace."""
    for match in _FIELD.finditer(template):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        name = match.group(1)
        if name is None:
            raise TemplateError(f'stray "{token}" in template (write {{{{ or }}}} for a brace)')
        if name.strip() not in FIELDS:
            raise TemplateError(f'unknown template field "{{{name}}}" (known: {", ".join(FIELDS)})')


def render_template(template: str, values: Mapping[str, str]) -> str:
    """Fill ``template`` with ``values`` (keys as in FIELDS)."""
    check_template(template)

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return values.get((match.group(1) or "").strip(), "")

    return _FIELD.sub(replace, template)
