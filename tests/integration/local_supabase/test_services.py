"""``supabase_services``: what of Supabase the database has for real, and what as stand-ins."""

from __future__ import annotations

import psycopg

from vidprompt.database import services_report, supabase_services
from vidprompt.database._standins import STANDIN_VERSION


def test_the_local_layer_reports_its_services_as_stand_ins(layer_url: str) -> None:
    with psycopg.connect(layer_url) as conn:
        services = {s.name: s for s in supabase_services(conn)}
        versions: dict[str, str] = dict(
            conn.execute("select extname, extversion from pg_extension").fetchall()
        )
        report = services_report(conn)
    assert services["postgres"].kind == "real"
    for name in ("auth", "storage", "realtime", "webhooks"):
        assert services[name].kind == "stand-in"
    for name in ("uuid-ossp", "pgcrypto", "pgjwt", "pg_graphql", "supabase_vault"):
        expected = "stand-in" if versions[name] == STANDIN_VERSION else "real"
        assert services[f"ext. {name}"].kind == expected
    assert services["ext. plv8"].kind == "missing"
    assert "ext. pgcrypto" in report


def test_a_database_with_supabases_own_auth_reports_it_real(bare_url: str) -> None:
    with psycopg.connect(bare_url, autocommit=True) as conn:
        conn.execute("create schema auth")
        services = {s.name: s for s in supabase_services(conn)}
    assert services["auth"].kind == "real"
    assert services["ext. pgjwt"].kind in ("stand-in", "missing")
