"""``vidcamp sandbox serve``: the loopback sandbox of the four platforms, for people."""

from __future__ import annotations

from pathlib import Path

import click

from vidcamp.errors import UsageError

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.group("sandbox")
def command() -> None:
    """Run the loopback sandbox of YouTube, Facebook, X and Dailymotion."""


@command.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="A loopback address.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--seed", "seeds", multiple=True, metavar="PLATFORM:ACCOUNT",
              help="Register an account and save its tokens to the sandbox credentials file.")
@click.option("--credentials", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where --seed writes (default: VIDCAMP_SANDBOX_CREDENTIALS, else "
                   "credentials.sandbox.yaml beside the real credentials file, which is the "
                   "file `publish --sandbox` reads; never the real one).")
def serve(host: str, port: int, seeds: tuple[str, ...], credentials: Path | None) -> None:
    """Serve until Ctrl-C; prints the VIDCAMP_API_ROOT to export."""
    from vidcamp.credentials import save_account
    from vidcamp.paths import sandbox_credentials_path
    from vidcamp.sandbox import SandboxServer

    if host not in LOOPBACK:
        raise UsageError(f"--host {host}: the sandbox listens on loopback only")
    server = SandboxServer(host, port)
    credentials = credentials or sandbox_credentials_path()
    saved = []
    for seed in seeds:
        platform, _, name = seed.partition(":")
        if not name:
            raise UsageError(f"--seed {seed!r}: write PLATFORM:ACCOUNT, e.g. youtube:demo_yt")
        entry = server.state.add_account(platform, name).entry()
        saved.append((name, platform, save_account(name, entry, credentials)))
    server.start()
    root = server.url
    click.echo(f"vidcamp sandbox listening on {root}")
    click.echo(f"  export VIDCAMP_API_ROOT={root}")
    if saved:
        click.echo(f"  export VIDCAMP_CREDENTIALS={credentials}   # for `vidcamp upload`")
    for name, platform, path in saved:
        click.echo(f"  account {name} ({platform}) saved to {path}")
    click.echo("  seed an account over HTTP:")
    click.echo(f"    curl -s -X POST {root}/_sandbox/accounts"
               " -d '{\"platform\": \"youtube\", \"name\": \"demo_yt\"}'")
    click.echo(f"  posts: {root}/_sandbox/posts   counters: {root}/_sandbox/stats")
    try:
        import threading

        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
