"""Supabase-compatible migrations: files, splitting, history, and push."""

from __future__ import annotations

from vidprompt.migrations._files import (
    MIGRATIONS_DIR,
    SEED_FILE,
    LocalMigration,
    LocalMigrations,
    discover,
    new_migration,
)
from vidprompt.migrations._history import AppliedMigration, read_history, read_history_for
from vidprompt.migrations._plan import MigrationState, State, compare, pending
from vidprompt.migrations._push import PushResult, push
from vidprompt.migrations._seed import apply_seed
from vidprompt.migrations._split import needs_own_transaction, same_statements, split_statements

__all__ = [
    "MIGRATIONS_DIR",
    "SEED_FILE",
    "AppliedMigration",
    "LocalMigration",
    "LocalMigrations",
    "MigrationState",
    "PushResult",
    "State",
    "apply_seed",
    "compare",
    "discover",
    "needs_own_transaction",
    "new_migration",
    "pending",
    "push",
    "read_history",
    "read_history_for",
    "same_statements",
    "split_statements",
]
