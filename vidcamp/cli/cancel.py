"""``vidcamp cancel POST``: stop a post that has not gone out."""

from __future__ import annotations

import click

from vidcamp.cli._ledger import ledger_file, sandbox_option


@click.command("cancel")
@click.argument("post")
@sandbox_option
def command(post: str, sandbox: bool) -> None:
    """Cancel POST (its # from `vidcamp status`, or campaign/clip/target/account).

    Building again keeps it cancelled; `vidcamp retry POST` queues it again.
    """
    from vidcamp.ledger.store import Ledger

    with Ledger.open(ledger_file(sandbox), create=False) as ledger:
        before = ledger.get(post)
        row = ledger.cancel(post)
    click.echo(f"#{row.id} {row.key}: cancelled")
    if before.state == "processing":
        click.echo(
            f"note: {row.platform} already received this video; remove it there if it should "
            "not appear",
            err=True,
        )
