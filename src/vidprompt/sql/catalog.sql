-- Catalog introspection: every query reads pg_catalog only. The schemas to describe come as
-- %(schemas)s (a text array) to the queries that find what is in them; the queries of a
-- relation's parts (its columns, constraints, indexes, policies, triggers, grants) take the
-- oids those found, as %(relation_oids)s, so that which relations are read is said once, in
-- relations. Run by vidprompt.schema._catalog.

-- name: schemas
-- Which of the chosen schemas exist.
select n.nspname as name
from pg_namespace n
where n.nspname = any(%(schemas)s)
order by n.nspname;

-- name: relations
-- Tables (partitions too), views, materialized views and foreign tables. A view's
-- rewrite rule tree is kept: it says which table column each view column shows.
select
  c.oid::int8 as oid,
  n.nspname as schema,
  c.relname as name,
  c.relkind::text as kind,
  c.relispartition as is_partition,
  c.relrowsecurity as rls_enabled,
  c.relforcerowsecurity as rls_forced,
  coalesce(c.reloptions, '{}')::text[] as options,
  case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid) end as view_definition,
  (
    select rw.ev_action::text from pg_rewrite rw
    where rw.ev_class = c.oid and rw.rulename = '_RETURN'
  ) as rule_tree,
  -- postgres-meta's rules: updatable when UPDATE and DELETE both are (4 | 16); INSERT
  -- (8) and UPDATE (4) enabled counting INSTEAD OF triggers and rules.
  c.relkind = 'v' and (pg_relation_is_updatable(c.oid, false) & 20) = 20 as is_updatable,
  c.relkind = 'v' and (pg_relation_is_updatable(c.oid, true) & 8) = 8 as is_insert_enabled,
  c.relkind = 'v' and (pg_relation_is_updatable(c.oid, true) & 4) = 4 as is_update_enabled,
  pg_get_userbyid(c.relowner) as owner,
  obj_description(c.oid, 'pg_class') as comment
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any(%(schemas)s)
  and c.relkind in ('r', 'p', 'v', 'm', 'f')
order by n.nspname, c.relname;

