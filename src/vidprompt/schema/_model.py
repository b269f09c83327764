"""The catalog as plain data: what introspection returns and every product reads."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TypeRef:
    """A type as generators need it; a domain already stands for its base type."""

    schema: str
    name: str
    kind: str  # pg_type.typtype: b base, e enum, c composite, d domain, p pseudo, r range
    relation_kind: str = ""  # for a composite: r table, v view, c stand-alone type, ...
    element: TypeRef | None = None  # set for arrays
    is_domain: bool = False  # the declared type was a domain over this one
    labels: tuple[str, ...] = ()  # an enum's values, in order
    oid: int = 0  # of the declared type

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class Column:
    name: str
    number: int
    data_type: str  # format_type(), e.g. "character varying(20)" or "text[]"
    type: TypeRef
    nullable: bool
    default: str | None  # the default's (or generated column's) expression
    identity: str  # "" or "a" (ALWAYS) or "d" (BY DEFAULT)
    generated: str  # "" or "s" (stored) or "v" (virtual, PG 18)
    updatable: bool
    max_length: int | None  # varchar(n) / char(n)
    comment: str | None = None


@dataclass(frozen=True)
class Constraint:
    """A primary key (p), unique (u), check (c) or foreign key (f) constraint."""

    name: str
    kind: str
    columns: tuple[str, ...]
    definition: str
    expression: str | None = None  # checks: the boolean expression
    referenced_schema: str | None = None
    referenced_table: str | None = None
    referenced_columns: tuple[str, ...] = ()
    on_delete: str = ""  # pg_constraint.confdeltype: a no action, r restrict, c cascade, ...
    on_update: str = ""
    validated: bool = True
    inherited: bool = False  # a partition's copy of its parent's constraint


@dataclass(frozen=True)
class Index:
    name: str
    key_columns: tuple[str | None, ...]  # None: an expression
    is_unique: bool
    is_primary: bool
    predicate: str | None
    definition: str
    signature: str  # equal signatures: the same index twice


@dataclass(frozen=True)
class Policy:
    name: str
    command: str  # SELECT, INSERT, UPDATE, DELETE or ALL
    permissive: bool
    roles: tuple[str, ...]  # "public" when the policy names none
    using: str | None
    check: str | None


@dataclass(frozen=True)
class Trigger:
    name: str
    function: str  # schema.name
    timing: str
    events: tuple[str, ...]
    level: str
    enabled: bool


@dataclass(frozen=True)
class Origin:
    """A view column that shows a column of another relation (at any depth of views)."""

    column: str
    schema: str
    relation: str
    source_column: str


@dataclass(frozen=True)
class Relation:
    """A table, view, materialized view or foreign table."""

    schema: str
    name: str
    kind: str  # pg_class.relkind: r, p, v, m, f
    columns: tuple[Column, ...]
    oid: int = 0
    is_partition: bool = False
    rls_enabled: bool = False
    rls_forced: bool = False
    options: tuple[str, ...] = ()
    view_definition: str | None = None
    is_updatable: bool = False
    is_insert_enabled: bool = False
    is_update_enabled: bool = False
    origins: tuple[Origin, ...] = ()
    owner: str = ""
    comment: str | None = None
    constraints: tuple[Constraint, ...] = ()
    indexes: tuple[Index, ...] = ()
    policies: tuple[Policy, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    grants: tuple[tuple[str, str], ...] = ()  # (grantee, privilege)
    column_grants: tuple[tuple[str, str, str], ...] = ()  # (grantee, privilege, column)

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def is_table(self) -> bool:
        return self.kind in ("r", "p")

    @property
    def is_view(self) -> bool:
        return self.kind in ("v", "m")

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def of_kind(self, kind: str) -> list[Constraint]:
        return [c for c in self.constraints if c.kind == kind]

    @property
    def foreign_keys(self) -> list[Constraint]:
        return self.of_kind("f")

    @property
    def checks(self) -> list[Constraint]:
        return self.of_kind("c")

    def privileges(self, grantee: str) -> set[str]:
        return {privilege for who, privilege in self.grants if who == grantee}

    def column_privileges(self, grantee: str, column: str) -> set[str]:
        """What ``grantee`` may do with ``column``: the table's grants and the column's."""
        granted = {p for who, p, name in self.column_grants if who == grantee and name == column}
        return self.privileges(grantee) | granted


@dataclass(frozen=True)
class Argument:
    name: str  # "" when unnamed
    mode: str  # i in, o out, b inout, v variadic, t table column
    type: TypeRef
    has_default: bool  # postgres-meta's positional rule; see _catalog._function


@dataclass(frozen=True)
class Function:
    schema: str
    name: str
    kind: str  # f function, p procedure, a aggregate, w window
    identity_arguments: str
    arguments: tuple[Argument, ...]
    returns: TypeRef
    argument_text: str  # pg_get_function_arguments(), e.g. "a integer, b integer DEFAULT 1"
    result_text: str  # pg_get_function_result(), e.g. "SETOF shots"
    returns_set: bool
    rows: float
    language: str
    volatility: str
    security_definer: bool
    config: tuple[str, ...]
    extension: bool = False  # owned by an extension

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}({self.identity_arguments})"

    @property
    def in_arguments(self) -> list[Argument]:
        return [a for a in self.arguments if a.mode in ("i", "b", "v")]

    @property
    def table_columns(self) -> list[Argument]:
        return [a for a in self.arguments if a.mode == "t"]

    @property
    def pins_search_path(self) -> bool:
        return any(setting.startswith("search_path=") for setting in self.config)


@dataclass(frozen=True)
class Enum:
    schema: str
    name: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class CompositeType:
    schema: str
    name: str
    attributes: tuple[Column, ...]


@dataclass(frozen=True)
class Catalog:
    """What the chosen schemas hold, each list sorted by schema and name."""

    schemas: tuple[str, ...]  # those of the chosen schemas that exist
    relations: tuple[Relation, ...] = ()
    functions: tuple[Function, ...] = ()
    enums: tuple[Enum, ...] = ()
    composite_types: tuple[CompositeType, ...] = ()

    def relation(self, schema: str, name: str) -> Relation | None:
        return next((r for r in self.relations if (r.schema, r.name) == (schema, name)), None)

    def tables(self, schema: str | None = None) -> list[Relation]:
        return [r for r in self.relations if r.is_table and schema in (None, r.schema)]

    def views(self, schema: str | None = None) -> list[Relation]:
        return [r for r in self.relations if r.is_view and schema in (None, r.schema)]


@dataclass(frozen=True)
class Check:
    """One verified must-have: what was expected, what was found, whether they agree."""

    group: str
    name: str
    passed: bool
    expected: str
    found: str
