"""``db lint``: Supabase's advisor lints (splinter), and ours, over the live catalog.

Each lint reads the :class:`Catalog` only, so linting is as read-only as introspection.
Levels follow splinter: ERROR (exposes data), WARN (slow or fragile), INFO (worth a look).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import pglast
from pglast.keywords import COL_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

if TYPE_CHECKING:
    from vidprompt.schema._model import Catalog, Constraint, Policy, Relation

LEVELS = ("INFO", "WARN", "ERROR")
_PER_ROW_FUNCTIONS = {("auth", "uid"), ("auth", "jwt"), ("auth", "role"), ("auth", "email")}
_API_ROLES = ("anon", "authenticated")
_COMMANDS = ("SELECT", "INSERT", "UPDATE", "DELETE")


@dataclass(frozen=True)
class Finding:
    """One problem: which lint, how bad, on what, why it matters and how to fix it."""

    name: str
    level: str
    object: str
    why: str
    fix: str


# Names the fix SQL may leave bare: what Postgres folds to itself and does not reserve.
_BARE = re.compile(r"[a-z_][a-z0-9_$]*")
_KEYWORDS = RESERVED_KEYWORDS | TYPE_FUNC_NAME_KEYWORDS | COL_NAME_KEYWORDS


def _sql(*parts: str) -> str:
    """``parts`` as one qualified name the fix's SQL can use as it is: quoted where Postgres
    needs it (``My Table``, ``user``), bare otherwise, as ``quote_ident`` writes them."""
    return ".".join(part if _bare(part) else '"' + part.replace('"', '""') + '"' for part in parts)


def _bare(name: str) -> bool:
    return _BARE.fullmatch(name) is not None and name not in _KEYWORDS


class _Problem(NamedTuple):
    """What a lint found on one object: the object, why it matters, how to fix it."""

    object: str
    why: str
    fix: str


_Lint = Callable[["Catalog"], Iterator[_Problem]]
_LINTS: dict[str, tuple[str, _Lint]] = {}  # the lint's name (its function's): level, lint


def _lint(level: str) -> Callable[[_Lint], _Lint]:
    """Register the decorated function as the lint of its name, at ``level``."""

    def register(check: _Lint) -> _Lint:
        _LINTS[check.__name__] = (level, check)
        return check

    return register


def lint(catalog: Catalog) -> list[Finding]:
    """Every finding, most severe first, then by lint and object."""
    found = [
        Finding(name, level, *problem)
        for name, (level, check) in _LINTS.items()
        for problem in check(catalog)
    ]
    return sorted(found, key=lambda f: (-LEVELS.index(f.level), f.name, f.object))


def at_or_above(findings: list[Finding], level: str) -> list[Finding]:
    """The findings of ``level`` or worse (``warn`` or ``error``)."""
    floor = LEVELS.index(level.upper())
    return [f for f in findings if LEVELS.index(f.level) >= floor]


# -- policies -----------------------------------------------------------------------------


@_lint("WARN")
def auth_rls_initplan(catalog: Catalog) -> Iterator[_Problem]:
    for table, policy in _policies(catalog):
        calls = sorted({c for e in (policy.using, policy.check) for c in _per_row_calls(e)})
        if calls:
            yield _Problem(
                _policy_name(table, policy),
                f"Calls {', '.join(calls)} directly, so Postgres evaluates it once per row.",
                "Wrap the call in a subquery, e.g. `(select auth.uid()) = user_id`: it is then "
                "evaluated once per statement.",
            )


@_lint("WARN")
def multiple_permissive_policies(catalog: Catalog) -> Iterator[_Problem]:
    for table in catalog.tables():
        applying: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
        for policy in table.policies:
            if not policy.permissive:
                continue
            roles = _API_ROLES if "public" in policy.roles else policy.roles
            commands = _COMMANDS if policy.command == "ALL" else (policy.command,)
            for role in roles:
                for command in commands:
                    applying[(role, command)].append(policy.name)
        for (role, command), names in sorted(applying.items()):
            if len(names) > 1:
                yield _Problem(
                    f"table {table.qualified} ({role}, {command})",
                    f"Permissive policies {', '.join(sorted(names))} all apply: Postgres runs "
                    "every one of them for every query.",
                    "Merge them into one policy per role and command.",
                )


# The lints of a table's row level security switch against its policies: each one's level,
# the state it finds, why that matters and the fix ({table}: the table's qualified name).
_RLS_STATES: dict[str, tuple[str, Callable[[Relation], bool], str, str]] = {
    "policy_exists_rls_disabled": (
        "ERROR",
        lambda table: bool(table.policies) and not table.rls_enabled,
        "The table has policies, but row level security is off: they protect nothing.",
        "alter table {table} enable row level security;",
    ),
    "rls_enabled_no_policy": (
        "INFO",
        lambda table: table.rls_enabled and not table.policies,
        "Row level security is on but no policy exists: the API roles see no rows.",
        "Add policies for the roles that should reach the table, or say why none.",
    ),
    "rls_disabled_in_public": (
        "ERROR",
        lambda table: not table.rls_enabled and not table.is_partition,
        "The schema is exposed through the Data API and row level security is off: "
        "anyone with the anon key can read and change every row.",
        "alter table {table} enable row level security; then add policies.",
    ),
}


def _rls_state(found: Callable[[Relation], bool], why: str, fix: str) -> _Lint:
    def check(catalog: Catalog) -> Iterator[_Problem]:
        for table in catalog.tables():
            if found(table):
                fixed = fix.format(table=_sql(table.schema, table.name))
                yield _Problem(f"table {table.qualified}", why, fixed)

    return check


_LINTS.update(
    (name, (level, _rls_state(found, why, fix)))
    for name, (level, found, why, fix) in _RLS_STATES.items()
)


@_lint("ERROR")
def rls_references_user_metadata(catalog: Catalog) -> Iterator[_Problem]:
    for table, policy in _policies(catalog):
        if any("user_metadata" in (e or "") for e in (policy.using, policy.check)):
            yield _Problem(
                _policy_name(table, policy),
                "The policy reads user_metadata from the JWT, which the user can edit.",
                "Decide on app_metadata (only the server can set it) or on table data.",
            )


# -- functions, views, indexes ----------------------------------------------------------------


@_lint("WARN")
def function_search_path_mutable(catalog: Catalog) -> Iterator[_Problem]:
    for function in catalog.functions:
        if not function.extension and function.kind in ("f", "p") and not function.pins_search_path:
            yield _Problem(
                f"function {function.qualified}",
                "Without its own search_path the function resolves names through the "
                "caller's, which a caller can point at objects of its own.",
                "Add `set search_path = ''` and schema-qualify the names it uses.",
            )


@_lint("ERROR")
def security_definer_view(catalog: Catalog) -> Iterator[_Problem]:
    for view in catalog.views():
        invoker = any(
            o.lower() in ("security_invoker=true", "security_invoker=on") for o in view.options
        )
        exposed = any("SELECT" in view.privileges(role) for role in _API_ROLES)
        if view.kind == "v" and not invoker and exposed:
            yield _Problem(
                f"view {view.qualified}",
                "The view runs with its owner's rights, so it bypasses the row level "
                "security of the tables it reads.",
                f"alter view {_sql(view.schema, view.name)} set (security_invoker = true);",
            )


@_lint("INFO")
def unindexed_foreign_keys(catalog: Catalog) -> Iterator[_Problem]:
    for table, key in _foreign_keys(catalog):
        width = len(key.columns)
        covered = any(set(index.key_columns[:width]) == set(key.columns) for index in table.indexes)
        if not covered:
            yield _Problem(
                f"foreign key {key.name} on {table.qualified}",
                "No index starts with its columns: deleting or updating a referenced row "
                "scans the whole table.",
                f"create index on {_sql(table.schema, table.name)}"
                f" ({', '.join(_sql(column) for column in key.columns)});",
            )


@_lint("WARN")
def duplicate_index(catalog: Catalog) -> Iterator[_Problem]:
    for table in catalog.tables():
        same: defaultdict[str, list[str]] = defaultdict(list)
        for index in table.indexes:
            same[index.signature].append(index.name)
        for names in same.values():
            if len(names) > 1:
                yield _Problem(
                    f"indexes {', '.join(sorted(names))} on {table.qualified}",
                    "The indexes are identical: every write maintains both, reads use one.",
                    f"Drop all but one of them ({', '.join(sorted(names)[1:])}).",
                )


# -- ours ---------------------------------------------------------------------------------------


@_lint("ERROR")
def foreign_key_crosses_owners(catalog: Catalog) -> Iterator[_Problem]:
    """A user can point a row of theirs at another user's row: FK checks bypass RLS.

    Applies to a user-owned table whose key columns the API roles may write, referencing
    another user-owned table without the owner column in the key.
    """
    for child in catalog.tables():
        child_owner = _owner_column(child)
        if child_owner is None:
            continue
        for key in child.foreign_keys:
            if not _writable_by_users(child, key.columns):
                continue
            parent = catalog.relation(key.referenced_schema or "", key.referenced_table or "")
            parent_owner = _owner_column(parent) if parent is not None else None
            if parent is None or parent_owner is None or parent is child:
                continue
            pairs = dict(zip(key.columns, key.referenced_columns, strict=True))
            if pairs.get(child_owner) == parent_owner:
                continue
            yield _Problem(
                f"foreign key {key.name} on {child.qualified}",
                f"Both {child.qualified} and {parent.qualified} belong to a user "
                f"({child_owner}, {parent_owner}), but the key does not include the owner. "
                "Foreign-key checks bypass row level security, so a user can attach a row to "
                "another user's row, and the error tells whether that row exists.",
                f"Add `unique (id, {parent_owner})` to {parent.qualified} and make the key "
                f"({', '.join(key.columns)}, {child_owner}) references {parent.qualified} "
                f"({', '.join(key.referenced_columns)}, {parent_owner}).",
            )


def _writable_by_users(table: Relation, columns: tuple[str, ...]) -> bool:
    """Whether an API role may insert or update any of ``columns``."""
    return any(
        privilege in ("INSERT", "UPDATE")
        for role in (*_API_ROLES, "public")
        for column in columns
        for privilege in table.column_privileges(role, column)
    )


def _owner_column(relation: Relation | None) -> str | None:
    """The column naming the row's owner: a foreign key to auth.users, single column."""
    if relation is None:
        return None
    owners = [
        key.columns[0]
        for key in relation.foreign_keys
        if (key.referenced_schema, key.referenced_table) == ("auth", "users")
        and len(key.columns) == 1
        and not _is_primary_key(relation, key)
    ]
    return owners[0] if len(owners) == 1 else None


