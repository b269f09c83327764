-- vidprompt's stand-in for the http extension: its types and functions exist, so functions
-- that use them can be created; calling one raises, because a local stand-in sends nothing
-- and an invented response would be worse than an error.
\echo Use "CREATE EXTENSION http" to load this file. \quit

create domain @extschema@.http_method as text;
create domain @extschema@.content_type as text
  check (value ~ '^\S+\/\S+');

create type @extschema@.http_header as (field varchar, value varchar);

create type @extschema@.http_request as (
  method @extschema@.http_method,
  uri varchar,
  headers @extschema@.http_header[],
  content_type varchar,
  content varchar
);

create type @extschema@.http_response as (
  status integer,
  content_type varchar,
  headers @extschema@.http_header[],
  content varchar
);

create function @extschema@.http_header(field varchar, value varchar)
returns @extschema@.http_header
language sql immutable
as $$ select row(field, value)::@extschema@.http_header $$;

create function @extschema@.http(request @extschema@.http_request)
returns @extschema@.http_response
language plpgsql volatile
as $$
begin
  raise exception 'http: % % was not sent (the http extension is a local stand-in here)',
    request.method, request.uri
    using errcode = '0A000',
    hint = 'Push to a Supabase project to make HTTP calls from SQL, or use pg_net.';
end;
$$;

-- The http extension's shorthands: each makes one request and sends it with http().
do $standin$
declare
  shorthand record;
begin
  for shorthand in
    select * from (values
      ('http_get', 'uri varchar', 'GET', 'null', 'null'),
      ('http_get', 'uri varchar, data jsonb', 'GET', 'null', 'data::text'),
      ('http_post', 'uri varchar, content varchar, content_type varchar', 'POST', 'content_type',
        'content'),
      ('http_post', 'uri varchar, data jsonb', 'POST', '''application/json''', 'data::text'),
      ('http_put', 'uri varchar, content varchar, content_type varchar', 'PUT', 'content_type',
        'content'),
      ('http_delete', 'uri varchar', 'DELETE', 'null', 'null')
    ) as shorthands (name, arguments, method, content_type, content)
  loop
    execute format(
      'create function @extschema@.%I(%s) returns @extschema@.http_response'
      ' language sql volatile'
      ' as $$ select @extschema@.http(row(%L, uri, null, %s, %s)::@extschema@.http_request) $$',
      shorthand.name, shorthand.arguments, shorthand.method, shorthand.content_type,
      shorthand.content);
  end loop;
end;
$standin$;
