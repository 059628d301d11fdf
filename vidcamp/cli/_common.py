"""Small helpers shared by the command modules: loading a campaign, printing, JSON output."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from vidcamp.spec.checks import CheckReport

campaign_argument = click.argument(
    "campaign_file", metavar="CAMPAIGN.yaml", type=click.Path(path_type=Path, dir_okay=False)
)


def load_and_check(
    path: Path, *, probe_media: bool = True, make_missing: bool = True
) -> CheckReport:
    """Load, validate and cross-check a campaign; raises SpecErrors with every problem.

    ``make_missing`` makes footage that has a ``generate:`` recipe and does not exist yet;
    without it such a source is a warning and nothing is written.
    """
    from vidcamp.spec.checks import check_campaign
    from vidcamp.spec.loader import load_campaign

    return check_campaign(
        load_campaign(path), probe_media=probe_media, make_missing=make_missing
    )


def print_warnings(report: CheckReport, *, quiet: bool = False) -> None:
    if quiet:
        return
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)


def emit_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, default=str, ensure_ascii=False)
    sys.stdout.write("\n")


def console(stderr: bool = False) -> Any:
    """A rich console; wide when output goes to a file or pipe, so tables are not squeezed."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 200
    return Console(stderr=stderr, highlight=False, width=width)
