-- Prompt generation: the users' profiles (each user brings their own Gemini API key, as the
-- app has it) and generation_jobs, the durable queue the generation worker claims from.
-- Hardened like the earlier migrations; each decision carries a comment.

{{updated_at_function_definition}}
{{profiles}}
-- One row per generation request: the worker claims due rows with FOR UPDATE SKIP LOCKED and
-- holds a lease; the variant it fills is completed or failed in the same transaction that
-- finishes the job, guarded by the lease, so each variant gets exactly one result.
create table public.generation_jobs (
  id bigint generated always as identity primary key,
  -- One job per variant; regenerating makes a new variant and so a new job. Deleting the
  -- variant (or its image, or its user) deletes the job.
  variant_id uuid not null unique references public.video_prompts (id) on delete cascade,
  -- The variant's owner, copied when the job is enqueued (by service_role only): the per-user
  -- cap on unfinished jobs and the owner's read policy need it without a join.
  user_id uuid not null references auth.users (id) on delete cascade,
  state text not null default 'queued'
    check (state in ('queued', 'running', 'succeeded', 'failed')),
  -- Claims so far; a claim that outlives its lease (a killed worker) counts too.
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null default 5 check (max_attempts >= 1),
  -- When the job may be claimed next: for a queued job its schedule, for a running job the
  -- end of its lease (renewed while the worker is busy). One column, so "due" is one index
  -- range for both, and a job whose worker died is simply due again.
  run_after timestamptz not null default now(),
  -- The claiming worker's opaque id; the lease's owner.
  locked_by text,
  error_code text,
  error_message text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz,
  constraint generation_jobs_running_has_owner
    check (state <> 'running' or locked_by is not null),
  constraint generation_jobs_failed_has_error
    check (state <> 'failed' or error_code is not null)
);

-- The claim query's order: due unfinished jobs, oldest first. Finished jobs stay out of it.
create index generation_jobs_due_idx
  on public.generation_jobs (run_after, id) where state in ('queued', 'running');
-- The per-user cap counts a user's unfinished jobs; also covers the user_id foreign key.
create index generation_jobs_user_id_state_idx on public.generation_jobs (user_id, state);

create trigger update_generation_jobs_updated_at
  before update on public.generation_jobs
  for each row execute function public.{{updated_at_function}}();

-- Idle workers LISTEN on this channel and wake at once; they also poll, because Supabase's
-- transaction pooler cannot LISTEN. One notification per statement, not per row.
create function public.notify_generation_jobs()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform pg_notify('vidprompt_generation_jobs', '');
  return null;
end;
$$;

create trigger notify_generation_jobs
  after insert on public.generation_jobs
  for each statement execute function public.notify_generation_jobs();

alter table public.generation_jobs enable row level security;

-- Users may see the state of their own jobs (e.g. "attempt 2 of 5"); only service_role (the
-- worker and enqueue_generation) writes, so no user can enqueue around the per-user cap.
{{generation_jobs_owner_policies}}
revoke all on table public.generation_jobs from anon, authenticated;
grant select on table public.generation_jobs to authenticated;
grant all on table public.generation_jobs to service_role;
revoke all on function public.notify_generation_jobs() from public, anon, authenticated;
