"""`vidcamp effects`: the built-in effects and their parameters."""

from __future__ import annotations

import click

from vidcamp.cli._common import console, emit_json


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print every effect and parameter as JSON.")
def command(as_json: bool) -> None:
    """List the effects a clip's `effects:` may use, with their parameters and defaults."""
    from rich.table import Table

    from vidcamp.spec.effects import catalogue

    rows = catalogue()
    if as_json:
        emit_json(rows)
        return
    table = Table(title="vidcamp effects (times are on the clip's timeline)")
    for col in ("effect", "parameter", "default", "meaning"):
        table.add_column(col)
    for row in rows:
        table.add_row(f"[bold]{row['name']}[/bold]", "", "", row["help"])
        for p in row["params"]:
            limits = f" ({p['min']:g}..{p['max']:g})" if "min" in p else ""
            choices = f" ({' | '.join(p['choices'])})" if "choices" in p else ""
            default = "" if p["default"] in (None, {}) else str(p["default"])
            table.add_row("", p["name"], default, f"{p['help']}{limits}{choices}")
    console().print(table)
