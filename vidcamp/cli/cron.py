"""``vidcamp cron``: the crontab line that publishes due posts and reads their figures."""

from __future__ import annotations

import click

# one line, two commands: `;` so a publish problem (exit 5/6) never stops the stats reading
CRON_LINE = "*/5 * * * * vidcamp publish --due --quiet; vidcamp stats --due --quiet"


@click.command("cron")
@click.option("--line", "line_only", is_flag=True, help="Print only the crontab line.")
def command(line_only: bool) -> None:
    """Print the crontab line that publishes due posts and reads stats, with an explanation."""
    if line_only:
        click.echo(CRON_LINE)
        return
    from vidcamp.ledger.sandbox import sandbox_ledger_path
    from vidcamp.paths import ledger_path, sandbox_credentials_path

    click.echo(
        f"""\
# Add this line with `crontab -e` (cron mails you only when something goes wrong):
{CRON_LINE}

# Every five minutes it uploads the posts that are due, each exactly once:
#  - platform-mode posts (YouTube, Facebook, Dailymotion) upload as soon as they are built and
#    the platform publishes them at their time, even if this machine is off then;
#  - cron-mode posts, and every X post, upload at their time, so keep the machine on.
# A run that is killed resumes where it stopped on the next run; a post that fails is retried
# with back-off, then marked failed. `vidcamp status` shows where everything is.
# Then it reads the figures of published posts whose reading is due (hourly for 48 h, daily to
# 30 days, weekly after; X at most once a UTC day per post); a run with nothing due costs a
# few SQLite reads. `vidcamp report CAMPAIGN` shows the figures.
# Exit codes: 0 all done, 5 a post failed, 6 some went out and the rest wait in the ledger.
# Ledger: {ledger_path()} (VIDCAMP_LEDGER moves it).
# If cron cannot find vidcamp, use the full path printed by `command -v vidcamp`.

# Rehearse first, against the loopback sandbox instead of the real platforms. Seed sandbox
# accounts under the names your campaign uses, into the rehearsal credentials file:
#   vidcamp sandbox serve --port 8765 --seed youtube:ACCOUNT --seed x:ACCOUNT2 \\
#       --credentials {sandbox_credentials_path()} &
#   vidcamp publish --due --sandbox           # VIDCAMP_SANDBOX_URL=http://127.0.0.1:PORT
#   vidcamp status --sandbox                  #   if the sandbox is not on port 8765
# --sandbox sends every upload to the sandbox (it sets VIDCAMP_API_ROOT), reads tokens from the
# rehearsal credentials file (VIDCAMP_SANDBOX_CREDENTIALS moves it) and records results in a
# rehearsal ledger copied from the real one before each run:
#   {sandbox_ledger_path(ledger_path())}
# so a rehearsal never touches a real account or marks a real post as published."""
    )
