"""Connecting to Postgres: the local server, the Supabase layer, and target resolution."""

from __future__ import annotations

from vidprompt.database._connect import (
    STATE_DIR,
    Target,
    connect,
    local_server,
    resolve_target,
    start_local,
)
from vidprompt.database._layer import has_auth_schema, install_supabase_layer, is_local_layer
from vidprompt.database._local import LocalServer, ServerStatus, embedded_bin_dir

__all__ = [
    "STATE_DIR",
    "LocalServer",
    "ServerStatus",
    "Target",
    "connect",
    "embedded_bin_dir",
    "has_auth_schema",
    "install_supabase_layer",
    "is_local_layer",
    "local_server",
    "resolve_target",
    "start_local",
]
