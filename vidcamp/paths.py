"""Where vidcamp keeps its files: config (credentials), data (ledger, cache), bundled templates."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "vidcamp"


def templates_dir() -> Path:
    """The bundled templates folder: inside the installed wheel, or the source checkout's."""
    here = Path(__file__).resolve().parent
    installed = here / "templates"
    if installed.is_dir():
        return installed
    return here.parent / "templates"


def fonts_dir() -> Path:
    return templates_dir() / "fonts"


def caption_styles_dir() -> Path:
    return templates_dir() / "captions"


def config_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))


def credentials_path() -> Path:
    """``VIDCAMP_CREDENTIALS``, else ``credentials.yaml`` in the user config dir."""
    env = os.environ.get("VIDCAMP_CREDENTIALS")
    return Path(env) if env else config_dir() / "credentials.yaml"


def sandbox_credentials_path() -> Path:
    """``VIDCAMP_SANDBOX_CREDENTIALS``, else ``credentials.sandbox.yaml`` beside the real file.

    Sandbox accounts live apart from real ones, so seeding one never overwrites a real account.
    """
    env = os.environ.get("VIDCAMP_SANDBOX_CREDENTIALS")
    return Path(env) if env else credentials_path().with_name("credentials.sandbox.yaml")


def ledger_path() -> Path:
    """``VIDCAMP_LEDGER``, else ``ledger.sqlite3`` in the user data dir."""
    env = os.environ.get("VIDCAMP_LEDGER")
    return Path(env) if env else data_dir() / "ledger.sqlite3"
