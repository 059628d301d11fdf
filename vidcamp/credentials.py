"""The credentials file: YAML, one entry per account name, written atomically with mode 0600.

    brand_youtube:
      platform: youtube
      client_id: ...
      client_secret: ...
      refresh_token: ...
      access_token: ...
      expires_at: "2026-11-27T12:00:00+00:00"
    brand_fb:
      platform: facebook
      page_id: "1234"
      access_token: ...          # a Page access token

Campaigns name accounts, never tokens. Error messages name the file and the account, never a
value from it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vidcamp.errors import CredentialsError

# reporting_secret: a Dailymotion private API key secret for the partner Reporting API (stats)
SECRET_KEYS = ("client_secret", "refresh_token", "access_token", "code_verifier",
               "reporting_secret")


def credentials_file(path: Path | None = None) -> Path:
    """``path``, or the default credentials file (``VIDCAMP_CREDENTIALS`` or the config dir)."""
    if path is not None:
        return Path(path)
    from vidcamp.paths import credentials_path

    return credentials_path()


def load_all(path: Path | None = None, *, missing_ok: bool = False) -> dict[str, dict[str, Any]]:
    """Every account in the credentials file (``{}`` for a missing file when ``missing_ok``)."""
    import yaml

    file = credentials_file(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return {}
        raise CredentialsError(
            f"{file}: credentials file not found (run `vidcamp auth login ACCOUNT --platform P`)"
        ) from None
    except OSError as exc:
        raise CredentialsError(f"{file}: cannot read credentials file: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        # the YAML message may quote file content (a token): keep only the position
        raise CredentialsError(f"{file}{where}: credentials file is not valid YAML") from None
    if not isinstance(data, dict):
        raise CredentialsError(f"{file}: credentials file must map account names to entries")
    accounts: dict[str, dict[str, Any]] = {}
    for name, entry in data.items():
        if not isinstance(entry, dict):
            raise CredentialsError(f"{file}: account {name!r} must be a mapping")
        accounts[str(name)] = {str(k): v for k, v in entry.items()}
    return accounts


def load_account(name: str, path: Path | None = None) -> dict[str, Any]:
    """One account's entry, checked for a known ``platform``."""
    file = credentials_file(path)
    accounts = load_all(file)
    if name not in accounts:
        known = ", ".join(sorted(accounts)) or "none"
        raise CredentialsError(f"{file}: no account {name!r} (known: {known})")
    entry = accounts[name]
    platform = entry.get("platform")
    from vidcamp.platforms import PLATFORMS

    if platform not in PLATFORMS:
        raise CredentialsError(
            f"{file}: account {name!r} has platform {platform!r}; expected one of "
            + ", ".join(PLATFORMS)
        )
    return entry


@contextlib.contextmanager
def locked(path: Path | None = None) -> Iterator[Path]:
    """Hold the credentials file's lock (an exclusive flock on a sibling ``.lock`` file).

    Threads and processes that refresh the same account take it around read-refresh-write,
    so a rotated refresh token is never used twice nor lost.
    """
    import fcntl

    file = credentials_file(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(file.with_name(f".{file.name}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield file
    finally:
        os.close(fd)


def save_account(
    name: str, entry: dict[str, Any], path: Path | None = None, *, lock: bool = True
) -> Path:
    """Write (or replace) one account, keeping the others; atomic, mode 0600.

    ``lock=False`` when the caller already holds ``locked(path)``.
    """
    file = credentials_file(path)
    with locked(file) if lock else contextlib.nullcontext(file):
        accounts = load_all(file, missing_ok=True)
        accounts[name] = dict(entry)
        write_all(accounts, file)
    return file


def write_all(accounts: dict[str, dict[str, Any]], path: Path | None = None) -> Path:
    """Replace the whole file atomically: temp file (0600) in the same folder, then rename."""
    import yaml

    file = credentials_file(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(accounts, sort_keys=True, default_flow_style=False, allow_unicode=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".tmp", dir=file.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, file)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return file


def secrets_of(entry: dict[str, Any]) -> list[str]:
    """The secret values in an entry (to scrub from any text shown to a user)."""
    return [str(entry[k]) for k in SECRET_KEYS if entry.get(k)]
