-- vidprompt's video_prompts reference an image by (id, user_id), so that a prompt's image is
-- always its own user's: foreign-key checks bypass RLS, and a reference to id alone would let
-- a user attach a prompt to another user's image. That composite reference needs a unique key
-- on images (id, user_id). It holds for every existing row when id is unique; the check below
-- makes sure of that first and stops the migration, changing nothing, if it is not.
do $$
begin
  if exists (select from public.images group by id having count(*) > 1) then
    raise exception 'public.images has duplicate ids; unique (id, user_id) cannot be added'
      using hint = 'Give each image its own id (or make images.id the primary key) first.';
  end if;
end;
$$;

-- A plain constraint, not CREATE INDEX CONCURRENTLY: `supabase db push` runs each file in one
-- transaction, where CONCURRENTLY fails. Building the index holds a lock that blocks writes
-- to images for one pass over the table; on a large table, push at a quiet time.
alter table public.images add constraint images_id_user_id_key unique (id, user_id);
