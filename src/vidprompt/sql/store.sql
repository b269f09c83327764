-- The store's queries. Each runs inside a scoped transaction (role and claims already set),
-- so row-level security decides what it sees: no query filters on auth.uid() itself.
-- Where a query names a user_id, it is for the index, not for security.
-- Loaded once by vidprompt.prompts._queries; parameters are %(name)s. A variant's inputs
-- are listed once, in vidprompt.prompts._models: {inputs} stands for their columns and
-- {r.inputs} for the same of the record r (filled in by with_columns), and their values
-- arrive as one JSON object that jsonb_populate_record types as the table's columns.

-- name: insert_image
insert into public.images (user_id, collection_id, url, storage_path, type, metadata)
values (%(user_id)s, %(collection_id)s, %(url)s, %(storage_path)s, %(type)s, %(metadata)s::jsonb)
returning *;

-- name: get_image
select * from public.images where id = %(id)s;

-- name: list_images
-- Newest first, keyset on (created_at desc, id desc): images_user_id_created_at_idx.
select * from public.images
where user_id = %(user_id)s
order by created_at desc, id desc
limit %(limit)s;

-- name: list_images_after
select * from public.images
where user_id = %(user_id)s and (created_at, id) < (%(created_at)s, %(id)s)
order by created_at desc, id desc
limit %(limit)s;

-- name: delete_image
-- The image's prompts go with it (on delete cascade).
delete from public.images where id = %(id)s returning id;

-- name: insert_variant
-- The owner is copied from the image, which the scope must be able to see: another user's
-- image yields no row, exactly like a missing one (and the policy's WITH CHECK holds).
insert into public.video_prompts (image_id, user_id, model_name, status, {inputs})
select i.id, i.user_id, %(model_name)s::text, %(status)s::text, {r.inputs}
from public.images i, jsonb_populate_record(null::public.video_prompts, %(inputs)s::jsonb) r
where i.id = %(image_id)s
returning *;

-- name: image_exists
select id from public.images where id = %(image_id)s;

-- name: list_variants
-- The documented total order: video_prompts_image_id_created_at_idx, no sort step.
select * from public.video_prompts
where image_id = %(image_id)s
order by created_at, seq;

-- name: page_variants
-- One page of an image's variants in the documented order, after the key (created_at, seq)
-- of the previous page's last one (the first page: after -infinity). A keyset range on
-- video_prompts_image_id_idx that stops after %(limit)s rows: no sort, no OFFSET. A row's
-- position is the number of variants up to the key (another index range) plus its rank.
-- {v.row}: the generated row's columns, as the store's unvalidated rows promise them.
select {v.row},
  (select count(*) from public.video_prompts o
    where o.image_id = %(image_id)s and (o.created_at, o.seq) <= (%(created_at)s, %(seq)s)
  ) + row_number() over (order by v.created_at, v.seq) as position
from (
  select * from public.video_prompts
  where image_id = %(image_id)s and (created_at, seq) > (%(created_at)s, %(seq)s)
  order by created_at, seq
  limit %(limit)s
) v
order by v.created_at, v.seq;

-- name: variant_count
-- The image's number of variants, and whether the scope sees the image at all.
select (select count(*) from public.video_prompts where image_id = %(image_id)s) as total,
  exists (select from public.images where id = %(image_id)s) as found;

-- name: get_variant
-- With its place among the image's variants, for "2 of 3".
select v.*,
  (select count(*) from public.video_prompts o
    where o.image_id = v.image_id and (o.created_at, o.seq) <= (v.created_at, v.seq)
  ) as position,
  (select count(*) from public.video_prompts o where o.image_id = v.image_id) as total
from public.video_prompts v
where v.id = %(id)s;

-- name: variant_status
select status from public.video_prompts where id = %(id)s;

-- name: update_variant
-- The keys of %(edit)s change, the other inputs keep their values (the row is the record's
-- base). A variant being generated is not edited: the worker's result would be written
-- over the edit, or be based on other inputs.
update public.video_prompts v
set ({inputs}) = (select {r.inputs} from jsonb_populate_record(v, %(edit)s::jsonb) r)
where id = %(id)s and status <> 'pending'
returning *;

-- name: lock_variant_image
-- Marking primary is serialized per image by locking the image row. FOR NO KEY UPDATE does
-- not block the key-share locks that inserting variants takes.
select i.id from public.images i
where i.id = (select image_id from public.video_prompts where id = %(id)s)
for no key update;

-- name: clear_primary
-- Runs after the lock, with a fresh snapshot: it sees a primary committed meanwhile.
update public.video_prompts set is_primary = false
where image_id = (select image_id from public.video_prompts where id = %(id)s)
  and is_primary and id <> %(id)s;

-- name: set_primary
update public.video_prompts set is_primary = true where id = %(id)s returning *;

-- name: delete_variant
delete from public.video_prompts where id = %(id)s returning id;

-- name: forget_requests
-- Before a user's keyed request: their keys older than 24 hours are forgotten, and so is a
-- claim whose request never finished (its process died) after a minute.
delete from public.variant_requests
where user_id = %(user_id)s
  and (created_at < now() - interval '24 hours'
    or (variant_id is null and created_at < now() - interval '1 minute'));

-- name: claim_request
-- Claims the key for this request. A concurrent claim of the same key waits here until the
-- first commits, then claims nothing.
insert into public.variant_requests (user_id, idempotency_key, fingerprint)
values (%(user_id)s, %(key)s, %(fingerprint)s)
on conflict (user_id, idempotency_key) do nothing
returning true as claimed;

-- name: get_request
select fingerprint, variant_id, status_code from public.variant_requests
where user_id = %(user_id)s and idempotency_key = %(key)s;

-- name: finish_request
update public.variant_requests set variant_id = %(variant_id)s, status_code = %(status_code)s
where user_id = %(user_id)s and idempotency_key = %(key)s and variant_id is null
returning variant_id;

-- name: release_request
-- The request failed before it made a variant: the key is free for a retry.
delete from public.variant_requests
where user_id = %(user_id)s and idempotency_key = %(key)s and variant_id is null;
