"""The Supabase layer makes plain Postgres behave like a Supabase database."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import uuid
from typing import TYPE_CHECKING

import jwt
import psycopg
import pytest

from tests._support import Conn, acting_as, create_user
from tests.conftest import REPO
from vidprompt.database import install_supabase_layer, supabase_services
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
        # db status calls its auth Supabase's own, not the stand-in.
        assert {s.name: s.kind for s in supabase_services(conn)}["auth"] == "real"
        push(conn, discover(REPO).migrations)
        assert _auth_snapshot(conn) == before
        assert _value(conn, "select to_regclass('storage.buckets')") is None
        for schema in ("realtime", "vault", "supabase_functions", "graphql"):
            assert _value(conn, "select to_regnamespace(%s)", [schema]) is None
        assert _value(conn, "select count(*) from pg_publication") == 0
        assert _value(conn, "select array_agg(extname::text) from pg_extension") == ["plpgsql"]


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


# --- The whole auth schema, compared with supabase/auth's (a copy kept in tests/fixtures) ---

AUTH_FACTS = REPO / "tests" / "fixtures" / "supabase_auth_schema.md"
_TABLE_LINE = re.compile(r"^- `auth\.(\w+)`: (.+)$")
_ENUM_LINE = re.compile(r"^- type `auth\.(\w+)`: (.+)$")
_FUNCTION_LINE = re.compile(r"^- function `auth\.(\w+)\(\) returns (\w+)`$")


def _auth_facts() -> tuple[dict[str, list[tuple[str, str, bool]]], dict[str, list[str]], set[str]]:
    tables: dict[str, list[tuple[str, str, bool]]] = {}
    enums: dict[str, list[str]] = {}
    functions: set[str] = set()
    for line in AUTH_FACTS.read_text().splitlines():
        if found := _ENUM_LINE.match(line):
            enums[found[1]] = re.findall(r"'([^']*)'", found[2])
        elif found := _FUNCTION_LINE.match(line):
            functions.add(f"{found[1]} {found[2]}")
        elif found := _TABLE_LINE.match(line):
            columns = []
            # Split on the commas between columns, not those inside a type such as numeric(p, s).
            for column in re.split(r", (?![^(]*\))", found[2]):
                name, rest = column.split(" ", 1)
                not_null = rest.endswith(" not null")
                columns.append((name, rest.removesuffix(" not null"), not_null))
            tables[found[1]] = columns
    return tables, enums, functions


def test_the_facts_list_is_parsed_whole() -> None:
    tables, enums, functions = _auth_facts()
    assert len(tables) == 23
    assert len(enums) == 9
    assert functions == {"email text", "jwt jsonb", "role text", "uid uuid"}
    assert ("ip_address", "character varying(64)", True) in tables["audit_log_entries"]


def test_the_auth_tables_have_supabases_columns_and_types(layer_url: str) -> None:
    tables, _, _ = _auth_facts()
    with psycopg.connect(layer_url) as conn:
        rows = conn.execute(
            "select c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull"
            " from pg_class c join pg_attribute a on a.attrelid = c.oid"
            " where c.relnamespace = 'auth'::regnamespace and c.relkind in ('r', 'p')"
            " and a.attnum > 0 and not a.attisdropped order by c.relname, a.attnum"
        ).fetchall()
    catalog: dict[str, list[tuple[str, str, bool]]] = {}
    for table, column, type_name, not_null in rows:
        catalog.setdefault(table, []).append((column, type_name, not_null))
    assert catalog == tables


def test_the_auth_enums_and_functions_are_supabases(layer_url: str) -> None:
    _, enums, functions = _auth_facts()
    with psycopg.connect(layer_url) as conn:
        rows = conn.execute(
            "select t.typname, array_agg(e.enumlabel order by e.enumsortorder) from pg_type t"
            " join pg_enum e on e.enumtypid = t.oid where t.typnamespace = 'auth'::regnamespace"
            " group by t.typname"
        ).fetchall()
        procs = conn.execute(
            "select proname || ' ' || format_type(prorettype, null) from pg_proc"
            " where pronamespace = 'auth'::regnamespace"
        ).fetchall()
    assert dict(rows) == enums
    assert {p[0] for p in procs} == functions


@pytest.mark.parametrize(
    ("insert", "constraint"),
    [
        (
            "insert into auth.oauth_clients (id, registration_type, redirect_uris, grant_types,"
            " token_endpoint_auth_method, client_name)"
            " values (gen_random_uuid(), 'manual', 'https://a.test', 'authorization_code',"
            " 'none', repeat('x', 1025))",
            "oauth_clients_client_name_length",
        ),
        (
            "insert into auth.oauth_clients (id, registration_type, redirect_uris, grant_types,"
            " token_endpoint_auth_method)"
            " values (gen_random_uuid(), 'manual', 'https://a.test', 'authorization_code',"
            " 'private_key_jwt')",
            "oauth_clients_token_endpoint_auth_method_check",
        ),
        (
            "with sso as (insert into auth.sso_providers (id) values (gen_random_uuid())"
            " returning id) insert into auth.saml_providers (id, sso_provider_id, entity_id,"
            " metadata_xml) select gen_random_uuid(), sso.id, '', '<x/>' from sso",
            "entity_id not empty",
        ),
    ],
)
def test_auth_checks_refuse_what_supabases_refuse_by_supabases_names(
    layer_url: str, insert: str, constraint: str
) -> None:
    with psycopg.connect(layer_url) as conn:
        with pytest.raises(psycopg.errors.CheckViolation) as refused:
            conn.execute(insert.encode())
        assert refused.value.diag.constraint_name == constraint


def test_an_email_is_unique_among_non_sso_users_as_seeds_expect(layer_url: str) -> None:
    """The seed line many projects write works, and a second user of that e-mail is refused."""
    seed = (
        "insert into auth.users (id, email, aud, role) values (gen_random_uuid(), %s,"
        " 'authenticated', 'authenticated') on conflict (email) where is_sso_user = false"
        " do nothing"
    )
    with psycopg.connect(layer_url) as conn:
        conn.execute(seed, ["seed@example.test"])
        conn.execute(seed, ["seed@example.test"])
        assert (
            _value(conn, "select count(*) from auth.users where email = 'seed@example.test'") == 1
        )
        with pytest.raises(psycopg.errors.UniqueViolation) as refused:
            conn.execute(
                "insert into auth.users (id, email) values (gen_random_uuid(), 'seed@example.test')"
            )
        assert refused.value.diag.constraint_name == "users_email_partial_key"
        conn.rollback()
        conn.execute(
            "insert into auth.users (id, email, is_sso_user) select gen_random_uuid(),"
            " 'seed@example.test', true from generate_series(1, 2)"
        )
        conn.rollback()


def test_an_sso_domain_is_unique_whatever_its_case(layer_url: str) -> None:
    with psycopg.connect(layer_url) as conn:
        provider = _value(
            conn, "insert into auth.sso_providers (id) values (gen_random_uuid()) returning id"
        )
        domain = (
            "insert into auth.sso_domains (id, sso_provider_id, domain)"
            " values (gen_random_uuid(), %s, %s)"
        )
        conn.execute(domain, [provider, "example.com"])
        with pytest.raises(psycopg.errors.UniqueViolation) as refused:
            conn.execute(domain, [provider, "EXAMPLE.com"])
        assert refused.value.diag.constraint_name == "sso_domains_domain_idx"
        conn.rollback()


def test_an_oauth_client_within_supabases_limits_is_stored(layer_url: str) -> None:
    with psycopg.connect(layer_url) as conn:
        conn.execute(
            "insert into auth.oauth_clients (id, registration_type, redirect_uris, grant_types,"
            " token_endpoint_auth_method, client_name, client_uri, logo_uri)"
            " values (gen_random_uuid(), 'dynamic', 'https://a.test/cb', 'authorization_code',"
            " 'client_secret_basic', repeat('n', 1024), repeat('u', 2048), repeat('l', 2048))"
        )
        assert _value(conn, "select count(*) from auth.oauth_clients") == 1
        conn.rollback()


def test_deleting_a_user_deletes_their_sessions_and_identities(layer_url: str) -> None:
    with psycopg.connect(layer_url, autocommit=True) as conn:
        user, other = create_user(conn), create_user(conn)
        for owner in (user, other):
            conn.execute(
                "insert into auth.sessions (id, user_id, aal)"
                " values (gen_random_uuid(), %s, 'aal1')",
                [owner],
            )
            conn.execute(
                "insert into auth.identities (provider_id, user_id, identity_data, provider)"
                " values (%s, %s, %s, 'email')",
                [str(owner), owner, json.dumps({"email": "Mixed@Example.test"})],
            )
        conn.execute("delete from auth.users where id = %s", [user])
        assert _value(conn, "select array_agg(distinct user_id) from auth.sessions") == [other]
        assert _value(conn, "select array_agg(user_id) from auth.identities") == [other]
        # identities.email is generated from identity_data, lower-cased, as in Supabase
        assert _value(conn, "select email from auth.identities") == "mixed@example.test"


# --- Roles, search_path, publication, extensions ---


def test_supabases_service_roles_exist_and_cannot_log_in(layer_url: str) -> None:
    names = [
        "dashboard_user",
        "supabase_admin",
        "supabase_auth_admin",
        "supabase_functions_admin",
        "supabase_read_only_user",
        "supabase_replication_admin",
        "supabase_storage_admin",
    ]
    with psycopg.connect(layer_url) as conn:
        rows = conn.execute(
            "select rolname, rolcanlogin, rolsuper from pg_roles where rolname = any(%s)"
            " order by 1",
            [names],
        ).fetchall()
    assert rows == [(name, False, False) for name in names]


def test_the_default_extensions_resolve_unqualified_through_supabases_search_path(
    layer_url: str,
) -> None:
    with psycopg.connect(layer_url) as conn:
        assert _value(conn, "show search_path") == '"$user", public, extensions'
        assert _value(conn, "select uuid_generate_v4()::text ~ '^[0-9a-f-]{36}$'") is True
        assert _value(conn, "select length(gen_random_bytes(32))") == 32
        installed = conn.execute(
            "select extname, extnamespace::regnamespace::text from pg_extension"
            " where extname <> 'plpgsql' order by 1"
        ).fetchall()
    assert installed == [
        ("pg_graphql", "graphql"),
        ("pg_stat_statements", "extensions"),
        ("pgcrypto", "extensions"),
        ("pgjwt", "extensions"),
        ("pgsodium", "pgsodium"),
        ("supabase_vault", "vault"),
        ("uuid-ossp", "extensions"),
    ]


def test_the_layer_adds_nothing_to_public(layer_url: str, bare_url: str) -> None:
    def public_objects(url: str) -> list[tuple[object, ...]]:
        with psycopg.connect(url) as conn:
            return conn.execute(
                "select 'rel', relname from pg_class where relnamespace = 'public'::regnamespace"
                " union all select 'fn', proname from pg_proc"
                " where pronamespace = 'public'::regnamespace"
                " union all select 'type', typname from pg_type"
                " where typnamespace = 'public'::regnamespace order by 1, 2"
            ).fetchall()

    assert public_objects(layer_url) == public_objects(bare_url) == []


def test_the_realtime_publication_exists_empty(layer_url: str) -> None:
    with psycopg.connect(layer_url) as conn:
        assert (
            _value(conn, "select count(*) from pg_publication where pubname = 'supabase_realtime'")
            == 1
        )
        assert _value(conn, "select count(*) from pg_publication_tables") == 0


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        # RFC 4231 test case 2 and FIPS 180 digests: the same bytes as the real pgcrypto.
        (
            "encode(hmac('what do ya want for nothing?', 'Jefe', 'sha256'), 'hex')",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            "encode(hmac('what do ya want for nothing?', 'Jefe', 'sha512'), 'hex')",
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a"
            "6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
        ),
        (
            "encode(hmac(convert_to(repeat('k', 200), 'UTF8'), 'key'::bytea, 'sha256'), 'hex')",
            hmac.new(b"key", b"k" * 200, hashlib.sha256).hexdigest(),
        ),
        (
            "encode(hmac('data', repeat('k', 200), 'sha256'), 'hex')",
            hmac.new(b"k" * 200, b"data", hashlib.sha256).hexdigest(),
        ),
        ("encode(digest('abc', 'sha256'), 'hex')", hashlib.sha256(b"abc").hexdigest()),
        ("encode(digest('abc', 'sha1'), 'hex')", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("encode(digest('', 'sha1'), 'hex')", hashlib.sha1(b"", usedforsecurity=False).hexdigest()),
        (
            "encode(digest(repeat('x', 1000), 'SHA1'), 'hex')",
            hashlib.sha1(b"x" * 1000, usedforsecurity=False).hexdigest(),
        ),
        (
            "encode(hmac('message', 'key', 'sha1'), 'hex')",
            hmac.new(b"key", b"message", hashlib.sha1).hexdigest(),
        ),
        (
            "encode(digest('abc', 'md5'), 'hex')",
            hashlib.md5(b"abc", usedforsecurity=False).hexdigest(),
        ),
        (
            "uuid_generate_v3(uuid_ns_dns(), 'python.org')::text",
            str(uuid.uuid3(uuid.NAMESPACE_DNS, "python.org")),
        ),
        ("substr(uuid_generate_v1()::text, 15, 1)", "1"),
        ("substr(uuid_generate_v4()::text, 15, 1)", "4"),
    ],
)
def test_pgcrypto_and_uuid_ossp_calls_give_the_real_results(
    layer_url: str, call: str, expected: str
) -> None:
    with psycopg.connect(layer_url) as conn:
        assert _value(conn, f"select {call}") == expected


def test_random_bytes_differ_and_lengths_are_checked(layer_url: str) -> None:
    with psycopg.connect(layer_url) as conn:
        values = {_value(conn, "select gen_random_bytes(16)") for _ in range(20)}
        assert len(values) == 20
        with pytest.raises(psycopg.errors.Error, match="Length not in range"):
            conn.execute("select gen_random_bytes(1025)")


def test_pgjwt_signs_and_verifies_a_token_a_jwt_library_accepts(layer_url: str) -> None:
    secret = "a-local-secret-at-least-32-characters-long"
    with psycopg.connect(layer_url) as conn:
        token = _value(
            conn, 'select sign(\'{"sub": "1234", "role": "authenticated"}\', %s)', [secret]
        )
        assert isinstance(token, str)
        assert jwt.decode(token, secret, algorithms=["HS256"]) == {
            "sub": "1234",
            "role": "authenticated",
        }
        forged = jwt.encode(
            {"sub": "1234"}, "another-secret-of-at-least-32-characters", algorithm="HS256"
        )
        rows = conn.execute(
            "select valid from verify(%s, %s) union all select valid from verify(%s, %s)",
            [token, secret, forged, secret],
        ).fetchall()
    assert rows == [(True,), (False,)]


# --- Vault, webhooks, realtime, storage ---


def test_vault_secrets_are_created_updated_and_read_by_the_service_role_only(
    layer_url: str,
) -> None:
    with psycopg.connect(layer_url, autocommit=True) as conn:
        secret_id = _value(conn, "select vault.create_secret('s3cr3t', 'api_key', 'An API key')")
        conn.execute("select vault.update_secret(%s, 'rotated')", [secret_id])
        with acting_as(conn, "service_role"):
            assert (
                _value(
                    conn,
                    "select decrypted_secret from vault.decrypted_secrets where name = 'api_key'",
                )
                == "rotated"
            )
        with (
            acting_as(conn, "authenticated", uuid.uuid4()),
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            conn.execute("select * from vault.decrypted_secrets")


WEBHOOK = """
create extension if not exists pg_net with schema extensions;
create table public.orders (id bigint generated by default as identity primary key, total int);
create trigger order_created after insert on public.orders
  for each row execute function supabase_functions.http_request(
    'http://127.0.0.1:9/hook', 'POST', '{"Content-Type":"application/json"}', '{"v":"1"}', '1000');
