"""`vidcamp init`: a new campaign folder from a bundled scaffold."""

from __future__ import annotations

import re
from pathlib import Path

import click

from vidcamp.errors import UsageError


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--name", help="Campaign name (default: the folder's name).")
@click.option(
    "--template", default="basic", show_default=True, help="Scaffold from templates/scaffolds/."
)
def command(folder: Path, name: str | None, template: str) -> None:
    """Create FOLDER with a commented campaign.yaml, captions/ and footage/.

    The scaffold validates and builds as it is (it makes placeholder footage), so
    you can see a result first and then swap in your own footage and words.
    """
    from vidcamp.paths import templates_dir

    scaffold = templates_dir() / "scaffolds" / template
    if not scaffold.is_dir():
        known = ", ".join(p.name for p in (templates_dir() / "scaffolds").iterdir())
        raise UsageError(f"no scaffold named {template!r} (known: {known})")
    name = name or re.sub(r"[^A-Za-z0-9_-]+", "-", folder.resolve().name).strip("-") or "campaign"
    target = folder / "campaign.yaml"
    if target.exists():
        raise UsageError(f"{target} already exists; choose another folder")
    for path in sorted(scaffold.rglob("*")):
        dest = folder / path.relative_to(scaffold)
        if path.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8")
        if path.name == "campaign.yaml":
            text = text.format(name=name)
        dest.write_text(text, encoding="utf-8")
    (folder / "footage").mkdir(exist_ok=True)
    click.echo(f"Created {target}. Next:\n  vidcamp validate {target}\n  vidcamp build {target}")
