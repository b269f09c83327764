"""The Supabase layer: what a Supabase database has that plain Postgres lacks.

Installed only where there is no ``auth`` schema, so a real Supabase database (or one
that already has the layer) is never touched. After the script come the extensions every
Supabase database has pre-installed: the server's own where it has them, else vidprompt's
stand-in as an extension (see ``_standins``), else the stand-in's objects alone, so the
schemas and functions migrations call exist on any server.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

import psycopg

from vidprompt.database._standins import standin_names, standin_script

if TYPE_CHECKING:
    from psycopg.rows import TupleRow

_MARKER = "vidprompt local Supabase layer"
_INSTALL_LOCK = 7020251124
# Supabase's pre-installed extensions and their schemas, in dependency order.
PREINSTALLED = (
    ("uuid-ossp", "extensions"),
    ("pgcrypto", "extensions"),
    ("pgjwt", "extensions"),
    ("pg_stat_statements", "extensions"),
    ("pg_graphql", "graphql"),
    ("pgsodium", "pgsodium"),
    ("supabase_vault", "vault"),
)


def has_auth_schema(conn: psycopg.Connection[TupleRow]) -> bool:
    # A plain query on pg_namespace (not to_regnamespace, which reads the syscache) sees a
    # schema another session committed while this one waited for the install lock.
    row = conn.execute("select exists (select from pg_namespace where nspname = 'auth')").fetchone()
    return bool(row and row[0])


def is_local_layer(conn: psycopg.Connection[TupleRow]) -> bool:
    """True when the auth schema is vidprompt's stand-in rather than Supabase's own."""
    row = conn.execute(
        "select obj_description(to_regnamespace('auth'), 'pg_namespace') = %s", [_MARKER]
    ).fetchone()
    return bool(row and row[0])


def install_supabase_layer(conn: psycopg.Connection[TupleRow]) -> bool:
    """Install the layer in one transaction unless the database has ``auth``; True if it did.

    Concurrent installers (into one database, or into several: roles are cluster-wide)
    take turns on an advisory lock and re-check once they hold it.
    """
    if has_auth_schema(conn):
        return False
    script = resources.files("vidprompt.sql").joinpath("supabase_layer.sql").read_text()
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", [_INSTALL_LOCK])
        if has_auth_schema(conn):
            return False
        conn.execute(script.encode())
        for name, schema in PREINSTALLED:
            _preinstall(conn, name, schema)
    return True


def _preinstall(conn: psycopg.Connection[TupleRow], name: str, schema: str) -> None:
    conn.execute(f'create schema if not exists "{schema}"'.encode())
    # pg_available_extensions does not see Debian's extension_destdir: just try.
    try:
        with conn.transaction():
            conn.execute(f'create extension if not exists "{name}" with schema "{schema}"'.encode())
    except (psycopg.errors.FeatureNotSupported, psycopg.errors.UndefinedFile):
        if name in standin_names():
            conn.execute(standin_script(name, schema).encode())
