-- video_prompts: AI-written video prompts for an image, several variants per image.
-- Follows the plan (01-01-PLAN.md) column for column; each departure carries a comment.

create table public.video_prompts (
  id uuid primary key default gen_random_uuid(),
  -- Departure: the image reference is the composite foreign key below, not a plain
  -- `references public.images (id)`. Foreign-key checks bypass RLS, so a plain reference
  -- lets a user attach a prompt to another user's image, and its error tells apart
  -- "exists but not yours" from "does not exist".
  image_id uuid not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  prompt_text text not null check (char_length(prompt_text) <= 2000),
  -- Departure: the instruction limit of the input form (500) is the database's rule too.
  user_instruction text check (char_length(user_instruction) <= 500),
  model_name text not null,
  -- Departure: camera style and film effects stay plain text, as decided, but only the
  -- vocabulary's keys are accepted. The static camera is stored as 'statisch', the
  -- default, so rows never disagree on 'static' versus 'statisch'.
  camera_style text default 'statisch'
    check (camera_style in ('cinematic', 'slow_motion', 'zoom_in', 'orbit', 'dolly', 'statisch')),
  film_effects text[] default '{}'::text[]
    check (
      film_effects <@ array['dramatic', 'soft', 'golden_hour', 'noir', 'dreamy']::text[]
      and cardinality(film_effects) <= 3
    ),
  status text not null default 'draft'
    check (status in ('draft', 'pending', 'completed', 'failed')),
  is_primary boolean default false,
  error_code text,
  error_message text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Departure: insertion sequence. Variants are ordered by (created_at, seq): rows inserted
  -- in one transaction share now(), and seq breaks that tie in insertion order, so the
  -- order is total and stable. It is not a position the user edits.
  seq bigint generated always as identity,
  -- Departure: one composite reference enforces "a prompt's image belongs to the prompt's
  -- user" for every role; another user's image fails exactly like a missing one.
  constraint video_prompts_image_id_user_id_fkey foreign key (image_id, user_id)
    references public.images (id, user_id) on delete cascade,
  -- Departure: a completed variant has text, and a failed one says why.
  constraint video_prompts_completed_has_text
    check (status <> 'completed' or char_length(btrim(prompt_text)) > 0),
  constraint video_prompts_failed_has_error
    check (status <> 'failed' or error_code is not null)
);

-- The plan's index on (image_id), widened to (image_id, user_id, created_at, seq): it covers
-- the composite foreign key (deleting an image finds its prompts by index), and under RLS,
-- where the select policy adds user_id = auth.uid(), it returns an image's variants in order
-- without a sort step.
create index video_prompts_image_id_idx
  on public.video_prompts (image_id, user_id, created_at, seq);
-- The plan's index on (user_id), widened so "a user's recent prompts" is an index scan in
-- order with keyset pagination; it also covers the foreign key to auth.users.
create index video_prompts_user_id_idx
  on public.video_prompts (user_id, created_at desc, seq desc);
-- The plan's (image_id, created_at) with seq appended: the variant order, total, for callers
-- without a user filter (service role).
create index video_prompts_image_id_created_at_idx
  on public.video_prompts (image_id, created_at, seq);
-- Departure: at most one primary variant per image, enforced by the database.
create unique index video_prompts_one_primary_per_image
  on public.video_prompts (image_id) where is_primary;

{{updated_at_function_definition}}
create trigger update_video_prompts_updated_at
  before update on public.video_prompts
  for each row execute function public.{{updated_at_function}}();

alter table public.video_prompts enable row level security;

-- Departure: policies are `to authenticated` (anon skips policy work entirely) and call
-- (select auth.uid()), which Postgres evaluates once per statement instead of per row.
create policy "Users can view own video prompts"
  on public.video_prompts for select to authenticated
  using ((select auth.uid()) = user_id);

create policy "Users can insert own video prompts"
  on public.video_prompts for insert to authenticated
  with check ((select auth.uid()) = user_id);

create policy "Users can update own video prompts"
  on public.video_prompts for update to authenticated
  using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id);

create policy "Users can delete own video prompts"
  on public.video_prompts for delete to authenticated
  using ((select auth.uid()) = user_id);

-- Departure: explicit grants instead of Supabase's default ALL for everyone: anon gets
-- nothing, authenticated the four commands its policies govern, service_role all.
-- Departure: insert and update on every column but id and seq. A chosen id would tell
-- whether another user's variant has it ("duplicate key" versus success: unique checks
-- bypass RLS); the order key seq is the database's, never the user's.
revoke all on table public.video_prompts from anon, authenticated;
grant select, delete on table public.video_prompts to authenticated;
grant insert (image_id, user_id, prompt_text, user_instruction, model_name, camera_style,
    film_effects, status, is_primary, error_code, error_message, created_at, updated_at),
  update (image_id, user_id, prompt_text, user_instruction, model_name, camera_style,
    film_effects, status, is_primary, error_code, error_message, created_at, updated_at)
  on table public.video_prompts to authenticated;
grant all on table public.video_prompts to service_role;
