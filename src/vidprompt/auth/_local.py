"""The local database's JWT secret: made once, kept beside it, so nothing needs configuring."""

from __future__ import annotations

import os
import secrets
from typing import TYPE_CHECKING

from vidprompt.database import STATE_DIR

if TYPE_CHECKING:
    from pathlib import Path

    from vidprompt.config import Settings

SECRET_FILE = "jwt-secret"  # noqa: S105 - the file name, not a secret


def local_jwt_secret(workdir: Path) -> str:
    """The work folder's secret, created on first use (readable by its owner only).

    ``serve`` and ``auth token`` may start together; the secret is written to a private
    temporary file and linked into place, so both end up with the same complete secret.
    """
    path = workdir / STATE_DIR / SECRET_FILE
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(secrets.token_urlsafe(48) + "\n")
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()


def signing_secret(settings: Settings, workdir: Path, *, local: bool) -> str | None:
    """The HS256 secret tokens are signed and checked with: the configured one, else (for the
    local database only) the work folder's own."""
    if settings.jwt_secret:
        return settings.jwt_secret
    return local_jwt_secret(workdir) if local else None
