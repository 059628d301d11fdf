"""``vidcamp upload FILE --account NAME --title ...``: one upload, now."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from vidcamp.errors import PublishError, UsageError


def parse_when(value: str | None) -> datetime | None:
    """An ISO 8601 time with a zone (``Z`` allowed)."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--publish-at {value!r}: not an ISO 8601 time") from None
    if when.tzinfo is None:
        raise UsageError(f"--publish-at {value!r}: add a time zone, e.g. 2026-12-01T09:00+01:00")
    return when


@click.command("upload")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--account", required=True, help="Account name in the credentials file.")
@click.option("--title", required=True)
@click.option("--description", default="")
@click.option("--tags", default="", help="Comma-separated tags.")
@click.option("--privacy", type=click.Choice(["public", "unlisted", "private"]),
              default="public", show_default=True)
@click.option("--publish-at", default=None, help="Schedule: ISO 8601 time with a zone.")
@click.option("--preset", default=None, help="Preset name (default: the platform's main one).")
@click.option("--thumbnail", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None)
@click.option("--made-for-kids", is_flag=True)
@click.option("--chunk-size", type=click.IntRange(min=256 * 1024), default=None,
              help="Bytes per upload request (default 8 MiB).")
@click.option("--credentials", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Credentials file (default: VIDCAMP_CREDENTIALS or the user config dir).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
def command(file: Path, account: str, title: str, description: str, tags: str, privacy: str,
            publish_at: str | None, preset: str | None, thumbnail: Path | None,
            made_for_kids: bool, chunk_size: int | None, credentials: Path | None,
            as_json: bool, quiet: bool) -> None:
    """Upload one video FILE to one ACCOUNT and create the post."""
    from vidcamp.cli import run_command
    from vidcamp.credentials import load_account
    from vidcamp.publish import UploadRequest, upload
    from vidcamp.publish.progress import default_progress

    if run_command().get("verbose"):
        import logging

        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")

    from vidcamp.platforms import get_platform

    entry = load_account(account, credentials)
    request = UploadRequest(
        path=file,
        preset=preset or get_platform(entry["platform"]).default_preset,
        title=title,
        description=description,
        tags=tuple(t.strip() for t in tags.split(",") if t.strip()),
        privacy=privacy,
        publish_at=parse_when(publish_at),
        thumbnail=thumbnail,
        made_for_kids=made_for_kids,
    )
    try:
        result = upload(request, account, credentials=credentials, chunk_size=chunk_size,
                        progress=default_progress(quiet or as_json))
    except PublishError as exc:
        if as_json:
            failure: dict[str, object] = {"ok": False, "kind": exc.kind, "error": exc.message}
            retry_at = getattr(exc, "retry_at", None)
            if retry_at is not None:
                failure["retry_at"] = retry_at.isoformat()
            click.echo(json.dumps(failure))
        raise
    if as_json:
        click.echo(json.dumps({"ok": True, "account": account, "platform": entry["platform"],
                               "preset": request.preset, "remote_id": result.remote_id,
                               "url": result.url, "state": result.state}))
    else:
        click.echo(f"{result.state}: {result.url}")
