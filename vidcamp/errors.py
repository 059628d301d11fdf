"""Every error vidcamp shows a user, with the exit code it ends the process with.

    VidcampError                      1  unexpected / generic
    ├── UsageError                    2  bad command line
    ├── SpecError                     3  campaign spec invalid (file:line:col field: why)
    │   ├── SpecErrors                3  several of them, one line each
    │   └── MediaError                3  a source, caption or image file is unusable
    ├── RenderError                   4  ffmpeg failed or an output does not meet its preset
    ├── PublishError                  5  an upload or post failed
    │   ├── RetryableError            5  try again soon (5xx, network, 429 without a window)
    │   ├── DeferredError             5  try again at `retry_at` (quota, rate window)
    │   ├── ReauthRequired            5  the account must be authorised again
    │   ├── PermanentPublishError     5  the platform refused the post; retrying will not help
    │   └── CredentialsError          5  credentials file missing, unreadable or lacking a field
    ├── PartlyPublished               6  some posts went out, the rest wait in the ledger
    └── LedgerError                   7  the ledger is unreadable, corrupt, too new or busy
        └── LeaseLost                 7  another run took over a post (vidcamp.ledger.store)

A post's own failure is a ``PublishError``; a ``LedgerError`` is about the local record of all
posts, so it is never mistaken for (or recorded as) a platform's answer.

Library code raises these; only ``vidcamp.cli`` turns them into a printed line and an exit
code. A message is one line and never contains a secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_SPEC = 3
EXIT_RENDER = 4
EXIT_PUBLISH = 5
EXIT_PARTLY = 6
EXIT_LEDGER = 7


class VidcampError(Exception):
    """Base of every error vidcamp expects; carries its exit code and one-line message."""

    exit_code: int = EXIT_UNEXPECTED

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = _one_line(message)

    def __str__(self) -> str:
        return self.message

    @property
    def lines(self) -> list[str]:
        """What the CLI prints: one line per problem (one, unless several were collected)."""
        return [self.message]


class UsageError(VidcampError):
    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class Location:
    """Where in a spec file something is: 1-based line and column."""

    file: Path | str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        name = Path(self.file).name if isinstance(self.file, Path) else self.file
        if self.line is None:
            return str(name)
        if self.column is None:
            return f"{name}:{self.line}"
        return f"{name}:{self.line}:{self.column}"


class SpecError(VidcampError):
    """The campaign spec is wrong: ``file:line:col field: what was expected``."""

    exit_code = EXIT_SPEC

    def __init__(self, reason: str, *, location: Location | None = None, field: str = "") -> None:
        self.location = location
        self.field = field
        self.reason = _one_line(reason)
        parts = []
        if location is not None:
            parts.append(str(location))
        if field:
            parts.append(field + ":")
        parts.append(self.reason)
        super().__init__(" ".join(parts))


class SpecErrors(SpecError):
    """Several spec errors found in one pass; shown one per line, in file order."""

    def __init__(self, errors: list[SpecError]) -> None:
        if not errors:
            raise ValueError("SpecErrors needs at least one error")
        self.errors = errors
        first = errors[0]
        super().__init__(first.reason, location=first.location, field=first.field)

    @property
    def lines(self) -> list[str]:
        return [e.message for e in self.errors]


class MediaError(SpecError):
    """A media file (source footage, caption, image) cannot be used as it is."""


class RenderError(VidcampError):
    exit_code = EXIT_RENDER


class PublishError(VidcampError):
    exit_code = EXIT_PUBLISH
    #: how the ledger should treat the failure: retry, defer, reauth, permanent
    kind: str = "permanent"


class RetryableError(PublishError):
    kind = "retry"

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class DeferredError(PublishError):
    kind = "defer"

    def __init__(self, message: str, *, retry_at: datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class ReauthRequired(PublishError):
    kind = "reauth"


class PermanentPublishError(PublishError):
    kind = "permanent"


class CredentialsError(PublishError):
    kind = "reauth"


class PartlyPublished(VidcampError):
    exit_code = EXIT_PARTLY


class LedgerError(VidcampError):
    exit_code = EXIT_LEDGER
    kind = "ledger"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
