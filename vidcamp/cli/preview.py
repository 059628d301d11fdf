"""``vidcamp preview``: a static review page of the whole campaign, before anything goes out."""

from __future__ import annotations

from pathlib import Path

import click

from vidcamp.cli._common import campaign_argument, load_and_check
from vidcamp.cli._ledger import sandbox_option


@click.command("preview")
@campaign_argument
@click.option("--open", "open_page", is_flag=True, help="Open the page in the web browser.")
@click.option("--sheet", is_flag=True, help="Also write a PNG contact sheet per clip.")
@click.option(
    "--build-dir", type=click.Path(path_type=Path, file_okay=False),
    help="Where outputs are (default: build/ beside the campaign file).",
)
@click.option("--no-ledger", is_flag=True, help="Leave the posts' ledger states out.")
@sandbox_option
def command(
    campaign_file: Path, open_page: bool, sheet: bool, build_dir: Path | None, no_ledger: bool,
    sandbox: bool,
) -> None:
    """Write build/<campaign>/index.html: every variant side by side, ready to review.

    \b
    Per clip: each target's video at its true aspect ratio with its thumbnail, a
    safe-zone and platform-UI overlay, the title, description and hashtags as each
    platform receives them (counted against its limits), the schedule in local time
    and UTC, the account, the render's probe and loudness, and the post's ledger
    state. Above: a calendar of all posts by day and platform, lint warnings, and
    which variants are not built yet. The page needs no server and no network.
    """
    from vidcamp.cli._ledger import ledger_file
    from vidcamp.preview.page import build_preview

    report = load_and_check(campaign_file)
    result = build_preview(
        report,
        str(campaign_file),
        build_dir=build_dir,
        ledger_path=None if no_ledger else ledger_file(sandbox),
        sheet=sheet,
    )
    data = result.data
    for sheet_path in result.sheets:
        click.echo(f"contact sheet: {sheet_path}")
    if data.missing:
        click.echo(
            f"warning: {len(data.missing)} of {data.variant_count} variants are not ready "
            f"(`{data.build_command}` builds them)", err=True,
        )
    click.echo(f"preview: {result.page}")
    if open_page:
        import webbrowser

        webbrowser.open(result.page.resolve().as_uri())
