-- vidprompt's stand-in for uuid-ossp on a server built without it (the embedded PostgreSQL).
-- Only where the server has no uuid-ossp of its own. Version 4 is the core gen_random_uuid();
-- versions 1 and 3 follow RFC 4122 in SQL (a random node, as uuid_generate_v1mc does);
-- version 5 needs SHA-1, which core PostgreSQL lacks, so it refuses.
\echo Use "CREATE EXTENSION ""uuid-ossp""" to load this file. \quit

-- The nil UUID and RFC 4122's name-space ids (appendix C), each a constant function.
do $standin$
declare
  constant record;
begin
  for constant in
    select * from (values
      ('uuid_nil', '00000000-0000-0000-0000-000000000000'),
      ('uuid_ns_dns', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'),
      ('uuid_ns_url', '6ba7b811-9dad-11d1-80b4-00c04fd430c8'),
      ('uuid_ns_oid', '6ba7b812-9dad-11d1-80b4-00c04fd430c8'),
      ('uuid_ns_x500', '6ba7b814-9dad-11d1-80b4-00c04fd430c8')
    ) as constants (name, value)
  loop
    execute format(
      'create function @extschema@.%I() returns uuid language sql immutable parallel safe'
      ' as $$ select %L::uuid $$', constant.name, constant.value);
  end loop;
end;
$standin$;

create function @extschema@.uuid_generate_v4() returns uuid
language sql volatile parallel safe
as $$ select gen_random_uuid() $$;

-- Time-based: 100 ns intervals since 1582-10-15, a random clock sequence and a random
-- node with the multicast bit set (RFC 4122 4.5), so no MAC address leaks.
create function @extschema@.uuid_generate_v1mc() returns uuid
language plpgsql volatile parallel safe
as $$
declare
  ticks bigint := ((extract(epoch from clock_timestamp()) * 10000000)::numeric
    + 122192928000000000)::bigint;
  hex text := lpad(to_hex(ticks), 15, '0');
  random_part bytea := uuid_send(gen_random_uuid());
  clock_seq integer := ((get_byte(random_part, 0) << 8) | get_byte(random_part, 1)) & 16383;
  node bytea := substring(random_part from 11 for 6);
begin
  node := set_byte(node, 0, get_byte(node, 0) | 1);
  return (substring(hex from 8 for 8) || substring(hex from 4 for 4) || '1'
    || substring(hex from 1 for 3) || lpad(to_hex(clock_seq | 32768), 4, '0')
    || encode(node, 'hex'))::uuid;
end;
$$;

create function @extschema@.uuid_generate_v1() returns uuid
language sql volatile parallel safe
as $$ select @extschema@.uuid_generate_v1mc() $$;

-- Name-based with MD5 (RFC 4122 4.3).
create function @extschema@.uuid_generate_v3(namespace uuid, name text) returns uuid
language sql immutable strict parallel safe
as $$
  select encode(
    set_byte(set_byte(hash, 6, (get_byte(hash, 6) & 15) | 48), 8, (get_byte(hash, 8) & 63) | 128),
    'hex')::uuid
  from (select decode(md5(uuid_send(namespace) || convert_to(name, 'UTF8')), 'hex') as hash) as h
$$;

create function @extschema@.uuid_generate_v5(namespace uuid, name text) returns uuid
language plpgsql immutable strict
as $$
begin
  raise exception 'uuid_generate_v5() needs SHA-1: the local uuid-ossp stand-in does not have it'
    using errcode = '0A000',
    hint = 'Use uuid_generate_v3() or gen_random_uuid(), or a server with the real uuid-ossp.';
end;
$$;
