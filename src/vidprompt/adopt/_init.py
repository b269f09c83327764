"""``init``: write the migrations that add the feature to a project, and only those."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from vidprompt.adopt._layout import layout_for
from vidprompt.adopt._templates import Layout, feature_migrations
from vidprompt.database import (
    connect,
    has_auth_schema,
    install_supabase_layer,
    local_server,
    start_local,
)
from vidprompt.errors import MigrationFileError
from vidprompt.migrations import MIGRATIONS_DIR, discover, push
from vidprompt.schema import read_catalog

if TYPE_CHECKING:
    from pathlib import Path

    from vidprompt.config import Settings
    from vidprompt.database import AnyConnection
    from vidprompt.schema import Catalog

_STAMP = "%Y%m%d%H%M%S"


@dataclass(frozen=True)
class InitResult:
    """What ``init`` found and wrote."""

    layout: Layout
    written: list[Path]


def init_project(
    workdir: Path, settings: Settings, *, db_url: str | None = None, now: datetime | None = None
) -> InitResult:
    """Write the feature's migrations into ``workdir``'s ``supabase/migrations/``.

    The project's schema is read from ``db_url``'s live catalog, or else from the project's
    migrations pushed onto a throwaway database of the local server. Files get fresh UTC
    versions after the project's newest one; nothing is written when the feature is there.
    """
    local = discover(workdir).migrations
    catalog, has_auth = _read_live(db_url) if db_url else _read_pushed(workdir, settings)
    # A live database has not run the project's newest files: those named as init names its
    # migrations are taken as written before. The pushed catalog has run every file, so what
    # a file of that name did (or did not do) is in the schema itself.
    unpushed = {m.name for m in local} if db_url else set()
    layout = layout_for(catalog, has_auth=has_auth, written=unpushed)
    newest = local[-1].version if local else None
    migrations = feature_migrations(layout)
    stamps = _stamps(newest, len(migrations), now or datetime.now(UTC))
    directory = workdir / MIGRATIONS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for stamp, (name, sql) in zip(stamps, migrations, strict=True):
        path = directory / f"{stamp}_{name}.sql"
        path.write_text(sql, encoding="utf-8")
        written.append(path)
    return InitResult(layout, written)


def _stamps(newest: str | None, count: int, now: datetime) -> list[str]:
    """``count`` versions one second apart, each later than ``now`` and than ``newest``."""
    start = now.astimezone(UTC).replace(microsecond=0, tzinfo=None)
    refused = MigrationFileError(
        f"The project's newest migration version {newest} sorts after any timestamp.",
        hint="Rename the migrations to the Supabase CLI's YYYYMMDDHHMMSS versions.",
    )
    try:
        if newest is not None and len(newest) == len(start.strftime(_STAMP)):
            start = max(start, datetime.strptime(newest, _STAMP) + timedelta(seconds=1))
        stamps = [(start + timedelta(seconds=n)).strftime(_STAMP) for n in range(count)]
    except (ValueError, OverflowError):  # not a date (month 13), or none can follow it
        raise refused from None
    if newest is not None and stamps and stamps[0] <= newest:
        raise refused
    return stamps


def _read_live(url: str) -> tuple[Catalog, bool]:
    with connect(url) as conn:
        return _describe(conn)


def _read_pushed(workdir: Path, settings: Settings) -> tuple[Catalog, bool]:
    """The schema the project's migrations make, pushed onto a database dropped afterwards."""
    server = local_server(workdir, settings)
    was_running = server.running()
    admin_url = start_local(server)
    name = f"vidprompt_init_{uuid.uuid4().hex[:12]}"
    with connect(admin_url) as admin:
        admin.execute(f'create database "{name}"'.encode())
    try:
        with connect(server.url(name)) as conn:
            install_supabase_layer(conn)
            push(conn, discover(workdir).migrations)
            return _describe(conn)
    finally:
        with connect(admin_url) as admin:
            admin.execute(f'drop database if exists "{name}" with (force)'.encode())
        if not was_running:
            server.stop()


def _describe(conn: AnyConnection) -> tuple[Catalog, bool]:
    return read_catalog(conn, ["public"]), has_auth_schema(conn)
