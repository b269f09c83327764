-- Departure: search_path is pinned (empty), so the function cannot be redirected to
-- objects of a schema a caller controls; now() resolves in pg_catalog regardless.
create function public.{{updated_at_function}}()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at = now();
  return new;
end;
$$;
revoke all on function public.{{updated_at_function}}() from public, anon, authenticated;

