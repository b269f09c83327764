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

create function @extschema@.http_get(uri varchar) returns @extschema@.http_response
language sql volatile
as $$ select @extschema@.http(row('GET', uri, null, null, null)::@extschema@.http_request) $$;

create function @extschema@.http_get(uri varchar, data jsonb) returns @extschema@.http_response
language sql volatile
as $$ select @extschema@.http(row('GET', uri, null, null, data::text)::@extschema@.http_request) $$;

create function @extschema@.http_post(uri varchar, content varchar, content_type varchar)
returns @extschema@.http_response
language sql volatile
as $$
  select @extschema@.http(row('POST', uri, null, content_type, content)::@extschema@.http_request)
$$;

create function @extschema@.http_post(uri varchar, data jsonb) returns @extschema@.http_response
language sql volatile
as $$
  select @extschema@.http(
    row('POST', uri, null, 'application/json', data::text)::@extschema@.http_request)
$$;

create function @extschema@.http_put(uri varchar, content varchar, content_type varchar)
returns @extschema@.http_response
language sql volatile
as $$
  select @extschema@.http(row('PUT', uri, null, content_type, content)::@extschema@.http_request)
$$;

create function @extschema@.http_delete(uri varchar) returns @extschema@.http_response
language sql volatile
as $$ select @extschema@.http(row('DELETE', uri, null, null, null)::@extschema@.http_request) $$;
