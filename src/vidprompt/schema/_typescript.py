"""``types/database.types.ts`` exactly as ``supabase gen types typescript`` writes it.

The rules (which objects appear, optionality, type mapping, order, relationships) are
those of Supabase's generator (postgres-meta's ``@supabase/postgrest-typegen``); the
layout is its formatter's. A frontend importing the CLI's file can import this one
unchanged. With ``narrow=True``, text columns with an ``in (...)`` check become unions
of their values instead of ``string``; that output is ours, not the CLI's.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import groupby
from typing import TYPE_CHECKING, Literal

from vidprompt.schema._checks import narrowings
from vidprompt.schema._collation import collation_key
from vidprompt.schema._layout import (
    LINE,
    SOFTLINE,
    Doc,
    Group,
    IfBreak,
    Indent,
    join,
    render,
)
from vidprompt.schema._relationships import Relationship, relationships

if TYPE_CHECKING:
    from vidprompt.schema._model import Argument, Catalog, Column, Function, Relation, TypeRef

_JSON_TYPE = (
    "export type Json =\n  | string\n  | number\n  | boolean\n  | null\n"
    "  | { [key: string]: Json | undefined }\n  | Json[]\n"
)
_NUMBERS = {"int2", "int4", "int8", "float4", "float8", "numeric"}
_STRINGS = {
    "bytea", "bpchar", "varchar", "date", "text", "citext", "time", "timetz",
    "timestamp", "timestamptz", "uuid", "vector", "interval",
}  # fmt: skip
_UNNAMED_ARGUMENT_TYPES = {"json", "jsonb", "text"}
_NO_ARGUMENTS = "Record<PropertyKey, never>"


# The two ways generators format the helper types' conditional type parameters: the local
# generator (@supabase/postgres-meta 0.99, `supabase gen types --local`) wraps each in
# parentheses, the hosted one (`supabase gen types --project-id`) does not.
HelperStyle = Literal["local", "hosted"]
_HOSTED_PARAMETER = re.compile(r"^  \w+ extends \w+NameOrOptions extends \{$", re.MULTILINE)
_OPENING_PARENTHESIS = re.compile(
    r"^(  \w+ extends )\((\w+NameOrOptions extends \{)$", re.MULTILINE
)
_CLOSING_PARENTHESIS = re.compile(r"^(    : never)\)( = never,)$", re.MULTILINE)


def typescript_module(
    catalog: Catalog, *, narrow: bool = False, helpers: HelperStyle = "local"
) -> str:
    """The file's text; the same catalog (and style) always gives the same bytes."""
    writer = _Writer(catalog, narrow)
    parts = [_JSON_TYPE, writer.database(), _helper_types(helpers), writer.constants()]
    return "\n".join(parts) + "\n"


def helper_style(existing: str | None) -> HelperStyle:
    """The helper types' style of an existing file; a new file gets the local generator's."""
    return "hosted" if existing and _HOSTED_PARAMETER.search(existing) else "local"


@cache
def _helper_types(style: HelperStyle = "local") -> str:
    """The helper types after ``Database`` (for schema "public"): fixed text, verbatim."""
    text = resources.files("vidprompt.schema").joinpath("typescript_helpers.ts").read_text("utf-8")
    if style == "hosted":
        text = _CLOSING_PARENTHESIS.sub(r"\1\2", _OPENING_PARENTHESIS.sub(r"\1\2", text))
    return text


@dataclass(frozen=True)
class _Union:
    """A union type; kept apart from plain text so a long one can break into lines."""

    members: tuple[str, ...]


_TsType = str | _Union


