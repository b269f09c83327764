-- vidprompt's stand-in for pgcrypto on a server built without it (the embedded PostgreSQL
-- has no OpenSSL). Only where the server has no pgcrypto of its own. Randomness comes from
-- gen_random_uuid(), which reads the server's strong random source; digests use the core
-- md5() and sha2 functions. crypt() and gen_salt() (bcrypt) are too slow to do in SQL: they
-- refuse instead of producing a hash that a real server would not accept.
\echo Use "CREATE EXTENSION pgcrypto" to load this file. \quit

create function @extschema@.gen_random_bytes(count integer) returns bytea
language plpgsql volatile strict parallel safe
as $$
declare
  bytes bytea := '';
  chunk bytea;
begin
  if count < 1 or count > 1024 then
    raise exception 'Length not in range' using errcode = '22023';
  end if;
  while length(bytes) < count loop
    chunk := uuid_send(gen_random_uuid());
    -- A version 4 UUID has 122 random bits: bytes 7 and 9 carry the version and variant.
    bytes := bytes || substring(chunk from 1 for 6) || substring(chunk from 8 for 1)
      || substring(chunk from 10 for 7);
  end loop;
  return substring(bytes from 1 for count);
end;
$$;

-- A separate check so the error names the algorithm, as pgcrypto's does.
create function @extschema@._require_hash(type text) returns void
language plpgsql immutable strict
as $$
begin
  if lower(type) not in ('md5', 'sha224', 'sha256', 'sha384', 'sha512') then
    raise exception 'Cannot use "%": not available in the local pgcrypto stand-in', type
      using errcode = '0A000',
      hint = 'Use md5, sha224, sha256, sha384 or sha512, or a server with the real pgcrypto.';
  end if;
end;
$$;

create function @extschema@.digest(data bytea, type text) returns bytea
language sql immutable strict parallel safe
as $$
  select case lower(type)
    when 'md5' then decode(md5(data), 'hex')
    when 'sha224' then sha224(data)
    when 'sha256' then sha256(data)
    when 'sha384' then sha384(data)
    when 'sha512' then sha512(data)
  end
  from (select @extschema@._require_hash(type)) as checked
$$;

create function @extschema@.digest(data text, type text) returns bytea
language sql immutable strict parallel safe
as $$ select @extschema@.digest(convert_to(data, 'UTF8'), type) $$;

-- RFC 2104: H((K xor opad) || H((K xor ipad) || message)), K padded to the block size.
create function @extschema@.hmac(data bytea, key bytea, type text) returns bytea
language plpgsql immutable strict parallel safe
as $$
declare
  block integer := case when lower(type) in ('sha384', 'sha512') then 128 else 64 end;
  padded bytea;
  inner_pad bytea;
  outer_pad bytea;
begin
  perform @extschema@._require_hash(type);
  padded := case when length(key) > block then @extschema@.digest(key, type) else key end;
  padded := padded || decode(repeat('00', block - length(padded)), 'hex');
  inner_pad := padded;
  outer_pad := padded;
  for i in 0 .. block - 1 loop
    inner_pad := set_byte(inner_pad, i, get_byte(padded, i) # 54);
    outer_pad := set_byte(outer_pad, i, get_byte(padded, i) # 92);
  end loop;
  return @extschema@.digest(outer_pad || @extschema@.digest(inner_pad || data, type), type);
end;
$$;

create function @extschema@.hmac(data text, key text, type text) returns bytea
language sql immutable strict parallel safe
as $$ select @extschema@.hmac(convert_to(data, 'UTF8'), convert_to(key, 'UTF8'), type) $$;

create function @extschema@.gen_salt(type text) returns text
language plpgsql volatile strict
as $$
begin
  raise exception 'gen_salt(%) needs the real pgcrypto, which this server does not have', quote_literal(type)
    using errcode = '0A000',
    hint = 'Run the local database on a PostgreSQL with pgcrypto (VIDPROMPT_PG_BIN_DIR), e.g. Debian''s.';
end;
$$;

create function @extschema@.gen_salt(type text, rounds integer) returns text
language sql volatile strict
as $$ select @extschema@.gen_salt(type) $$;

create function @extschema@.crypt(password text, salt text) returns text
language plpgsql immutable strict
as $$
begin
  raise exception 'crypt() needs the real pgcrypto, which this server does not have'
    using errcode = '0A000',
    hint = 'Run the local database on a PostgreSQL with pgcrypto (VIDPROMPT_PG_BIN_DIR), e.g. Debian''s.';
end;
$$;
