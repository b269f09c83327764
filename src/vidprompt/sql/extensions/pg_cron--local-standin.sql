-- vidprompt's stand-in for pg_cron: jobs are recorded in cron.job as pg_cron records them,
-- and never run (no background worker). Schedules are stored as given.
\echo Use "CREATE EXTENSION pg_cron" to load this file. \quit

create schema cron;
comment on schema cron is 'vidprompt local stand-in for pg_cron: jobs are recorded, never run';

create table cron.job (
  jobid bigserial primary key,
  schedule text not null,
  command text not null,
  nodename text not null default 'localhost',
  nodeport integer not null default 5432,
  database text not null default current_database(),
  username text not null default current_user,
  active boolean not null default true,
  jobname text
);
create unique index jobname_username_uniq on cron.job (jobname, username);

create table cron.job_run_details (
  jobid bigint,
  runid bigserial primary key,
  job_pid integer,
  database text,
  username text,
  command text,
  status text,
  return_message text,
  start_time timestamptz,
  end_time timestamptz
);

create function cron.schedule(job_name text, schedule text, command text) returns bigint
language sql volatile
as $$
  insert into cron.job (jobname, schedule, command) values (job_name, schedule, command)
  on conflict (jobname, username) do update
    set schedule = excluded.schedule, command = excluded.command
  returning jobid
$$;

create function cron.schedule(schedule text, command text) returns bigint
language sql volatile
as $$ insert into cron.job (schedule, command) values (schedule, command) returning jobid $$;

create function cron.schedule_in_database(
  job_name text, schedule text, command text, database text, username text default null,
  active boolean default true
) returns bigint
language sql volatile
as $$
  insert into cron.job (jobname, schedule, command, database, username, active)
  values (job_name, schedule, command, database, coalesce(username, current_user), active)
  on conflict (jobname, username) do update
    set schedule = excluded.schedule, command = excluded.command,
      database = excluded.database, active = excluded.active
  returning jobid
$$;

-- Both unschedules are strict, as pg_cron's are: a null id or name unschedules nothing.
create function cron.unschedule(job_id bigint) returns boolean
language plpgsql volatile strict
as $$
begin
  delete from cron.job where jobid = job_id;
  if not found then
    raise exception 'could not find valid entry for job %', job_id;
  end if;
  return true;
end;
$$;

-- By name, as pg_cron does it: the caller's job of that name, then unscheduled by its id.
create function cron.unschedule(job_name text) returns boolean
language plpgsql volatile strict
as $$
declare
  job_id bigint;
begin
  select jobid into job_id from cron.job where jobname = job_name and username = current_user;
  if not found then
    raise exception 'could not find valid entry for job ''%''', job_name;
  end if;
  return cron.unschedule(job_id);
end;
$$;

create function cron.alter_job(
  job_id bigint, schedule text default null, command text default null,
  database text default null, username text default null, active boolean default null
) returns void
language sql volatile
as $$
  update cron.job set
    schedule = coalesce(alter_job.schedule, job.schedule),
    command = coalesce(alter_job.command, job.command),
    database = coalesce(alter_job.database, job.database),
    username = coalesce(alter_job.username, job.username),
    active = coalesce(alter_job.active, job.active)
  where jobid = job_id
$$;
