-- vidprompt's stand-in for pgvector on a server without it (Debian's PostgreSQL 15 has no
-- package). The type stores its text form ('[1,2,3]') with the server's own text routines,
-- so vector(n) columns, literals and casts work; the distance operators compute in SQL; the
-- hnsw and ivfflat index methods exist so indexes can be created, but they only hash the
-- value (no nearest-neighbour search, no index options): queries scan the table.
\echo Use "CREATE EXTENSION vector" to load this file. \quit

create type @extschema@.vector;
create function @extschema@.vector_in(cstring, oid, integer) returns @extschema@.vector
language internal immutable strict parallel safe as 'textin';
create function @extschema@.vector_out(@extschema@.vector) returns cstring
language internal immutable strict parallel safe as 'textout';
create function @extschema@.vector_recv(internal, oid, integer) returns @extschema@.vector
language internal immutable strict parallel safe as 'textrecv';
create function @extschema@.vector_send(@extschema@.vector) returns bytea
language internal immutable strict parallel safe as 'textsend';
create function @extschema@.vector_typmod_in(cstring[]) returns integer
language internal immutable strict parallel safe as 'varchartypmodin';
create function @extschema@.vector_typmod_out(integer) returns cstring
language internal immutable strict parallel safe as 'varchartypmodout';
create type @extschema@.vector (
  input = @extschema@.vector_in, output = @extschema@.vector_out,
  receive = @extschema@.vector_recv, send = @extschema@.vector_send,
  typmod_in = @extschema@.vector_typmod_in, typmod_out = @extschema@.vector_typmod_out,
  internallength = variable, storage = extended, category = 'U'
);

create cast (text as @extschema@.vector) without function as assignment;
create cast (@extschema@.vector as text) without function;

create function @extschema@.vector_to_float8(v @extschema@.vector) returns float8[]
language sql immutable strict parallel safe
as $$ select translate(v::text, '[]', '{}')::float8[] $$;

create function @extschema@.array_to_vector(a real[], integer, boolean) returns @extschema@.vector
language sql immutable strict parallel safe
as $$ select ('[' || array_to_string(a, ',') || ']')::text::@extschema@.vector $$;
create function @extschema@.array_to_vector(a double precision[], integer, boolean)
returns @extschema@.vector
language sql immutable strict parallel safe
as $$ select ('[' || array_to_string(a, ',') || ']')::text::@extschema@.vector $$;
create function @extschema@.array_to_vector(a integer[], integer, boolean) returns @extschema@.vector
language sql immutable strict parallel safe
as $$ select ('[' || array_to_string(a, ',') || ']')::text::@extschema@.vector $$;
create cast (real[] as @extschema@.vector)
  with function @extschema@.array_to_vector(real[], integer, boolean) as assignment;
create cast (double precision[] as @extschema@.vector)
  with function @extschema@.array_to_vector(double precision[], integer, boolean) as assignment;
create cast (integer[] as @extschema@.vector)
  with function @extschema@.array_to_vector(integer[], integer, boolean) as assignment;

create function @extschema@.vector_dims(v @extschema@.vector) returns integer
language sql immutable strict parallel safe
as $$ select cardinality(@extschema@.vector_to_float8(v)) $$;

create function @extschema@.inner_product(a @extschema@.vector, b @extschema@.vector)
returns float8
language sql immutable strict parallel safe
as $$
  select sum(x * y) from unnest(@extschema@.vector_to_float8(a), @extschema@.vector_to_float8(b)) as p(x, y)
$$;

create function @extschema@.l2_distance(a @extschema@.vector, b @extschema@.vector)
returns float8
language sql immutable strict parallel safe
as $$
  select sqrt(sum((x - y) ^ 2))
  from unnest(@extschema@.vector_to_float8(a), @extschema@.vector_to_float8(b)) as p(x, y)
$$;

create function @extschema@.cosine_distance(a @extschema@.vector, b @extschema@.vector)
returns float8
language sql immutable strict parallel safe
as $$
  select 1 - sum(x * y) / (sqrt(sum(x * x)) * sqrt(sum(y * y)))
  from unnest(@extschema@.vector_to_float8(a), @extschema@.vector_to_float8(b)) as p(x, y)
$$;

create function @extschema@.vector_negative_inner_product(a @extschema@.vector, b @extschema@.vector)
returns float8
language sql immutable strict parallel safe
as $$ select - @extschema@.inner_product(a, b) $$;

create function @extschema@.vector_eq(a @extschema@.vector, b @extschema@.vector) returns boolean
language sql immutable strict parallel safe
as $$ select @extschema@.vector_to_float8(a) = @extschema@.vector_to_float8(b) $$;

create function @extschema@.vector_hash(v @extschema@.vector) returns integer
language sql immutable strict parallel safe
as $$ select hashtext(array_to_string(@extschema@.vector_to_float8(v), ',')) $$;

create operator @extschema@.<-> (
  leftarg = @extschema@.vector, rightarg = @extschema@.vector,
  function = @extschema@.l2_distance, commutator = operator(@extschema@.<->)
);
create operator @extschema@.<=> (
  leftarg = @extschema@.vector, rightarg = @extschema@.vector,
  function = @extschema@.cosine_distance, commutator = operator(@extschema@.<=>)
);
create operator @extschema@.<#> (
  leftarg = @extschema@.vector, rightarg = @extschema@.vector,
  function = @extschema@.vector_negative_inner_product, commutator = operator(@extschema@.<#>)
);
create operator @extschema@.= (
  leftarg = @extschema@.vector, rightarg = @extschema@.vector,
  function = @extschema@.vector_eq, commutator = operator(@extschema@.=), hashes
);

-- Index methods by pgvector's names, backed by the hash method: creating an index works, a
-- nearest-neighbour query scans the table instead of using it.
create access method hnsw type index handler hashhandler;
create access method ivfflat type index handler hashhandler;

create operator class @extschema@.vector_ops default for type @extschema@.vector using hash as
  operator 1 @extschema@.= (@extschema@.vector, @extschema@.vector),
  function 1 @extschema@.vector_hash(@extschema@.vector);
do $$
declare
  method text;
  opclass text;
begin
  foreach method in array array['hnsw', 'ivfflat'] loop
    foreach opclass in array array['vector_l2_ops', 'vector_cosine_ops', 'vector_ip_ops'] loop
      execute format(
        'create operator class @extschema@.%I for type @extschema@.vector using %I as'
        ' operator 1 @extschema@.= (@extschema@.vector, @extschema@.vector),'
        ' function 1 @extschema@.vector_hash(@extschema@.vector)', opclass, method);
    end loop;
  end loop;
end
$$;
