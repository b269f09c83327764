"""The relationships Supabase's types list per table and view, as PostgREST sees them.

A foreign key gives its table a relationship to the referenced table. A view that
shows all of a foreign key's columns inherits it (view to table), a foreign key whose
referenced columns a view shows points at that view too (table to view), and both
together relate two views. A relationship is one-to-one when the foreign key's columns
are exactly a primary key or unique constraint of its table.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from vidprompt.schema._collation import collation_key

if TYPE_CHECKING:
    from vidprompt.schema._model import Catalog, Constraint, Relation


@dataclass(frozen=True)
class Relationship:
    foreign_key_name: str
    schema: str
    relation: str
    columns: tuple[str, ...]
    is_one_to_one: bool
    referenced_schema: str
    referenced_relation: str
    referenced_columns: tuple[str, ...]

    def sort_key(self) -> tuple[object, ...]:
        return (
            collation_key(self.foreign_key_name),
            collation_key(self.referenced_relation),
            collation_key(json.dumps(list(self.referenced_columns), separators=(",", ":"))),
        )


def relationships(catalog: Catalog) -> dict[tuple[str, str], list[Relationship]]:
    """Per (schema, relation), its relationships within its own schema, sorted."""
    direct = [_direct(table, key) for table in catalog.relations for key in _own_keys(table)]
    views = [view for view in catalog.relations if view.is_view]
    derived = [found for r in direct for found in _through_views(r, views)]
    grouped: dict[tuple[str, str], list[Relationship]] = {}
    for found in sorted([*direct, *derived], key=Relationship.sort_key):
        if found.referenced_schema == found.schema:
            grouped.setdefault((found.schema, found.relation), []).append(found)
    return grouped


def _own_keys(relation: Relation) -> list[Constraint]:
    return [key for key in relation.foreign_keys if not key.inherited]


def _direct(table: Relation, key: Constraint) -> Relationship:
    numbers = {column.name: column.number for column in table.columns}
    unique_sets = [
        tuple(sorted(c.columns, key=lambda name: numbers.get(name, 0)))
        for c in table.constraints
        if c.kind in ("p", "u")
    ]
    return Relationship(
        foreign_key_name=key.name,
        schema=table.schema,
        relation=table.name,
        columns=key.columns,
        is_one_to_one=key.columns in unique_sets,
        referenced_schema=key.referenced_schema or "",
        referenced_relation=key.referenced_table or "",
        referenced_columns=key.referenced_columns,
    )


def _through_views(r: Relationship, views: list[Relation]) -> list[Relationship]:
    """The relationships ``r`` gives views that show its columns (PostgREST's rules)."""
    found: list[Relationship] = []
    from_views = [(v, _shown(v, r.schema, r.relation, r.columns)) for v in views]
    to_views = [
        (v, _shown(v, r.referenced_schema, r.referenced_relation, r.referenced_columns))
        for v in views
    ]
    for view, choices in from_views:
        found.extend(
            replace(r, schema=view.schema, relation=view.name, columns=combination)
            for combination in choices
        )
    for view, choices in to_views:
        found.extend(
            replace(
                r,
                referenced_schema=view.schema,
                referenced_relation=view.name,
                referenced_columns=combination,
            )
            for combination in choices
        )
    for (source, columns), (target, referenced) in itertools.product(from_views, to_views):
        found.extend(
            replace(
                r,
                schema=source.schema,
                relation=source.name,
                columns=shown,
                referenced_schema=target.schema,
                referenced_relation=target.name,
                referenced_columns=shown_referenced,
            )
            for shown in columns
            for shown_referenced in referenced
        )
    return found


def _shown(
    view: Relation, schema: str, table: str, columns: tuple[str, ...]
) -> list[tuple[str, ...]]:
    """Every way of picking, for each of ``columns``, a view column that shows it."""
    per_column = [
        [
            o.column
            for o in view.origins
            if (o.schema, o.relation, o.source_column) == (schema, table, column)
        ]
        for column in columns
    ]
    if not per_column or not all(per_column):
        return []
    return [tuple(choice) for choice in itertools.product(*per_column)]
