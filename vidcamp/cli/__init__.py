"""The ``vidcamp`` command line: a click group whose subcommands are imported only when used.

Each subcommand lives in its own module (``vidcamp/cli/<name>.py``) exposing ``command``.
Lazy loading keeps ``vidcamp --help`` and ``vidcamp publish --due`` free of heavy imports.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from vidcamp import __version__
from vidcamp.errors import EXIT_UNEXPECTED, EXIT_USAGE, VidcampError

# name -> (module, one-line help shown by `vidcamp --help` without importing the module)
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("vidcamp.cli.validate", "Check a campaign spec, its media and every target."),
    "plan": ("vidcamp.cli.plan", "Show every render variant and post a campaign would make."),
    "build": ("vidcamp.cli.build", "Validate, render every clip for every target, queue posts."),
    "render": ("vidcamp.cli.render", "Render some or all clips of a campaign."),
    "presets": ("vidcamp.cli.presets", "List the platform presets and their limits."),
    "schema": ("vidcamp.cli.schema", "Print the campaign spec's JSON Schema."),
    "init": ("vidcamp.cli.init", "Start a new campaign folder from a template."),
    "upload": ("vidcamp.cli.upload", "Upload one video file to one account now."),
    "auth": ("vidcamp.cli.auth", "Set up and inspect platform accounts."),
    "doctor": ("vidcamp.cli.doctor", "Check every account: token refresh, scopes, quota."),
    "sandbox": ("vidcamp.cli.sandbox", "Run the loopback sandbox of the four platforms."),
    "publish": ("vidcamp.cli.publish", "Upload the posts that are due (for cron)."),
    "status": ("vidcamp.cli.status", "Show each post's state, schedule and URL."),
    "retry": ("vidcamp.cli.retry", "Queue a failed or deferred post again."),
    "cancel": ("vidcamp.cli.cancel", "Cancel a queued post."),
    "republish": ("vidcamp.cli.republish", "Queue a changed render of a published post again."),
    "stats": ("vidcamp.cli.stats", "Read published posts' views, likes and shares back."),
    "report": ("vidcamp.cli.report", "Latest figures, rates and rankings of a campaign's posts."),
    "cron": ("vidcamp.cli.cron", "Print the crontab line that publishes and reads stats."),
    "preview": ("vidcamp.cli.preview", "Write a static page to review every variant and post."),
    "approve": ("vidcamp.cli.approve", "Approve posts awaiting review so that they can go out."),
    "reject": ("vidcamp.cli.reject", "Reject posts awaiting review, with a reason."),
    "suggest": ("vidcamp.cli.suggest", "Suggest clips worth posting from long footage, scored."),
    "transcribe": ("vidcamp.cli.transcribe", "Transcribe speech into editable word captions."),
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (module, _) in COMMANDS.items() if _module_exists(module)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None or not _module_exists(entry[0]):
            return None
        module = importlib.import_module(entry[0])
        command: click.Command = module.command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            (name, help_text)
            for name, (module, help_text) in COMMANDS.items()
            if _module_exists(module)
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _module_exists(module: str) -> bool:
    from importlib.util import find_spec

    try:
        return find_spec(module) is not None
    except ModuleNotFoundError:
        return False


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vidcamp")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks and debug detail.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Turn one campaign.yaml into platform-ready short videos and publish them.

    \b
    A first run, from a fresh checkout:
      vidcamp validate campaigns/demo/campaign.yaml
      vidcamp build campaigns/demo/campaign.yaml

    \b
    Then, from cron, every five minutes:
      */5 * * * * vidcamp publish --due --quiet; vidcamp stats --due --quiet
    """
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, print a VidcampError as one line, exit with its code."""
    args = sys.argv[1:] if argv is None else argv
    verbose = "-v" in args or "--verbose" in args
    _setup_logging(verbose=verbose, quiet="-q" in args or "--quiet" in args)
    try:
        rc = cli.main(args=args, prog_name="vidcamp", standalone_mode=False)
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except VidcampError as exc:
        if verbose:
            import traceback

            traceback.print_exc()
        for line in exc.lines:
            click.echo(f"error: {line}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(EXIT_UNEXPECTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE if exc.exit_code == 2 else exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: one line unless --verbose
        if verbose:
            raise
        click.echo(f"error: unexpected {type(exc).__name__}: {exc} (run with --verbose)", err=True)
        sys.exit(EXIT_UNEXPECTED)


def _setup_logging(*, verbose: bool, quiet: bool) -> None:
    """Library progress notes go to stderr as plain lines; --quiet keeps only warnings."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger("vidcamp")
    root.handlers[:] = [handler]
    root.propagate = False
    root.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)


def run_command(ctx: click.Context | None = None) -> dict[str, Any]:
    """The shared options of the top-level group (e.g. ``verbose``) for a subcommand."""
    ctx = ctx or click.get_current_context()
    root = ctx.find_root()
    obj: dict[str, Any] = root.obj or {}
    return obj
