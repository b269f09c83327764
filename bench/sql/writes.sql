-- What the write benchmark reports about the table as migrated.

-- name: definition
select 'index ' || regexp_replace(
  pg_get_indexdef(indexrelid), ' ON public.video_prompts USING btree', '')
from pg_index where indrelid = 'public.video_prompts'::regclass
union all
select 'trigger ' || tgname || ': '
  || regexp_replace(pg_get_triggerdef(oid), '^.* (BEFORE|AFTER)', '\1')
from pg_trigger where tgrelid = 'public.video_prompts'::regclass and not tgisinternal
union all
select 'foreign key ' || conname || ': ' || pg_get_constraintdef(oid)
from pg_constraint where conrelid = 'public.video_prompts'::regclass and contype = 'f'
union all
select 'referenced by ' || conrelid::regclass || ' (' || conname || ')'
from pg_constraint where confrelid = 'public.video_prompts'::regclass and contype = 'f'
union all
select 'row-level security with ' || count(*) || ' policies'
from pg_policy where polrelid = 'public.video_prompts'::regclass;
