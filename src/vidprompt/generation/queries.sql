-- The generation queue's queries, run as service_role. Loaded once by
-- vidprompt.generation._queue; each block is called by name with %(name)s parameters.
-- {generation_inputs} and {v.generation_inputs} list a variant's generation inputs, as
-- vidprompt.prompts._models defines them (filled in by with_columns).
-- {fail_pending_variant} is the fragment of that name, filled in by the loader.
-- A job is guarded by (id, locked_by, attempts): a worker whose lease ran out and was
-- claimed by another can no longer change the job or its variant.

-- name: lock_user_jobs
-- Serializes one user's enqueues, so racing requests cannot pass the cap together. A
-- statement of its own: the next one's snapshot is taken after the lock is granted.
select pg_advisory_xact_lock(hashtextextended(%(user_id)s::text, 7020251124));

-- name: enqueue
-- A pending variant and its job, unless the user is at the cap; the row says how many
-- unfinished jobs the user had (id is null when refused). An image that is missing or not
-- the user's fails the composite foreign key, exactly alike.
with unfinished as (
  select count(*) as n from public.generation_jobs
  where user_id = %(user_id)s and state in ('queued', 'running')
), variant as (
  insert into public.video_prompts
    (image_id, user_id, prompt_text, model_name, status, {generation_inputs})
  select
    %(image_id)s::uuid, %(user_id)s::uuid, '',
    case
      when %(user_key_model)s::text is not null
        and exists (
          select from public.profiles p
          where p.id = %(user_id)s and p.gemini_api_key is not null
        )
      then %(user_key_model)s::text
      else %(default_model)s::text
    end,
    'pending', {r.generation_inputs}
  from unfinished, jsonb_populate_record(null::public.video_prompts, %(inputs)s::jsonb) r
  where unfinished.n < %(limit)s
  returning *
), job as (
  insert into public.generation_jobs (variant_id, user_id, max_attempts)
  select id, user_id, %(max_attempts)s from variant
)
select variant.*, unfinished.n as unfinished
from unfinished left join variant on true;

-- name: claim
-- The oldest due job: queued, or running with its lease run out (its worker died). Jobs of
-- busy_users (who already hold their share of this worker's slots) wait for another turn.
with due as (
  select id from public.generation_jobs
  where state in ('queued', 'running') and run_after <= now() and attempts < max_attempts
    and user_id <> all(%(busy_users)s::uuid[])
  order by run_after, id
  limit 1
  for update skip locked
), claimed as (
  update public.generation_jobs j
  set state = 'running', attempts = j.attempts + 1, locked_by = %(worker)s,
      run_after = now() + make_interval(secs => %(lease_s)s)
  from due
  where j.id = due.id
  returning j.id, j.variant_id, j.user_id, j.attempts, j.max_attempts
)
select c.id, c.variant_id, c.user_id, c.attempts, c.max_attempts, v.status,
       {v.generation_inputs},
       i.url, i.storage_path, i.metadata, p.gemini_api_key
from claimed c
join public.video_prompts v on v.id = c.variant_id
join public.images i on i.id = v.image_id and i.user_id = v.user_id
left join public.profiles p on p.id = c.user_id;

-- name: extend_lease
update public.generation_jobs
set run_after = now() + make_interval(secs => %(lease_s)s)
where id = %(id)s and locked_by = %(worker)s and attempts = %(attempt)s and state = 'running'
returning id;

-- name: complete
with job as (
  update public.generation_jobs
  set state = 'succeeded', locked_by = null, finished_at = now()
  where id = %(id)s and locked_by = %(worker)s and attempts = %(attempt)s and state = 'running'
  returning variant_id
)
update public.video_prompts v
set status = 'completed', prompt_text = %(text)s, model_name = %(model_name)s,
    error_code = null, error_message = null
from job
where v.id = job.variant_id and v.status = 'pending'
returning v.id;

-- fragment: fail_pending_variant
-- The end of fail and fail_exhausted, after their CTE job has failed jobs and returned their
-- variant_id: each job's variant, if still pending, fails with the job's error.
update public.video_prompts v
set status = 'failed', error_code = %(code)s, error_message = %(message)s
from job
where v.id = job.variant_id and v.status = 'pending'
returning v.id;

-- name: fail
with job as (
  update public.generation_jobs
  set state = 'failed', locked_by = null, finished_at = now(),
      error_code = %(code)s, error_message = %(message)s
  where id = %(id)s and locked_by = %(worker)s and attempts = %(attempt)s and state = 'running'
  returning variant_id
)
{fail_pending_variant};

-- name: release
-- A job handed back unfinished (the worker is shutting down): due at once, and the claim
-- does not count as an attempt. Wakes the other workers.
with job as (
  update public.generation_jobs
  set state = 'queued', locked_by = null, attempts = attempts - 1, run_after = now()
  where id = %(id)s and locked_by = %(worker)s and attempts = %(attempt)s and state = 'running'
  returning id
)
select pg_notify('vidprompt_generation_jobs', '') from job;

-- name: requeue_expired
-- Jobs whose worker died (lease run out, attempts left) go back to the queue at the place
-- they had when they were enqueued, ahead of everything queued later, and workers are woken.
with job as (
  update public.generation_jobs
  set state = 'queued', locked_by = null, run_after = created_at
  where state = 'running' and run_after <= now() and attempts < max_attempts
  returning id
)
select id, pg_notify('vidprompt_generation_jobs', '') from job;

-- name: fail_exhausted
-- Jobs whose last allowed claim outlived its lease: their workers keep dying on them.
-- Kept apart from fail: one query for both needs an OR of the two job sets, whose generic
-- plan scans every running job on the worker's per-job path.
with job as (
  update public.generation_jobs
  set state = 'failed', locked_by = null, finished_at = now(),
      error_code = %(code)s, error_message = %(message)s
  where state = 'running' and run_after <= now() and attempts >= max_attempts
  returning variant_id
)
{fail_pending_variant};

-- name: save_api_key
-- A user's Gemini key, already encrypted (or null to forget it); creates the profile if the
-- user has none yet.
insert into public.profiles (id, gemini_api_key) values (%(user_id)s, %(sealed)s)
on conflict (id) do update set gemini_api_key = excluded.gemini_api_key
returning id;
