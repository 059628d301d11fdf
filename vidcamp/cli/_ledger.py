"""Shared bits of the ledger commands: which ledger file, and the --sandbox switch."""

from __future__ import annotations

from pathlib import Path

import click


def ledger_file(sandbox: bool) -> Path:
    """The ledger these commands work on: the real one, or the rehearsal one with --sandbox."""
    from vidcamp.paths import ledger_path

    real = ledger_path()
    if not sandbox:
        return real
    from vidcamp.ledger.sandbox import sandbox_ledger_path

    return sandbox_ledger_path(real)


sandbox_option = click.option(
    "--sandbox",
    is_flag=True,
    help="Work on the rehearsal ledger used with the sandbox (see `vidcamp cron`).",
)
