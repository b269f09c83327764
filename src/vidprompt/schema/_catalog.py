"""Reading the catalog: one read-only, consistent snapshot of the chosen schemas."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

from vidprompt.database import dict_rows, named_queries
from vidprompt.errors import SchemaError
from vidprompt.schema import _model as model
from vidprompt.schema._ruletree import target_origins

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from _typeshed import DataclassInstance

    from vidprompt.database import AnyConnection

Row = dict[str, Any]
T = TypeVar("T")
M = TypeVar("M", bound="DataclassInstance")

DEFAULT_SCHEMAS = ("public",)
# The queries of what the chosen schemas hold, and those of the parts of the relations
# (and composite types) they found, which take those oids instead of the schemas.
_CONTENTS = ("schemas", "relations", "composite_types", "functions", "enums")
_PARTS = ("columns", "constraints", "indexes", "policies", "triggers", "grants", "column_grants")
catalog_queries = named_queries("vidprompt.sql", "catalog.sql")


def read_catalog(conn: AnyConnection, schemas: Sequence[str] = DEFAULT_SCHEMAS) -> model.Catalog:
    """Describe ``schemas`` as they are now; never writes, so it is safe on production.

    All queries share one repeatable-read, read-only transaction, so they see one
    snapshot even while a migration runs elsewhere.
    """
    names = sorted(set(schemas))
    queries = catalog_queries()
    with conn.transaction(force_rollback=True):
        conn.execute(b"set transaction isolation level repeatable read, read only")
        _require_schemas(conn, names)
        rows = {name: _fetch(conn, queries[name], {"schemas": names}) for name in _CONTENTS}
        found = {
            "relation_oids": [row["oid"] for row in rows["relations"]],
            "composite_type_oids": [row["relation_oid"] for row in rows["composite_types"]],
        }
        rows.update({name: _fetch(conn, queries[name], found) for name in _PARTS})
        types = _types(_fetch(conn, queries["types"], {"oids": _type_oids(rows)}))
        origins = _origins(conn, queries["origins"], rows["relations"])
    return _assemble(rows, types, origins)


def _require_schemas(conn: AnyConnection, names: list[str]) -> None:
    """Refuse a schema the database does not have: read as empty, a mistyped name made
    ``types update`` overwrite the types with an empty ``Database`` and lint find nothing."""
    found = {
        row["nspname"]
        for row in dict_rows(conn, b"select nspname from pg_namespace order by nspname", {})
    }
    missing = [name for name in names if name not in found]
    if missing:
        shown = ", ".join(sorted(n for n in found if not n.startswith(("pg_", "information_"))))
        raise SchemaError(
            f"The database has no schema {', '.join(map(repr, missing))}.",
            hint=f"Its schemas: {shown}.",
        )


def _fetch(conn: AnyConnection, query: bytes, params: dict[str, Any]) -> list[Row]:
    return dict_rows(conn, query, params)


def _type_oids(rows: Mapping[str, list[Row]]) -> list[int]:
    oids = {column["type_oid"] for column in rows["columns"]}
    for function in rows["functions"]:
        oids.update(function["argument_type_oids"])
        oids.add(function["return_type_oid"])
    return sorted(oids)


def _types(rows: list[Row]) -> dict[int, model.TypeRef]:
    found: dict[int, model.TypeRef] = {}
    for row in rows:
        element = None
        if row["element_name"] is not None:
            of_element = {
                name.removeprefix("element_"): value
                for name, value in row.items()
                if name.startswith("element_")
            }
            element = _from_row(model.TypeRef, of_element, element=None, is_domain=False)
        found[row["oid"]] = _from_row(model.TypeRef, row, element=element)
    return found


def _origins(
    conn: AnyConnection, query: bytes, relations: list[Row]
) -> dict[int, tuple[model.Origin, ...]]:
    """Per view oid, the columns its columns show, through views of views too."""
    direct = {row["oid"]: target_origins(row["rule_tree"]) for row in relations if row["rule_tree"]}
    oids = sorted({o.source_oid for found in direct.values() for o in found} | set(direct))
    names = {(r["relation_oid"], r["number"]): r for r in _fetch(conn, query, {"oids": oids})}
    resolved: dict[int, tuple[model.Origin, ...]] = {}
    for view, found in direct.items():
        chain: list[model.Origin] = []
        for origin in found:
            column = names.get((view, origin.column))
            step: tuple[int, int] | None = (origin.source_oid, origin.source_column)
            seen: set[tuple[int, int]] = set()
            while column is not None and step is not None and step not in seen and step in names:
                seen.add(step)
                source = names[step]
                chain.append(
                    model.Origin(
                        column["name"], source["schema"], source["relation"], source["name"]
                    )
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
    types: dict[int, model.TypeRef],
    origins: dict[int, tuple[model.Origin, ...]],
) -> model.Catalog:
    columns = _by_relation(rows["columns"], lambda row: _column(row, types))
    return model.Catalog(
        schemas=tuple(row["name"] for row in rows["schemas"]),
        relations=tuple(_relation(row, rows, columns, origins) for row in rows["relations"]),
        functions=tuple(_function(row, types) for row in rows["functions"]),
        enums=tuple(_from_row(model.Enum, row) for row in rows["enums"]),
        composite_types=tuple(
            _from_row(model.CompositeType, r, attributes=columns.get(r["relation_oid"], ()))
            for r in rows["composite_types"]
        ),
    )


def _relation(
    row: Row,
    rows: Mapping[str, list[Row]],
    columns: dict[int, tuple[model.Column, ...]],
    origins: dict[int, tuple[model.Origin, ...]],
) -> model.Relation:
    oid = row["oid"]

    def owned(name: str, build: Callable[[Row], T]) -> tuple[T, ...]:
        return tuple(build(r) for r in rows[name] if r["relation_oid"] == oid)

    return _from_row(
        model.Relation,
        row,
        columns=columns.get(oid, ()),
        origins=origins.get(oid, ()),
        constraints=owned("constraints", _constraint),
        indexes=owned("indexes", lambda r: _from_row(model.Index, r)),
        policies=owned("policies", _policy),
        triggers=owned("triggers", _trigger),
        grants=owned("grants", lambda r: (str(r["grantee"]), str(r["privilege"]))),
        column_grants=owned(
            "column_grants",
            lambda r: (str(r["grantee"]), str(r["privilege"]), str(r["column_name"])),
        ),
    )


def _from_row(model_type: type[M], row: Mapping[str, Any], **computed: Any) -> M:
    """``model_type`` from the row's columns of its fields' names (an array as a tuple),
    except the ``computed`` fields."""
    values = dict(computed)
    for field in fields(model_type):
        if field.name not in computed:
            value = row[field.name]
            values[field.name] = tuple(value) if isinstance(value, list) else value
    return model_type(**values)


def _by_relation(rows: list[Row], build: Callable[[Row], T]) -> dict[int, tuple[T, ...]]:
    grouped: defaultdict[int, list[T]] = defaultdict(list)
    for row in rows:
        grouped[row["relation_oid"]].append(build(row))
    return {oid: tuple(items) for oid, items in grouped.items()}


def _column(row: Row, types: dict[int, model.TypeRef]) -> model.Column:
    return _from_row(model.Column, row, type=types[row["type_oid"]], default=row["default_value"])


def _constraint(row: Row) -> model.Constraint:
    foreign = row["kind"] == "f"
    return _from_row(
        model.Constraint,
        row,
        on_delete=row["on_delete"] if foreign else "",
        on_update=row["on_update"] if foreign else "",
    )


def _policy(row: Row) -> model.Policy:
    return _from_row(
        model.Policy, row, using=row["using_expression"], check=row["check_expression"]
    )


def _trigger(row: Row) -> model.Trigger:
    function = f"{row['function_schema']}.{row['function_name']}"
    return _from_row(model.Trigger, row, function=function)


def _function(row: Row, types: dict[int, model.TypeRef]) -> model.Function:
    oids: list[int] = row["argument_type_oids"]
    modes: list[str] = row["argument_modes"] or ["i"] * len(oids)
    names: list[str] = row["argument_names"] or [""] * len(oids)
    # postgres-meta pairs the defaults with argument positions, not with the input
    # arguments: the last `default_count` of the first `in_count` positions. The same
    # as Postgres's rule whenever inputs come first, as they do in RETURNS TABLE.
    first_default = row["in_count"] - row["default_count"]
    arguments = tuple(
        model.Argument(
            names[i] if i < len(names) else "",
            modes[i],
            types[oid],
            first_default <= i < row["in_count"],
        )
        for i, oid in enumerate(oids)
    )
    return _from_row(
        model.Function,
        row,
        arguments=arguments,
        returns=types[row["return_type_oid"]],
        argument_text=row["arguments"],
        result_text=row["result"] or "",
    )
