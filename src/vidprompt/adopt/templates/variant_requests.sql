-- variant_requests: the Idempotency-Key of each POST /images/{id}/variants, per user, so a
-- retried request (a timeout, a double click) returns the variant it made the first time
-- instead of queuing a second generation. Kept in the database, so every API process sees
-- the same keys; a key counts for 24 hours.

create table public.variant_requests (
  -- Keys are per user: the same key from another user is another request.
  user_id uuid not null references auth.users (id) on delete cascade,
  idempotency_key text not null check (char_length(idempotency_key) between 1 and 255),
  -- A hash of what was asked (the image and the body): the same key with another request is
  -- refused, never answered with the first request's variant.
  fingerprint text not null check (char_length(fingerprint) = 64),
  -- Null while the first request is still being handled. Deliberately no foreign key: its
  -- check would bypass RLS and tell whether another user's variant id exists. The variant is
  -- read back in the user's scope, so a made-up id finds nothing.
  variant_id uuid,
  status_code integer check (status_code in (201, 202)),
  created_at timestamptz not null default now(),
  primary key (user_id, idempotency_key)
);

alter table public.variant_requests enable row level security;

-- Owner-only, `to authenticated`, (select auth.uid()) once per statement.
{{variant_requests_owner_policies}}
-- A request is claimed by inserting its key and completed by recording its variant; the
-- key and fingerprint never change afterwards.
revoke all on table public.variant_requests from anon, authenticated;
grant select, delete on table public.variant_requests to authenticated;
grant insert (user_id, idempotency_key, fingerprint),
  update (variant_id, status_code)
  on table public.variant_requests to authenticated;
grant all on table public.variant_requests to service_role;