class _Writer:
    def __init__(self, catalog: Catalog, narrow: bool) -> None:
        self.catalog = catalog
        self.narrow = narrow
        self.schemas = sorted(catalog.schemas, key=collation_key)
        self.relationships = relationships(catalog)
        self.functions = {s: self._functions(s) for s in self.schemas}

    # -- Database ---------------------------------------------------------------------

    def database(self) -> str:
        if not self.schemas:
            return "export type Database = {}\n"
        lines = ["export type Database = {"]
        for schema in self.schemas:
            lines.append(f"  {_key(schema)}: {{")
            lines.extend(self._section("Tables", self._relation_entries(schema, views=False)))
            lines.extend(self._section("Views", self._relation_entries(schema, views=True)))
            lines.extend(self._section("Functions", self._function_entries(schema)))
            lines.extend(self._section("Enums", self._enums(schema)))
            lines.extend(self._section("CompositeTypes", self._composites(schema)))
            lines.append("  }")
        lines.append("}")
        return "\n".join(lines) + "\n"

    @staticmethod
    def _section(name: str, entries: list[str]) -> list[str]:
        body = entries or [_member_text("[_ in never]", "never", 3)]
        return [f"    {name}: {{", *body, "    }"]

    def _relation_entries(self, schema: str, *, views: bool) -> list[str]:
        lines: list[str] = []
        for relation in self._relations(schema, views=views):
            columns = _by_name(relation.columns)
            lines.append(f"      {_key(relation.name)}: {{")
            row = [self._column(relation, c) for c in columns] + self._computed_fields(relation)
            lines.extend(_object("Row", row, 4))
            for name, members in self._write_shapes(relation, columns, view=views):
                lines.extend(_object(name, members, 4))
            lines.extend(self._relationship_lines(relation))
            lines.append("      }")
        return lines

    def _write_shapes(
        self, relation: Relation, columns: list[Column], *, view: bool
    ) -> list[tuple[str, list[Doc]]]:
        """A table's Insert and Update; a view's only where Postgres lets it take them."""
        if not view:
            return [
                ("Insert", [self._writable(relation, c, insert=True) for c in columns]),
                ("Update", [self._writable(relation, c, insert=False) for c in columns]),
            ]
        members = [self._view_writable(c) for c in columns]
        enabled = {"Insert": relation.is_insert_enabled, "Update": relation.is_update_enabled}
        return [(name, members) for name, allowed in enabled.items() if allowed]

    def _relations(self, schema: str, *, views: bool) -> list[Relation]:
        kinds = ("v", "m") if views else ("r", "p", "f")
        chosen = [r for r in self.catalog.relations if r.schema == schema and r.kind in kinds]
        return sorted(chosen, key=lambda r: collation_key(r.name))

    def _column(self, relation: Relation, column: Column) -> Doc:
        return _member(column.name, self._column_type(relation, column, column.nullable), False)

    def _writable(self, table: Relation, column: Column, *, insert: bool) -> Doc:
        if column.identity == "a" or column.generated:
            return f"{_key(column.name)}?: never"
        optional = (
            not insert or column.nullable or bool(column.identity) or column.default is not None
        )
        return _member(column.name, self._column_type(table, column, column.nullable), optional)

    def _view_writable(self, column: Column) -> Doc:
        if not column.updatable:
            return f"{_key(column.name)}?: never"
        return _member(column.name, _nullable(self._type(column.type), True), True)

    def _column_type(self, relation: Relation, column: Column, nullable: bool) -> _TsType:
        if self.narrow and column.type.kind == "b" and column.type.name in _STRINGS:
            values = narrowings(relation).get(column.name)
            if values is not None and values.values:
                members = tuple(json.dumps(v, ensure_ascii=False) for v in values.values)
                return _Union((*members, "null") if nullable else members)
        return _nullable(self._type(column.type), nullable)

    def _relationship_lines(self, relation: Relation) -> list[str]:
        found = self.relationships.get((relation.schema, relation.name), [])
        if not found:
            return ["        Relationships: []"]
        lines = ["        Relationships: ["]
        for r in found:
            lines.append("          {")
            lines.append(_member_text("foreignKeyName", _string(r.foreign_key_name), 6))
            lines.append(_render_at(_member("columns", _tuple(r.columns), False), 6))
            lines.append(_member_text("isOneToOne", "true" if r.is_one_to_one else "false", 6))
            lines.append(_member_text("referencedRelation", _string(r.referenced_relation), 6))
            lines.append(
                _render_at(_member("referencedColumns", _tuple(r.referenced_columns), False), 6)
            )
            lines.append("          },")
        lines.append("        ]")
        return lines

    # -- types --------------------------------------------------------------------------

    def _type(self, ref: TypeRef) -> str:
        """postgres-meta's pgTypeToTsType: by name first, then enums, composites, rows."""
        if ref.element is not None:
            inner = self._type(ref.element)
            return (
                f"({inner})[]"
                if "|" in inner and not inner.startswith("Database[")
                else f"{inner}[]"
            )
        name = ref.name
        if name == "bool":
            return "boolean"
        if name in _NUMBERS:
            return "number"
        if name in _STRINGS:
            return "string"
        if name in ("json", "jsonb"):
            return "Json"
        if name == "void":
            return "undefined"
        if name == "record":
            return "Record<string, unknown>"
        included = ref.schema in self.schemas
        if ref.kind == "e" and ref.labels:
            if included:
                return f'Database[{_string(ref.schema)}]["Enums"][{_string(name)}]'
            return " | ".join(_string(label) for label in ref.labels)
        if ref.kind == "c" and included:
            section = {"c": "CompositeTypes", "v": "Views", "m": "Views"}.get(
                ref.relation_kind, "Tables"
            )
            row = "" if ref.relation_kind == "c" else '["Row"]'
            return f'Database[{_string(ref.schema)}]["{section}"][{_string(name)}]{row}'
        return "unknown"

    def _declared_type(self, ref: TypeRef) -> str:
        """Arguments, results and attributes name their declared type: a domain is unknown."""
        return "unknown" if ref.is_domain else self._type(ref)

    # -- functions ----------------------------------------------------------------------

    def _functions(self, schema: str) -> list[Function]:
        chosen = [
            f
            for f in self.catalog.functions
            if f.schema == schema
            and f.kind == "f"
            and not (
                f.returns.schema == "pg_catalog" and f.returns.name in ("trigger", "event_trigger")
            )
            and self._exposed(f)
        ]
        return sorted(chosen, key=lambda f: collation_key(f.name))

    def _exposed(self, function: Function) -> bool:
        """Which functions the generator lists (those PostgREST can call by name)."""
        inputs = function.in_arguments
        if not inputs or all(a.name for a in inputs):
            return True
        if all(a.name or (a.has_default and _unnamed_allowed(a)) for a in inputs):
            return True
        return len(inputs) == 1 and (_unnamed_allowed(inputs[0]) or inputs[0].type.kind == "c")

    def _function_entries(self, schema: str) -> list[str]:
        entries: list[str] = []
        functions = self.functions[schema]
        for name, group in groupby(functions, key=lambda f: f.name):
            overloads = sorted(
                group, key=lambda f: (collation_key(f.argument_text), collation_key(f.result_text))
            )
            signatures = [self._signature(f, overloads) for f in overloads]
            if len(signatures) == 1:
                doc: Doc = [_key(name), ": ", signatures[0]]
            else:
                doc = [_key(name), ": ", _union_doc(signatures)]
            entries.append(_render_at(doc, 3))
        return entries

    def _signature(self, function: Function, overloads: list[Function]) -> Doc:
        inputs = sorted(function.in_arguments, key=lambda a: collation_key(a.name))
        arguments: Doc = _NO_ARGUMENTS
        if inputs:
            arguments = _object_doc(
                [_member(a.name, self._declared_type(a.type), a.has_default) for a in inputs],
                expanded=False,
            )
        conflict = _conflict(function, overloads, self)
        if conflict is not None:
            returns: Doc = _error(conflict)
        elif _table_row_error(function):
            returns = _error(
                f"the function {function.schema}.{function.name} with parameter or with a single"
                " unnamed json/jsonb parameter, but no matches were found in the schema cache"
            )
        else:
            returns = self._returns(function)
        members: list[Doc] = [
            _member("Args", arguments, False),
            ["Returns: ", returns, self._set_suffix(function)],
        ]
        options = _setof_options(function)
        if options is not None:
            members.append(["SetofOptions: ", _object_doc(options, expanded=True)])
        return _object_doc(members, expanded=False)

    def _returns(self, function: Function) -> Doc:
        table_columns = sorted(function.table_columns, key=lambda a: collation_key(a.name))
        if table_columns:
            members = [_member(a.name, self._declared_type(a.type), False) for a in table_columns]
            return _object_doc(members, expanded=True)
        returned = self._returned_relation(function)
        if returned is not None:
            members = [self._column(returned, c) for c in _by_name(returned.columns)]
            return _object_doc(members, expanded=True)
        return _type_doc(self._declared_type(function.returns))

    def _returned_relation(self, function: Function) -> Relation | None:
        ref = function.returns
        if ref.kind != "c" or ref.relation_kind not in ("r", "p", "f", "v", "m"):
            return None
        relation = self.catalog.relation(ref.schema, ref.name)
        return relation if relation is not None and relation.schema == function.schema else None

    @staticmethod
    def _set_suffix(function: Function) -> str:
        many = _returns_many(function)
        collapsible = not many and function.returns.kind == "c"
        return "[]" if function.returns_set and not collapsible else ""

    def _computed_fields(self, relation: Relation) -> list[Doc]:
        fields: list[Doc] = []
        for function in self.functions.get(relation.schema, []):
            inputs = function.in_arguments
            if len(inputs) == 1 and inputs[0].type.kind == "c":
                argument = inputs[0].type
                is_field = (argument.schema, argument.name) == (relation.schema, relation.name)
            else:
                is_field = function.argument_text == relation.name
            if is_field:
                returns = self._returns(function)
                doc = returns if returns == "unknown" else [returns, " | null"]
                fields.append([_key(function.name), ": ", doc])
        return fields

    # -- enums, composite types, constants ----------------------------------------------

    def _enums(self, schema: str) -> list[str]:
        enums = [e for e in self.catalog.enums if e.schema == schema and e.labels]
        return [
            _render_at(_member(e.name, _Union(tuple(_string(v) for v in e.labels)), False), 3)
            for e in sorted(enums, key=lambda e: collation_key(e.name))
        ]

    def _composites(self, schema: str) -> list[str]:
        lines: list[str] = []
        found = [c for c in self.catalog.composite_types if c.schema == schema and c.attributes]
        for composite in sorted(found, key=lambda c: collation_key(c.name)):
            attributes = [
                _member(a.name, _nullable(self._declared_type(a.type), True), False)
                for a in composite.attributes
            ]
            lines.extend(_object(composite.name, attributes, 3))
        return lines

    def constants(self) -> str:
        if not self.schemas:
            return "export const Constants = {} as const\n"
        lines = ["export const Constants = {"]
        for schema in self.schemas:
            enums = [e for e in self.catalog.enums if e.schema == schema and e.labels]
            lines.append(f"  {_key(schema)}: {{")
            if not enums:
                lines.append("    Enums: {},")
            else:
                lines.append("    Enums: {")
                for enum in sorted(enums, key=lambda e: collation_key(e.name)):
                    values = _array([_string(v) for v in enum.labels])
                    lines.append(_render_at([_key(enum.name), ": ", values, ","], 3))
                lines.append("    },")
            lines.append("  },")
        lines.append("} as const")
        return "\n".join(lines) + "\n"


