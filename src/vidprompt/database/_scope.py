"""Scopes: who a transaction runs as, applied the way Supabase's Data API applies a JWT.

PostgREST opens a transaction per request and sets the role and the verified claims
transaction-locally in one statement, so that ``auth.uid()`` works in policies and row-level
security decides what the request sees. A :class:`Scope` is that pair; the store sends
:data:`APPLY_SCOPE` as the first statement of every transaction, pipelined with the queries.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from vidprompt.errors import AuthError

if TYPE_CHECKING:
    from collections.abc import Mapping

ScopeRole = Literal["anon", "authenticated", "service_role"]

# set_config(..., true) is transaction-local: COMMIT or ROLLBACK resets all of them, so a
# pooled connection never carries one request's identity into the next. The claims go in
# verbatim, as policies read them (auth.jwt()); the user id also goes in alone, as
# PostgREST once set it, so auth.uid() takes its first branch and parses no JSON for it.
APPLY_SCOPE = (
    b"select set_config('role', %(role)s, true),"
    b" set_config('request.jwt.claims', %(claims)s, true),"
    b" set_config('request.jwt.claim.sub', %(sub)s, true),"
    b" set_config('statement_timeout', %(statement_timeout)s, true)"
)


@dataclass(frozen=True, slots=True)
class Scope:
    """The role a transaction runs as and the JWT claims ``auth.uid()`` reads.

    Build one with :meth:`user`, :meth:`from_claims`, :meth:`anonymous` or :meth:`service`;
    nothing in vidprompt picks a scope for the caller, so service access is always explicit.
    """

    role: ScopeRole
    claims_json: str = field(repr=False)
    user_id: uuid.UUID | None = None

    @classmethod
    def user(cls, user_id: uuid.UUID) -> Scope:
        """A signed-in user, with the claims a Supabase access token for them carries."""
        claims = {"sub": str(user_id), "role": "authenticated", "aud": "authenticated"}
        return cls("authenticated", json.dumps(claims), user_id)

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Scope:
        """The scope of a verified access token: its ``role`` claim, its claims verbatim.

        Only ``authenticated`` (with a uuid ``sub``) and ``anon`` tokens are accepted: a
        token must never be a way into the service scope.
        """
        role = claims.get("role")
        if role == "anon":
            return cls("anon", json.dumps(dict(claims)))
        if role != "authenticated":
            raise AuthError(f"A token with role {role!r} cannot act as a user.", code="PGRST303")
        try:
            user_id = uuid.UUID(str(claims.get("sub")))
        except ValueError:
            raise AuthError("The token's sub claim is not a user id.", code="PGRST303") from None
        return cls("authenticated", json.dumps(dict(claims)), user_id)

    @classmethod
    def anonymous(cls) -> Scope:
        """No signed-in user (the anon key): Supabase's ``anon`` role, which sees nothing here."""
        return cls("anon", json.dumps({"role": "anon"}))

    @classmethod
    def service(cls) -> Scope:
        """``service_role``, which bypasses row-level security: for workers and admin tasks."""
        return cls("service_role", json.dumps({"role": "service_role"}))

    def settings(self, statement_timeout_ms: int) -> dict[str, str]:
        """The parameters of :data:`APPLY_SCOPE` for this scope."""
        return {
            "role": self.role,
            "claims": self.claims_json,
            # Empty without a user: auth.uid() then reads the claims, which have no sub.
            "sub": str(self.user_id) if self.user_id is not None else "",
            "statement_timeout": str(statement_timeout_ms),
        }
