-- The app's image-generation tables (collections, images) as the video_prompts plan found
-- them, with owner-only RLS written the hardened way the video_prompts migration explains.

create table public.collections (
  id uuid primary key default gen_random_uuid(),
  created_at timestamptz not null default now(),
  user_id uuid not null references auth.users (id) on delete cascade,
  name text not null check (char_length(name) >= 1),
  type text not null default 'Professional',
  status text not null default 'pending',
  prompt text,
  quantity integer default 1,
  updated_at timestamptz not null default now(),
  -- Departure: target of images' composite foreign key, so that an image can only be
  -- filed in a collection of its own owner.
  constraint collections_id_user_id_key unique (id, user_id)
);

create index collections_user_id_idx on public.collections (user_id);

create table public.images (
  id uuid primary key default gen_random_uuid(),
  created_at timestamptz not null default now(),
  user_id uuid not null references auth.users (id) on delete cascade,
  collection_id uuid,
  url text not null,
  storage_path text not null,
  type text not null check (type in ('source', 'generated')),
  metadata jsonb default '{}'::jsonb,
  status text not null default 'pending',
  -- Departure: target of video_prompts' composite ownership foreign key.
  constraint images_id_user_id_key unique (id, user_id),
  -- Departure: (collection_id, user_id) instead of collection_id alone. Foreign-key checks
  -- bypass RLS, so a plain reference would let a user file an image in another user's
  -- collection (and probe which collection ids exist).
  constraint images_collection_id_user_id_fkey foreign key (collection_id, user_id)
    references public.collections (id, user_id) on delete cascade
);

-- Keyset listing of a user's images, newest first; also covers the user_id foreign key.
create index images_user_id_created_at_idx on public.images (user_id, created_at desc, id desc);
-- Covers the collection foreign key, so deleting a collection finds its images by index.
create index images_collection_id_user_id_idx on public.images (collection_id, user_id);

alter table public.collections enable row level security;
alter table public.images enable row level security;

-- Policies apply to authenticated only (anon skips policy work entirely) and call
-- (select auth.uid()) once per statement instead of once per row.
{{collections_owner_policies}}
{{images_owner_policies}}
-- Supabase's default privileges grant ALL to anon; these tables are for signed-in owners.
revoke all on table public.collections, public.images from anon, authenticated;
grant select, delete on table public.collections, public.images to authenticated;
-- Departure: users write every column but the primary key, which the database chooses.
-- With a chosen id, "duplicate key" versus success would tell whether another user's row
-- has that id (unique checks, like foreign-key checks, bypass RLS); now any chosen id is
-- refused the same way, before the row is looked at.
grant insert (created_at, user_id, name, type, status, prompt, quantity, updated_at),
  update (created_at, user_id, name, type, status, prompt, quantity, updated_at)
  on table public.collections to authenticated;
grant insert (created_at, user_id, collection_id, url, storage_path, type, metadata, status),
  update (created_at, user_id, collection_id, url, storage_path, type, metadata, status)
  on table public.images to authenticated;
grant all on table public.collections, public.images to service_role;

-- The app's images live in the storage bucket generated_images under "<user id>/...". Its
-- storage policies make the first folder of an object's name its owner, the way Supabase's
-- guides write them. vidprompt's worker reads an object only if these let the image's
-- owner select it, so the project's policies, not the worker, decide whose object it is.
{{generated_images_bucket_owner_policies}}
