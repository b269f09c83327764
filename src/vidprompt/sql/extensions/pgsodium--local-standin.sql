-- vidprompt's stand-in for pgsodium: the schema and the roles that grants name, and
-- random-byte helpers. No libsodium: no encryption functions, no key table.
\echo Use "CREATE EXTENSION pgsodium" to load this file. \quit

do $$
declare
  role_name text;
begin
  foreach role_name in array array['pgsodium_keyiduser', 'pgsodium_keyholder', 'pgsodium_keymaker'] loop
    if not exists (select from pg_roles where rolname = role_name) then
      execute format('create role %I nologin', role_name);
    end if;
  end loop;
end
$$;

create function pgsodium.randombytes_buf(size integer) returns bytea
language plpgsql volatile strict
as $$
declare
  bytes bytea := '';
begin
  while length(bytes) < size loop
    bytes := bytes || sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
  end loop;
  return substring(bytes from 1 for size);
end;
$$;

create function pgsodium.crypto_aead_det_noncegen() returns bytea
language sql volatile
as $$ select pgsodium.randombytes_buf(16) $$;
