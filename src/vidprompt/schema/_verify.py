"""``verify``: the plan's must-haves for video_prompts, checked against a live database.

Structural checks read the catalog; the behavioural ones (see _behaviour.py) write test
rows in a transaction that is always rolled back. Either way the database is unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vidprompt.migrations import State, compare, discover, read_history
from vidprompt.schema._behaviour import behaviour_checks
from vidprompt.schema._catalog import read_catalog
from vidprompt.schema._checks import narrowings
from vidprompt.schema._model import Check
from vidprompt.schema._typegen import generated_files, stale_files

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from vidprompt.database import AnyConnection
    from vidprompt.schema._model import Catalog, Constraint, Relation

TABLE = ("public", "video_prompts")
MIGRATION_NAME = "create_video_prompts_table"

# The plan's columns: type, nullable, default (as Postgres prints it; None: no default).
COLUMNS: dict[str, tuple[str, bool, str | None]] = {
    "id": ("uuid", False, "gen_random_uuid()"),
    "image_id": ("uuid", False, None),
    "user_id": ("uuid", False, None),
    "prompt_text": ("text", False, None),
    "user_instruction": ("text", True, None),
    "model_name": ("text", False, None),
    "camera_style": ("text", True, "'statisch'::text"),
    "film_effects": ("text[]", True, "'{}'::text[]"),
    "status": ("text", False, "'draft'::text"),
    "is_primary": ("boolean", True, "false"),
    "error_code": ("text", True, None),
    "error_message": ("text", True, None),
    "created_at": ("timestamp with time zone", False, "now()"),
    "updated_at": ("timestamp with time zone", False, "now()"),
}
STATUSES = ("completed", "draft", "failed", "pending")
INDEXED = (("image_id",), ("user_id",), ("image_id", "created_at"))
OWNER_CHECK = "( SELECT auth.uid() AS uid) = user_id"
# The plan's trigger function, or vidprompt's own where a project has one of the plan's name.
UPDATED_AT_FUNCTIONS = ("update_updated_at_column", "vidprompt_update_updated_at_column")


def verify(conn: AnyConnection, workdir: Path) -> list[Check]:
    """Every check, in the plan's order. Never changes the database."""
    catalog = read_catalog(conn)
    table = catalog.relation(*TABLE)
    if table is None:
        return [Check("structure", "table public.video_prompts", False, "exists", "missing")]
    checks = [
        *_columns(table),
        *_constraints(table),
        *_indexes(table),
        *_security(table),
        *_trigger(catalog, table),
        *_history(conn, workdir),
        *_types(catalog, workdir),
    ]
    checks.extend(behaviour_checks(conn, table))
    return checks


# -- structure ------------------------------------------------------------------------------


def _columns(table: Relation) -> Iterator[Check]:
    for name, (data_type, nullable, default) in COLUMNS.items():
        column = table.column(name)
        expected = _describe(data_type, nullable, default)
        found = "missing"
        if column is not None:
            found = _describe(column.data_type, column.nullable, column.default)
        yield Check("structure", f"column {name}", found == expected, expected, found)


def _describe(data_type: str, nullable: bool, default: str | None) -> str:
    return f"{data_type} {'null' if nullable else 'not null'}" + (
        f" default {default}" if default is not None else ""
    )


def _constraints(table: Relation) -> Iterator[Check]:
    yield from _column_limits(table)
    yield from _references(table)


def _column_limits(table: Relation) -> Iterator[Check]:
    limits = narrowings(table)
    text = limits.get("prompt_text")
    found_length = str(text.max_length) if text and text.max_length else "no limit"
    yield Check(
        "structure",
        "prompt_text at most 2000 characters",
        found_length == "2000",
        "2000",
        found_length,
    )
    status = limits.get("status")
    found_values = ", ".join(status.values) if status and status.values else "any text"
    yield Check(
        "structure",
        "status in (draft, pending, completed, failed)",
        found_values == ", ".join(STATUSES),
        ", ".join(STATUSES),
        found_values,
    )


def _references(table: Relation) -> Iterator[Check]:
    image_keys = [
        k
        for k in table.foreign_keys
        if "image_id" in k.columns
        and (k.referenced_schema, k.referenced_table) == ("public", "images")
        and dict(_pairs(k)).get("image_id") == "id"
    ]
    user_keys = [
        k
        for k in table.foreign_keys
        if k.columns == ("user_id",)
        and (k.referenced_schema, k.referenced_table) == ("auth", "users")
    ]
    yield _cascade_check("image_id references images(id) on delete cascade", image_keys)
    yield _key_check(
        "security",
        "image reference includes the owner (image_id, user_id)",
        "references images (id, user_id): a prompt's image is its user's",
        [k for k in image_keys if ("user_id", "user_id") in _pairs(k)],
        image_keys,
    )
    yield _cascade_check("user_id references auth.users on delete cascade", user_keys)