-- name: columns
-- The columns of the relations and of the stand-alone composite types (composite_types).
-- Nullability follows postgres-meta: NOT NULL on the column or on its domain.
select
  a.attrelid::int8 as relation_oid,
  a.attnum::int as number,
  a.attname as name,
  format_type(a.atttypid, a.atttypmod) as data_type,
  a.atttypid::int8 as type_oid,
  not (a.attnotnull or (d.typtype = 'd' and d.typnotnull)) as nullable,
  case when a.atthasdef then pg_get_expr(ad.adbin, ad.adrelid) end as default_value,
  a.attidentity::text as identity,
  a.attgenerated::text as generated,
  -- A view column is writable when Postgres can update it, or when an INSTEAD OF
  -- trigger or an unconditional INSTEAD rule rewrites whole rows (postgres-meta's rule).
  c.relkind in ('r', 'p') or (c.relkind in ('v', 'f') and (
    pg_column_is_updatable(c.oid, a.attnum, false)
    or exists (
      select from pg_trigger tg
      where tg.tgrelid = c.oid and tg.tgtype & 64 <> 0 and tg.tgtype & 20 <> 0
        and not tg.tgisinternal
    )
    or exists (
      select from pg_rewrite rw
      where rw.ev_class = c.oid and rw.is_instead and rw.ev_type in ('2', '3')
        and rw.ev_qual::text = '<>'
    )
  )) as updatable,
  case when a.atttypmod > 4 and format_type(a.atttypid, null) in ('character varying', 'character')
    then a.atttypmod - 4 end as max_length,
  col_description(c.oid, a.attnum) as comment
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_type d on d.oid = a.atttypid
left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
where a.attrelid = any(%(relation_oids)s::oid[] || %(composite_type_oids)s::oid[])
  and a.attnum > 0
  and not a.attisdropped
order by a.attrelid, a.attnum;

-- name: constraints
-- Primary keys, unique, check and foreign-key constraints (not PG 18's NOT NULL rows).
select
  con.conrelid::int8 as relation_oid,
  con.conname as name,
  con.contype::text as kind,
  array(
    select a.attname from unnest(con.conkey) with ordinality k(num, pos)
    join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.num
    order by k.pos
  )::text[] as columns,
  case when con.contype = 'c' then pg_get_expr(con.conbin, con.conrelid) end as expression,
  pg_get_constraintdef(con.oid) as definition,
  fn.nspname as referenced_schema,
  fc.relname as referenced_table,
  array(
    select a.attname from unnest(con.confkey) with ordinality k(num, pos)
    join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.num
    order by k.pos
  )::text[] as referenced_columns,
  con.confdeltype::text as on_delete,
  con.confupdtype::text as on_update,
  con.convalidated as validated,
  con.conparentid <> 0 as inherited
from pg_constraint con
left join pg_class fc on fc.oid = con.confrelid
left join pg_namespace fn on fn.oid = fc.relnamespace
where con.conrelid = any(%(relation_oids)s::oid[])
  and con.contype in ('p', 'u', 'c', 'f')
order by con.conrelid, con.conname;

-- name: indexes
-- key_columns holds NULL for an expression; signature is what duplicate_index compares.
select
  i.indrelid::int8 as relation_oid,
  ic.relname as name,
  array(
    select a.attname from unnest(i.indkey[0:i.indnkeyatts - 1]) with ordinality k(num, pos)
    left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.num and k.num > 0
    order by k.pos
  )::text[] as key_columns,
  i.indisunique as is_unique,
  i.indisprimary as is_primary,
  pg_get_expr(i.indpred, i.indrelid) as predicate,
  pg_get_indexdef(i.indexrelid) as definition,
  concat_ws(
    '|', am.amname, i.indkey::text, i.indclass::text, i.indcollation::text, i.indoption::text,
    pg_get_expr(i.indexprs, i.indrelid), pg_get_expr(i.indpred, i.indrelid)
  ) as signature
from pg_index i
join pg_class ic on ic.oid = i.indexrelid
join pg_am am on am.oid = ic.relam
where i.indrelid = any(%(relation_oids)s::oid[])
order by i.indrelid, ic.relname;

-- name: policies
select
  p.polrelid::int8 as relation_oid,
  p.polname as name,
  case p.polcmd when 'r' then 'SELECT' when 'a' then 'INSERT' when 'w' then 'UPDATE'
    when 'd' then 'DELETE' else 'ALL' end as command,
  p.polpermissive as permissive,
  array(
    select case when r = 0 then 'public' else pg_get_userbyid(r) end
    from unnest(p.polroles) r order by 1
  )::text[] as roles,
  pg_get_expr(p.polqual, p.polrelid) as using_expression,
  pg_get_expr(p.polwithcheck, p.polrelid) as check_expression
from pg_policy p
where p.polrelid = any(%(relation_oids)s::oid[])
order by p.polrelid, p.polname;

-- name: triggers
select
  tg.tgrelid::int8 as relation_oid,
  tg.tgname as name,
  pn.nspname as function_schema,
  p.proname as function_name,
  case when tg.tgtype & 2 <> 0 then 'BEFORE' when tg.tgtype & 64 <> 0 then 'INSTEAD OF'
    else 'AFTER' end as timing,
  array_remove(array[
    case when tg.tgtype & 4 <> 0 then 'INSERT' end,
    case when tg.tgtype & 16 <> 0 then 'UPDATE' end,
    case when tg.tgtype & 8 <> 0 then 'DELETE' end,
    case when tg.tgtype & 32 <> 0 then 'TRUNCATE' end
  ], null)::text[] as events,
  case when tg.tgtype & 1 <> 0 then 'ROW' else 'STATEMENT' end as level,
  tg.tgenabled <> 'D' as enabled
from pg_trigger tg
join pg_proc p on p.oid = tg.tgfoid
join pg_namespace pn on pn.oid = p.pronamespace
where tg.tgrelid = any(%(relation_oids)s::oid[])
  and not tg.tgisinternal
order by tg.tgrelid, tg.tgname;

-- name: grants
-- A NULL ACL means the owner's defaults, spelled out by acldefault().
select
  c.oid::int8 as relation_oid,
  case when acl.grantee = 0 then 'public' else pg_get_userbyid(acl.grantee) end as grantee,
  acl.privilege_type as privilege
from pg_class c
cross join lateral aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) acl
where c.oid = any(%(relation_oids)s::oid[])
order by c.oid, 2, 3;

-- name: column_grants
-- Column-level privileges (grant insert (a, b) ...), kept apart from the table's.
select
  c.oid::int8 as relation_oid,
  case when acl.grantee = 0 then 'public' else pg_get_userbyid(acl.grantee) end as grantee,
  acl.privilege_type as privilege,
  a.attname as column_name
from pg_class c
join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
cross join lateral aclexplode(a.attacl) acl
where c.oid = any(%(relation_oids)s::oid[])
  and a.attacl is not null
order by c.oid, 2, 3, 4;

-- name: functions
-- Functions and procedures; those an extension owns are marked, not left out.
select
  p.oid::int8 as oid,
  n.nspname as schema,
  p.proname as name,
  p.prokind::text as kind,
  pg_get_function_identity_arguments(p.oid) as identity_arguments,
  pg_get_function_arguments(p.oid) as arguments,
  pg_get_function_result(p.oid) as result,
  coalesce(p.proargnames, '{}')::text[] as argument_names,
  coalesce(p.proargmodes::text[], '{}') as argument_modes,
  coalesce(p.proallargtypes, p.proargtypes::oid[])::int8[] as argument_type_oids,
  p.pronargs::int as in_count,
  p.pronargdefaults::int as default_count,
  p.prorettype::int8 as return_type_oid,
  p.proretset as returns_set,
  p.prorows::float8 as rows,
  l.lanname as language,
  case p.provolatile when 'i' then 'IMMUTABLE' when 's' then 'STABLE' else 'VOLATILE' end
    as volatility,
  p.prosecdef as security_definer,
  coalesce(p.proconfig, '{}')::text[] as config,
  exists (
    select from pg_depend dep
    where dep.classid = 'pg_proc'::regclass and dep.objid = p.oid and dep.deptype = 'e'
  ) as extension
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_language l on l.oid = p.prolang
where n.nspname = any(%(schemas)s)
order by n.nspname, p.proname, p.oid;

-- name: types
-- What a generator needs to name the types of columns, arguments and results: a domain
-- stands for its base type (and says so), an array names its element. A type and its
-- element are described alike (not materialized: only the rows joined are described).
with described as not materialized (
  select
    t.oid,
    n.nspname as schema,
    t.typname as name,
    t.typtype::text as kind,
    coalesce(c.relkind::text, '') as relation_kind,
    array(
      select e.enumlabel from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder
    )::text[] as labels
  from pg_type t
  join pg_namespace n on n.oid = t.typnamespace
  left join pg_class c on c.oid = t.typrelid
)
select
  d.oid::int8 as oid,
  d.typtype = 'd' as is_domain,
  t.schema,
  t.name,
  t.kind,
  t.relation_kind,
  t.labels,
  et.oid::int8 as element_oid,
  et.schema as element_schema,
  et.name as element_name,
  et.kind as element_kind,
  coalesce(et.relation_kind, '') as element_relation_kind,
  coalesce(et.labels, '{}') as element_labels
from pg_type d
join pg_type base on base.oid = case when d.typtype = 'd' then d.typbasetype else d.oid end
join described t on t.oid = base.oid
left join described et on et.oid = base.typelem and base.typlen = -1 and base.typelem <> 0
where d.oid = any(%(oids)s::oid[]);

-- name: origins
-- Resolving the (relation oid, attribute number) pairs a view's rule tree points at.
select
  a.attrelid::int8 as relation_oid,
  a.attnum::int as number,
  n.nspname as schema,
  c.relname as relation,
  c.relkind::text as kind,
  a.attname as name
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
where a.attrelid = any(%(oids)s::oid[]) and a.attnum > 0 and not a.attisdropped;

-- name: enums
select
  n.nspname as schema,
  t.typname as name,
  array(
    select e.enumlabel from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder
  )::text[] as labels
from pg_type t
join pg_namespace n on n.oid = t.typnamespace
where t.typtype = 'e'
  and n.nspname = any(%(schemas)s)
order by n.nspname, t.typname;

-- name: composite_types
-- Stand-alone composite types (create type ... as (...)), not tables' row types.
select
  n.nspname as schema,
  t.typname as name,
  c.oid::int8 as relation_oid
from pg_type t
join pg_namespace n on n.oid = t.typnamespace
join pg_class c on c.oid = t.typrelid and c.relkind = 'c'
where n.nspname = any(%(schemas)s)
order by n.nspname, t.typname;
