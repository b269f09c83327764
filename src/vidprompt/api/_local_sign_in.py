"""Signing in to the panel on the local database with an e-mail address only.

Only ``vidprompt serve`` on the work folder's own database and bound to a loopback address
offers this (it is ``vidprompt auth token`` over HTTP): anyone who can reach such a server
is on the machine that holds the database anyway. Everywhere else the panel signs in with
the project's Supabase Auth.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from vidprompt.auth import ensure_user, sign_access_token
from vidprompt.database import connect

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

    def token(self, email: str) -> str:
        """An access token for the user with ``email``; InvalidInput if it is not one."""
        with connect(self.admin_url) as conn:
            user = ensure_user(conn, email)
        return sign_access_token(user, self.secret, expires_in=self.expires_in)
