"""``vidcamp approve`` and ``vidcamp reject``: the review gate's answers, kept in the ledger."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import click

from vidcamp.cli._ledger import ledger_file, sandbox_option
from vidcamp.errors import UsageError


def campaign_name(campaign: str) -> str:
    """A campaign named directly, or by its campaign.yaml (or the folder holding one)."""
    path = Path(campaign)
    if path.is_dir() and (path / "campaign.yaml").is_file():
        path = path / "campaign.yaml"
    if path.is_file():
        from vidcamp.spec.loader import load_campaign

        return load_campaign(path).spec.name
    return campaign


def reviewer() -> str:
    """Who is answering: ``VIDCAMP_USER``, else the login name."""
    try:
        return os.environ.get("VIDCAMP_USER") or getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (some containers)
        return f"uid {os.getuid()}"


def _decide(campaign: str, posts: tuple[str, ...], sandbox: bool, reason: str | None) -> None:
    from vidcamp.ledger.store import Ledger

    path = ledger_file(sandbox)
    if not path.exists():
        raise UsageError(
            f"nothing queued yet ({path} does not exist; `vidcamp build` queues posts)"
        )
    name = campaign_name(campaign)
    user = reviewer()
    with Ledger.open(path, create=False) as ledger:
        done = ledger.review(name, posts, user=user, reject_reason=reason)
    verb = "approved" if reason is None else "rejected"
    for row in done:
        click.echo(f"#{row.id} {row.key}: {verb} by {user}")
    if not done:
        click.echo(f"nothing to {verb[:-1]} in campaign {name}")


@click.command("approve")
@click.argument("campaign")
@click.argument("posts", nargs=-1, metavar="[CLIP[:TARGET]]...")
@sandbox_option
def approve(campaign: str, posts: tuple[str, ...], sandbox: bool) -> None:
    """Approve posts of CAMPAIGN (a name or its campaign.yaml) so that they can go out.

    \b
    With no CLIP, every post awaiting approval is approved. CLIP approves all
    its targets; CLIP:TARGET one. The approval (time and user) is a ledger
    event; a rebuild that changes the video or its text withdraws it.
    """
    _decide(campaign, posts, sandbox, None)


@click.command("reject")
@click.argument("campaign")
@click.argument("posts", nargs=-1, metavar="[CLIP[:TARGET]]...")
@click.option("--reason", required=True, help="Why (kept in the ledger and shown by status).")
@sandbox_option
def reject(campaign: str, posts: tuple[str, ...], reason: str, sandbox: bool) -> None:
    """Reject posts of CAMPAIGN: they do not go out; a changed rebuild puts them up again."""
    _decide(campaign, posts, sandbox, reason)


command = approve
