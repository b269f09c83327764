"""Local migration files: ``supabase/migrations/<version>_<name>.sql``, as the CLI names them."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from vidprompt.errors import MigrationFileError
from vidprompt.migrations._split import needs_own_transaction, split_statements

FILE_NAME = re.compile(r"^([0-9]+)_(.*)\.sql$")
MIGRATIONS_DIR = Path("supabase") / "migrations"
SEED_FILE = Path("supabase") / "seed.sql"


@dataclass(frozen=True)
class LocalMigration:
    """One migration file; ``version`` compares as a string, like the CLI's."""

    version: str
    name: str
    path: Path

    @cached_property
    def statements(self) -> list[str]:
        return split_statements(self.path.read_text(encoding="utf-8"), source=self.path.name)

    @cached_property
    def transactional(self) -> bool:
        """False when a statement (e.g. CREATE INDEX CONCURRENTLY) cannot run in a transaction."""
        return not any(needs_own_transaction(statement) for statement in self.statements)


@dataclass(frozen=True)
class LocalMigrations:
    """The migration files of a work folder, sorted by version, and the files skipped."""

    migrations: list[LocalMigration]
    skipped: list[Path]


def discover(workdir: Path) -> LocalMigrations:
    directory = workdir / MIGRATIONS_DIR
    if not directory.is_dir():
        return LocalMigrations([], [])
    migrations, skipped = [], []
    for path in sorted(directory.iterdir()):
        match = FILE_NAME.match(path.name)
        if path.is_file() and match:
            migrations.append(LocalMigration(match.group(1), match.group(2), path))
        elif path.is_file():
            skipped.append(path)
    migrations.sort(key=lambda migration: migration.version)
    _refuse_duplicate_versions(migrations)
    return LocalMigrations(migrations, skipped)


def new_migration(workdir: Path, name: str, *, now: datetime | None = None) -> Path:
    """Create an empty ``<UTC YYYYMMDDHHMMSS>_<name>.sql`` and return its path."""
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", name):
        raise MigrationFileError(
            f"Invalid migration name {name!r}.",
            hint="Use letters, digits, '_' and '-' only, e.g. add_profiles_table.",
        )
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")
    directory = workdir / MIGRATIONS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{stamp}_{name}.sql"
    if path.exists():
        raise MigrationFileError(f"{path.name} already exists.")
    path.write_text("")
    return path


def _refuse_duplicate_versions(migrations: list[LocalMigration]) -> None:
    for earlier, later in itertools.pairwise(migrations):
        if earlier.version == later.version:
            raise MigrationFileError(
                f"{earlier.path.name} and {later.path.name} share version {earlier.version}.",
                hint="Rename one of them: each version may be used once.",
            )
