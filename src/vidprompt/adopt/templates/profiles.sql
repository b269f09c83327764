create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  full_name text,
  avatar_url text,
  -- The user's Gemini API key, encrypted before it is stored: vidprompt's own form (AES-256-GCM
  -- with a server key, bound to the user's id) or the app's iv:tag:ciphertext hex. The check
  -- refuses anything else, so a plaintext key written by some other client is never kept.
  gemini_api_key text check (
    gemini_api_key like 'v1.%'
    or gemini_api_key ~ '^[0-9a-fA-F]{24}:[0-9a-fA-F]{32}:[0-9a-fA-F]+$'
  ),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create trigger update_profiles_updated_at
  before update on public.profiles
  for each row execute function public.{{updated_at_function}}();

alter table public.profiles enable row level security;

-- Owner-only, `to authenticated`, (select auth.uid()) once per statement. No delete policy:
-- a profile goes with its user (on delete cascade).
{{profiles_owner_policies}}
-- Users may read their whole row (the key only as ciphertext) but write only their name and
-- avatar: the key is written by vidprompt as service_role, the one place that can encrypt it.
revoke all on table public.profiles from anon, authenticated;
grant select on table public.profiles to authenticated;
grant insert (id, full_name, avatar_url), update (full_name, avatar_url)
  on table public.profiles to authenticated;
grant all on table public.profiles to service_role;

