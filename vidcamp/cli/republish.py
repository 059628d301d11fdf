"""``vidcamp republish POST``: post a published clip again, with its changed render if any."""

from __future__ import annotations

import click

from vidcamp.cli._ledger import ledger_file, sandbox_option


@click.command("republish")
@click.argument("post")
@sandbox_option
def command(post: str, sandbox: bool) -> None:
    """Queue POST again although it is published (e.g. after its render changed).

    The earlier post stays on the platform: remove it there if it should go.
    """
    from vidcamp.ledger.clock import now
    from vidcamp.ledger.store import Ledger

    with Ledger.open(ledger_file(sandbox), create=False) as ledger:
        row = ledger.republish(post, now())
    click.echo(
        f"#{row.id} {row.key}: queued again (render {row.render_hash[:12]}), "
        f"due {row.next_attempt_at:%Y-%m-%d %H:%M} UTC"
    )
