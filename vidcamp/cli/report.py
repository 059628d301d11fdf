"""``vidcamp report CAMPAIGN [--json | --csv | --html]``: what worked, from the ledger's figures."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from vidcamp.cli._ledger import ledger_file, sandbox_option

if TYPE_CHECKING:
    from vidcamp.stats.report import CampaignReport


@click.command("report")
@click.argument("campaign", metavar="CAMPAIGN")
@click.option("--json", "fmt", flag_value="json", help="Print the report as JSON.")
@click.option("--csv", "fmt", flag_value="csv", help="Print one CSV row per post.")
@click.option("--html", "fmt", flag_value="html",
              help="Add the stats with charts to the campaign page (build/<campaign>/).")
@click.option(
    "--build-dir", type=click.Path(path_type=Path, file_okay=False),
    help="Where the campaign page is (default: build/ beside the campaign file, or ./build).",
)
@sandbox_option
def command(campaign: str, fmt: str | None, build_dir: Path | None, sandbox: bool) -> None:
    """Latest figures per clip x platform, engagement and share rates, first-24-h views, and
    rankings of clips, hooks and titles.

    CAMPAIGN is the campaign's name, or its campaign.yaml (which adds hooks to the rankings
    and finds the page's folder).
    """
    from vidcamp.stats.report import build_report, write_html

    name, hooks, page_dir = _campaign(campaign, build_dir)
    report = build_report(ledger_file(sandbox), name, hooks=hooks)
    if fmt == "json":
        from vidcamp.cli._common import emit_json

        emit_json(report.to_json())
    elif fmt == "csv":
        click.echo(report.to_csv(), nl=False)
    elif fmt == "html":
        click.echo(f"stats page: {write_html(report, page_dir)}")
    else:
        _print_table(report)


def _campaign(arg: str, build_dir: Path | None) -> tuple[str, dict[str, str], Path]:
    """(name, hook text per clip, page folder) from a campaign file or a bare name."""
    path = Path(arg)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        from vidcamp.plan import build_root
        from vidcamp.spec.loader import load_campaign

        loaded = load_campaign(path)
        hooks: dict[str, str] = {}
        for clip in loaded.spec.clips:
            hook = clip.hook or loaded.spec.defaults.hook
            if hook is not None and hook.text:
                hooks[clip.id] = hook.text
        return loaded.spec.name, hooks, build_root(loaded, build_dir)
    return arg, {}, (build_dir or Path("build")) / arg


def _print_table(report: CampaignReport) -> None:
    from rich.table import Table

    from vidcamp.cli._common import console
    from vidcamp.stats.report import _fmt

    table = Table(title=f"{report.campaign}: latest figures")
    for column in ("clip", "platform", "views", "likes", "comments", "shares",
                   "engagement", "shares/1000", "views 24 h"):
        table.add_column(column, justify="left" if column in ("clip", "platform") else "right")
    for f in report.posts:
        rate = f.engagement_rate
        table.add_row(
            f.post.clip_id + (f" ({f.post.gone})" if f.post.gone else ""), f.post.target,
            *(_fmt(f.latest.get(m)) or "–" for m in ("views", "likes", "comments", "shares")),
            f"{rate:.1%}" if rate is not None else "–",
            f"{f.share_rate:.1f}" if f.share_rate is not None else "–",
            _fmt(f.views_24h) or "–",
        )
    out = console()
    out.print(table)
    for kind, ranked in report.rankings().items():
        if ranked:
            best = ", ".join(f"{r['rank']}. {r['name']} ({_fmt(r['views']) or '–'} views)"
                             for r in ranked[:5])
            out.print(f"top {kind}: {best}")
