"""``vidcamp status [CAMPAIGN]``: every post's state, schedule, progress and URL or error."""

from __future__ import annotations

import json
from datetime import datetime

import click

from vidcamp.cli._ledger import ledger_file, sandbox_option


@click.command("status")
@click.argument("campaign", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the posts as JSON.")
@click.option("--events", "with_events", is_flag=True, help="Also list each post's transitions.")
@sandbox_option
def command(campaign: str | None, as_json: bool, with_events: bool, sandbox: bool) -> None:
    """Show a table of clip x platform: state, scheduled time, progress, URL or error.

    The # column is the short id that `vidcamp retry`, `cancel` and `republish` accept.
    """
    from vidcamp.ledger.clock import now
    from vidcamp.ledger.store import Ledger, lease_is_free

    path = ledger_file(sandbox)
    if not path.exists():
        if as_json:
            click.echo(json.dumps({"ledger": str(path), "posts": []}, indent=2))
        else:
            click.echo(f"nothing queued yet ({path} does not exist; `vidcamp build` queues posts)")
        return
    with Ledger.open(path, create=False) as ledger:
        rows = ledger.posts(campaign)
        events = {r.id: ledger.events(r.id) for r in rows} if with_events else {}
    if as_json:
        posts = []
        for row in rows:
            item = row.to_json()
            if with_events:
                item["events"] = [
                    {"at": e.at.isoformat(), "from": e.from_state, "to": e.to_state,
                     "detail": e.detail}
                    for e in events[row.id]
                ]
            posts.append(item)
        click.echo(json.dumps({"ledger": str(path), "posts": posts}, indent=2))
        return
    if not rows:
        click.echo(f"no posts{' for campaign ' + campaign if campaign else ''} in {path}")
        return
    moment = now()
    header = ("#", "CLIP", "TARGET", "ACCOUNT", "STATE", "SCHEDULED (UTC)", "PROGRESS",
              "URL / ERROR")
    current = None
    table: list[tuple[str, ...]] = []
    for row in rows:
        if row.campaign != current:
            current = row.campaign
            table.append((f"campaign {row.campaign}",))
            table.append(header)
        state: str = row.state
        if state == "published" and row.mode == "platform" and row.publish_at > moment:
            state = "scheduled"  # the platform has it and publishes it at the time
        if state in ("uploading", "processing") and lease_is_free(row):
            state += " (interrupted)"  # its run died; the next run resumes it
        if row.pending_render_hash:
            state += " (new render)"
        detail = row.url or ""
        if row.state == "awaiting_approval":
            detail = f"`vidcamp approve {row.campaign} {row.clip_id}:{row.target}`"
        if row.last_error and row.state != "published":
            detail = row.last_error
            if row.state in ("queued", "deferred"):
                detail = f"next try {_when(row.next_attempt_at)}: {detail}"
        elif row.pending_render_hash:
            detail = f"{detail} — `vidcamp republish {row.id}` to post the new render"
        progress = "" if row.progress is None else f"{row.progress:4.0%}"
        table.append((str(row.id), row.clip_id, row.target, row.account, state,
                      _when(row.publish_at), progress, detail))
        for event in events.get(row.id, []):
            table.append(("", "", "", "", f"  {event.to_state}", _when(event.at), "",
                          event.detail))
    _print_table(table)
    waiting = [r for r in rows if r.state == "awaiting_approval"]
    if waiting:
        campaigns = sorted({r.campaign for r in waiting})
        click.echo(
            f"{len(waiting)} posts await approval ({', '.join(campaigns)}): "
            f"`vidcamp preview` to review, `vidcamp approve {campaigns[0]}` to release them"
        )


def _when(value: datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M}"


def _print_table(rows: list[tuple[str, ...]]) -> None:
    widths: dict[int, int] = {}
    for row in rows:
        if len(row) == 1:
            continue
        for i, cell in enumerate(row[:-1]):
            widths[i] = max(widths.get(i, 0), len(cell))
    for row in rows:
        if len(row) == 1:
            click.echo(row[0])
            continue
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        click.echo("  ".join([*cells, row[-1]]).rstrip())
