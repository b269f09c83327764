-- The action suggestions' queries. Loaded once by vidprompt.generation._suggestions; each block
-- is called by name with %(name)s parameters.

-- name: cached_suggestions
-- Run in the caller's scope: the owner-only policy decides, so another user's image has none.
select suggestions, model_name from public.image_suggestions where image_id = %(image_id)s;

-- name: stored_api_key
-- The caller's own (encrypted) Gemini key, if any; run in the caller's scope.
select gemini_api_key from public.profiles where id = %(user_id)s;

-- name: cache_suggestions
-- Run as service_role with the verified caller as user_id: the composite foreign key makes
-- sure the image is theirs. Two requests racing keep the first answer.
insert into public.image_suggestions (image_id, user_id, suggestions, model_name)
values (%(image_id)s, %(user_id)s, %(suggestions)s, %(model_name)s)
on conflict (image_id, user_id) do nothing;
