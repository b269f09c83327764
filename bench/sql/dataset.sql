-- The benchmark's data set, generated inside Postgres (no rows travel from Python).
-- One call adds the users numbered first..last (n = last - first + 1), each with 10 images
-- of 10 variants. Ids are md5 hashes of the numbers, so every schema gets the same rows
-- and Python can name any user or image without asking the database.
-- Time runs forward from %(epoch)s: the users sign up, then make their prompts in 100
-- rounds in which every user adds one variant. A user's rows are thus spread over the
-- whole table, as they are in production, not packed into a few pages.

-- name: users
insert into auth.users (id, aud, role, email, created_at)
select md5('user:' || u)::uuid, 'authenticated', 'authenticated', 'user' || u || '@bench.test',
       %(epoch)s::timestamptz + (u - %(first)s) * interval '1 second'
from generate_series(%(first)s::bigint, %(last)s::bigint) as u;

-- name: images
insert into public.images (id, user_id, url, storage_path, type, status, created_at)
select md5('image:' || (u * 10 + i))::uuid, md5('user:' || u)::uuid,
       'https://bench.test/' || u || '/' || i || '.png', u || '/' || i || '.png',
       'generated', 'completed',
       %(epoch)s::timestamptz + (%(n)s * (1 + i * 10) + u - %(first)s) * interval '1 second'
         - interval '500 milliseconds'
from generate_series(0, 10 * %(n)s::bigint - 1) as g,
     lateral (select g / %(n)s as i, %(first)s + g %% %(n)s as u) as at;

-- name: prompts
insert into public.video_prompts (
  id, image_id, user_id, prompt_text, user_instruction, model_name, camera_style,
  film_effects, status, is_primary, error_code, error_message, created_at, updated_at)
select md5('prompt:' || (k * 10 + j))::uuid, md5('image:' || k)::uuid, md5('user:' || u)::uuid,
       case when failed then '' else
         'The camera glides slowly toward the woman at the window while soft morning light '
         'spills across her face; she turns her head, smiles and lifts her hand in a small '
         'wave. Dust drifts through the warm beams, the curtains sway gently, and the '
         'background stays softly out of focus as the shot settles on her eyes. Variant '
         || j || ' of image ' || k || '.' end,
       case when j %% 2 = 0 then 'lächeln' end,
       'gemini-2.5-flash',
       (array['cinematic', 'slow_motion', 'zoom_in', 'orbit', 'dolly', 'statisch'])[1 + (k + j) %% 6],
       (array['{}', '{dramatic}', '{soft,golden_hour}', '{noir}'])[1 + j %% 4]::text[],
       case when failed then 'failed' else 'completed' end,
       j = 0,
       case when failed then 'provider_error' end,
       case when failed then 'The provider did not answer in time.' end,
       at_time, at_time
from generate_series(0, 100 * %(n)s::bigint - 1) as g,
     lateral (select g / %(n)s as r, %(first)s + g %% %(n)s as u) as round_user,
     lateral (select u * 10 + r / 10 as k, r %% 10 as j) as image_variant,
     lateral (select j = 9 and k %% 7 = 0 as failed,
                     %(epoch)s::timestamptz + (%(n)s * (1 + r) + u - %(first)s) * interval '1 second'
                       as at_time) as facts;
