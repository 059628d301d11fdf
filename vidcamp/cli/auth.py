"""``vidcamp auth login|status``: set up and inspect platform accounts (never shows a secret)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from vidcamp.errors import UsageError
from vidcamp.platforms import PLATFORMS, get_platform

PLATFORM_CHOICE = click.Choice(list(PLATFORMS))


@click.group("auth")
def command() -> None:
    """Set up and inspect platform accounts."""


@command.command("login")
@click.argument("account")
@click.option("--platform", type=PLATFORM_CHOICE, default=None,
              help="Platform of a new account (an existing one keeps its own).")
@click.option("--client-id", default=None, help="OAuth client id of your app.")
@click.option("--client-secret", default=None, help="OAuth client secret (prompted if needed).")
@click.option("--page-id", default="", help="Facebook: the Page to publish to.")
@click.option("--paste", is_flag=True, help="Enter tokens by hand instead of the browser flow.")
@click.option("--port", type=click.IntRange(0, 65535), default=0,
              help="Loopback port for the redirect (0: any free port).")
@click.option("--no-browser", is_flag=True, help="Print the URL instead of opening a browser.")
@click.option("--analytics", is_flag=True,
              help="Also ask for the platform's analytics scopes (YouTube Analytics: shares and"
                   " watch time in `vidcamp stats`).")
@click.option("--credentials", type=click.Path(dir_okay=False, path_type=Path), default=None)
def login(account: str, platform: str | None, client_id: str | None, client_secret: str | None,
          page_id: str, paste: bool, port: int, no_browser: bool, analytics: bool,
          credentials: Path | None) -> None:
    """Authorise ACCOUNT (OAuth code flow with a loopback redirect, or pasted tokens)."""
    from vidcamp.credentials import load_all, save_account

    existing = load_all(credentials, missing_ok=True).get(account, {})
    platform = platform or existing.get("platform")
    if platform is None:
        raise UsageError(f"account {account!r} is new: give --platform")
    if existing and existing.get("platform") != platform:
        raise UsageError(f"account {account!r} is a {existing.get('platform')} account")
    client_id = client_id or existing.get("client_id")
    if client_secret is None:
        client_secret = existing.get("client_secret")
    if paste:
        entry = _pasted(platform, client_id, client_secret, page_id or existing.get("page_id"))
    else:
        if not client_id:
            client_id = click.prompt("OAuth client id")
        if client_secret is None and platform != "x":
            client_secret = click.prompt("OAuth client secret", hide_input=True)
        extra: tuple[str, ...] = ()
        if analytics:
            extra = get_platform(platform).scopes_for("analytics")
        entry = _browser_login(platform, str(client_id), client_secret or "", port,
                               no_browser, page_id or str(existing.get("page_id") or ""), extra)
    for key in ("channel",):
        if key in existing and key not in entry:
            entry[key] = existing[key]
    path = save_account(account, entry, credentials)
    click.echo(f"account {account} ({platform}) saved to {path}"
               + (f"; token valid until {entry['expires_at']}" if entry.get("expires_at")
                  else ""))


def _browser_login(platform: str, client_id: str, client_secret: str, port: int,
                   no_browser: bool, page_id: str,
                   extra_scopes: tuple[str, ...] = ()) -> dict[str, Any]:
    from vidcamp.publish.oauth import login as oauth_login

    def open_url(url: str) -> None:
        click.echo("Open this address to authorise vidcamp:", err=True)
        click.echo(f"  {url}", err=True)
        if not no_browser:
            import webbrowser

            webbrowser.open(url)

    return oauth_login(platform, client_id, client_secret, open_url=open_url, port=port,
                       page_id=page_id, extra_scopes=extra_scopes)


def _pasted(platform: str, client_id: str | None, client_secret: str | None,
            page_id: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"platform": platform}
    if platform == "facebook":
        entry["page_id"] = page_id or click.prompt("Facebook Page id")
        entry["access_token"] = click.prompt("Page access token", hide_input=True)
        return entry
    entry["client_id"] = client_id or click.prompt("OAuth client id")
    secret = client_secret if client_secret is not None else click.prompt(
        "OAuth client secret (empty for a public client)", hide_input=True, default="",
        show_default=False)
    if secret:
        entry["client_secret"] = secret
    entry["refresh_token"] = click.prompt("Refresh token", hide_input=True)
    access = click.prompt("Access token (empty: refresh on first use)", hide_input=True,
                          default="", show_default=False)
    if access:
        entry["access_token"] = access
    return entry


def describe(name: str, entry: dict[str, Any]) -> dict[str, Any]:
    """What ``auth status`` shows of one account: no secret, only presence and expiry."""
    from vidcamp.publish.base import now_utc

    expires = entry.get("expires_at")
    info: dict[str, Any] = {
        "account": name,
        "platform": entry.get("platform"),
        "has_access_token": bool(entry.get("access_token")),
        "has_refresh_token": bool(entry.get("refresh_token")),
        "expires_at": str(expires) if expires else None,
    }
    if entry.get("page_id"):
        info["page_id"] = str(entry["page_id"])
    if not entry.get("access_token"):
        token = "missing"
    elif expires:
        try:
            when = datetime.fromisoformat(str(expires))
            token = "valid" if when > now_utc() else "expired"
        except ValueError:
            token = "unknown"
    else:
        token = "valid (no expiry recorded)"
    info["token"] = token
    info["refreshable"] = bool(entry.get("refresh_token")) and entry.get("platform") != "facebook"
    return info


@command.command("status")
@click.option("--credentials", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--json", "as_json", is_flag=True)
def status(credentials: Path | None, as_json: bool) -> None:
    """Each account's platform, token validity and expiry."""
    from vidcamp.credentials import load_all

    rows = [describe(name, entry) for name, entry in sorted(load_all(credentials).items())]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no accounts")
    for row in rows:
        note = "" if row["token"] == "valid" or not row["refreshable"] else " (refreshable)"
        expiry = f", expires {row['expires_at']}" if row["expires_at"] else ""
        click.echo(f"{row['account']}: {row['platform']}, token {row['token']}{note}{expiry}")
