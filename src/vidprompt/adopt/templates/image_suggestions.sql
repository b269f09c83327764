-- image_suggestions: the AI's action suggestions for an image ("lächeln" and the like, in
-- German), kept so that asking again costs no model call. The image does not change, so one
-- answer per image is kept until the image goes.

create table public.image_suggestions (
  image_id uuid not null,
  -- The image's owner, written by vidprompt from the verified caller (as service_role);
  -- the owner's read policy needs it without a join.
  user_id uuid not null,
  -- What the model answered, cleaned: at most five short suggestions. A failed or empty
  -- answer is never stored, so the next request asks the model again.
  suggestions text[] not null
    check (cardinality(suggestions) between 1 and 5 and array_position(suggestions, null) is null),
  model_name text not null,
  created_at timestamptz not null default now(),
  -- Image ids are unique, so this is one row per image; the key includes user_id so that
  -- its index also covers the composite foreign key below.
  constraint image_suggestions_pkey primary key (image_id, user_id),
  -- As for video_prompts: suggestions can only belong to an image of their own user, and go
  -- with the image (and so with the user).
  constraint image_suggestions_image_id_user_id_fkey foreign key (image_id, user_id)
    references public.images (id, user_id) on delete cascade
);

alter table public.image_suggestions enable row level security;

-- Owners may read their images' suggestions. Only service_role writes them: they are the
-- model's output, and a client must not pass its own text off as the model's.
{{image_suggestions_owner_policies}}
revoke all on table public.image_suggestions from anon, authenticated;
grant select on table public.image_suggestions to authenticated;
grant all on table public.image_suggestions to service_role;
