"""Comparing local files with the history: what is applied, pending, missing or edited."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from vidprompt.errors import HistoryConflict
from vidprompt.migrations._split import same_statements

if TYPE_CHECKING:
    from vidprompt.migrations._files import LocalMigration
    from vidprompt.migrations._history import AppliedMigration


class State(StrEnum):
    APPLIED = "applied"
    PENDING = "pending"
    MISSING_LOCALLY = "missing locally"
    EDITED = "edited after push"


@dataclass(frozen=True)
class MigrationState:
    """One version as ``migration list`` shows it."""

    version: str
    name: str
    state: State
    local: LocalMigration | None
    applied: AppliedMigration | None


def compare(local: list[LocalMigration], applied: list[AppliedMigration]) -> list[MigrationState]:
    """Every version, local or applied, with its state, sorted by version."""
    by_version = {migration.version: migration for migration in applied}
    states = []
    for migration in local:
        row = by_version.pop(migration.version, None)
        if row is None:
            state = State.PENDING
        elif row.fingerprint is not None and row.fingerprint == migration.fingerprint:
            state = State.APPLIED
        elif row.statements is not None and not same_statements(
            migration.statements, row.statements
        ):
            state = State.EDITED
        else:
            state = State.APPLIED
        states.append(MigrationState(migration.version, migration.name, state, migration, row))
    for row in by_version.values():
        states.append(MigrationState(row.version, row.name or "", State.MISSING_LOCALLY, None, row))
    return sorted(states, key=lambda item: item.version)


def unremembered(states: list[MigrationState]) -> dict[str, str]:
    """Fingerprints of applied files found equal by their statements, to store for the
    next push (rows of old CLI versions without statements prove nothing and are left)."""
    return {
        s.version: s.local.fingerprint
        for s in states
        if s.state is State.APPLIED
        and s.local is not None
        and s.applied is not None
        and s.applied.statements is not None
        and s.applied.fingerprint != s.local.fingerprint
    }


def pending(states: list[MigrationState], *, include_all: bool) -> list[LocalMigration]:
    """The files to push, in order; refuses (naming the files) when that is not safe."""
    _refuse(
        states,
        State.MISSING_LOCALLY,
        "Remote migration versions not found in the local migrations directory:",
        "Restore these files from version control, or, if they were removed on purpose, "
        "delete their rows from supabase_migrations.schema_migrations "
        "(`supabase migration repair --status reverted <version>`).",
    )
    _refuse(
        states,
        State.EDITED,
        "Migration files were edited after they were applied:",
        "Restore each file to what was applied (`vidprompt migration list` shows which) "
        "and put the change into a new migration (`vidprompt migration new NAME`).",
    )
    to_push = [s for s in states if s.state is State.PENDING]
    newest_applied = max((s.version for s in states if s.state is State.APPLIED), default=None)
    if not include_all and newest_applied is not None:
        older = [s for s in to_push if s.version < newest_applied]
        _refuse(
            older,
            State.PENDING,
            f"Found local migration files to be inserted before the last migration "
            f"on the remote database ({newest_applied}):",
            "Rerun with --include-all to push them anyway, or give them a newer "
            "timestamp (`vidprompt migration new`) if their order matters.",
        )
    return [s.local for s in to_push if s.local is not None]


def _refuse(states: list[MigrationState], state: State, message: str, hint: str) -> None:
    offending = [s for s in states if s.state is state]
    if offending:
        names = "\n".join(f"  {_file_name(s)}" for s in offending)
        raise HistoryConflict(f"{message}\n{names}", hint=hint)


def _file_name(state: MigrationState) -> str:
    return state.local.path.name if state.local else f"{state.version}_{state.name}.sql"
