-- vidprompt's stand-in for pg_net: the same schema, tables and functions, but nothing is
-- sent. Each request is recorded in net.http_request_queue (as pg_net queues it) and stays
-- there, so a test can see what a trigger or a job would have sent; no response ever arrives
-- in net._http_response.
\echo Use "CREATE EXTENSION pg_net" to load this file. \quit

create schema net;
comment on schema net is 'vidprompt local stand-in for pg_net: requests are recorded, never sent';

create table net.http_request_queue (
  id bigserial not null,
  method text not null,
  url text not null,
  headers jsonb not null,
  body bytea,
  timeout_milliseconds integer not null
);

create table net._http_response (
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out boolean,
  error_msg text,
  created timestamptz not null default now()
);

-- As pg_net's: every byte but the unreserved characters (letters, digits, - . _ ~) becomes
-- %XX, so a parameter's value cannot add parameters or end the query.
create function net._urlencode_string(string character varying) returns text
language sql immutable strict set search_path = ''
as $$
  select coalesce(string_agg(
    case when chr(byte) ~ '^[A-Za-z0-9._~-]$' and byte < 128 then chr(byte)
      else '%' || upper(lpad(to_hex(byte), 2, '0')) end, '' order by position), '')
  from (select convert_to(string, 'UTF8') as bytes) as encoded,
    generate_series(0, length(encoded.bytes) - 1) as position,
    get_byte(encoded.bytes, position) as byte
$$;

-- The parameters go into the url's query, before its fragment (as curl's URL API puts them).
create function net._record(
  method text, url text, params jsonb, headers jsonb, body bytea, timeout_milliseconds integer
) returns bigint
language sql volatile security definer set search_path = ''
as $$
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  select method,
    parts.base || coalesce(
      (select case when parts.base like '%?%' then '&' else '?' end
         || string_agg(net._urlencode_string(key) || '=' || net._urlencode_string(value), '&'
              order by number)
       from jsonb_each_text(coalesce(params, '{}')) with ordinality as param (key, value, number)
       having count(*) > 0),
      '') || parts.fragment,
    coalesce(headers, '{}'), body, timeout_milliseconds
  from (select split_part(url, '#', 1) as base,
          coalesce(substring(url from '#.*$'), '') as fragment) as parts
  returning id
$$;

-- GET and DELETE send no body: one declaration for both. Strict, as pg_net's: a null
-- argument queues nothing.
do $standin$
declare
  method text;
begin
  foreach method in array array['GET', 'DELETE'] loop
    execute format($function$
      create function net.%I(
        url text, params jsonb default '{}'::jsonb, headers jsonb default '{}'::jsonb,
        timeout_milliseconds integer default 5000
      ) returns bigint
      language sql volatile strict
      as $$ select net._record(%L, url, params, headers, null, timeout_milliseconds) $$
    $function$, 'http_' || lower(method), method);
  end loop;
end;
$standin$;

-- As pg_net's: the body is JSON, so headers without a Content-Type get JSON's, and another
-- Content-Type is refused.
create function net.http_post(
  url text, body jsonb default '{}'::jsonb, params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds integer default 5000
) returns bigint
language plpgsql volatile
as $$
declare
  content_type text := (
    select value from jsonb_each_text(coalesce(headers, '{}')) as header (name, value)
    where lower(name) = 'content-type' limit 1
  );
begin
  if content_type is null then
    headers := coalesce(headers, '{}') || '{"Content-Type": "application/json"}';
  elsif content_type <> 'application/json' then
    raise exception 'Content-Type header must be "application/json"';
  end if;
  return net._record('POST', url, params, headers, convert_to(body::text, 'UTF8'),
    timeout_milliseconds);
end;
$$;

-- As Supabase's grant_pg_net_access() does when pg_net is created: the API roles may use the
-- schema, so an RPC or a security-invoker function can queue a request (net._record writes
-- the queue as its owner). Only the roles this database has are named.
do $grant$
declare
  roles text := (
    select string_agg(quote_ident(rolname), ', ' order by rolname) from pg_roles
    where rolname in ('postgres', 'anon', 'authenticated', 'service_role', 'supabase_functions_admin')
  );
begin
  if roles is not null then
    execute 'grant usage on schema net to ' || roles;
  end if;
end;
$grant$;
