"""The Python module of typed rows: a Pydantic row model and Insert/Update TypedDicts.

Optionality follows Supabase's TypeScript types, and the types are narrower where the
catalog allows: ``col in (...)`` checks become ``Literal`` aliases named
``<Table><Column>``, length checks become max/min lengths, ``timestamptz`` is an aware
datetime and ``uuid`` any ``uuid.UUID``. Identity ALWAYS and generated columns are left
out of Insert and Update, since Postgres refuses values for them.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import BaseModel

from vidprompt.errors import TypegenError
from vidprompt.schema._checks import Narrowing, narrowings
from vidprompt.schema._collation import collation_key

if TYPE_CHECKING:
    from vidprompt.schema._model import Catalog, Column, CompositeType, Relation, TypeRef

_HEADER = (
    '"""Typed rows of the database, generated from its catalog: do not edit."""\n'
    "\n"
    "# Regenerate with `vidprompt types update` after a migration. There is no\n"
    "# `from __future__ import annotations`: Pydantic and TypedDict read these at runtime.\n"
)
_MAX_LINE = 100
_INDENT = "    "

_STRINGS = ("text", "varchar", "bpchar", "citext", "name")
# Python type, the import it needs as (module, name; "" imports the module), and the Postgres
# type names it stands for
_SCALAR_TYPES: tuple[tuple[str, tuple[str, str] | None, tuple[str, ...]], ...] = (
    ("bool", None, ("bool",)),
    ("int", None, ("int2", "int4", "int8", "oid")),
    ("float", None, ("float4", "float8")),
    ("decimal.Decimal", ("decimal", ""), ("numeric",)),
    ("str", None, _STRINGS),
    ("bytes", None, ("bytea",)),
    ("uuid.UUID", ("uuid", ""), ("uuid",)),
    ("datetime.date", ("datetime", ""), ("date",)),
    ("datetime.time", ("datetime", ""), ("time", "timetz")),
    ("datetime.datetime", ("datetime", ""), ("timestamp",)),
    ("AwareDatetime", ("pydantic", "AwareDatetime"), ("timestamptz",)),
    ("datetime.timedelta", ("datetime", ""), ("interval",)),
    ("JsonValue", ("pydantic", "JsonValue"), ("json", "jsonb")),
)
_SCALARS = {name: (python, needs) for python, needs, names in _SCALAR_TYPES for name in names}
_STANDARD_LIBRARY = {"datetime", "decimal", "typing", "uuid"}


def pascal(name: str) -> str:
    """``video_prompts`` -> ``VideoPrompts``: the stem of every generated name."""
    cleaned = "".join(c if c.isalnum() else "_" for c in name)
    stem = "".join(part[:1].upper() + part[1:] for part in cleaned.split("_") if part)
    return stem if stem[:1].isalpha() else f"T{stem}"


def python_module(catalog: Catalog) -> str:
    """The module's source; the same catalog always gives the same bytes."""
    module = _Module()
    for enum in catalog.enums:
        key = (enum.schema, enum.name)
        module.enums[key] = module.alias(_stem(*key), enum.labels, ordered=True)
    for composite in catalog.composite_types:
        key = (composite.schema, composite.name)
        module.composites[key] = module.claim(_stem(*key))
    for composite in catalog.composite_types:
        _composite_class(module, composite)  # first: row models refer to them
    for relation in sorted(catalog.relations, key=lambda r: (r.schema, r.name)):
        _relation_classes(module, relation)
    return module.render()


def _stem(schema: str, name: str) -> str:
    return pascal(name) if schema == "public" else pascal(schema) + pascal(name)


