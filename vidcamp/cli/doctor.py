"""``vidcamp doctor``: check every account: token refresh, scopes, token age, quota."""

from __future__ import annotations

import json
from pathlib import Path

import click

from vidcamp.errors import ReauthRequired


@click.command("doctor")
@click.option("--credentials", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Credentials file (default: VIDCAMP_CREDENTIALS or the user config dir).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def command(credentials: Path | None, as_json: bool) -> None:
    """Refresh each account's token now and report scopes, token age and quota.

    \b
    Exit codes: 0 every account can publish, 5 an account needs `vidcamp auth login`.
    """
    from vidcamp.doctor import check_accounts

    found = check_accounts(credentials=credentials)
    if as_json:
        click.echo(json.dumps([h.to_json() for h in found], indent=2))
    else:
        if not found:
            click.echo("no accounts (run `vidcamp auth login ACCOUNT --platform P`)")
        for health in found:
            for line in health.lines():
                click.echo(line)
    stale = [h.account for h in found if h.needs_login]
    if stale:
        raise ReauthRequired(
            "doctor: " + ", ".join(stale) + " need(s) `vidcamp auth login ACCOUNT`"
        )
