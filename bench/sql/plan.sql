-- The plan's original video_prompts table (01-01-PLAN.md, tasks 1 and 2), verbatim in
-- substance: a plain image foreign key, the plan's three indexes, the trigger function
-- without a pinned search_path, and policies calling auth.uid() for every role. It exists
-- only so the benchmark can compare it with the hardened migration side by side.

create table public.video_prompts (
  id uuid primary key default gen_random_uuid(),
  image_id uuid not null references public.images (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  prompt_text text not null check (char_length(prompt_text) <= 2000),
  user_instruction text,
  model_name text not null,
  camera_style text default 'statisch',
  film_effects text[] default '{}'::text[],
  status text not null default 'draft'
    check (status in ('draft', 'pending', 'completed', 'failed')),
  is_primary boolean default false,
  error_code text,
  error_message text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index video_prompts_image_id_idx on public.video_prompts (image_id);
create index video_prompts_user_id_idx on public.video_prompts (user_id);
create index video_prompts_image_id_created_at_idx on public.video_prompts (image_id, created_at);

create or replace function update_updated_at_column()
returns trigger as $$
begin
  new.updated_at = now();
  return new;
end;
$$ language plpgsql;

create trigger update_video_prompts_updated_at
  before update on public.video_prompts
  for each row execute function update_updated_at_column();

alter table public.video_prompts enable row level security;

create policy "Users can view own video prompts"
  on public.video_prompts for select
  using (auth.uid() = user_id);

create policy "Users can insert own video prompts"
  on public.video_prompts for insert
  with check (auth.uid() = user_id);

create policy "Users can update own video prompts"
  on public.video_prompts for update
  using (auth.uid() = user_id)
  with check (auth.uid() = user_id);

create policy "Users can delete own video prompts"
  on public.video_prompts for delete
  using (auth.uid() = user_id);
