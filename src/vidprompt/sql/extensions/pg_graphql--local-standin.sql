-- vidprompt's stand-in for pg_graphql: the schemas and the entry points exist (grants and
-- dumps name them); a query is answered with a GraphQL error, since no local GraphQL
-- engine exists. Supabase pre-installs pg_graphql, so the local layer does too.
\echo Use "CREATE EXTENSION pg_graphql" to load this file. \quit

create schema if not exists graphql_public;

create function graphql.resolve(
  query text default null, variables jsonb default '{}', "operationName" text default null,
  extensions jsonb default null
) returns jsonb
language sql stable
as $$
  select jsonb_build_object('errors', jsonb_build_array(jsonb_build_object(
    'message', 'pg_graphql is a local stand-in in this database: GraphQL is not served')))
$$;

create function graphql_public.graphql(
  "operationName" text default null, query text default null, variables jsonb default null,
  extensions jsonb default null
) returns jsonb
language sql stable
as $$ select graphql.resolve(query, coalesce(variables, '{}'), "operationName", extensions) $$;

create function graphql.comment_directive(comment_ text) returns jsonb
language sql immutable
as $$
  select case when comment_ ~ '^@graphql\(.*\)$'
    then substring(comment_ from 10 for length(comment_) - 10)::jsonb end
$$;

do $$
begin
  if exists (select from pg_roles where rolname = 'anon') then
    grant usage on schema graphql, graphql_public to anon, authenticated, service_role;
    grant execute on function graphql.resolve(text, jsonb, text, jsonb),
      graphql_public.graphql(text, text, jsonb, jsonb) to anon, authenticated, service_role;
  end if;
end
$$;
