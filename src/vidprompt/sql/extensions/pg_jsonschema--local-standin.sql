-- vidprompt's stand-in for pg_jsonschema: json(b)_matches_schema and jsonschema_is_valid in
-- plpgsql, for the common keywords (type, properties, required, additionalProperties, items,
-- enum, const, bounds, lengths, pattern, allOf/anyOf/oneOf/not). A schema using any other
-- validation keyword ($ref, patternProperties, ...) raises rather than passing unchecked.
\echo Use "CREATE EXTENSION pg_jsonschema" to load this file. \quit

create function @extschema@._json_type_matches(expected text, instance jsonb) returns boolean
language sql immutable strict
as $$
  select case expected
    when 'integer' then jsonb_typeof(instance) = 'number' and instance::text::numeric % 1 = 0
    when 'number' then jsonb_typeof(instance) = 'number'
    when 'null' then jsonb_typeof(instance) = 'null'
    else jsonb_typeof(instance) = expected
  end
$$;

create function @extschema@._jsonschema_matches(schema jsonb, instance jsonb) returns boolean
language plpgsql immutable strict
as $$
declare
  keyword text;
  rule jsonb;
  item jsonb;
  matches integer;
begin
  if jsonb_typeof(schema) = 'boolean' then
    return schema::text::boolean;
  end if;
  for keyword, rule in select * from jsonb_each(schema) loop
    case keyword
      when 'type' then
        if not exists (
          select from jsonb_array_elements_text(
            case when jsonb_typeof(rule) = 'array' then rule else jsonb_build_array(rule) end) t
          where @extschema@._json_type_matches(t, instance)) then
          return false;
        end if;
      when 'enum' then
        if not exists (select from jsonb_array_elements(rule) e where e = instance) then
          return false;
        end if;
      when 'const' then
        if rule <> instance then return false; end if;
      when 'properties' then
        if jsonb_typeof(instance) = 'object' then
          for item in select jsonb_build_array(p.key, p.value) from jsonb_each(rule) p loop
            if instance ? (item ->> 0) and not @extschema@._jsonschema_matches(
              item -> 1, instance -> (item ->> 0)) then
              return false;
            end if;
          end loop;
        end if;
      when 'required' then
        if jsonb_typeof(instance) = 'object' and exists (
          select from jsonb_array_elements_text(rule) r where not instance ? r) then
          return false;
        end if;
      when 'additionalProperties' then
        if jsonb_typeof(instance) = 'object' and exists (
          select from jsonb_each(instance) i
          where not coalesce(schema -> 'properties', '{}') ? i.key
            and not @extschema@._jsonschema_matches(rule, i.value)) then
          return false;
        end if;
      when 'items' then
        if jsonb_typeof(instance) = 'array' and exists (
          select from jsonb_array_elements(instance) e
          where not @extschema@._jsonschema_matches(rule, e)) then
          return false;
        end if;
      when 'minimum' then
        if jsonb_typeof(instance) = 'number' and instance::text::numeric < rule::text::numeric then
          return false;
        end if;
      when 'maximum' then
        if jsonb_typeof(instance) = 'number' and instance::text::numeric > rule::text::numeric then
          return false;
        end if;
      when 'exclusiveMinimum' then
        if jsonb_typeof(instance) = 'number' and instance::text::numeric <= rule::text::numeric then
          return false;
        end if;
      when 'exclusiveMaximum' then
        if jsonb_typeof(instance) = 'number' and instance::text::numeric >= rule::text::numeric then
          return false;
        end if;
      when 'minLength' then
        if jsonb_typeof(instance) = 'string' and length(instance #>> '{}') < rule::text::integer then
          return false;
        end if;
      when 'maxLength' then
        if jsonb_typeof(instance) = 'string' and length(instance #>> '{}') > rule::text::integer then
          return false;
        end if;
      when 'pattern' then
        if jsonb_typeof(instance) = 'string' and (instance #>> '{}') !~ (rule #>> '{}') then
          return false;
        end if;
      when 'minItems' then
        if jsonb_typeof(instance) = 'array' and jsonb_array_length(instance) < rule::text::integer then
          return false;
        end if;
      when 'maxItems' then
        if jsonb_typeof(instance) = 'array' and jsonb_array_length(instance) > rule::text::integer then
          return false;
        end if;
      when 'allOf' then
        if exists (select from jsonb_array_elements(rule) s
                   where not @extschema@._jsonschema_matches(s, instance)) then
          return false;
        end if;
      when 'anyOf' then
        if not exists (select from jsonb_array_elements(rule) s
                       where @extschema@._jsonschema_matches(s, instance)) then
          return false;
        end if;
      when 'oneOf' then
        select count(*) into matches from jsonb_array_elements(rule) s
          where @extschema@._jsonschema_matches(s, instance);
        if matches <> 1 then return false; end if;
      when 'not' then
        if @extschema@._jsonschema_matches(rule, instance) then return false; end if;
      when '$schema', '$id', '$comment', 'title', 'description', 'default', 'examples',
           'format', 'definitions', '$defs' then
        null;  -- annotations: they never make an instance invalid
      else
        raise exception 'JSON Schema keyword % is not supported by the local pg_jsonschema stand-in',
          quote_literal(keyword)
          using errcode = '0A000', hint = 'Push to a Supabase project, which has pg_jsonschema.';
    end case;
  end loop;
  return true;
end;
$$;

create function @extschema@.jsonb_matches_schema(schema json, instance jsonb) returns boolean
language sql immutable strict parallel safe
as $$ select @extschema@._jsonschema_matches(schema::jsonb, instance) $$;

create function @extschema@.json_matches_schema(schema json, instance json) returns boolean
language sql immutable strict parallel safe
as $$ select @extschema@._jsonschema_matches(schema::jsonb, instance::jsonb) $$;

create function @extschema@.jsonschema_is_valid(schema json) returns boolean
language sql immutable strict parallel safe
as $$ select json_typeof(schema) in ('object', 'boolean') $$;
