"""Connecting to Postgres: local server, Supabase layer, target resolution, scoped transactions."""

from __future__ import annotations

from vidprompt.database._connect import (
    STATE_DIR,
    Target,
    connect,
    local_server,
    resolve_target,
    start_local,
    with_connect_timeout,
)
from vidprompt.database._layer import has_auth_schema, install_supabase_layer
from vidprompt.database._local import LocalServer, ServerStatus, embedded_bin_dir, private_dir
from vidprompt.database._pool import Database
from vidprompt.database._scope import APPLY_SCOPE, Scope, ScopeRole
from vidprompt.database._services import Service, services_report, supabase_services
from vidprompt.database._transaction import Result, Transaction

__all__ = [
    "APPLY_SCOPE",
    "STATE_DIR",
    "Database",
    "LocalServer",
    "Result",
    "Scope",
    "ScopeRole",
    "ServerStatus",
    "Service",
    "Target",
    "Transaction",
    "connect",
    "embedded_bin_dir",
    "has_auth_schema",
    "install_supabase_layer",
    "local_server",
    "private_dir",
    "resolve_target",
    "services_report",
    "start_local",
    "supabase_services",
    "with_connect_timeout",
]
