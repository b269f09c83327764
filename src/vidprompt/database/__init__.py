"""Connecting to Postgres: local server, Supabase layer, target resolution, scoped transactions."""

from __future__ import annotations

from vidprompt.database._connect import (
    STATE_DIR,
    AnyConnection,
    Connection,
    Target,
    connect,
    dict_rows,
    local_server,
    notifications,
    reach,
    resolve_target,
    start_local,
    with_connect_timeout,
    with_params,
)
from vidprompt.database._errors import DriverError, driver_error, reason, translate
from vidprompt.database._layer import has_auth_schema, install_supabase_layer
from vidprompt.database._local import LocalServer, ServerStatus, embedded_bin_dir, private_dir
from vidprompt.database._pool import Database
from vidprompt.database._queries import Jsonb, column_list, named_queries, parse_queries
from vidprompt.database._scope import APPLY_SCOPE, Scope, ScopeRole
from vidprompt.database._services import Service, services_report, supabase_services
from vidprompt.database._transaction import Result, Transaction

__all__ = [
    "APPLY_SCOPE",
    "STATE_DIR",
    "AnyConnection",
    "Connection",
    "Database",
    "DriverError",
    "Jsonb",
    "LocalServer",
    "Result",
    "Scope",
    "ScopeRole",
    "ServerStatus",
    "Service",
    "Target",
    "Transaction",
    "column_list",
    "connect",
    "dict_rows",
    "driver_error",
    "embedded_bin_dir",
    "has_auth_schema",
    "install_supabase_layer",
    "local_server",
    "named_queries",
    "notifications",
    "parse_queries",
    "private_dir",
    "reach",
    "reason",
    "resolve_target",
    "services_report",
    "start_local",
    "supabase_services",
    "translate",
    "with_connect_timeout",
    "with_params",
]
