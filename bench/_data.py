"""Building the data sets: three schemas on one server, loaded with the same rows.

- ``ours``: this repository's migrations, as ``vidprompt db push`` applies them;
- ``plan``: the app's image tables and the plan's original ``video_prompts`` SQL;
- ``floor``: a copy of ``ours`` with row-level security off; its queries filter by
  ``user_id`` themselves, which is what RLS cannot beat.

The data set grows in steps (10 k, 100 k, 1 M prompts ...) so each size costs only its
new rows. Each user has 10 images of 10 variants, so N prompts means N/100 users.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bench import _sql
from bench._server import connect, drop_database, recreate_database
from vidprompt.database import install_supabase_layer
from vidprompt.migrations import discover, push

if TYPE_CHECKING:
    from bench._server import Conn

REPO = Path(__file__).resolve().parents[1]
# The plan's SQL exactly as the seed specifies it: the one copy, shared with the tests of
# verify and db lint.
PLAN_ORIGINAL = REPO / "tests" / "fixtures" / "plan_original.sql"
SCHEMAS = ("ours", "plan", "floor")
PROMPTS_PER_USER = 100
IMAGES_PER_USER = 10
# The migration holding the app's existing tables, which the plan builds on.
IMAGE_TABLES_MIGRATION = "create_image_generation_tables"
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def database_name(schema: str) -> str:
    return f"vidprompt_bench_{schema}"


def user_id(number: int) -> uuid.UUID:
    """The id the data set gives user ``number`` (same md5 as the SQL)."""
    return _md5_uuid(f"user:{number}")


def image_id(user: int, index: int) -> uuid.UUID:
    return _md5_uuid(f"image:{user * IMAGES_PER_USER + index}")


def _md5_uuid(key: str) -> uuid.UUID:
    return uuid.UUID(hashlib.md5(key.encode(), usedforsecurity=False).hexdigest())


def users_for(prompts: int) -> int:
    return max(1, prompts // PROMPTS_PER_USER)


@dataclass
class DataSet:
    """The ``ours`` and ``plan`` databases and how many users they hold so far."""

    server_url: str
    urls: dict[str, str]
    users: int = 0
    epoch: datetime = _EPOCH

    def grow_to(self, prompts: int) -> None:
        """Add users until the data set holds ``prompts`` prompts; refresh ``floor``."""
        target = users_for(prompts)
        if target > self.users:
            for schema in ("ours", "plan"):
                with connect(self.urls[schema]) as conn:
                    _load(conn, self.users, target - 1, self.epoch)
            # The next step's rows come after this step's: 101 seconds per new user.
            self.epoch += timedelta(seconds=101 * (target - self.users) + 60)
            self.users = target
        self.urls["floor"] = _copy_as_floor(self.server_url, self.urls["ours"])

    def drop(self) -> None:
        for schema in SCHEMAS:
            drop_database(self.server_url, database_name(schema))


def create_data_set(server_url: str) -> DataSet:
    """Empty ``ours`` and ``plan`` databases with their schemas; ``floor`` follows later."""
    migrations = discover(REPO).migrations
    urls = {}
    for schema in ("ours", "plan"):
        urls[schema] = recreate_database(server_url, database_name(schema))
        with connect(urls[schema]) as conn:
            install_supabase_layer(conn)
            if schema == "ours":
                push(conn, migrations)
            else:
                push(conn, [m for m in migrations if m.name == IMAGE_TABLES_MIGRATION])
                conn.execute(PLAN_ORIGINAL.read_bytes())
    return DataSet(server_url, urls)


def _load(conn: Conn, first: int, last: int, epoch: datetime) -> None:
    """Insert users ``first..last`` with their images and prompts, then vacuum."""
    params = {"first": first, "last": last, "n": last - first + 1, "epoch": epoch}
    # Asynchronous commits would keep VACUUM from marking the new pages all-visible.
    conn.execute("set synchronous_commit = on")
    with conn.transaction():
        # The rows are consistent by construction; skipping the foreign-key triggers
        # (replica mode) makes loading several times faster. Queries still see the FKs.
        conn.execute("set local session_replication_role = replica")
        conn.execute("set local work_mem = '256MB'")
        for block in ("users", "images", "prompts"):
            conn.execute(_sql.blocks("dataset.sql")[block], params)
    conn.execute("vacuum (analyze) auth.users, public.images, public.video_prompts")


def _copy_as_floor(server_url: str, ours_url: str) -> str:
    """``floor``: a byte-for-byte copy of ``ours`` without row-level security."""
    url = recreate_database(server_url, database_name("floor"), template=database_name("ours"))
    with connect(url) as conn:
        conn.execute("alter table public.video_prompts disable row level security")
    return url
