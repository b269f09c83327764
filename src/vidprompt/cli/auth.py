"""``vidprompt auth``: access tokens for calling the HTTP API without the app's sign-in."""

from __future__ import annotations

from pathlib import Path

import typer

from vidprompt.cli._common import DbUrl, Workdir, checked_settings, say_notice
from vidprompt.errors import ConfigError

HELP = """Access tokens for calling the HTTP API.

Example: `vidprompt auth token --email alice@example.com`"""
app = typer.Typer(no_args_is_help=True, help=HELP)


@app.command()
def token(
    email: str = typer.Option(..., "--email", help="The user's email; created if missing."),
    db_url: DbUrl = None,
    workdir: Workdir = Path(),
    expires_in: int = typer.Option(
        3600, "--expires-in", min=60, help="Seconds until the token expires."
    ),
) -> None:
    """Print an access token for the user with this email, and nothing else.

    The user is created in auth.users (confirmed, email sign-in) if there is none. The token
    has the claims of a Supabase access token and is signed with VIDPROMPT_JWT_SECRET, or,
    on the local database, with the local secret kept in .vidprompt/ (made on first use),
    which `vidprompt serve` checks tokens with: no configuration needed.

    Example: curl -H "Authorization: Bearer $(vidprompt auth token --email ada@example.com)" http://127.0.0.1:8000/images
    """
    from vidprompt.auth import ensure_user, sign_access_token, signing_secret  # slow to import
    from vidprompt.database import connect, resolve_target

    settings = checked_settings()
    target = resolve_target(db_url, workdir, settings, on_notice=say_notice)
    secret = signing_secret(settings, workdir, local=target.local is not None)
    if secret is None:
        raise ConfigError(
            "No secret to sign tokens for this database: set VIDPROMPT_JWT_SECRET.",
            hint="A Supabase project's legacy JWT secret is under Project Settings > API.",
        )
    with connect(target.url) as conn:
        user = ensure_user(conn, email)
    print(sign_access_token(user, secret, expires_in=expires_in))