@dataclass
class _Module:
    """The module being written: imports, aliases and classes, and the names taken."""

    imports: set[tuple[str, str]] = field(default_factory=set)
    aliases: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    enums: dict[tuple[str, str], str] = field(default_factory=dict)
    composites: dict[tuple[str, str], str] = field(default_factory=dict)

    def claim(self, name: str) -> str:
        if name in self.names:
            raise TypegenError(
                f"Two database objects would both be called {name} in the Python module.",
                hint="Rename one of them, or generate its schema on its own (--schema).",
            )
        self.names.add(name)
        return name

    def need(self, module: str, name: str = "") -> None:
        self.imports.add((module, name))

    def alias(self, name: str, values: tuple[str, ...], *, ordered: bool = False) -> str:
        """A ``Literal`` alias; enums keep the database's order, check values are sorted."""
        self.need("typing", "Literal")
        items = [_quote(value) for value in (values if ordered else sorted(values))]
        self.aliases.append(_bracketed(f"{self.claim(name)} = Literal[", items, "]", ""))
        return name

    def render(self) -> str:
        header = _HEADER
        if any(len(line) > _MAX_LINE for body in self.classes for line in body.splitlines()):
            header += "# ruff: noqa: E501\n"  # a long column name and type on one line
        text = f"{header}\n{self._imports()}"
        if self.aliases:
            text += "\n" + "\n".join(self.aliases) + "\n"
        return text + "".join(f"\n\n{body}" for body in self.classes)

    def _imports(self) -> str:
        groups: list[list[str]] = [[], []]
        for standard in (True, False):
            chosen = {m for m, _ in self.imports if (m in _STANDARD_LIBRARY) == standard}
            group = groups[0 if standard else 1]
            group.extend(f"import {m}" for m in sorted(chosen) if (m, "") in self.imports)
            for module in sorted(chosen):
                names = sorted(n for m, n in self.imports if m == module and n)
                if names:
                    group.append(f"from {module} import {', '.join(names)}")
        return "\n\n".join("\n".join(group) for group in groups if group) + "\n"


def _relation_classes(module: _Module, relation: Relation) -> None:
    stem = _stem(relation.schema, relation.name)
    narrowed = narrowings(relation)
    columns = sorted(relation.columns, key=lambda c: collation_key(c.name))
    types = {c.name: _annotation(module, c, narrowed.get(c.name), stem) for c in columns}
    what = "view" if relation.is_view else "table"
    row = [(c.name, types[c.name]) for c in columns]
    doc = f"A row of the {what} {relation.qualified}."
    module.classes.append(_model(module, module.claim(f"{stem}Row"), doc, row))
    if not relation.is_table:
        return
    writable = [c for c in columns if c.identity != "a" and not c.generated]
    insert = [
        (c.name, types[c.name] if _required(c) else _not_required(module, types[c.name]))
        for c in writable
    ]
    update = [(c.name, types[c.name]) for c in writable]
    shapes = {  # TypedDict: its fields, whether all are required, its docstring
        "Insert": (insert, True, "A new row of {}; keys with a default may be left out."),
        "Update": (update, False, "A change to rows of {}: only the columns to set."),
    }
    for suffix, (fields, total, shape_doc) in shapes.items():
        name = module.claim(f"{stem}{suffix}")
        doc = shape_doc.format(relation.qualified)
        module.classes.append(_typed_dict(module, name, doc, fields, total=total))


def _composite_class(module: _Module, composite: CompositeType) -> None:
    name = module.composites[(composite.schema, composite.name)]
    attributes = sorted(composite.attributes, key=lambda c: collation_key(c.name))
    fields = [(a.name, _annotation(module, a, None, name)) for a in attributes]
    doc = f"A value of the composite type {composite.schema}.{composite.name}."
    module.classes.append(_model(module, name, doc, fields))


def _required(column: Column) -> bool:
    return not (column.nullable or column.default is not None or column.identity)


def _annotation(module: _Module, column: Column, narrowing: Narrowing | None, stem: str) -> str:
    """The column's Python type, with what its checks promise, ``| None`` if nullable."""
    narrowing = narrowing or Narrowing()
    base = _python_type(module, column.type)
    element = column.type.element
    is_string = column.type.kind == "b" and column.type.name in _STRINGS
    if narrowing.values and is_string:
        base = module.alias(f"{stem}{pascal(column.name)}", narrowing.values)
    else:
        max_length = _smaller(narrowing.max_length, column.max_length)
        if is_string:
            minimum = narrowing.min_length
            base = _constrained(module, base, max_length=max_length, min_length=minimum)
        elif element is not None:
            base = _constrained(module, base, max_length=narrowing.max_items)
    return _nullable(base) if column.nullable else base


