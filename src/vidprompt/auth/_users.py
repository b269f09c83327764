"""Users in ``auth.users``: found by email, or created as Supabase Auth would for a sign-up."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vidprompt.errors import InvalidInput

if TYPE_CHECKING:
    from vidprompt.database import Connection

_FIND = """
select id, email, coalesce(raw_app_meta_data, '{}'), coalesce(raw_user_meta_data, '{}')
from auth.users where lower(email) = %(email)s and deleted_at is null
order by created_at limit 1
"""
_CREATE = """
insert into auth.users (
  instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data,
  raw_user_meta_data, created_at, updated_at
) values (
  '00000000-0000-0000-0000-000000000000', %(id)s, 'authenticated', 'authenticated',
  %(email)s, now(), %(app)s, '{}', now(), now()
)
"""
_APP_METADATA = {"provider": "email", "providers": ["email"]}


@dataclass(frozen=True)
class AuthUser:
    """What an access token says about its user."""

    id: uuid.UUID
    email: str
    app_metadata: dict[str, Any] = field(default_factory=dict)
    user_metadata: dict[str, Any] = field(default_factory=dict)


def ensure_user(conn: Connection, email: str) -> AuthUser:
    """The user with this email, created (confirmed, email provider) if there is none.

    Needs a connection allowed to write ``auth.users`` (the local superuser, or a Supabase
    project's ``postgres``). Concurrent calls for one email create one user: they take turns
    on a transaction lock keyed by the email.
    """
    address = _normalized(email)
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('auth.users:' || %s))", [address])
        row = conn.execute(_FIND, {"email": address}).fetchone()
        if row is None:
            conn.execute(
                _CREATE,
                {"id": uuid.uuid4(), "email": address, "app": json.dumps(_APP_METADATA)},
            )
            row = conn.execute(_FIND, {"email": address}).fetchone()
    assert row is not None
    return AuthUser(id=row[0], email=row[1], app_metadata=row[2], user_metadata=row[3])


def _normalized(email: str) -> str:
    address = email.strip().lower()
    local, _, domain = address.partition("@")
    if not local or "." not in domain or any(c.isspace() for c in address):
        raise InvalidInput(f"Not an email address: {email!r}.", field="email")
    return address
