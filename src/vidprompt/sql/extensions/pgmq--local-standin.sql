-- vidprompt's stand-in for pgmq: queues are tables pgmq.q_<name> and archives pgmq.a_<name>,
-- with pgmq's core functions in plain SQL (pgmq itself is SQL): create, send, read, pop,
-- delete, archive, drop_queue, list_queues. Partitioned queues and metrics are not here.
\echo Use "CREATE EXTENSION pgmq" to load this file. \quit

-- The schema pgmq comes from the control file (schema = 'pgmq'), as with the real pgmq.

create table pgmq.meta (
  queue_name varchar unique not null,
  is_partitioned boolean not null default false,
  is_unlogged boolean not null default false,
  created_at timestamptz not null default now()
);

create type pgmq.message_record as (
  msg_id bigint, read_ct integer, enqueued_at timestamptz, vt timestamptz, message jsonb
);

create function pgmq._name(queue_name text) returns text
language plpgsql immutable strict
as $$
begin
  if queue_name !~ '^[a-zA-Z0-9_]{1,47}$' then
    raise exception 'queue name % is not valid: letters, digits and _ only', quote_literal(queue_name)
      using errcode = '22023';
  end if;
  return lower(queue_name);
end;
$$;

-- A queue's tables, named as pgmq's function of this name does: q_<name> holds its
-- messages, a_<name> its archive.
create function pgmq.format_table_name(queue_name text, prefix text) returns text
language sql immutable strict
as $$ select prefix || '_' || pgmq._name(queue_name) $$;

create function pgmq.create(queue_name text) returns void
language plpgsql volatile
as $$
begin
  execute format(
    'create table if not exists pgmq.%I (msg_id bigint primary key generated always as identity,'
    ' read_ct integer not null default 0, enqueued_at timestamptz not null default now(),'
    ' vt timestamptz not null, message jsonb)',
    pgmq.format_table_name(queue_name, 'q'));
  execute format(
    'create table if not exists pgmq.%I (msg_id bigint primary key, read_ct integer not null default 0,'
    ' enqueued_at timestamptz not null default now(), archived_at timestamptz not null default now(),'
    ' vt timestamptz not null, message jsonb)',
    pgmq.format_table_name(queue_name, 'a'));
  insert into pgmq.meta (queue_name) values (pgmq._name(queue_name)) on conflict do nothing;
end;
$$;

create function pgmq.send(queue_name text, msg jsonb, delay integer default 0)
returns setof bigint
language plpgsql volatile
as $$
begin
  return query execute format(
    'insert into pgmq.%I (vt, message) values (clock_timestamp() + make_interval(secs => $1), $2)'
    ' returning msg_id', pgmq.format_table_name(queue_name, 'q')) using delay, msg;
end;
$$;

create function pgmq.read(queue_name text, vt integer, qty integer)
returns setof pgmq.message_record
language plpgsql volatile
as $$
begin
  return query execute format(
    'with ready as (select msg_id from pgmq.%1$I where vt <= clock_timestamp()'
    ' order by msg_id limit $1 for update skip locked)'
    ' update pgmq.%1$I q set vt = clock_timestamp() + make_interval(secs => $2),'
    ' read_ct = q.read_ct + 1 from ready where q.msg_id = ready.msg_id'
    ' returning q.msg_id, q.read_ct, q.enqueued_at, q.vt, q.message',
    pgmq.format_table_name(queue_name, 'q')) using qty, vt;
end;
$$;

create function pgmq.pop(queue_name text) returns setof pgmq.message_record
language plpgsql volatile
as $$
begin
  return query execute format(
    'with ready as (select msg_id from pgmq.%1$I where vt <= clock_timestamp()'
    ' order by msg_id limit 1 for update skip locked)'
    ' delete from pgmq.%1$I q using ready where q.msg_id = ready.msg_id'
    ' returning q.msg_id, q.read_ct, q.enqueued_at, q.vt, q.message',
    pgmq.format_table_name(queue_name, 'q'));
end;
$$;

create function pgmq.delete(queue_name text, msg_id bigint) returns boolean
language plpgsql volatile
as $$
declare
  deleted boolean;
begin
  execute format('with d as (delete from pgmq.%I where msg_id = $1 returning 1)'
    ' select count(*) > 0 from d', pgmq.format_table_name(queue_name, 'q'))
    into deleted using msg_id;
  return deleted;
end;
$$;

create function pgmq.archive(queue_name text, msg_id bigint) returns boolean
language plpgsql volatile
as $$
declare
  moved boolean;
begin
  execute format(
    'with d as (delete from pgmq.%I where msg_id = $1 returning msg_id, read_ct, enqueued_at, vt, message),'
    ' a as (insert into pgmq.%I (msg_id, read_ct, enqueued_at, vt, message) select * from d returning 1)'
    ' select count(*) > 0 from a',
    pgmq.format_table_name(queue_name, 'q'), pgmq.format_table_name(queue_name, 'a'))
    into moved using msg_id;
  return moved;
end;
$$;

create function pgmq.drop_queue(queue_name text) returns boolean
language plpgsql volatile
as $$
begin
  execute format('drop table if exists pgmq.%I, pgmq.%I',
    pgmq.format_table_name(queue_name, 'q'), pgmq.format_table_name(queue_name, 'a'));
  delete from pgmq.meta where meta.queue_name = pgmq._name(drop_queue.queue_name);
  return found;
end;
$$;

create function pgmq.list_queues() returns setof pgmq.meta
language sql stable
as $$ select * from pgmq.meta order by queue_name $$;
