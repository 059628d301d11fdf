"""``vidcamp retry POST``: queue a failed, deferred or cancelled post again, due now."""

from __future__ import annotations

import click

from vidcamp.cli._ledger import ledger_file, sandbox_option


@click.command("retry")
@click.argument("post")
@sandbox_option
def command(post: str, sandbox: bool) -> None:
    """Queue POST again (its # from `vidcamp status`, or campaign/clip/target/account).

    Its failed attempts are forgotten and it is due at once (a cron-mode post at its time).
    """
    from vidcamp.ledger.clock import now
    from vidcamp.ledger.store import Ledger

    with Ledger.open(ledger_file(sandbox), create=False) as ledger:
        row = ledger.retry(post, now())
    click.echo(f"#{row.id} {row.key}: {row.state}, due {row.next_attempt_at:%Y-%m-%d %H:%M} UTC")
