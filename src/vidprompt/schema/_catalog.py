"""Reading the catalog: one read-only, consistent snapshot of the chosen schemas."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, TypeVar

from vidprompt.database import dict_rows, named_queries
from vidprompt.schema._model import (
    Argument,
    Catalog,
    Column,
    CompositeType,
    Constraint,
    Enum,
    Function,
    Index,
    Origin,
    Policy,
    Relation,
    Trigger,
    TypeRef,
)
from vidprompt.schema._ruletree import target_origins

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from vidprompt.database import AnyConnection

Row = dict[str, Any]
T = TypeVar("T")

DEFAULT_SCHEMAS = ("public",)
catalog_queries = named_queries("vidprompt.sql", "catalog.sql")


def read_catalog(conn: AnyConnection, schemas: Sequence[str] = DEFAULT_SCHEMAS) -> Catalog:
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
            if name not in ("types", "origins")
        }
        types = _types(_fetch(conn, queries["types"], {"oids": _type_oids(rows)}))
        origins = _origins(conn, queries["origins"], rows["relations"])
    return _assemble(rows, types, origins)


def _fetch(conn: AnyConnection, query: bytes, params: dict[str, Any]) -> list[Row]:
    return dict_rows(conn, query, params)


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
            element = TypeRef(
                schema=row["element_schema"],
                name=row["element_name"],
                kind=row["element_kind"],
                relation_kind=row["element_relation_kind"],
                labels=tuple(row["element_labels"]),
                oid=row["element_oid"],
            )
        found[row["oid"]] = TypeRef(
            schema=row["schema"],
            name=row["name"],
            kind=row["kind"],
            relation_kind=row["relation_kind"],
            element=element,
            is_domain=row["is_domain"],
            labels=tuple(row["labels"]),
            oid=row["oid"],
        )
    return found


def _origins(
    conn: AnyConnection, query: bytes, relations: list[Row]
) -> dict[int, tuple[Origin, ...]]:
    """Per view oid, the columns its columns show, through views of views too."""
    direct = {row["oid"]: target_origins(row["rule_tree"]) for row in relations if row["rule_tree"]}
    oids = sorted({o.source_oid for found in direct.values() for o in found} | set(direct))
    names = {(r["relation_oid"], r["number"]): r for r in _fetch(conn, query, {"oids": oids})}
    resolved: dict[int, tuple[Origin, ...]] = {}
    for view, found in direct.items():
        chain: list[Origin] = []
        for origin in found:
            column = names.get((view, origin.column))
            step: tuple[int, int] | None = (origin.source_oid, origin.source_column)
            seen: set[tuple[int, int]] = set()
            while column is not None and step is not None and step not in seen and step in names:
                seen.add(step)
                source = names[step]
                chain.append(
                    Origin(column["name"], source["schema"], source["relation"], source["name"])
                )
                step = _next_step(direct, step)
        resolved[view] = tuple(chain)
    return resolved


def _next_step(direct: dict[int, list[Any]], step: tuple[int, int]) -> tuple[int, int] | None:
    """Where a column of a view (of the chosen schemas) comes from, if it is a view's."""
    for origin in direct.get(step[0], []):
        if origin.column == step[1]:
            return (origin.source_oid, origin.source_column)
    return None


def _assemble(
    rows: Mapping[str, list[Row]],
    types: dict[int, TypeRef],
    origins: dict[int, tuple[Origin, ...]],
) -> Catalog:
    columns = _by_relation(rows["columns"], lambda row: _column(row, types))
    return Catalog(
        schemas=tuple(row["name"] for row in rows["schemas"]),
        relations=tuple(_relation(row, rows, columns, origins) for row in rows["relations"]),
        functions=tuple(_function(row, types) for row in rows["functions"]),
        enums=tuple(Enum(r["schema"], r["name"], tuple(r["labels"])) for r in rows["enums"]),
        composite_types=tuple(
            CompositeType(r["schema"], r["name"], columns.get(r["relation_oid"], ()))
            for r in rows["composite_types"]
        ),
    )


def _relation(
    row: Row,
    rows: Mapping[str, list[Row]],
    columns: dict[int, tuple[Column, ...]],
    origins: dict[int, tuple[Origin, ...]],
) -> Relation:
    oid = row["oid"]

    def owned(name: str, build: Callable[[Row], T]) -> tuple[T, ...]:
        return tuple(build(r) for r in rows[name] if r["relation_oid"] == oid)

    return Relation(
        schema=row["schema"],
        name=row["name"],
        kind=row["kind"],
        columns=columns.get(oid, ()),
        oid=oid,
        is_partition=row["is_partition"],
        rls_enabled=row["rls_enabled"],
        rls_forced=row["rls_forced"],
        options=tuple(row["options"]),
        view_definition=row["view_definition"],
        is_updatable=row["is_updatable"],
        is_insert_enabled=row["is_insert_enabled"],
        is_update_enabled=row["is_update_enabled"],
        origins=origins.get(oid, ()),
        owner=row["owner"],
        comment=row["comment"],
        constraints=owned("constraints", _constraint),
        indexes=owned("indexes", _index),
        policies=owned("policies", _policy),
        triggers=owned("triggers", _trigger),
        grants=owned("grants", lambda r: (str(r["grantee"]), str(r["privilege"]))),
        column_grants=owned(
            "column_grants",
            lambda r: (str(r["grantee"]), str(r["privilege"]), str(r["column_name"])),
        ),
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
        inherited=row["inherited"],
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
    # postgres-meta pairs the defaults with argument positions, not with the input
    # arguments: the last `default_count` of the first `in_count` positions. The same
    # as Postgres's rule whenever inputs come first, as they do in RETURNS TABLE.
    first_default = row["in_count"] - row["default_count"]
    return Function(
        schema=row["schema"],
        name=row["name"],
        kind=row["kind"],
        identity_arguments=row["identity_arguments"],
        arguments=tuple(
            Argument(
                names[i] if i < len(names) else "",
                modes[i],
                types[oid],
                first_default <= i < row["in_count"],
            )
            for i, oid in enumerate(oids)
        ),
        returns=types[row["return_type_oid"]],
        argument_text=row["arguments"],
        result_text=row["result"] or "",
        returns_set=row["returns_set"],
        rows=row["rows"],
        language=row["language"],
        volatility=row["volatility"],
        security_definer=row["security_definer"],
        config=tuple(row["config"]),
        extension=row["extension"],
    )
