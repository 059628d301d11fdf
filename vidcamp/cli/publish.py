"""``vidcamp publish --due``: upload what the ledger says is due (the cron entry point)."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from vidcamp.cli._ledger import ledger_file
from vidcamp.errors import UsageError

CHUNK_ENV = "VIDCAMP_CHUNK_SIZE"


@click.command("publish")
@click.option("--due", is_flag=True, help="Upload every post whose time has come (required).")
@click.option("--campaign", metavar="NAME", help="Only this campaign's posts.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="At most N posts this run.")
@click.option("--dry-run", is_flag=True, help="List what is due; upload nothing.")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems (for cron mail).")
@click.option(
    "--sandbox",
    is_flag=True,
    help="Rehearse against the sandbox at $VIDCAMP_SANDBOX_URL (default http://127.0.0.1:8765) "
    "with a separate rehearsal ledger.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run as JSON.")
@click.option(
    "--max-attempts", type=click.IntRange(min=1), default=5, show_default=True,
    help="Failed attempts before a post is marked failed.",
)
def command(
    due: bool,
    campaign: str | None,
    limit: int | None,
    dry_run: bool,
    quiet: bool,
    sandbox: bool,
    as_json: bool,
    max_attempts: int,
) -> None:
    """Upload the posts that are due, each exactly once, and record the result in the ledger.

    \b
    Exit codes: 0 all done (or nothing due), 1 a local error stopped a post (it stays
    queued), 5 a post failed, 6 some went out and the rest stay queued (deferred or
    retrying), 7 the ledger is unreadable. Due title/thumbnail swaps are made too.
    """
    if not due:
        raise UsageError("publish: say --due (upload every post whose time has come)")
    from vidcamp.ledger.run import publish_due

    path = ledger_file(False)
    api_root: str | None = None
    credentials = None
    if sandbox:
        from vidcamp.ledger.sandbox import enter_sandbox

        rehearsal = enter_sandbox(path)
        path, api_root, credentials = rehearsal.ledger, rehearsal.api_root, rehearsal.credentials
    progress = None
    if not quiet and not as_json and not dry_run:
        progress = _LazyProgress()

    def show(outcome: object) -> None:
        from vidcamp.ledger.run import Outcome

        assert isinstance(outcome, Outcome)
        if as_json:
            return
        if outcome.problem:
            click.echo(outcome.line(), err=True)
        elif not quiet:
            click.echo(outcome.line())

    report = publish_due(
        ledger_path=path, campaign=campaign, limit=limit, dry_run=dry_run,
        progress=progress, max_attempts=max_attempts, on_outcome=show,
        chunk_size=_chunk_size(), api_root=api_root, credentials=credentials,
    )
    for swap in report.swaps:
        if swap.error:
            click.echo(swap.line(), err=True)
        elif not quiet and not as_json:
            click.echo(swap.line())
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    elif dry_run:
        for row in report.would_publish:
            click.echo(
                f"would publish #{row.id} {row.key} ({row.mode} mode, "
                f"scheduled {row.publish_at:%Y-%m-%d %H:%M} UTC)"
            )
        if not report.would_publish:
            click.echo("nothing is due")
    elif not quiet:
        click.echo(report.summary() if report.outcomes or report.left_due else "nothing is due")
    report.raise_for_exit()


def _chunk_size() -> int | None:
    """``VIDCAMP_CHUNK_SIZE`` (bytes): a testing hook for many small chunks; else the default."""
    text = os.environ.get(CHUNK_ENV)
    if not text:
        return None
    if not text.isdigit() or int(text) <= 0:
        raise UsageError(f"{CHUNK_ENV}={text!r}: expected a positive number of bytes")
    return int(text)


class _LazyProgress:
    """A bar per upload on a terminal, plain lines otherwise; built when an upload starts, so a
    run with nothing due never imports the upload clients."""

    def __init__(self) -> None:
        self._inner: Any = None

    def start(self, label: str, total: int) -> None:
        if self._inner is None:
            from vidcamp.publish import progress as progress_mod

            if sys.stderr.isatty() and hasattr(progress_mod, "RichProgress"):
                self._inner = progress_mod.RichProgress()
            else:
                self._inner = progress_mod.LineProgress(sys.stderr)
        self._inner.start(label, total)

    def update(self, completed: int) -> None:
        if self._inner is not None:
            self._inner.update(completed)

    def finish(self, ok: bool = True) -> None:
        if self._inner is not None:
            self._inner.finish(ok)
