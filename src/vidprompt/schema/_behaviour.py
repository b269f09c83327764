"""The behavioural must-haves: cascade, isolation between two users, ordered variants.

They run on test rows inside one transaction that is always rolled back, and take no
sequence values (an identity ``seq`` is given explicitly), because a sequence value once
taken is not given back by a rollback: the database is left exactly as it was.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from vidprompt.database import AnyConnection, DriverError
from vidprompt.schema._model import Check

if TYPE_CHECKING:
    from vidprompt.schema._model import Relation


def behaviour_checks(conn: AnyConnection, table: Relation) -> list[Check]:
    """Cascade, isolation and ordering, on rows that never outlive the transaction."""
    checks: list[Check] = []
    try:
        with conn.transaction(force_rollback=True):
            rows = _Rows(conn, table)
            checks.append(rows.cascade())
            checks.append(rows.variants_in_order())
            checks.extend(rows.isolation())
    except DriverError as exc:
        checks.append(
            Check(
                "behaviour",
                "behavioural checks could run",
                False,
                "test rows can be written and rolled back",
                _error(exc),
            )
        )
    return checks


class _Rows:
    """Test users, images and prompts inside the verify transaction."""

    def __init__(self, conn: AnyConnection, table: Relation) -> None:
        self.conn = conn
        self.seq = table.column("seq")
        self.alice = self._user()
        self.bob = self._user()
        self.next_seq = -(2**62)  # far below any value the sequence hands out

    def _user(self) -> uuid.UUID:
        user = uuid.uuid4()
        self.conn.execute(
            "insert into auth.users (id, email, aud, role, created_at)"
            " values (%s, %s, 'authenticated', 'authenticated', now())",
            [user, f"verify-{user.hex[:12]}@vidprompt.invalid"],
        )
        return user

    def image(self, owner: uuid.UUID) -> uuid.UUID:
        row = self.conn.execute(
            "insert into public.images (user_id, url, storage_path, type)"
            " values (%s, 'https://vidprompt.invalid/verify.png', %s, 'generated') returning id",
            [owner, f"{owner}/verify.png"],
        ).fetchone()
        assert row is not None
        return uuid.UUID(str(row[0]))

    def prompt(self, owner: uuid.UUID, image: uuid.UUID, text: str = "verify") -> uuid.UUID:
        columns, values, params = self._prompt_values(owner, image, text)
        row = self.conn.execute(
            f"insert into public.video_prompts ({columns}) {values} returning id", params
        ).fetchone()
        assert row is not None
        return uuid.UUID(str(row[0]))

    def _prompt_values(
        self, owner: uuid.UUID, image: uuid.UUID, text: str
    ) -> tuple[str, str, list[Any]]:
        """Columns and VALUES of a prompt; an identity ``seq`` is given explicitly, because
        a sequence value, once taken, is not given back by a rollback."""
        columns, values = "image_id, user_id, prompt_text, model_name", "%s, %s, %s, 'verify'"
        params: list[Any] = [image, owner, text]
        overriding = ""
        if self.seq is not None and self.seq.identity:
            columns += ", seq"
            values += ", %s"
            params.append(self.next_seq)
            self.next_seq += 1
            overriding = "overriding system value " if self.seq.identity == "a" else ""
        return columns, f"{overriding}values ({values})", params

    def cascade(self) -> Check:
        image = self.image(self.alice)
        self.prompt(self.alice, image)
        self.conn.execute("delete from public.images where id = %s", [image])
        left = self._count("select count(*) from public.video_prompts where image_id = %s", image)
        return Check(
            "behaviour",
            "deleting an image deletes its prompts",
            left == 0,
            "0 prompts left",
            f"{left} prompts left",
        )

    def variants_in_order(self) -> Check:
        image = self.image(self.alice)
        made = [self.prompt(self.alice, image, f"variant {i}") for i in range(3)]
        order = "created_at, seq" if self.seq is not None else "created_at"
        rows = self.conn.execute(
            f"select id from public.video_prompts where image_id = %s order by {order}", [image]
        ).fetchall()
        found = [uuid.UUID(str(r[0])) for r in rows]
        total = self.seq is not None
        good = total and found == made
        return Check(
            "behaviour",
            "several variants per image, in insertion order",
            good,
            "3 variants ordered by (created_at, seq)",
            f"{len(found)} variants" + ("" if total else ", created_at ties (no seq)"),
        )

    def isolation(self) -> list[Check]:
        """What the owner, another user and anon may do with one of the owner's prompts."""
        alice_image = self.image(self.alice)
        prompt = self.prompt(self.alice, alice_image)
        count = "select count(*) from public.video_prompts where id = %s"
        update = (
            "with c as (update public.video_prompts set prompt_text = 'x' where id = %s"
            " returning 1) select count(*) from c"
        )
        delete = (
            "with c as (delete from public.video_prompts where id = %s returning 1)"
            " select count(*) from c"
        )
        # name, role, as whom, query, rows expected (None: refused is fine too)
        probes: list[tuple[str, str, uuid.UUID | None, str, int | None]] = [
            ("owner sees own prompt", "authenticated", self.alice, count, 1),
            ("other user cannot see it", "authenticated", self.bob, count, 0),
            ("other user cannot update it", "authenticated", self.bob, update, 0),
            ("other user cannot delete it", "authenticated", self.bob, delete, 0),
            ("anon sees nothing", "anon", None, count, None),
        ]
        checks = []
        for name, role, sub, query, expected in probes:
            seen = self._as(role, sub, query, prompt)
            if expected is None:
                checks.append(
                    Check("behaviour", name, seen in (0, None), "0 rows or no access", _rows(seen))
                )
            else:
                expect = _rows(expected)
                checks.append(Check("behaviour", name, seen == expected, expect, _rows(seen)))
        return [*checks, self._attach_to_anothers_image(alice_image)]

    def _attach_to_anothers_image(self, alice_image: uuid.UUID) -> Check:
        columns, values, params = self._prompt_values(self.bob, alice_image, "x")
        stolen = self._as(
            "authenticated",
            self.bob,
            f"with c as (insert into public.video_prompts ({columns}) {values} returning 1)"
            " select count(*) from c",
            *params,
        )
        refused = stolen in (0, None)
        return Check(
            "security",
            "other user cannot attach a prompt to your image",
            refused,
            "refused",
            "refused" if refused else "allowed: a prompt of one user on another user's image",
        )

    def _as(self, role: str, sub: uuid.UUID | None, query: str, *params: Any) -> int | None:
        """Run ``query`` as an API role with the claims PostgREST sets; None if refused."""
        claims = {"role": role} | ({"sub": str(sub), "aud": "authenticated"} if sub else {})
        try:
            with self.conn.transaction(force_rollback=True):
                self.conn.execute(
                    "select set_config('role', %s, true),"
                    " set_config('request.jwt.claims', %s, true)",
                    [role, json.dumps(claims)],
                )
                row = self.conn.execute(query, list(params)).fetchone()
                return int(row[0]) if row else 0
        except DriverError:
            return None

    def _count(self, query: str, *params: Any) -> int:
        row = self.conn.execute(query, list(params)).fetchone()
        return int(row[0]) if row else 0


def _rows(count: int | None) -> str:
    return "refused" if count is None else f"{count} row{'s' if count != 1 else ''}"


def _error(exc: DriverError) -> str:
    return str(exc).strip().splitlines()[0]