# -- building blocks --------------------------------------------------------------------


def _by_name(columns: tuple[Column, ...]) -> list[Column]:
    return sorted(columns, key=lambda c: collation_key(c.name))


def _nullable(ts_type: str, nullable: bool) -> _TsType:
    """postgres-meta's rule: not-null JSON is ``NonNullable<Json>``; unknown takes no null."""
    if ts_type == "Json" and not nullable:
        return "NonNullable<Json>"
    if ts_type in ("unknown", "any") or not nullable:
        return ts_type
    return _Union((*ts_type.split(" | "), "null"))


def _union_doc(members: list[Doc]) -> Doc:
    """The formatter's union: one line if it fits, else ``| member`` lines, each aligned."""
    aligned: list[Doc] = [Indent(member) for member in members]
    return Group(Indent([IfBreak([LINE, "| "]), join([LINE, "| "], aligned)]))


def _type_doc(ts_type: _TsType | Doc) -> Doc:
    if isinstance(ts_type, _Union):
        return _union_doc(list(ts_type.members))
    if isinstance(ts_type, str) and " | " in ts_type:
        return _type_doc(_Union(tuple(ts_type.split(" | "))))
    return ts_type


def _member(name: str, ts_type: _TsType | Doc, optional: bool) -> Doc:
    return [_key(name), "?" if optional else "", ": ", _type_doc(ts_type)]


