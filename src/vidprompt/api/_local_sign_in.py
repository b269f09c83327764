"""Signing in to the panel on the local database with an e-mail address and the server's key.

Only ``vidprompt serve`` on the work folder's own database and bound to a loopback address
offers this (it is ``vidprompt auth token`` over HTTP). Being on the machine is not enough:
other local users reach a loopback port too, and a web page can reach it through DNS
rebinding. So the server makes a random key at start and prints the panel's address with it
(``/#key=...``, as Jupyter does) to the person who started it; a sign-in without that key,
or addressed to a host name that is not this machine's, is refused. Everywhere else the
panel signs in with the project's Supabase Auth.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field

from vidprompt.auth import ensure_user, sign_access_token
from vidprompt.database import connect
from vidprompt.errors import AuthError

LOCAL_HOSTS = frozenset({"localhost"})


def is_loopback(host: str) -> bool:
    """Whether ``host`` (as given to ``--host``) only listens on this machine."""
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class LocalSignIn:
    """Issues access tokens for e-mail addresses, creating the user on first sign-in."""

    admin_url: str  # the local superuser: the one that may write auth.users
    secret: str
    expires_in: int = 3600
    # Shown only to whoever started the server; proves the browser is theirs.
    key: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)

    def token(self, email: str, key: str) -> str:
        """An access token for the user with ``email``; InvalidInput if it is not one,
        AuthError without the server's key."""
        if not hmac.compare_digest(key.encode(), self.key.encode()):
            raise AuthError(
                "The panel's sign-in key is missing or wrong: open the address that "
                "`vidprompt serve` printed (it ends in #key=...).",
                code="PGRST302",
            )
        with connect(self.admin_url) as conn:
            user = ensure_user(conn, email)
        return sign_access_token(user, self.secret, expires_in=self.expires_in)
