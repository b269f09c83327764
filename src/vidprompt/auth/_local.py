"""The local database's JWT secret (made once, kept beside it, so nothing needs configuring),
and access tokens shaped like Supabase Auth's, minted for the local database and for tests."""

from __future__ import annotations

import contextlib
import os
import secrets
import time
import uuid
from typing import TYPE_CHECKING, Any

import jwt

from vidprompt.auth._claims import AUDIENCE, ROLE
from vidprompt.database import STATE_DIR, private_dir

if TYPE_CHECKING:
    from pathlib import Path

    from vidprompt.auth._users import AuthUser
    from vidprompt.config import Settings


SECRET_FILE = "jwt-secret"  # noqa: S105 - the file name, not a secret


def local_jwt_secret(workdir: Path) -> str:
    """The work folder's secret, created on first use (readable by its owner only).

    ``serve`` and ``auth token`` may start together; the secret is written to a private
    temporary file and linked into place, so both end up with the same complete secret.
    """
    path = private_dir(workdir / STATE_DIR) / SECRET_FILE
    if path.exists():
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)  # made by an older vidprompt
        return path.read_text().strip()
    draft = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(48) + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from exc  # name the file, not the draft
    finally:
        draft.unlink(missing_ok=True)  # also when the disk was full: no half-written draft
    return path.read_text().strip()


def signing_secret(settings: Settings, workdir: Path, *, local: bool) -> str | None:
    """The HS256 secret tokens are signed and checked with: the configured one, else (for the
    local database only) the work folder's own."""
    if settings.jwt_secret:
        return settings.jwt_secret
    return local_jwt_secret(workdir) if local else None


ISSUER = "vidprompt-local"
DEFAULT_EXPIRES_IN = 3600


def access_token_claims(
    user: AuthUser, *, expires_in: int = DEFAULT_EXPIRES_IN, now: int | None = None
) -> dict[str, Any]:
    """The claims Supabase Auth puts in an access token for a password sign-in."""
    issued = int(time.time()) if now is None else now
    return {
        "iss": ISSUER,
        "sub": str(user.id),
        "aud": AUDIENCE,
        "exp": issued + expires_in,
        "iat": issued,
        "email": user.email,
        "phone": "",
        "app_metadata": user.app_metadata,
        "user_metadata": user.user_metadata,
        "role": ROLE,
        "aal": "aal1",
        "amr": [{"method": "password", "timestamp": issued}],
        "session_id": str(uuid.uuid4()),
        "is_anonymous": False,
    }


def sign_access_token(user: AuthUser, secret: str, *, expires_in: int = DEFAULT_EXPIRES_IN) -> str:
    """An HS256 access token for ``user``, as the project's JWT secret would sign it."""
    return jwt.encode(
        access_token_claims(user, expires_in=expires_in),
        secret,
        algorithm="HS256",
        headers={"typ": "JWT"},
    )
