"""`vidcamp build`: validate, render every clip for every target, and queue the posts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from vidcamp.cli._common import campaign_argument, emit_json
from vidcamp.cli.render import plan_and_render, render_options, render_summary

if TYPE_CHECKING:
    from vidcamp.jobs import Post


@click.command()
@campaign_argument
@render_options
@click.option("--no-queue", is_flag=True, help="Render only; do not queue posts in the ledger.")
@click.option(
    "--review",
    is_flag=True,
    help="Queue the posts awaiting approval (as `review: required` in the campaign does).",
)
@click.option("--allow-duplicate", is_flag=True,
              help="Queue a video even if the same content already goes to the same account.")
def command(
    campaign_file: Path, force: bool, jobs_parallel: int | None, quiet: bool,
    encoder: str | None, build_dir: Path | None, cluster: str | None, as_json: bool,
    no_queue: bool, review: bool, allow_duplicate: bool,
) -> None:
    """Validate CAMPAIGN.yaml, render every variant, queue every post.

    \b
    Rendering is cached: a second build of an unchanged campaign starts no
    ffmpeg at all. Posts go to the ledger, from where `vidcamp publish --due`
    (run from cron) uploads them on time.
    """
    import time

    from vidcamp.plan import plan_posts

    began = time.monotonic()
    loaded, renders, results = plan_and_render(
        campaign_file, force=force, jobs_parallel=jobs_parallel, quiet=quiet,
        encoder=encoder, build_dir=build_dir, cluster=cluster, as_json=as_json,
    )
    queued = None
    if not no_queue:
        posts = plan_posts(loaded, renders, now=datetime.now(UTC))
        queued = _queue_posts(
            posts, quiet=quiet, review=review or loaded.spec.review == "required",
            allow_duplicate=allow_duplicate,
        )
    if as_json:
        summary = render_summary(loaded, results, seconds=time.monotonic() - began,
                                 cluster=cluster)
        summary["queued"] = queued  # posts handed to the ledger; None with --no-queue
        emit_json(summary)


def _queue_posts(
    posts: list[Post], *, quiet: bool, review: bool, allow_duplicate: bool = False
) -> int:
    """Queue the build's posts in the ledger, say what changed; returns how many."""
    from vidcamp.ledger import queue_posts

    if not posts:
        if not quiet:
            click.echo("no posts to queue: add `accounts:` to the campaign to publish", err=True)
        return 0
    report = queue_posts(posts, review=review, allow_duplicate=allow_duplicate)
    lines = report.summary()
    # republish / busy / cancelled notices matter even with --quiet; the counts line does not
    for line in lines if not quiet else lines[1:]:
        click.echo(line, err=True)
    return len(posts)
