"""Extensions a local server lacks: ``create extension`` installs vidprompt's stand-in."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jwt
import psycopg
import pytest

from vidprompt.database import embedded_bin_dir, supabase_services
from vidprompt.database._standins import (
    STANDIN_VERSION,
    stage_standins,
    standin_names,
    standin_script,
)

SECRET = "a-local-secret-of-at-least-32-characters"
HOSTED_ONLY = ["http", "pg_cron", "pg_jsonschema", "pg_net", "pgmq", "vector"]
# Where each is created, as on Supabase: pgmq's control file names its own schema.
CREATE = {"pgmq": 'create extension "pgmq"'}


def _value(conn: psycopg.Connection[tuple[object, ...]], sql: str) -> object:
    row = conn.execute(sql.encode()).fetchone()
    assert row is not None
    return row[0]


@pytest.mark.parametrize("name", HOSTED_ONLY)
def test_create_extension_succeeds_and_says_what_it_is(layer_url: str, name: str) -> None:
    with psycopg.connect(layer_url, autocommit=True) as conn:
        create = CREATE.get(name, f'create extension "{name}" with schema extensions')
        conn.execute(create.encode())
        version, comment = conn.execute(
            "select extversion, obj_description(oid, 'pg_extension') from pg_extension"
            " where extname = %s",
            [name],
        ).fetchone() or (None, None)
        services = {s.name: s for s in supabase_services(conn)}
    if version == STANDIN_VERSION:
        assert str(comment).startswith("vidprompt local stand-in: ")
        assert services[f"ext. {name}"].kind == "stand-in"
    else:  # the server's own extension wins over the stand-in
        assert services[f"ext. {name}"].kind == "real"


def test_every_standin_has_its_script() -> None:
    assert set(HOSTED_ONLY) <= set(standin_names())


def test_pg_net_records_requests_and_sends_nothing(layer_url: str) -> None:
    with psycopg.connect(layer_url, autocommit=True) as conn:
        conn.execute("create extension pg_net with schema extensions")
        if _value(conn, "select extversion from pg_extension where extname = 'pg_net'") != (
            STANDIN_VERSION
        ):
            pytest.fail("this server has the real pg_net; the stand-in test needs one without")
        first = _value(conn, "select net.http_get('http://127.0.0.1:9/a', '{\"q\": \"x y\"}')")
        second = _value(
            conn,
            "select net.http_post('http://127.0.0.1:9/b?k=1', '{\"n\": 1}',"
            ' headers => \'{"X-Test": "1"}\')',
        )
        rows = conn.execute(
            "select id, method, url, headers, convert_from(body, 'UTF8')"
            " from net.http_request_queue order by id"
        ).fetchall()
        assert _value(conn, "select count(*) from net._http_response") == 0
    assert rows == [
        (first, "GET", "http://127.0.0.1:9/a?q=x%20y", {}, None),
        # pg_net adds JSON's Content-Type to headers without one.
        (
            second,
            "POST",
            "http://127.0.0.1:9/b?k=1",
            {"X-Test": "1", "Content-Type": "application/json"},
            '{"n": 1}',
        ),
    ]


@pytest.mark.parametrize(
    ("instance", "valid"),
    [
        ({"name": "a", "tags": ["x"]}, True),
        ({"name": "a", "tags": [1]}, False),
        ({"tags": []}, False),
        ({"name": "a", "extra": True}, False),
        ({"name": "", "tags": []}, False),
    ],
)
def test_pg_jsonschema_checks_the_common_keywords(
    layer_url: str, instance: dict[str, object], valid: bool
) -> None:
    schema = {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
    }
    with psycopg.connect(layer_url, autocommit=True) as conn:
        conn.execute("create extension pg_jsonschema with schema extensions")
        result = conn.execute(
            "select jsonb_matches_schema(%s::json, %s::jsonb)",
            [json.dumps(schema), json.dumps(instance)],
        ).fetchone()
    assert result == (valid,)


def test_pg_jsonschema_refuses_a_keyword_it_cannot_check(layer_url: str) -> None:
    with psycopg.connect(layer_url, autocommit=True) as conn:
        conn.execute("create extension pg_jsonschema with schema extensions")
        if _value(conn, "select extversion from pg_extension where extname = 'pg_jsonschema'") != (
            STANDIN_VERSION
        ):
            pytest.fail("this server has the real pg_jsonschema")
        with pytest.raises(psycopg.errors.FeatureNotSupported, match="patternProperties"):
            conn.execute("select json_matches_schema('{\"patternProperties\": {}}', '{}')")


def test_the_http_standin_raises_instead_of_inventing_a_response(layer_url: str) -> None:
    with psycopg.connect(layer_url, autocommit=True) as conn:
        conn.execute("create extension http with schema extensions")
        with pytest.raises(psycopg.errors.FeatureNotSupported, match="was not sent"):
            conn.execute("select status from http_get('http://127.0.0.1:9/')")


def test_pg_graphql_answers_with_a_graphql_error(layer_url: str) -> None:
    with psycopg.connect(layer_url) as conn:
        answer = _value(conn, "select graphql_public.graphql(query => '{ __typename }')")
    assert isinstance(answer, dict)
    assert "stand-in" in answer["errors"][0]["message"]


def test_pgcrypto_stand_in_refuses_bcrypt_rather_than_faking_it(layer_url: str) -> None:
    with psycopg.connect(layer_url) as conn:
        if _value(conn, "select extversion from pg_extension where extname = 'pgcrypto'") != (
            STANDIN_VERSION
        ):
            # the real pgcrypto: a bcrypt hash that verifies
            assert _value(conn, "select crypt('pw', h) = h from crypt('pw', gen_salt('bf')) h")
            return
        with pytest.raises(psycopg.errors.FeatureNotSupported, match="real pgcrypto"):
            conn.execute("select crypt('pw', gen_salt('bf'))")


def test_vector_distances_and_nearest_neighbours(layer_url: str) -> None:
    with psycopg.connect(layer_url, autocommit=True) as conn:
        conn.execute("create extension vector with schema extensions")
        conn.execute(
            "create table public.items (id int primary key, embedding extensions.vector(2));"
            " create index on public.items using hnsw (embedding vector_l2_ops);"
            " insert into public.items values (1, '[0,0]'), (2, '[3,4]'), (3, '[1,1]')"
        )
        order = conn.execute(
            "select id from public.items order by embedding <-> '[3,3]' limit 2"
        ).fetchall()
        distance = _value(conn, "select '[0,0]'::extensions.vector <-> '[3,4]'")
        cosine = _value(conn, "select round(('[1,0]'::extensions.vector <=> '[0,1]')::numeric, 6)")
    assert [row[0] for row in order] == [2, 3]
    assert distance == 5
    assert cosine == 1


def test_only_the_extensions_the_server_lacks_are_staged(
    tmp_path: Path, pg_bin_dir: Path | None
) -> None:
    bin_dir = pg_bin_dir or embedded_bin_dir()
    setting = stage_standins(bin_dir, tmp_path / "extensions")
    staged = {path.stem for path in (tmp_path / "extensions").rglob("*.control")}
    shipped = {
        path.stem
        for path in Path(
            subprocess.run(
                [str(bin_dir / "pg_config"), "--sharedir"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        ).glob("extension/*.control")
    }
    assert setting.startswith(("extension_control_path = '$system:", "extension_destdir = '"))
    assert staged == set(standin_names()) - shipped
    assert "pgjwt" in staged  # no server ships it
    for path in (tmp_path / "extensions").rglob("*.sql"):
        assert path.stat().st_mode & 0o004  # readable by the server's own user


def test_without_extension_search_the_layer_still_creates_the_objects(bare_url: str) -> None:
    # What the layer falls back to on a server that cannot find stand-in extensions.
    with psycopg.connect(bare_url, autocommit=True) as conn:
        conn.execute("create schema extensions")
        for name in ("pgcrypto", "pgjwt"):
            conn.execute(standin_script(name, "extensions").encode())
        token = _value(conn, f"select extensions.sign('{{\"sub\": \"1\"}}', '{SECRET}')")
        assert jwt.decode(str(token), SECRET, algorithms=["HS256"]) == {"sub": "1"}
