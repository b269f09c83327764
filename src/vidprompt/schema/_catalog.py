"""Reading the catalog: one read-only, consistent snapshot of the chosen schemas."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, TypeVar

from psycopg.rows import dict_row

from vidprompt.schema._model import (
    Argument,
    Catalog,
    Column,
    CompositeType,
    Constraint,
    Enum,
    Function,
    Index,
    Policy,
    Relation,
    Trigger,
    TypeRef,
)
from vidprompt.schema._queries import catalog_queries

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    import psycopg

Row = dict[str, Any]
T = TypeVar("T")

DEFAULT_SCHEMAS = ("public",)


def read_catalog(
    conn: psycopg.Connection[Any], schemas: Sequence[str] = DEFAULT_SCHEMAS
) -> Catalog:
    """Describe ``schemas`` as they are now; never writes, so it is safe on production.

    All queries share one repeatable-read, read-only transaction, so they see one
    snapshot even while a migration runs elsewhere.
    """
    names = sorted(set(schemas))
    queries = catalog_queries()
    with conn.transaction(force_rollback=True):
        conn.execute(b"set transaction isolation level repeatable read, read only")
        rows = {
            name: _fetch(conn, sql, {"schemas": names})
            for name, sql in queries.items()
            if name != "types"
        }
        types = _types(_fetch(conn, queries["types"], {"oids": _type_oids(rows)}))
    return _assemble(tuple(names), rows, types)


def _fetch(conn: psycopg.Connection[Any], query: bytes, params: dict[str, Any]) -> list[Row]:
    with conn.cursor(row_factory=dict_row) as cursor:
        return cursor.execute(query, params).fetchall()


def _type_oids(rows: Mapping[str, list[Row]]) -> list[int]:
    oids = {column["type_oid"] for column in rows["columns"]}
    for function in rows["functions"]:
        oids.update(function["argument_type_oids"])
        oids.add(function["return_type_oid"])
    return sorted(oids)


def _types(rows: list[Row]) -> dict[int, TypeRef]:
    found: dict[int, TypeRef] = {}
    for row in rows:
        element = None
        if row["element_name"] is not None:
            element = TypeRef(row["element_schema"], row["element_name"], row["element_kind"])
        found[row["oid"]] = TypeRef(
            row["schema"], row["name"], row["kind"], row["relation_kind"], element
        )
    return found


def _assemble(
    schemas: tuple[str, ...], rows: Mapping[str, list[Row]], types: dict[int, TypeRef]
) -> Catalog:
    columns = _by_relation(rows["columns"], lambda row: _column(row, types))
    return Catalog(
        schemas=schemas,
        relations=tuple(_relation(row, rows, columns) for row in rows["relations"]),
        functions=tuple(_function(row, types) for row in rows["functions"]),
        enums=tuple(Enum(r["schema"], r["name"], tuple(r["labels"])) for r in rows["enums"]),
        composite_types=tuple(
            CompositeType(r["schema"], r["name"], columns.get(r["relation_oid"], ()))
            for r in rows["composite_types"]
        ),
    )


def _relation(
    row: Row, rows: Mapping[str, list[Row]], columns: dict[int, tuple[Column, ...]]
) -> Relation:
    oid = row["oid"]

    def owned(name: str, build: Callable[[Row], T]) -> tuple[T, ...]:
        return tuple(build(r) for r in rows[name] if r["relation_oid"] == oid)

    return Relation(
        schema=row["schema"],
        name=row["name"],
        kind=row["kind"],
        columns=columns.get(oid, ()),
        rls_enabled=row["rls_enabled"],
        rls_forced=row["rls_forced"],
        options=tuple(row["options"]),
        view_definition=row["view_definition"],
        is_updatable=row["is_updatable"],
        owner=row["owner"],
        comment=row["comment"],
        constraints=owned("constraints", _constraint),
        indexes=owned("indexes", _index),
        policies=owned("policies", _policy),
        triggers=owned("triggers", _trigger),
        grants=owned("grants", lambda r: (str(r["grantee"]), str(r["privilege"]))),
    )


def _by_relation(rows: list[Row], build: Callable[[Row], T]) -> dict[int, tuple[T, ...]]:
    grouped: defaultdict[int, list[T]] = defaultdict(list)
    for row in rows:
        grouped[row["relation_oid"]].append(build(row))
    return {oid: tuple(items) for oid, items in grouped.items()}


def _column(row: Row, types: dict[int, TypeRef]) -> Column:
    return Column(
        name=row["name"],
        number=row["number"],
        data_type=row["data_type"],
        type=types[row["type_oid"]],
        nullable=row["nullable"],
        default=row["default_value"],
        identity=row["identity"],
        generated=row["generated"],
        updatable=row["updatable"],
        max_length=row["max_length"],
        comment=row["comment"],
    )


def _constraint(row: Row) -> Constraint:
    return Constraint(
        name=row["name"],
        kind=row["kind"],
        columns=tuple(row["columns"]),
        definition=row["definition"],
        expression=row["expression"],
        referenced_schema=row["referenced_schema"],
        referenced_table=row["referenced_table"],
        referenced_columns=tuple(row["referenced_columns"]),
        on_delete=row["on_delete"] if row["kind"] == "f" else "",
        on_update=row["on_update"] if row["kind"] == "f" else "",
        validated=row["validated"],
    )


def _index(row: Row) -> Index:
    return Index(
        name=row["name"],
        key_columns=tuple(row["key_columns"]),
        is_unique=row["is_unique"],
        is_primary=row["is_primary"],
        predicate=row["predicate"],
        definition=row["definition"],
        signature=row["signature"],
    )


def _policy(row: Row) -> Policy:
    return Policy(
        name=row["name"],
        command=row["command"],
        permissive=row["permissive"],
        roles=tuple(row["roles"]),
        using=row["using_expression"],
        check=row["check_expression"],
    )


def _trigger(row: Row) -> Trigger:
    return Trigger(
        name=row["name"],
        function=f"{row['function_schema']}.{row['function_name']}",
        timing=row["timing"],
        events=tuple(row["events"]),
        level=row["level"],
        enabled=row["enabled"],
    )


def _function(row: Row, types: dict[int, TypeRef]) -> Function:
    oids: list[int] = row["argument_type_oids"]
    modes: list[str] = row["argument_modes"] or ["i"] * len(oids)
    names: list[str] = row["argument_names"] or [""] * len(oids)
    in_positions = [i for i, mode in enumerate(modes) if mode in ("i", "b", "v")]
    defaulted = set(in_positions[len(in_positions) - row["default_count"] :])
    return Function(
        schema=row["schema"],
        name=row["name"],
        kind=row["kind"],
        identity_arguments=row["identity_arguments"],
        arguments=tuple(
            Argument(names[i] if i < len(names) else "", modes[i], types[oid], i in defaulted)
            for i, oid in enumerate(oids)
        ),
        returns=types[row["return_type_oid"]],
        returns_set=row["returns_set"],
        rows=row["rows"],
        language=row["language"],
        volatility=row["volatility"],
        security_definer=row["security_definer"],
        config=tuple(row["config"]),
    )
