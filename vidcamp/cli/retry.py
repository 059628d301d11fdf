"""``vidcamp retry POST...``: queue failed, deferred or cancelled posts again, due now."""

from __future__ import annotations

import click

from vidcamp.cli._ledger import ledger_file, sandbox_option
from vidcamp.errors import UsageError


@click.command("retry")
@click.argument("posts", nargs=-1, metavar="POST...")
@click.option("--failed", "all_failed", is_flag=True,
              help="Every failed post (of --campaign, if given).")
@click.option("--campaign", metavar="NAME", help="With --failed: only this campaign's posts.")
@sandbox_option
def command(posts: tuple[str, ...], all_failed: bool, campaign: str | None, sandbox: bool) -> None:
    """Queue POST again (its # from `vidcamp status`, or campaign/clip/target/account).

    Its failed attempts are forgotten and it is due at once (a cron-mode post at its time).
    An upload the platform already holds is finished, not started again.
    """
    from vidcamp.ledger.clock import now
    from vidcamp.ledger.store import Ledger

    if not posts and not all_failed:
        raise UsageError("retry: name a POST (see `vidcamp status`) or say --failed")
    with Ledger.open(ledger_file(sandbox), create=False) as ledger:
        refs: list[str | int] = list(posts)
        if all_failed:
            refs += [r.id for r in ledger.posts(campaign) if r.state == "failed"]
        if not refs:
            click.echo("no failed posts")
            return
        for ref in dict.fromkeys(refs):
            row = ledger.retry(ref, now())
            click.echo(
                f"#{row.id} {row.key}: {row.state}, due {row.next_attempt_at:%Y-%m-%d %H:%M} UTC"
            )