def _cascade_check(name: str, keys: list[Constraint]) -> Check:
    """One of ``keys`` deletes the row with the row it references."""
    cascading = [k for k in keys if k.on_delete == "c"]
    return _key_check("structure", name, "foreign key with ON DELETE CASCADE", cascading, keys)


def _key_check(
    group: str, name: str, expected: str, matching: list[Constraint], keys: list[Constraint]
) -> Check:
    """Passes when a key of ``matching`` exists; found: the first of them, else all ``keys``."""
    found = matching[0].definition if matching else _definitions(keys)
    return Check(group, name, bool(matching), expected, found)


def _pairs(key: Constraint) -> list[tuple[str, str]]:
    """A foreign key's (column, referenced column) pairs."""
    return list(zip(key.columns, key.referenced_columns, strict=True))


def _definitions(keys: list[Any]) -> str:
    return "; ".join(k.definition for k in keys) or "missing"


def _indexes(table: Relation) -> Iterator[Check]:
    for columns in INDEXED:
        match = sorted(
            (
                i
                for i in table.indexes
                if i.key_columns[: len(columns)] == columns and i.predicate is None
            ),
            key=lambda i: (len(i.key_columns), i.name),  # the closest fit first
        )
        yield Check(
            "structure",
            f"index on ({', '.join(columns)})",
            bool(match),
            f"an index starting with ({', '.join(columns)})",
            match[0].name if match else "none",
        )


def _security(table: Relation) -> Iterator[Check]:
    yield Check(
        "security",
        "row level security enabled",
        table.rls_enabled,
        "enabled",
        "enabled" if table.rls_enabled else "disabled",
    )
    for command in ("SELECT", "INSERT", "UPDATE", "DELETE"):
        policies = [p for p in table.policies if p.command == command]
        expected = f"to authenticated, {_clauses(command)} {OWNER_CHECK}"
        found = (
            "; ".join(
                f"to {', '.join(p.roles)}, using {p.using or '-'}, with check {p.check or '-'}"
                for p in policies
            )
            or "no policy"
        )
        good = len(policies) == 1 and _owner_only(policies[0], command)
        yield Check("security", f"{command} policy: owner only", good, expected, found)


def _clauses(command: str) -> str:
    return {"INSERT": "with check", "UPDATE": "using and with check"}.get(command, "using")


def _owner_only(policy: Any, command: str) -> bool:
    wanted = {"INSERT": ("check",), "UPDATE": ("using", "check")}.get(command, ("using",))
    clauses_ok = all(getattr(policy, clause) == f"({OWNER_CHECK})" for clause in wanted)
    return policy.roles == ("authenticated",) and policy.permissive and clauses_ok


def _trigger(catalog: Catalog, table: Relation) -> Iterator[Check]:
    triggers = [t for t in table.triggers if t.function.split(".")[-1] in UPDATED_AT_FUNCTIONS]
    good = [
        t for t in triggers if t.timing == "BEFORE" and "UPDATE" in t.events and t.level == "ROW"
    ]
    yield Check(
        "structure",
        "updated_at trigger",
        bool(good),
        "BEFORE UPDATE FOR EACH ROW update_updated_at_column()",
        ", ".join(f"{t.name} ({t.timing} {'/'.join(t.events)} {t.level})" for t in triggers)
        or "none",
    )
    used = {t.function for t in good} or {f"public.{UPDATED_AT_FUNCTIONS[0]}"}
    functions = [f for f in catalog.functions if f"{f.schema}.{f.name}" in used]
    pinned = bool(functions) and all(f.pins_search_path for f in functions)
    yield Check(
        "security",
        "trigger function pins search_path",
        pinned,
        "set search_path",
        "; ".join(", ".join(f.config) or "no settings" for f in functions) or "missing",
    )


def _history(conn: AnyConnection, workdir: Path) -> Iterator[Check]:
    applied = read_history(conn)
    recorded = [m for m in applied if m.name == MIGRATION_NAME]
    yield Check(
        "history",
        f"migration {MIGRATION_NAME} recorded",
        bool(recorded),
        "a row in supabase_migrations.schema_migrations",
        recorded[0].version if recorded else "not recorded",
    )
    states = compare(discover(workdir).migrations, applied)
    unsettled = [f"{s.version}_{s.name}: {s.state}" for s in states if s.state != State.APPLIED]
    yield Check(
        "history",
        "every local migration applied, none edited since",
        not unsettled,
        "all applied",
        "; ".join(unsettled) or "all applied",
    )


def _types(catalog: Catalog, workdir: Path) -> Iterator[Check]:
    for generated in generated_files(catalog, workdir=workdir):
        exists = (workdir / generated.path).exists()
        if not exists and generated.path.suffix == ".py":
            continue  # a project without the Python module does not need it
        stale = stale_files(workdir, [generated])
        yield Check(
            "types",
            f"{generated.path} up to date",
            not stale,
            "what `vidprompt types update` writes",
            "up to date" if not stale else "stale" if exists else "missing",
        )
