-- Storage objects as Supabase Storage records them (storage.objects), for local storage and
-- the owner's read check. Loaded once by vidprompt.storage._objects; each block is called by
-- name with %(name)s parameters.

-- name: ensure_bucket
insert into storage.buckets (id, name) values (%(bucket)s, %(bucket)s)
on conflict (id) do nothing;

-- name: put_object
-- The storage.objects row of a file in local storage, as Supabase Storage records one.
insert into storage.objects (bucket_id, name, owner, owner_id, metadata)
values (
  %(bucket)s, %(name)s, %(owner)s, %(owner)s::text,
  jsonb_build_object('mimetype', %(mime_type)s::text, 'size', %(size)s::bigint)
)
on conflict (bucket_id, name)
do update set owner = excluded.owner, owner_id = excluded.owner_id,
  metadata = excluded.metadata, updated_at = now();

-- name: owner_object
-- Run in the image owner's scope (role authenticated, the owner's claims): the project's
-- storage policies decide whether the owner may read the object the image names.
select id from storage.objects where bucket_id = %(bucket)s and name = %(name)s;

-- name: remove_object
delete from storage.objects where bucket_id = %(bucket)s and name = %(name)s returning id;

-- name: image_traces
-- What is left of an image: its row, its variants, their jobs, its storage object.
select
  (select count(*) from public.images where id = %(image_id)s) as images,
  (select count(*) from public.video_prompts where image_id = %(image_id)s) as variants,
  (select count(*) from public.generation_jobs where variant_id = any(%(variant_ids)s::uuid[]))
    as jobs,
  (select count(*) from storage.objects where bucket_id = %(bucket)s and name = %(name)s)
    as storage_objects;
