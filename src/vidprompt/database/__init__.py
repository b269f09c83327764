"""Connecting to Postgres: local server, Supabase layer, target resolution, scoped transactions.

Each module of the package is loaded when one of its names is first used, not on import:
`vidprompt db url` only reads the local server's files, and the database driver that the
other modules import is the largest part of the command line's start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Each public name, by the module that defines it.
_MODULES: dict[str, tuple[str, ...]] = {
    "_connect": (
        "AnyConnection",
        "Connection",
        "Target",
        "connect",
        "dict_rows",
        "notifications",
        "reach",
        "resolve_target",
        "start_local",
        "with_connect_timeout",
        "with_params",
    ),
    "_errors": ("DriverError", "driver_error", "reason", "translate"),
    "_layer": ("has_auth_schema", "install_supabase_layer"),
    "_local": (
        "LocalServer",
        "STATE_DIR",
        "ServerStatus",
        "embedded_bin_dir",
        "local_server",
        "private_dir",
    ),
    "_pool": ("Database",),
    "_queries": ("Jsonb", "column_list", "named_queries", "parse_queries"),
    "_scope": ("APPLY_SCOPE", "Scope", "ScopeRole"),
    "_services": ("Service", "services_report", "supabase_services"),
    "_transaction": ("Result", "Transaction"),
}
# What __all__ lists (a test keeps the two equal).
_HOMES = {name: module for module, names in _MODULES.items() for name in names}
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


def __getattr__(name: str) -> Any:
    """The public ``name``, its module imported on first use."""
    module = _HOMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:  # the same names, for type checkers (which read __all__ as written)
    from vidprompt.database._connect import (
        AnyConnection,
        Connection,
        Target,
        connect,
        dict_rows,
        notifications,
        reach,
        resolve_target,
        start_local,
        with_connect_timeout,
        with_params,
    )
    from vidprompt.database._errors import (
        DriverError,
        driver_error,
        reason,
        translate,
    )
    from vidprompt.database._layer import (
        has_auth_schema,
        install_supabase_layer,
    )
    from vidprompt.database._local import (
        STATE_DIR,
        LocalServer,
        ServerStatus,
        embedded_bin_dir,
        local_server,
        private_dir,
    )
    from vidprompt.database._pool import (
        Database,
    )
    from vidprompt.database._queries import (
        Jsonb,
        column_list,
        named_queries,
        parse_queries,
    )
    from vidprompt.database._scope import (
        APPLY_SCOPE,
        Scope,
        ScopeRole,
    )
    from vidprompt.database._services import (
        Service,
        services_report,
        supabase_services,
    )
    from vidprompt.database._transaction import (
        Result,
        Transaction,
    )
