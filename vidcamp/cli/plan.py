"""`vidcamp plan`: every render variant and every post, without rendering or posting."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from vidcamp.cli._common import (
    campaign_argument,
    console,
    emit_json,
    load_and_check,
    print_warnings,
)


@click.command()
@campaign_argument
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@click.option(
    "--build-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where outputs go (default: build/ beside the campaign file).",
)
def command(campaign_file: Path, as_json: bool, build_dir: Path | None) -> None:
    """Show what `vidcamp build` would render and queue.

    Lists every variant (clip x target) with its output path, content hash and
    whether an identical render is already built, then every post with its
    account, time, privacy and scheduling mode.
    """
    from vidcamp.plan import plan_posts, plan_renders, render_environment
    from vidcamp.render.cache import is_cached, read_manifest

    report = load_and_check(campaign_file)
    loaded = report.campaign
    renders = plan_renders(loaded, render_environment(), build_dir=build_dir)
    posts = plan_posts(loaded, renders, now=datetime.now(UTC))
    manifests = {r.clip_id: read_manifest(r) for r in renders}
    smart = _smart_shots(renders) if as_json else {}
    variants = [
        {
            "clip": r.clip_id,
            "target": v.target,
            "preset": v.preset.name,
            "size": v.preset.size,
            "reframe": v.reframe,
            "duration": round(r.duration, 3),
            "output": str(v.output),
            "hash": v.content_hash,
            "built": is_cached(v, manifests[r.clip_id]),
            **({"smart": smart[r.clip_id, v.target]} if (r.clip_id, v.target) in smart else {}),
        }
        for r in renders
        for v in r.variants
    ]
    post_rows = [
        {
            "key": p.key,
            "clip": p.clip_id,
            "target": p.target,
            "platform": p.platform,
            "account": p.account,
            "publish_at": p.publish_at.isoformat(),
            "mode": p.mode,
            "privacy": p.privacy,
            "title": p.title,
        }
        for p in posts
    ]
    if as_json:
        emit_json({"campaign": loaded.spec.name, "variants": variants, "posts": post_rows})
        return
    print_warnings(report)
    from rich.table import Table

    out = console()

    def show(title: str, columns: dict[str, str], rows: list[dict[str, Any]]) -> None:
        """A table of ``rows``: header -> key, each value shown as text."""
        table = Table(title=title)
        for header in columns:
            table.add_column(header)
        for row in rows:
            table.add_row(*(str(row[key]) for key in columns.values()))
        out.print(table)

    shown = [
        {**v, "duration": f"{v['duration']:g} s", "hash": str(v["hash"])[:12],
         "built": "yes" if v["built"] else "no"}
        for v in variants
    ]
    show(
        f"{loaded.spec.name}: {len(variants)} variants",
        {"clip": "clip", "target": "target", "size": "size", "reframe": "reframe",
         "length": "duration", "hash": "hash", "built": "built", "output": "output"},
        shown,
    )
    if not post_rows:
        out.print("No posts: add `accounts:` to publish (targets are rendered only).")
        return
    show(
        f"{len(post_rows)} posts",
        {"clip": "clip", "target": "target", "account": "account", "publish at": "publish_at",
         "mode": "mode", "privacy": "privacy", "title": "title"},
        post_rows,
    )



def _smart_shots(renders: list[Any]) -> dict[tuple[str, str], Any]:
    """Per smart variant: its shots with mode and crop centre(s) (analysis cached on disk)."""
    if not any(v.reframe == "smart" for r in renders for v in r.variants):
        return {}
    from vidcamp.render.smart.service import describe

    return {(r.clip_id, target): row for r in renders for target, row in describe(r).items()}