"""


def test_a_database_webhook_hands_the_row_to_pg_net(layer_url: str, tmp_path: Path) -> None:
    directory = tmp_path / "supabase" / "migrations"
    directory.mkdir(parents=True)
    (directory / "20250101000000_webhook.sql").write_text(WEBHOOK)
    with psycopg.connect(layer_url, autocommit=True) as conn:
        push(conn, discover(tmp_path).migrations)
        conn.execute("insert into public.orders (total) values (42)")
        real_pg_net = _value(
            conn, "select extversion <> 'local-standin' from pg_extension where extname = 'pg_net'"
        )
        assert _value(conn, "select count(*) from supabase_functions.hooks") == 1
        if not real_pg_net:
            method, url, body = conn.execute(
                "select method, url, convert_from(body, 'UTF8')::jsonb from net.http_request_queue"
            ).fetchone() or (None, None, None)
            assert (method, url) == ("POST", "http://127.0.0.1:9/hook?v=1")
            assert body["record"] == {"id": 1, "total": 42}
            assert body["type"] == "INSERT"


def test_realtime_topic_reads_the_channel_and_policies_use_it(layer_url: str) -> None:
    with psycopg.connect(layer_url, autocommit=True) as conn:
        conn.execute(
            "create policy room_only on realtime.messages for select to authenticated"
            " using (realtime.topic() = 'room:1')"
        )
        conn.execute("select realtime.send('{\"x\": 1}', 'new', 'room:1', true)")
        user = uuid.uuid4()
        with acting_as(conn, "authenticated", user):
            conn.execute("select set_config('realtime.topic', 'room:1', true)")
            assert _value(conn, "select count(*) from realtime.messages") == 1
        with acting_as(conn, "authenticated", user):
            conn.execute("select set_config('realtime.topic', 'room:2', true)")
            assert _value(conn, "select count(*) from realtime.messages") == 0


def test_storage_has_the_rest_of_supabases_tables_and_functions(layer_url: str) -> None:
    with psycopg.connect(layer_url, autocommit=True) as conn:
        conn.execute("insert into storage.buckets (id, name) values ('b', 'b')")
        for name, size in (("u1/a.png", 10), ("u1/sub/b.png", 5), ("c.png", 1)):
            conn.execute(
                "insert into storage.objects (bucket_id, name, metadata) values ('b', %s, %s)",
                [name, json.dumps({"size": size})],
            )
        assert _value(conn, "select type::text from storage.buckets") == "STANDARD"
        assert conn.execute("select * from storage.get_size_by_bucket()").fetchall() == [(16, "b")]
        listed = conn.execute("select name from storage.search('u1/', 'b', levels => 2)").fetchall()
        assert sorted(row[0] for row in listed) == ["a.png", "sub"]
        keys = conn.execute(
            "select name from storage.list_objects_with_delimiter('b', 'u1/', '/')"
        ).fetchall()
        assert [row[0] for row in keys] == ["u1/a.png", "u1/sub/"]
        for table in ("s3_multipart_uploads", "s3_multipart_uploads_parts", "migrations"):
            assert _value(conn, f"select to_regclass('storage.{table}') is not null") is True
        with pytest.raises(psycopg.errors.Error, match="ROLLBACK"):
            conn.execute("select storage.can_insert_object('b', 'x.png', null, '{}')")
        assert _value(conn, "select count(*) from storage.objects where name = 'x.png'") == 0