def _member_text(key: str, value: str, level: int) -> str:
    return "  " * level + f"{key}: {value}"


def _object(name: str, members: list[Doc], level: int) -> list[str]:
    """An always-expanded object member (``Row: {`` ... ``}``), one member per line."""
    pad = "  " * level
    if not members:
        return [f"{pad}{_key(name)}: {{}}"]
    return [f"{pad}{_key(name)}: {{", *(_render_at(m, level + 1) for m in members), f"{pad}}}"]


def _object_doc(members: list[Doc], *, expanded: bool) -> Doc:
    if not members:
        return "{}"
    separator: Doc = [IfBreak("", ";"), LINE]
    return Group(["{", Indent([LINE, join(separator, members)]), LINE, "}"], expanded)


def _tuple(items: tuple[str, ...]) -> Doc:
    return _array([_string(item) for item in items])


def _array(items: list[str]) -> Doc:
    if not items:
        return "[]"
    return Group(
        ["[", Indent([SOFTLINE, join([",", LINE], list(items))]), IfBreak(","), SOFTLINE, "]"]
    )


def _render_at(doc: Doc, level: int) -> str:
    """One member laid out at ``level`` (two spaces each), as the formatter would."""
    return render(["  " * level, _nest(doc, level)])


def _nest(doc: Doc, level: int) -> Doc:
    for _ in range(level):
        doc = Indent(doc)
    return doc


