-- vidprompt's stand-in for pg_cron: jobs are recorded in cron.job as pg_cron records them,
-- and never run (no background worker). Schedules are checked as pg_cron checks them.
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

-- A schedule as pg_cron parses it, or its error: five cron fields (minute 0-59, hour 0-23,
-- day of month 1-31 or $ for the last, month 1-12 or jan-dec, day of week 0-7 or sun-sat;
-- each a list of *, N or N-M, with /step), a macro such as @daily, or '[1-59] seconds'.
-- A migration with a typo in its schedule fails here as it would on Supabase.
create function cron._checked_schedule(schedule text) returns text
language plpgsql immutable
as $$
declare
  spec text := lower(btrim(schedule));
  fields text[] := regexp_split_to_array(spec, '\s+');
  low int[] := array[0, 0, 1, 1, 0];
  high int[] := array[59, 23, 31, 12, 7];
  names text[] := array[null, null, null,
    'jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec', 'sun|mon|tue|wed|thu|fri|sat'];
  item text;
  bound text;
  number int;
begin
  if schedule is null then
    return null;  -- no new schedule (alter_job keeps the job's)
  end if;
  if spec ~ '^([1-9]|[1-5][0-9]) seconds?$'
     or spec ~ '^@(yearly|annually|monthly|weekly|daily|midnight|hourly|reboot)$' then
    return schedule;
  end if;
  if cardinality(fields) = 5 then
    for i in 1..5 loop
      foreach item in array string_to_array(fields[i], ',') loop
        continue when i = 3 and item = '$';
        number := case when item ~ '^(\*|[0-9a-z]+(-[0-9a-z]+)?)(/[1-9][0-9]*)?$' then 0 else -1 end;
        foreach bound in array regexp_split_to_array(split_part(item, '/', 1), '-') loop
          continue when bound = '*' or number < 0;
          if bound ~ '^[0-9]{1,2}$' then
            number := bound::int;
          elsif names[i] is not null and bound ~ ('^(' || names[i] || ')$') then
            number := low[i];
          else
            number := -1;
          end if;
          number := case when number between low[i] and high[i] then number else -1 end;
        end loop;
        exit when number < 0;
      end loop;
      exit when number < 0;
    end loop;
    if number >= 0 then
      return schedule;
    end if;
  end if;
  raise exception using errcode = 'invalid_parameter_value',
    message = 'invalid schedule: ' || schedule,
    hint = 'Use cron format (e.g. 5 4 * * *), or interval format ''[1-59] seconds''';
end;
$$;

create function cron.schedule(job_name text, schedule text, command text) returns bigint
language sql volatile
as $$
  insert into cron.job (jobname, schedule, command)
  values (job_name, cron._checked_schedule(schedule), command)
  on conflict (jobname, username) do update
    set schedule = excluded.schedule, command = excluded.command
  returning jobid
$$;

create function cron.schedule(schedule text, command text) returns bigint
language sql volatile
as $$
  insert into cron.job (schedule, command) values (cron._checked_schedule(schedule), command)
  returning jobid
$$;

create function cron.schedule_in_database(
  job_name text, schedule text, command text, database text, username text default null,
  active boolean default true
) returns bigint
language sql volatile
as $$
  insert into cron.job (jobname, schedule, command, database, username, active)
  values (job_name, cron._checked_schedule(schedule), command, database,
    coalesce(username, current_user), active)
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
    schedule = coalesce(cron._checked_schedule(alter_job.schedule), job.schedule),
    command = coalesce(alter_job.command, job.command),
    database = coalesce(alter_job.database, job.database),
    username = coalesce(alter_job.username, job.username),
    active = coalesce(alter_job.active, job.active)
  where jobid = job_id
$$;
