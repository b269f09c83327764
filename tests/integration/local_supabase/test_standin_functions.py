"""The stand-ins' functions, one by one: the names, signatures and answers of the real ones."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import psycopg
import pytest

from vidprompt.database._standins import STANDIN_VERSION

if TYPE_CHECKING:
    from collections.abc import Iterator

Conn = psycopg.Connection[tuple[object, ...]]


def _value(conn: Conn, sql: str, params: list[object] | None = None) -> object:
    row = conn.execute(sql.encode(), params).fetchone()
    assert row is not None
    return row[0]


def _created(conn: Conn, name: str) -> bool:
    """Create extension ``name``; whether it is the stand-in (a server may ship the real one,
    as Debian's PostgreSQL 15 ships uuid-ossp and pgcrypto). pgmq, as the real one, makes and
    lives in its own schema."""
    schema = "" if name == "pgmq" else " with schema extensions"
    conn.execute(f'create extension if not exists "{name}"{schema}'.encode())
    version = _value(conn, "select extversion from pg_extension where extname = %s", [name])
    return version == STANDIN_VERSION


def _standin(conn: Conn, name: str) -> Conn:
    """Create the stand-in of an extension no PostgreSQL build here ships."""
    if not _created(conn, name):
        pytest.fail(f"this server has the real {name}; the stand-in test needs one without")
    return conn


def _signatures(conn: Conn, name: str) -> set[str]:
    """``function(arguments) returns type`` of each function extension ``name`` owns."""
    rows = conn.execute(
        "select p.proname || '(' || pg_get_function_arguments(p.oid) || ') returns '"
        " || pg_get_function_result(p.oid) from pg_depend d join pg_proc p on p.oid = d.objid"
        " join pg_extension e on e.oid = d.refobjid"
        " where d.classid = 'pg_proc'::regclass and d.deptype = 'e' and e.extname = %s",
        [name],
    ).fetchall()
    return {str(row[0]) for row in rows}


@pytest.fixture
def conn(layer_url: str) -> Iterator[Conn]:
    with psycopg.connect(layer_url, autocommit=True) as connection:
        yield connection


def test_uuid_ossp_constants_are_rfc_4122s(conn: Conn) -> None:
    """The same for the stand-in and the real extension."""
    _created(conn, "uuid-ossp")
    row = conn.execute(
        "select extensions.uuid_nil(), extensions.uuid_ns_dns(), extensions.uuid_ns_url(),"
        " extensions.uuid_ns_oid(), extensions.uuid_ns_x500()"
    ).fetchone()
    assert row == (
        uuid.UUID(int=0),
        uuid.NAMESPACE_DNS,
        uuid.NAMESPACE_URL,
        uuid.NAMESPACE_OID,
        uuid.NAMESPACE_X500,
    )
    assert {
        "uuid_nil() returns uuid",
        "uuid_ns_dns() returns uuid",
        "uuid_ns_url() returns uuid",
        "uuid_ns_oid() returns uuid",
        "uuid_ns_x500() returns uuid",
    } <= _signatures(conn, "uuid-ossp")
    volatility = conn.execute(
        "select distinct provolatile, proparallel from pg_proc"
        " where pronamespace = 'extensions'::regnamespace"
        " and proname in ('uuid_nil', 'uuid_ns_dns', 'uuid_ns_url', 'uuid_ns_oid', 'uuid_ns_x500')"
    ).fetchall()
    assert volatility == [("i", "s")]  # immutable, parallel safe: usable in indexes


def test_uuid_ossp_generates_versions_1_3_and_4_and_refuses_5(conn: Conn) -> None:
    """The stand-in refuses version 5 (it needs SHA-1); the real extension makes it."""
    standin = _created(conn, "uuid-ossp")
    v1, v1mc, v4 = conn.execute(
        "select extensions.uuid_generate_v1(), extensions.uuid_generate_v1mc(),"
        " extensions.uuid_generate_v4()"
    ).fetchone() or (None, None, None)
    assert isinstance(v1, uuid.UUID)
    assert isinstance(v1mc, uuid.UUID)
    assert (v1.version, v1mc.version, getattr(v4, "version", None)) == (1, 1, 4)
    assert v1mc.node & 1 << 40  # the multicast bit: no MAC address
    v3 = _value(conn, "select extensions.uuid_generate_v3(extensions.uuid_ns_dns(), 'python.org')")
    assert v3 == uuid.uuid3(uuid.NAMESPACE_DNS, "python.org")
    v5 = "select extensions.uuid_generate_v5(extensions.uuid_ns_dns(), 'python.org')"
    if not standin:
        assert _value(conn, v5) == uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
        return
    with pytest.raises(psycopg.errors.FeatureNotSupported, match="SHA-1"):
        conn.execute(v5.encode())


def test_every_http_function_names_its_request_and_sends_nothing(conn: Conn) -> None:
    _standin(conn, "http")
    calls = {
        "http_get('http://127.0.0.1:9/a')": "GET http://127.0.0.1:9/a",
        "http_get('http://127.0.0.1:9/b', '{}'::jsonb)": "GET http://127.0.0.1:9/b",
        "http_post('http://127.0.0.1:9/c', 'x', 'text/plain')": "POST http://127.0.0.1:9/c",
        "http_post('http://127.0.0.1:9/d', '{}'::jsonb)": "POST http://127.0.0.1:9/d",
        "http_put('http://127.0.0.1:9/e', 'x', 'text/plain')": "PUT http://127.0.0.1:9/e",
        "http_delete('http://127.0.0.1:9/f')": "DELETE http://127.0.0.1:9/f",
    }
    for call, request in calls.items():
        with pytest.raises(psycopg.errors.FeatureNotSupported) as raised:
            conn.execute(f"select (extensions.{call}).status".encode())
        assert f"http: {request} was not sent" in str(raised.value)
    assert {
        "http_get(uri character varying) returns http_response",
        "http_get(uri character varying, data jsonb) returns http_response",
        "http_post(uri character varying, content character varying,"
        " content_type character varying) returns http_response",
        "http_post(uri character varying, data jsonb) returns http_response",
        "http_put(uri character varying, content character varying,"
        " content_type character varying) returns http_response",
        "http_delete(uri character varying) returns http_response",
    } <= _signatures(conn, "http")


def test_pg_net_get_and_delete_record_their_request(conn: Conn) -> None:
    _standin(conn, "pg_net")
    get = _value(conn, "select net.http_get('http://127.0.0.1:9/a', '{\"q\": \"1\"}')")
    delete = _value(
        conn,
        "select net.http_delete('http://127.0.0.1:9/b?x=1', headers => '{\"h\": \"v\"}',"
        " timeout_milliseconds => 100)",
    )
    rows = conn.execute(
        "select id, method, url, headers, body, timeout_milliseconds"
        " from net.http_request_queue order by id"
    ).fetchall()
    assert rows == [
        (get, "GET", "http://127.0.0.1:9/a?q=1", {}, None, 5000),
        (delete, "DELETE", "http://127.0.0.1:9/b?x=1", {"h": "v"}, None, 100),
    ]
    shared = (
        "url text, params jsonb DEFAULT '{}'::jsonb, headers jsonb DEFAULT '{}'::jsonb,"
        " timeout_milliseconds integer DEFAULT 5000) returns bigint"
    )
    assert {f"http_get({shared}", f"http_delete({shared}"} <= _signatures(conn, "pg_net")


def test_pg_net_url_encodes_each_parameter_as_pg_net_does(conn: Conn) -> None:
    """A value cannot add a parameter or end the query; non-ASCII is encoded by its bytes."""
    _standin(conn, "pg_net")
    params = '{"q": "a b&admin=1#x", "ü": "é/?"}'
    request = _value(conn, "select net.http_get('http://127.0.0.1:9/a', %s)", [params])
    url = _value(conn, "select url from net.http_request_queue where id = %s", [request])
    assert url == "http://127.0.0.1:9/a?q=a%20b%26admin%3D1%23x&%C3%BC=%C3%A9%2F%3F"
    assert _value(conn, "select net._urlencode_string('A-z_0.9~')") == "A-z_0.9~"
    assert _value(conn, "select net._urlencode_string('')") == ""


def test_pg_net_puts_parameters_before_the_fragment_and_queues_nothing_for_null(
    conn: Conn,
) -> None:
    _standin(conn, "pg_net")
    for url, queued in (
        ("https://x.test/p#frag", "https://x.test/p?a=b#frag"),
        ("https://x.test/p?q=1#frag", "https://x.test/p?q=1&a=b#frag"),
    ):
        request = _value(conn, 'select net.http_get(%s, \'{"a": "b"}\')', [url])
        assert _value(conn, "select url from net.http_request_queue where id = %s", [request]) == (
            queued
        )
    before = _value(conn, "select count(*) from net.http_request_queue")
    assert _value(conn, "select net.http_get('https://x.test/p', null)") is None
    assert _value(conn, "select net.http_delete(null)") is None
    assert _value(conn, "select count(*) from net.http_request_queue") == before


def test_pg_net_posts_json_only_as_pg_net_does(conn: Conn) -> None:
    _standin(conn, "pg_net")
    request = _value(conn, "select net.http_post('https://x.test/p', headers => '{\"X\": \"1\"}')")
    headers = _value(conn, "select headers from net.http_request_queue where id = %s", [request])
    assert headers == {"X": "1", "Content-Type": "application/json"}
    plain_text = "select net.http_post('https://x.test/p', headers => %s)"
    with pytest.raises(psycopg.errors.RaiseException, match=r'must be "application/json"'):
        conn.execute(plain_text, ['{"content-type": "text/plain"}'])


def test_pg_cron_unschedules_by_id_or_by_the_callers_job_name(conn: Conn) -> None:
    _standin(conn, "pg_cron")
    by_id = _value(conn, "select cron.schedule('0 * * * *', 'select 1')")
    _value(conn, "select cron.schedule('nightly', '0 3 * * *', 'select 2')")
    assert _value(conn, "select cron.unschedule(%s::bigint)", [by_id]) is True
    assert _value(conn, "select cron.unschedule('nightly')") is True
    assert _value(conn, "select count(*) from cron.job") == 0
    for call, message in (
        (f"cron.unschedule({by_id}::bigint)", f"could not find valid entry for job {by_id}"),
        ("cron.unschedule('nightly')", "could not find valid entry for job 'nightly'"),
    ):
        with pytest.raises(psycopg.errors.RaiseException) as raised:
            conn.execute(f"select {call}".encode())
        assert raised.value.diag.message_primary == message


def test_pg_cron_unschedules_nothing_for_a_null_id_or_name_as_its_strict_functions(
    conn: Conn,
) -> None:
    _standin(conn, "pg_cron")
    _value(conn, "select cron.schedule('nightly', '0 3 * * *', 'select 2')")
    assert _value(conn, "select cron.unschedule(null::bigint)") is None
    assert _value(conn, "select cron.unschedule(null::text)") is None
    assert _value(conn, "select count(*) from cron.job") == 1


@pytest.mark.parametrize(
    "schedule",
    [
        "0 3 * * *",
        "*/5 * * * *",
        "0 0 1,15 * mon-fri",
        "5-10/2 0-23 * jan-jun 7",
        "0 12 $ * *",
        "30 seconds",
        "@daily",
        " 0 4 * * 0 ",
    ],
)
def test_pg_cron_takes_the_schedules_pg_cron_takes(conn: Conn, schedule: str) -> None:
    _standin(conn, "pg_cron")
    job = _value(conn, "select cron.schedule('job', %s, 'select 1')", [schedule])
    assert _value(conn, "select schedule from cron.job where jobid = %s", [job]) == schedule


@pytest.mark.parametrize(
    "schedule",
    [
        "not a cron",
        "61 * * * *",
        "* * * *",
        "0 24 * * *",
        "0 0 0 * *",
        "0 0 * 13 *",
        "60 seconds",
        "0 0 * * funday",
        "*/0 * * * *",
    ],
)
def test_pg_cron_refuses_a_schedule_pg_cron_refuses(conn: Conn, schedule: str) -> None:
    """A migration with a typo in its schedule fails locally as it would on Supabase."""
    _standin(conn, "pg_cron")
    for call in (
        "select cron.schedule('job', %s, 'select 1')",
        "select cron.schedule(%s, 'select 1')",
        "select cron.schedule_in_database('job', %s, 'select 1', 'postgres')",
    ):
        with pytest.raises(psycopg.errors.InvalidParameterValue) as refused:
            conn.execute(call, [schedule])
        assert refused.value.diag.message_primary == f"invalid schedule: {schedule}"
    job = _value(conn, "select cron.schedule('kept', '0 3 * * *', 'select 1')")
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        conn.execute("select cron.alter_job(%s, schedule => %s)", [job, schedule])
    assert _value(conn, "select schedule from cron.job where jobid = %s", [job]) == "0 3 * * *"
    assert _value(conn, "select count(*) from cron.job") == 1


def test_pg_cron_does_not_unschedule_another_users_job_by_name(conn: Conn) -> None:
    _standin(conn, "pg_cron")
    conn.execute(
        "insert into cron.job (jobname, schedule, command, username)"
        " values ('nightly', '0 3 * * *', 'select 2', 'someone_else')"
    )
    with pytest.raises(psycopg.errors.RaiseException, match="'nightly'"):
        conn.execute("select cron.unschedule('nightly')")
    assert _value(conn, "select count(*) from cron.job") == 1


def test_pgmq_queue_lifecycle(conn: Conn) -> None:
    _standin(conn, "pgmq")
    conn.execute("select pgmq.create('Mail')")
    conn.execute("select pgmq.create('mail')")  # the same queue: names are folded to lower case
    assert _value(conn, "select count(*) from pgmq.list_queues()") == 1
    first = _value(conn, "select pgmq.send('mail', '{\"n\": 1}')")
    second = _value(conn, "select pgmq.send('MAIL', '{\"n\": 2}')")
    third = _value(conn, "select pgmq.send('mail', '{\"n\": 3}')")
    read = conn.execute("select msg_id, read_ct, message from pgmq.read('mail', 30, 1)").fetchall()
    assert read == [(first, 1, {"n": 1})]
    assert _value(conn, "select pgmq.archive('mail', %s::bigint)", [first]) is True
    assert _value(conn, "select pgmq.archive('mail', %s::bigint)", [first]) is False
    assert conn.execute("select message from pgmq.a_mail").fetchall() == [({"n": 1},)]
    assert _value(conn, "select pgmq.delete('mail', %s::bigint)", [second]) is True
    assert _value(conn, "select pgmq.delete('mail', %s::bigint)", [second]) is False
    popped = conn.execute("select msg_id from pgmq.pop('mail')").fetchall()
    assert popped == [(third,)]
    assert _value(conn, "select pgmq.drop_queue('Mail')") is True
    assert _value(conn, "select pgmq.drop_queue('mail')") is False
    assert _value(
        conn, "select to_regclass('pgmq.q_mail') is null and to_regclass('pgmq.a_mail') is null"
    )
    assert _value(conn, "select count(*) from pgmq.list_queues()") == 0
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="not valid"):
        conn.execute("select pgmq.create('no-dashes')")


def test_pgcrypto_refuses_each_bcrypt_function_naming_it(conn: Conn) -> None:
    """The real pgcrypto (where a server ships it) makes a bcrypt hash that verifies."""
    if _value(conn, "select extversion from pg_extension where extname = 'pgcrypto'") != (
        STANDIN_VERSION
    ):
        assert _value(
            conn,
            "select crypt('pw', h) = h from extensions.crypt('pw', extensions.gen_salt('bf')) h",
        )
        return
    for call, named in (
        ("gen_salt('bf')", "gen_salt('bf')"),
        ("gen_salt('bf', 8)", "gen_salt('bf')"),
        ("crypt('pw', '$2a$06$abcdefghijklmnopqrstuu')", "crypt()"),
    ):
        with pytest.raises(psycopg.errors.FeatureNotSupported) as raised:
            conn.execute(f"select extensions.{call}".encode())
        assert str(raised.value.diag.message_primary).startswith(f"{named} needs the real pgcrypto")
        assert raised.value.diag.message_hint is not None
        assert "VIDPROMPT_PG_BIN_DIR" in raised.value.diag.message_hint
    assert _value(conn, "select extensions.crypt(null, 'x') is null")


def test_pgcrypto_digest_hashes_every_name_it_takes_and_refuses_the_others(conn: Conn) -> None:
    """A name the stand-in cannot compute is refused, never answered with NULL (a generated
    column of ``digest(secret, 'sha-256')`` stored NULL hashes); pgcrypto's spellings with a
    dash and in capitals name the same algorithms."""
    import hashlib

    _created(conn, "pgcrypto")
    for name, algorithm in (
        ("sha256", "sha256"),
        ("sha-256", "sha256"),
        ("SHA-1", "sha1"),
        ("sha1", "sha1"),
        ("MD5", "md5"),
        ("sha-512", "sha512"),
        ("sha224", "sha224"),
        ("sha384", "sha384"),
    ):
        digest = _value(conn, "select extensions.digest('abc', %s)", [name])
        assert digest == hashlib.new(algorithm, b"abc").digest(), name
    for name in ("whirlpool", "md4", ""):
        with pytest.raises(psycopg.Error, match="Cannot use"):
            conn.execute("select extensions.digest('abc', %s)", [name])


@pytest.mark.parametrize(
    "create",
    [
        "create extension pgmq",
        'create schema if not exists "pgmq";'
        ' create extension if not exists "pgmq" with schema "pgmq"',
    ],
)
def test_pgmq_installs_in_its_own_schema_however_a_migration_asks(conn: Conn, create: str) -> None:
    """As pgmq's control file names its schema: made when missing, and a dump that creates
    the schema first and then the extension ``WITH SCHEMA "pgmq"`` applies (the stand-in's
    script made the schema itself, so that dump failed on it)."""
    conn.execute(create.encode())
    assert _value(conn, "select extversion from pg_extension where extname = 'pgmq'") == (
        STANDIN_VERSION
    )
    conn.execute("select pgmq.create('jobs')")
    assert _value(conn, "select queue_name from pgmq.list_queues()") == "jobs"


def test_pg_net_is_usable_by_the_api_roles_as_on_supabase(conn: Conn) -> None:
    """Supabase grants the API roles the net schema when pg_net is created; a function a
    user calls (an RPC) that queues a request must work locally too."""
    _standin(conn, "pg_net")
    for role in ("authenticated", "anon", "service_role"):
        conn.execute(f"set role {role}".encode())
        request = _value(conn, "select net.http_get('https://hooks.example.test/ping')")
        conn.execute("reset role")
        assert (
            _value(conn, "select url from net.http_request_queue where id = %s", [request])
            == "https://hooks.example.test/ping"
        )
