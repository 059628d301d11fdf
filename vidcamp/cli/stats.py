"""``vidcamp stats [CAMPAIGN] [--due]``: read published posts' figures back into the ledger."""

from __future__ import annotations

import json
import os

import click

from vidcamp.cli._ledger import ledger_file
from vidcamp.errors import PublishError

SCHEDULE_ENV = "VIDCAMP_STATS_SCHEDULE"


@click.command("stats")
@click.argument("campaign", required=False)
@click.option("--due", is_flag=True,
              help="Only posts whose next reading has come (for cron); default: every live post.")
@click.option("--schedule", metavar="AGE:EVERY,...,EVERY",
              help="Poll schedule by post age (default 48h:1h,30d:1d,7d; "
                   f"${SCHEDULE_ENV} sets it too).")
@click.option("--x-per-day", type=click.IntRange(min=1), default=1, show_default=True,
              help="Readings per X post per UTC day (X bills each post read once a day).")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems (for cron mail).")
@click.option("--json", "as_json", is_flag=True, help="Print the run as JSON.")
@click.option(
    "--sandbox", is_flag=True,
    help="Read from the sandbox at $VIDCAMP_SANDBOX_URL, into the rehearsal ledger.",
)
def command(campaign: str | None, due: bool, schedule: str | None, x_per_day: int, quiet: bool,
            as_json: bool, sandbox: bool) -> None:
    """Read views, likes, comments, shares and more of published posts into the ledger.

    \b
    Each reading is kept (the history is never overwritten); `vidcamp report CAMPAIGN`
    shows the latest figures, rates and rankings. A platform answering 429 or quota is
    deferred until its reset; a post deleted or made private is marked and not read again.
    Exit codes: 0 done (deferrals included), 5 an account could not be read.
    """
    from vidcamp.stats.cadence import parse_cadence
    from vidcamp.stats.run import stats_due

    cadence = parse_cadence(schedule or os.environ.get(SCHEDULE_ENV), x_per_day=x_per_day,
                            what="--schedule" if schedule else SCHEDULE_ENV)
    path, api_root, credentials = ledger_file(False), None, None
    if sandbox:  # the rehearsal ledger's posts, read from the sandbox with sandbox accounts
        from vidcamp.ledger.sandbox import sandbox_url
        from vidcamp.paths import sandbox_credentials_path

        path, api_root, credentials = ledger_file(True), sandbox_url(), sandbox_credentials_path()
    report = stats_due(ledger_path=path, campaign=campaign, cadence=cadence, all_posts=not due,
                       api_root=api_root, credentials=credentials)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        if not quiet or report.failed or report.dropped:
            click.echo(report.summary())
        for line in report.lines():
            if not quiet or line.startswith(("failed", "dropped")):
                click.echo(line, err=line.startswith(("failed", "dropped")))
    if report.exit_code:
        raise PublishError(f"stats: {report.summary()}")