def _returns_many(function: Function) -> bool:
    rows = function.rows if function.returns_set and function.rows else None
    return rows is not None and rows > 1


def _setof_options(function: Function) -> list[Doc] | None:
    """PostgREST's hints for functions returning rows of a relation or composite type."""
    ref = function.returns
    returned = ref.name if ref.kind == "c" else None
    many = _returns_many(function)
    options: list[Doc] | None = None
    if returned is not None:
        options = _options('"*"', returned, not many, function.returns_set)
    if len(function.arguments) == 1 and function.arguments[0].type.kind == "c" and returned:
        argument = function.arguments[0].type
        source = _string(argument.name if argument.schema == "public" else argument.qualified)
        if function.returns_set:
            options = _options(source, returned, not many, True)
        else:
            options = _options(source, returned, True, False)
    return options


def _options(source: str, target: str, one: bool, setof: bool) -> list[Doc]:
    return [
        f"from: {source}",
        f"to: {_string(target)}",
        f"isOneToOne: {'true' if one else 'false'}",
        f"isSetofReturn: {'true' if setof else 'false'}",
    ]


def _error(message: str) -> Doc:
    """How the generator reports a function PostgREST cannot call: a typed error."""
    return [_object_doc(["error: true"], expanded=False), " & ", _string(message)]


def _unnamed_allowed(argument: Argument) -> bool:
    ref = argument.type
    return ref.schema == "pg_catalog" and ref.name in _UNNAMED_ARGUMENT_TYPES and not ref.is_domain


def _table_row_error(function: Function) -> bool:
    """A single unnamed row argument but a scalar result: PostgREST cannot call it."""
    inputs = function.in_arguments
    return (
        len(inputs) == 1
        and not inputs[0].name
        and inputs[0].type.kind == "c"
        and function.returns.kind != "c"
    )


def _conflict(function: Function, overloads: list[Function], writer: _Writer) -> str | None:
    """The error text for overloads PostgREST cannot tell apart, as the generator writes it."""
    if len(overloads) <= 1:
        return None
    qualified = f"{function.schema}.{function.name}"
    inputs = function.in_arguments
    if not inputs:
        for other in overloads:
            others = other.in_arguments
            if (
                other is not function
                and len(others) == 1
                and not others[0].name
                and others[0].has_default
            ):
                return (
                    f"Could not choose the best candidate function between: {qualified}(),"
                    f" {qualified}( => {other.returns.name}). Try renaming the parameters or the"
                    " function itself in the database so function overloading can be resolved"
                )
    if len(inputs) == 1 and inputs[0].name:
        rivals = [
            other
            for other in overloads
            if other is not function
            and len(other.in_arguments) == 1
            and other.in_arguments[0].name == inputs[0].name
            and other.in_arguments[0].type.oid != inputs[0].type.oid
        ]
        if rivals:
            listed = sorted([function, *rivals], key=lambda f: f.in_arguments[0].type.oid)
            described = ", ".join(
                f"{qualified}({f.in_arguments[0].name} => {f.in_arguments[0].type.name})"
                for f in listed
            )
            return (
                f"Could not choose the best candidate function between: {described}. Try renaming"
                " the parameters or the function itself in the database so function overloading"
                " can be resolved"
            )
    return None


def _string(text: str) -> str:
    """A string literal as the formatter prints it: double quotes, unless single need fewer."""
    if text.count('"') > text.count("'"):
        body = json.dumps(text, ensure_ascii=False)[1:-1].replace('\\"', '"').replace("'", "\\'")
        return f"'{body}'"
    return json.dumps(text, ensure_ascii=False)


def _key(name: str) -> str:
    """An object key: bare when it is an identifier, else a string literal."""
    return name if _is_identifier(name) else _string(name)


def _is_identifier(name: str) -> bool:
    if not name:
        return False
    start = {"Lu", "Ll", "Lt", "Lm", "Lo", "Nl"}
    rest = start | {"Mn", "Mc", "Nd", "Pc"}
    first, others = name[0], name[1:]
    if first not in "$_" and unicodedata.category(first) not in start:
        return False
    return all(c in "$_" or unicodedata.category(c) in rest for c in others)


__all__ = ["Relationship", "typescript_module"]
