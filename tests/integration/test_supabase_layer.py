"""The Supabase layer makes plain Postgres behave like a Supabase database."""

from __future__ import annotations

import json
import threading
import uuid
from typing import TYPE_CHECKING

import psycopg
import pytest

from tests._support import Conn, acting_as, create_user
from tests.conftest import REPO
from vidprompt.database import install_supabase_layer, is_local_layer
from vidprompt.migrations import discover, push

if TYPE_CHECKING:
    from pathlib import Path

REAL_PROJECT_MIGRATION = """
create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  full_name text
);
alter table public.profiles enable row level security;
create policy "own profile" on public.profiles for select using (auth.uid() = id);

create function public.handle_new_user() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.profiles (id, full_name)
  values (new.id, new.raw_user_meta_data ->> 'full_name');
  return new;
end;
$$;
create trigger on_auth_user_created after insert on auth.users
  for each row execute procedure public.handle_new_user();

insert into storage.buckets (id, name, public)
  values ('generated_images', 'generated_images', false);
create policy "own folder" on storage.objects for select to authenticated
  using (bucket_id = 'generated_images' and (storage.foldername(name))[1] = auth.uid()::text);
"""


def _value(conn: Conn, sql: str, params: list[object] | None = None) -> object:
    row = conn.execute(sql.encode(), params).fetchone()
    assert row is not None
    return row[0]


def test_roles_have_supabases_attributes(layer_url: str) -> None:
    with psycopg.connect(layer_url) as conn:
        rows = conn.execute(
            "select rolname, rolcanlogin, rolinherit, rolbypassrls from pg_roles"
            " where rolname in ('anon', 'authenticated', 'service_role', 'authenticator')"
            " order by rolname"
        ).fetchall()
        members = conn.execute(
            "select r.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid"
            " join pg_roles u on u.oid = m.member where u.rolname = 'authenticator'"
            " order by 1"
        ).fetchall()
    assert rows == [
        ("anon", False, False, False),
        ("authenticated", False, False, False),
        ("authenticator", True, False, False),
        ("service_role", False, False, True),
    ]
    assert [m[0] for m in members] == ["anon", "authenticated", "service_role"]


def test_claim_functions_read_the_claims_the_data_api_sets(layer_url: str) -> None:
    sub = uuid.uuid4()
    with psycopg.connect(layer_url) as conn:
        assert _value(conn, "select auth.uid()") is None
        with acting_as(conn, "authenticated", sub):
            assert _value(conn, "select auth.uid()") == sub
            assert _value(conn, "select auth.role()") == "authenticated"
            claims = _value(conn, "select auth.jwt()")
            assert isinstance(claims, dict)
            assert claims["sub"] == str(sub)
        # after the transaction the local setting reads '' and auth.uid() is NULL again
        assert _value(conn, "select current_setting('request.jwt.claims', true)") == ""
        assert _value(conn, "select auth.uid()") is None
        assert _value(conn, "select auth.jwt()") is None


def test_the_legacy_per_claim_setting_wins_like_in_supabase(layer_url: str) -> None:
    legacy, modern = uuid.uuid4(), uuid.uuid4()
    with psycopg.connect(layer_url) as conn, conn.transaction(force_rollback=True):
        conn.execute(
            "select set_config('request.jwt.claim.sub', %s, true),"
            " set_config('request.jwt.claims', %s, true)",
            [str(legacy), json.dumps({"sub": str(modern), "email": "a@b.test"})],
        )
        assert _value(conn, "select auth.uid()") == legacy
        assert _value(conn, "select auth.email()") == "a@b.test"


def test_new_public_tables_are_open_to_the_api_roles_by_default(layer_url: str) -> None:
    with psycopg.connect(layer_url, autocommit=True) as conn:
        conn.execute("create table public.open_by_default (x int)")
        privileges = {
            role: _value(
                conn, "select has_table_privilege(%s, 'public.open_by_default', 'select')", [role]
            )
            for role in ("anon", "authenticated", "service_role")
        }
    assert privileges == {"anon": True, "authenticated": True, "service_role": True}


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("storage.foldername('u1/sub/pic.tar.gz')", ["u1", "sub"]),
        ("storage.foldername('pic.png')", []),
        ("storage.filename('u1/sub/pic.tar.gz')", "pic.tar.gz"),
        ("storage.extension('u1/sub/pic.tar.gz')", "gz"),
    ],
)
def test_storage_path_functions(layer_url: str, call: str, expected: object) -> None:
    with psycopg.connect(layer_url) as conn:
        assert _value(conn, f"select {call}") == expected


def test_a_real_projects_migration_pushes_and_works(layer_url: str, tmp_path: Path) -> None:
    directory = tmp_path / "supabase" / "migrations"
    directory.mkdir(parents=True)
    (directory / "20250101000000_profiles.sql").write_text(REAL_PROJECT_MIGRATION)
    with psycopg.connect(layer_url, autocommit=True) as conn:
        assert [m.version for m in push(conn, discover(tmp_path).migrations).pushed] == [
            "20250101000000"
        ]
        owner, stranger = create_user(conn), create_user(conn)
        conn.execute(
            "insert into storage.objects (bucket_id, name) values ('generated_images', %s)",
            [f"{owner}/a.png"],
        )
        with acting_as(conn, "authenticated", owner):
            assert _value(conn, "select count(*) from public.profiles") == 1  # the trigger ran
            assert _value(conn, "select count(*) from storage.objects") == 1
        with acting_as(conn, "authenticated", stranger):
            assert _value(conn, "select count(*) from storage.objects") == 0


def _auth_snapshot(conn: Conn) -> list[tuple[object, ...]]:
    return conn.execute(
        """
        select c.relname, c.relkind, null from pg_class c
        where c.relnamespace = 'auth'::regnamespace
        union all
        select p.proname, 'f', pg_get_functiondef(p.oid) from pg_proc p
        where p.pronamespace = 'auth'::regnamespace
        order by 1, 2
        """
    ).fetchall()


def test_a_database_with_supabases_own_auth_schema_is_left_untouched(bare_url: str) -> None:
    with psycopg.connect(bare_url, autocommit=True) as conn:
        # Stand-in for a hosted project: its roles, and an auth schema of another shape.
        conn.execute(
            b"do $$ begin"
            b" if not exists (select from pg_roles where rolname = 'authenticated') then"
            b" create role anon nologin; create role authenticated nologin;"
            b" create role service_role nologin bypassrls; end if; end $$;"
            b" create schema auth;"
            b" create table auth.users (id uuid primary key, email text, instance_id uuid,"
            b" raw_user_meta_data jsonb, aal text);"
            b" create function auth.uid() returns uuid language sql stable as"
            b" $$ select '00000000-0000-0000-0000-000000000001'::uuid $$;"
            # Its storage schema, of another shape too: the app's storage policies need one.
            b" create schema storage;"
            b" create table storage.objects (bucket_id text, name text, version text);"
            b" create function storage.foldername(name text) returns text[] language sql"
            b" immutable as $$ select string_to_array(name, '/') $$;"
        )
        before = _auth_snapshot(conn)
        assert install_supabase_layer(conn) is False
        assert not is_local_layer(conn)
        push(conn, discover(REPO).migrations)
        assert _auth_snapshot(conn) == before
        assert _value(conn, "select to_regclass('storage.buckets')") is None


def test_concurrent_installs_into_one_database_install_it_once(bare_url: str) -> None:
    results: list[bool] = []

    def install() -> None:
        with psycopg.connect(bare_url, autocommit=True) as conn:
            results.append(install_supabase_layer(conn))

    threads = [threading.Thread(target=install) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, True]
