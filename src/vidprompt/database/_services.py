"""What of Supabase a database has for real, what only as a local stand-in, and what not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from vidprompt.database._layer import is_local_layer
from vidprompt.database._standins import STANDIN_VERSION, standin_names

if TYPE_CHECKING:
    import psycopg
    from psycopg.rows import TupleRow

Kind = Literal["real", "stand-in", "missing"]

# The extensions real Supabase projects create, most used first.
SUPABASE_EXTENSIONS = (
    "uuid-ossp",
    "pgcrypto",
    "pgjwt",
    "pg_graphql",
    "supabase_vault",
    "pg_stat_statements",
    "pg_net",
    "pg_cron",
    "vector",
    "pgsodium",
    "pgmq",
    "http",
    "pg_jsonschema",
    "pgroonga",
    "plv8",
    "wrappers",
)

_LAYER_SERVICES = (
    ("auth", "the auth schema and auth.uid(); no Auth server"),
    ("storage", "the storage schema; no Storage API, no files"),
    ("realtime", "the publication and realtime.messages; no Realtime server"),
    ("webhooks", "supabase_functions.http_request() calls pg_net"),
)

_EXTENSIONS = """
select
  name,
  (select extversion from pg_extension where extname = name) as installed,
  (select default_version from pg_available_extensions a where a.name = wanted.name) as available,
  coalesce(nullif(current_setting('extension_control_path', true), '$system'),
           current_setting('extension_destdir', true), '') <> '' as stages_standins
from unnest(%s::text[]) as wanted(name)
"""


@dataclass(frozen=True)
class Service:
    """One part of a Supabase database, and how the connected database has it."""

    name: str
    kind: Kind
    note: str


def supabase_services(conn: psycopg.Connection[TupleRow]) -> list[Service]:
    """The Supabase services and extensions of the connected database, real or stand-in."""
    version = conn.execute("select current_setting('server_version')").fetchone()
    services = [Service("postgres", "real", f"PostgreSQL {version[0] if version else '?'}")]
    layer: Kind = "stand-in" if is_local_layer(conn) else "real"
    services += [
        Service(name, layer, note if layer == "stand-in" else "") for name, note in _LAYER_SERVICES
    ]
    standins = set(standin_names())
    for name, installed, available, stages in conn.execute(
        _EXTENSIONS, [list(SUPABASE_EXTENSIONS)]
    ).fetchall():
        services.append(_extension(name, installed, available, stages and name in standins))
    return services


def _extension(name: str, installed: str | None, available: str | None, standin: bool) -> Service:
    label = f"ext. {name}"
    if installed == STANDIN_VERSION:
        return Service(label, "stand-in", "installed")
    if installed is not None:
        return Service(label, "real", f"installed ({installed})")
    if available not in (None, STANDIN_VERSION):
        return Service(label, "real", f"available ({available})")
    if standin or available == STANDIN_VERSION:
        return Service(label, "stand-in", "create extension installs it")
    return Service(label, "missing", "not on this server")


def services_report(conn: psycopg.Connection[TupleRow]) -> str:
    """``supabase_services`` as aligned lines: what, real or stand-in, and a note."""
    services = supabase_services(conn)
    width = max(len(service.name) for service in services)
    lines = ["Supabase locally (real / stand-in / missing):"]
    lines += [
        f"  {service.name:<{width}}  {service.kind:<8}  {service.note}".rstrip()
        for service in services
    ]
    return "\n".join(lines)
