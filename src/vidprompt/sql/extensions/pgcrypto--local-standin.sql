-- vidprompt's stand-in for pgcrypto on a server built without it (the embedded PostgreSQL
-- has no OpenSSL). Only where the server has no pgcrypto of its own. Randomness comes from
-- gen_random_uuid(), which reads the server's strong random source; digests use the core
-- md5() and sha2 functions, and SHA-1 in plpgsql. crypt() and gen_salt() (bcrypt) are too slow to do in SQL: they
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

-- SHA-1 (FIPS 180-4), which core PostgreSQL lacks: 32-bit words kept in bigint and masked.
create function @extschema@._sha1(data bytea) returns bytea
language plpgsql immutable strict parallel safe
as $$
declare
  mask constant bigint := 4294967295;
  h bigint[] := array[1732584193, 4023233417, 2562383102, 271733878, 3285377520];
  message bytea;
  w bigint[];
  a bigint; b bigint; c bigint; d bigint; e bigint; f bigint; k bigint; t bigint;
  offset_ integer;
begin
  message := data || '\x80'::bytea
    || decode(repeat('00', (119 - length(data) % 64) % 64), 'hex')
    || int8send(length(data)::bigint * 8);
  for chunk in 0 .. length(message) / 64 - 1 loop
    w := '{}';
    for i in 0 .. 15 loop
      offset_ := chunk * 64 + i * 4;
      w[i] := (get_byte(message, offset_)::bigint << 24) | (get_byte(message, offset_ + 1) << 16)
        | (get_byte(message, offset_ + 2) << 8) | get_byte(message, offset_ + 3);
    end loop;
    for i in 16 .. 79 loop
      t := w[i - 3] # w[i - 8] # w[i - 14] # w[i - 16];
      w[i] := ((t << 1) | (t >> 31)) & mask;
    end loop;
    a := h[1]; b := h[2]; c := h[3]; d := h[4]; e := h[5];
    for i in 0 .. 79 loop
      if i < 20 then
        f := (b & c) | (~b & d); k := 1518500249;
      elsif i < 40 then
        f := b # c # d; k := 1859775393;
      elsif i < 60 then
        f := (b & c) | (b & d) | (c & d); k := 2400959708;
      else
        f := b # c # d; k := 3395469782;
      end if;
      t := ((((a << 5) | (a >> 27)) & mask) + (f & mask) + e + k + w[i]) & mask;
      e := d; d := c; c := ((b << 30) | (b >> 2)) & mask; b := a; a := t;
    end loop;
    h := array[(h[1] + a) & mask, (h[2] + b) & mask, (h[3] + c) & mask, (h[4] + d) & mask,
      (h[5] + e) & mask];
  end loop;
  return decode(lpad(to_hex(h[1]), 8, '0') || lpad(to_hex(h[2]), 8, '0')
    || lpad(to_hex(h[3]), 8, '0') || lpad(to_hex(h[4]), 8, '0') || lpad(to_hex(h[5]), 8, '0'),
    'hex');
end;
$$;

-- The algorithm a name means, as pgcrypto reads it (any case, with or without the dash:
-- 'SHA-256' is sha256), or an error naming it when the stand-in cannot compute it.
create function @extschema@._hash_name(type text) returns text
language plpgsql immutable strict parallel safe
as $$
declare
  name text := replace(lower(type), '-', '');
begin
  if name in ('md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512') then
    return name;
  end if;
  raise exception 'Cannot use "%": not available in the local pgcrypto stand-in', type
    using errcode = '0A000',
    hint = 'Use md5, sha1, sha224, sha256, sha384 or sha512, or a server with the real pgcrypto.';
end;
$$;

-- plpgsql, not an inlined SQL function: the planner may drop an unused check, and a name it
-- cannot compute then came back as NULL instead of an error.
create function @extschema@.digest(data bytea, type text) returns bytea
language plpgsql immutable strict parallel safe
as $$
begin
  return case @extschema@._hash_name(type)
    when 'md5' then decode(md5(data), 'hex')
    when 'sha1' then @extschema@._sha1(data)
    when 'sha224' then sha224(data)
    when 'sha256' then sha256(data)
    when 'sha384' then sha384(data)
    when 'sha512' then sha512(data)
  end;
end;
$$;

create function @extschema@.digest(data text, type text) returns bytea
language sql immutable strict parallel safe
as $$ select @extschema@.digest(convert_to(data, 'UTF8'), type) $$;

-- RFC 2104: H((K xor opad) || H((K xor ipad) || message)), K padded to the block size.
create function @extschema@.hmac(data bytea, key bytea, type text) returns bytea
language plpgsql immutable strict parallel safe
as $$
declare
  block integer := case when @extschema@._hash_name(type) in ('sha384', 'sha512') then 128
    else 64 end;
  padded bytea;
  inner_pad bytea;
  outer_pad bytea;
begin
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

-- bcrypt is too slow to do in SQL: gen_salt() and crypt() refuse, each naming itself.
-- Volatile, so a caller's query that never reaches a call is not refused while planned.
create function @extschema@._refuse_bcrypt(call text) returns text
language plpgsql volatile
as $$
begin
  raise exception '% needs the real pgcrypto, which this server does not have', call
    using errcode = '0A000',
    hint = 'Run the local database on a PostgreSQL with pgcrypto (VIDPROMPT_PG_BIN_DIR), e.g. Debian''s.';
end;
$$;

create function @extschema@.gen_salt(type text) returns text
language sql volatile strict
as $$ select @extschema@._refuse_bcrypt('gen_salt(' || quote_literal(type) || ')') $$;

create function @extschema@.gen_salt(type text, rounds integer) returns text
language sql volatile strict
as $$ select @extschema@.gen_salt(type) $$;

create function @extschema@.crypt(password text, salt text) returns text
language sql immutable strict
as $$ select @extschema@._refuse_bcrypt('crypt()') $$;
