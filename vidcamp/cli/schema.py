"""`vidcamp schema`: the campaign spec's JSON Schema, for editor completion."""

from __future__ import annotations

import click

from vidcamp.cli._common import emit_json


@click.command()
def command() -> None:
    """Print the JSON Schema of campaign.yaml.

    \b
    For completion in VS Code (YAML extension), save it and point at it:
      vidcamp schema > campaign.schema.json
      # yaml-language-server: $schema=./campaign.schema.json
    """
    from vidcamp.spec.models import json_schema

    emit_json(json_schema())