def _python_type(module: _Module, ref: TypeRef) -> str:
    if ref.element is not None:
        return f"list[{_python_type(module, ref.element)}]"
    if ref.kind == "e" and (ref.schema, ref.name) in module.enums:
        return module.enums[(ref.schema, ref.name)]
    if ref.kind == "c" and (ref.schema, ref.name) in module.composites:
        return module.composites[(ref.schema, ref.name)]
    scalar, needs = _SCALARS.get(ref.name, ("Any", ("typing", "Any")))
    if needs:
        module.need(*needs)
    return scalar


def _constrained(module: _Module, base: str, **limits: int | None) -> str:
    given = [f"{name}={value}" for name, value in limits.items() if value is not None]
    if not given:
        return base
    module.need("typing", "Annotated")
    module.need("pydantic", "Field")
    return f"Annotated[{base}, Field({', '.join(given)})]"


def _smaller(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _nullable(annotation: str) -> str:
    return annotation if annotation == "Any" else f"{annotation} | None"


def _not_required(module: _Module, annotation: str) -> str:
    module.need("typing", "NotRequired")
    return f"NotRequired[{annotation}]"


def _plain(name: str) -> bool:
    """Whether a column name can be a class attribute as it is."""
    return (
        name.isidentifier()
        and not keyword.iskeyword(name)
        and not name.startswith("_")
        and not hasattr(BaseModel, name)
    )


def _model(module: _Module, name: str, doc: str, fields: list[tuple[str, str]]) -> str:
    module.need("pydantic", "BaseModel")
    module.need("pydantic", "ConfigDict")
    aliased = not all(_plain(column) for column, _ in fields)
    options = "frozen=True, protected_namespaces=()"
    if aliased:
        options += ", populate_by_name=True"
    lines = [
        f"class {name}(BaseModel):",
        f'{_INDENT}"""{doc}"""',
        "",
        f"{_INDENT}model_config = ConfigDict({options})",
    ]
    if fields:
        lines.append("")
    for column, annotation in fields:
        if _plain(column):
            lines.append(f"{_INDENT}{column}: {annotation}")
        else:
            module.need("pydantic", "Field")
            attribute = _attribute_name(column)
            lines.append(f"{_INDENT}{attribute}: {annotation} = Field(alias={_quote(column)})")
    return "\n".join(lines) + "\n"


def _attribute_name(column: str) -> str:
    cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in column.lower()).strip("_")
    return f"{cleaned or 'column'}_" if cleaned[:1].isalpha() else f"column_{cleaned}"


def _typed_dict(
    module: _Module, name: str, doc: str, fields: list[tuple[str, str]], *, total: bool
) -> str:
    module.need("typing_extensions", "TypedDict")  # Pydantic needs it before Python 3.12
    if all(_plain(column) for column, _ in fields):
        lines = [
            f"class {name}(TypedDict{'' if total else ', total=False'}):",
            f'{_INDENT}"""{doc}"""',
        ]
        if fields:
            lines.append("")
        lines.extend(f"{_INDENT}{column}: {annotation}" for column, annotation in fields)
        return "\n".join(lines) + "\n"
    # A column name Python cannot spell as an attribute: the functional form keeps it.
    items = [f"{_quote(column)}: {annotation}" for column, annotation in fields]
    tail = ")" if total else ", total=False)"
    comment = f"# {doc}\n"
    opening = f"{name} = TypedDict({_quote(name)}, {{"
    return comment + _bracketed(opening, items, "}" + tail, "") + "\n"


def _bracketed(opening: str, items: list[str], closing: str, indent: str) -> str:
    """``opening a, b closing`` on one line if it fits, else one item per line."""
    line = f"{indent}{opening}{', '.join(items)}{closing}"
    if len(line) <= _MAX_LINE:
        return line
    inner = "".join(f"{indent}{_INDENT}{item},\n" for item in items)
    return f"{indent}{opening}\n{inner}{indent}{closing}"


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
