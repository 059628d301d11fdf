"""``vidcamp doctor``: is every account ready to publish? One real token refresh per account,
the scopes each feature needs, token age, and the posting quota against what the ledger holds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

# Google apps whose OAuth consent screen is in "testing" mode get refresh tokens that stop
# working 7 days after they were issued
GOOGLE_TESTING_DAYS = 7
ACTIVE_STATES = ("queued", "deferred", "uploading", "processing")


@dataclass(frozen=True)
class AccountHealth:
    """What ``doctor`` found for one account."""

    account: str
    platform: str
    token: str  # "refreshed" | "valid" | "needs login: ..." | "unknown: ..."
    needs_login: bool
    missing_scopes: dict[str, list[str]] | None  # feature -> missing; None: not recorded
    token_age_days: float | None
    quota: str
    scheduled: dict[str, int] = field(default_factory=dict)  # UTC day -> queued posts
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        out = [f"{self.account} ({self.platform}): token {self.token}"]
        if self.missing_scopes is None:
            out.append("  scopes: not recorded (log in again to record them)")
        else:
            for feature, missing in self.missing_scopes.items():
                out.append(f"  {feature}: " + ("ok" if not missing
                                                else "missing scope " + ", ".join(missing)))
        if self.token_age_days is not None:
            out.append(f"  authorised {self.token_age_days:.1f} days ago")
        out.append(f"  quota: {self.quota}")
        for day, count in sorted(self.scheduled.items()):
            out.append(f"  scheduled {day}: {count}")
        out += [f"  warning: {w}" for w in self.warnings]
        return out


def check_accounts(
    *,
    credentials: Path | None = None,
    ledger_path: Path | None = None,
    api_root: str | None = None,
    now: datetime | None = None,
) -> list[AccountHealth]:
    """Every account in the credentials file, checked (tokens refreshed and saved)."""
    from vidcamp.credentials import credentials_file, load_all
    from vidcamp.publish.base import now_utc

    credentials = credentials_file(credentials)
    now = now or now_utc()
    entries = load_all(credentials, missing_ok=True)
    scheduled = _scheduled(ledger_path, now)
    return [_check(name, entry, credentials, api_root, now, scheduled.get(name, []))
            for name, entry in sorted(entries.items())]


def _check(name: str, entry: dict[str, Any], credentials: Path, api_root: str | None,
           now: datetime, posts: list[datetime]) -> AccountHealth:
    from vidcamp.platforms import REGISTRY, granted_scopes
    from vidcamp.quota import overloads

    platform = REGISTRY.get(str(entry.get("platform")))
    if platform is None:
        return AccountHealth(name, str(entry.get("platform")), "unknown platform", True, None,
                             None, "")
    token, needs_login, entry = _try_token(name, entry, credentials, api_root)
    missing: dict[str, list[str]] | None = None
    if entry.get("scope"):
        granted = granted_scopes(entry)
        missing = {feature: [s for s in scopes if s not in granted]
                   for feature, scopes in platform.feature_scopes}
    age = None
    warnings: list[str] = []
    if entry.get("authorized_at"):
        try:
            age = (now - datetime.fromisoformat(str(entry["authorized_at"]))).total_seconds()
            age /= 86400
        except ValueError:
            age = None
    if platform.name == "youtube" and age is not None and age >= GOOGLE_TESTING_DAYS - 1:
        warnings.append(
            f"authorised {age:.0f} days ago: if the Google app is in \"testing\" mode its refresh"
            f" tokens die after {GOOGLE_TESTING_DAYS} days (publish the app, or log in again)"
        )
    days = dict(Counter(when.date().isoformat() for when in posts))
    warnings += [o.message() for o in overloads([(name, platform.name, w) for w in posts],
                                                 {name: entry})]
    return AccountHealth(name, platform.name, token, needs_login, missing,
                         None if age is None else round(age, 1),
                         platform.quota.describe(entry), days, warnings)


def _try_token(name: str, entry: dict[str, Any], credentials: Path,
               api_root: str | None) -> tuple[str, bool, dict[str, Any]]:
    """Refresh the token now (or, without a refresh grant, make one authenticated call);
    what it says, whether a login is needed, and the entry as it is now."""
    from vidcamp.errors import PublishError
    from vidcamp.platforms import get_platform
    from vidcamp.publish.base import Call
    from vidcamp.publish.driver import Account, Driver

    platform = get_platform(str(entry["platform"]))
    account = Account(name, entry, credentials, platform.refresher)
    with Driver(account, api_root=api_root) as driver:
        if account.can_refresh:
            try:
                driver.refresh(force=True)
            except PublishError as exc:
                return f"needs login: {exc.message}", exc.kind == "reauth", entry
            return "refreshed", False, account.entry
        if platform.name != "facebook":
            return "needs login: no refresh token", True, entry
        from vidcamp.publish.facebook import GRAPH

        reply = driver.send(Call("GET", f"{GRAPH}/me/accounts", "facebook.me"))
    if reply.ok:
        return "valid", False, entry
    body = reply.json()
    code = (body.get("error") or {}).get("code") if isinstance(body, dict) else None
    if code == 190:
        return "needs login: Page token expired or revoked (code 190)", True, entry
    return f"unknown: HTTP {reply.status}", False, entry


def _scheduled(ledger_path: Path | None, now: datetime) -> dict[str, list[datetime]]:
    """Each account's posts in the ledger still to go out in the next week."""
    from vidcamp.errors import LedgerError
    from vidcamp.ledger.store import Ledger

    if ledger_path is None:
        from vidcamp.paths import ledger_path as default

        ledger_path = default()
    if not ledger_path.exists():
        return {}
    out: dict[str, list[datetime]] = {}
    try:
        with Ledger.open(ledger_path, create=False) as ledger:
            for row in ledger.posts():
                if row.state in ACTIVE_STATES and row.publish_at < now + timedelta(days=7):
                    out.setdefault(row.account, []).append(max(row.publish_at, now))
    except LedgerError:
        return {}
    return out
