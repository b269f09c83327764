"""Local migration files: ``supabase/migrations/<version>_<name>.sql``, as the CLI names them."""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from vidprompt.errors import MigrationFileError
from vidprompt.migrations._script import Mode, Script, analyse
from vidprompt.migrations._split import split_statements

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
    def fingerprint(self) -> str:
        """SHA-256 of the file's bytes: equal fingerprints need no re-splitting."""
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    @cached_property
    def has_bom(self) -> bool:
        with self.path.open("rb") as file:
            return file.read(len(BOM)) == BOM

    @cached_property
    def script(self) -> Script:
        """How the file runs; refuses (naming the line) a file a push cannot run safely."""
        return analyse(read_sql(self.path), source=self.path.name)

    @cached_property
    def statements(self) -> list[str]:
        """The statements as the history stores them (no analysis: an applied file the
        CLI accepted is compared, never refused)."""
        return split_statements(read_sql(self.path), source=self.path.name)

    @property
    def transactional(self) -> bool:
        """False when a statement (e.g. CREATE INDEX CONCURRENTLY) cannot run in a transaction."""
        return self.script.mode is not Mode.OUTSIDE


BOM = b"\xef\xbb\xbf"


def read_sql(path: Path) -> str:
    """The text of a SQL file without a leading UTF-8 byte order mark; invalid UTF-8 is
    refused with the line and byte offset of the first bad byte."""
    raw = path.read_bytes()
    data = raw.removeprefix(BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        offset = exc.start + len(raw) - len(data)  # counted in the file as it is on disk
        raise MigrationFileError(
            f"{path.name}, line {line}: the byte at offset {offset} "
            f"(0x{data[exc.start]:02x}) is not valid UTF-8.",
            hint="Save the file as UTF-8 (PostgreSQL and the Supabase CLI read it as UTF-8). "
            "Nothing was pushed.",
        ) from exc


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
    for path in sorted(directory.iterdir(), key=lambda path: path.name):
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