def _is_primary_key(relation: Relation, key: Constraint) -> bool:
    """A profile-style table keyed by the user id is the user, not a row the user owns."""
    return any(c.kind == "p" and c.columns == key.columns for c in relation.constraints)


# -- helpers --------------------------------------------------------------------------------------


def _policies(catalog: Catalog) -> Iterator[tuple[Relation, Policy]]:
    for table in catalog.relations:
        for policy in table.policies:
            yield table, policy


def _foreign_keys(catalog: Catalog) -> Iterator[tuple[Relation, Constraint]]:
    for table in catalog.tables():
        for key in table.foreign_keys:
            yield table, key


def _policy_name(table: Relation, policy: Policy) -> str:
    return f'policy "{policy.name}" on {table.qualified}'


def _per_row_calls(expression: str | None) -> set[str]:
    """Calls of auth.uid() & co. or current_setting() that are not inside a subquery."""
    if not expression:
        return set()
    try:
        statement: Any = pglast.parse_sql(f"select {expression}")[0].stmt
    except pglast.parser.ParseError:
        return {match.group(0) for match in re.finditer(r"auth\.\w+\(\)", expression)}
    found: set[str] = set()
    _walk(statement.targetList[0].val(skip_none=True), False, found)
    return found


def _walk(node: Any, in_subquery: bool, found: set[str]) -> None:
    if isinstance(node, dict):
        kind = node.get("@")
        if kind == "SubLink":
            in_subquery = True
        elif kind == "FuncCall" and not in_subquery:
            name = tuple(part.get("sval", "") for part in node.get("funcname", ()))
            if name in _PER_ROW_FUNCTIONS or name[-1:] == ("current_setting",):
                found.add(".".join(name) + "()")
        for value in node.values():
            _walk(value, in_subquery, found)
    elif isinstance(node, (list, tuple)):
        for item in node:
            _walk(item, in_subquery, found)
