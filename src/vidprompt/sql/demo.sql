-- The rows `vidprompt demo` works on. Loaded once by vidprompt.cli._demo_data; each block
-- is called by name with %(name)s parameters.

-- name: collection_named
-- The owner's collection of that name, created if missing. Run in the owner's scope: the
-- collections policies decide.
with found as (
  select id from public.collections where user_id = %(user_id)s and name = %(name)s limit 1
), made as (
  insert into public.collections (user_id, name)
  select %(user_id)s, %(name)s where not exists (select from found)
  returning id
)
select id from found union all select id from made;

-- name: demo_user
-- The demo's user, the same on every run (auth.users is written as the superuser the
-- local database is reached as; no API role may write it).
insert into auth.users (id, email, aud, role, created_at, raw_app_meta_data)
values (%(id)s, %(email)s, 'authenticated', 'authenticated', now(), '{"provider": "demo"}')
on conflict (id) do nothing;

-- name: demo_leftovers
-- Images an interrupted earlier demo left behind, with their storage paths.
select id, storage_path from public.images where user_id = %(user_id)s;
