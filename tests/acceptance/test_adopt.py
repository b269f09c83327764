"""Adopting vidprompt in the existing app: init, push, verify, lint, and the app's own data.

The project is the app before the video-prompt feature (tests/fixtures/existing_app): the
app's profiles with plain policies and the handle_new_user trigger, collections, images
without unique (id, user_id), storage policies, under the app's own migration versions.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from typing import TYPE_CHECKING

import psycopg
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tests._support import create_image, create_user
from tests.fixtures.existing_app import existing_app_project
from tests.integration.generation._standins import StandIn, gemini_text
from tests.integration.generation._world import ALL_DONE, Owner, enqueue, make_settings, wait_for
from tests.integration.test_init import FOR_THE_APP
from vidprompt.database import STATE_DIR
from vidprompt.generation import BUCKET, sample_image
from vidprompt.storage._objects import queries

if TYPE_CHECKING:
    import uuid
    from pathlib import Path

    from tests.acceptance.conftest import Run

SECRET = os.urandom(32).hex()  # the app's ENCRYPTION_SECRET
APPS_KEY = "AIzaSy-the-key-the-app-stored"
PROMPT = " ".join(["She turns toward the window as the camera glides slowly closer."] * 5)
FEATURE_OBJECTS = ("video_prompts", "generation_jobs", "updated_at_column", "notify_generation")
UPSERT = """
insert into public.profiles (id, gemini_api_key, full_name, avatar_url, updated_at)
values (%(id)s, %(key)s, 'Alice', 'https://example.test/a.png', timezone('utc', now()))
on conflict (id) do update set gemini_api_key = excluded.gemini_api_key,
  full_name = excluded.full_name, avatar_url = excluded.avatar_url,
  updated_at = excluded.updated_at
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return existing_app_project(tmp_path / "app")


def app_encrypt(plaintext: str) -> str:
    """The app's own recipe: AES-256-GCM, iv:tag:ciphertext in hex."""
    iv = os.urandom(12)
    sealed = AESGCM(bytes.fromhex(SECRET)).encrypt(iv, plaintext.encode(), None)
    return f"{iv.hex()}:{sealed[-16:].hex()}:{sealed[:-16].hex()}"


def save_key_as_the_app(url: str, user: uuid.UUID, profile: uuid.UUID, key: str) -> None:
    """The app's key-saving upsert, as PostgREST runs it for the signed-in ``user``."""
    claims = {"sub": str(user), "role": "authenticated", "aud": "authenticated"}
    with psycopg.connect(url) as conn:
        conn.execute(
            "select set_config('role', 'authenticated', true),"
            " set_config('request.jwt.claims', %s, true)",
            [json.dumps(claims)],
        )
        conn.execute(UPSERT.encode(), {"id": profile, "key": key})


def test_init_push_verify_lint_then_the_apps_key_writes_a_prompt(
    vidprompt: Run, project: Path, cli_env: dict[str, str]
) -> None:
    first = vidprompt("init").stdout
    assert first.count("Wrote supabase/migrations/") == len(FOR_THE_APP)
    assert "Nothing to add" in vidprompt("init").stdout

    vidprompt("db", "push")
    vidprompt("types", "update")
    assert "0 failed" in vidprompt("verify").stdout
    findings = json.loads(vidprompt("db", "lint", "--json", check=False).stdout)
    assert any("public.profiles" in f["object"] for f in findings)  # the app's own, left alone
    assert [f for f in findings if any(name in f["object"] for name in FEATURE_OBJECTS)] == []

    url = vidprompt("db", "url").stdout.strip()
    with psycopg.connect(url, autocommit=True) as conn:
        alice, mallory = create_user(conn), create_user(conn)  # handle_new_user makes profiles
        image = create_image(conn, alice)
    stored = app_encrypt(APPS_KEY)
    save_key_as_the_app(url, alice, alice, stored)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        save_key_as_the_app(url, mallory, alice, app_encrypt("AIzaSy-mallory"))
    with psycopg.connect(url) as conn:
        saved = conn.execute("select gemini_api_key from public.profiles where id = %s", [alice])
        assert saved.fetchall() == [(stored,)]

    file = project / STATE_DIR / "storage" / BUCKET / f"{alice}/i.png"
    file.parent.mkdir(parents=True)
    file.write_bytes(sample_image())
    with psycopg.connect(url, autocommit=True) as conn:  # the object, as the app uploaded it
        params = {"bucket": BUCKET, "name": f"{alice}/i.png", "owner": alice}
        conn.execute(queries()["put_object"], params | {"mime_type": "image/png", "size": 1})
    settings = make_settings(encryption_secret=SECRET, key_format="app")
    asyncio.run(enqueue(url, settings, Owner(alice, image)))

    log = project.parent / "worker.log"
    with StandIn(gemini_text(PROMPT)) as gemini:
        env = cli_env | {"ENCRYPTION_SECRET": SECRET, "VIDPROMPT_GEMINI_BASE_URL": gemini.url}
        env.pop("GEMINI_API_KEY", None)
        worker = subprocess.Popen(
            [sys.executable, "-m", "vidprompt", "worker"],
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )
        try:
            asyncio.run(wait_for(url, ALL_DONE, timeout_s=120))
        except AssertionError as exc:
            raise AssertionError(log.read_text()) from exc
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
        requests = gemini.requests()

    with psycopg.connect(url) as conn:
        rows = conn.execute("select status, prompt_text, model_name from public.video_prompts")
        assert rows.fetchall() == [("completed", PROMPT, "gemini-2.5-flash")], log.read_text()
    assert any(":generateContent" in seen.path for seen in requests)
    assert {seen.headers["x-goog-api-key"] for seen in requests} == {APPS_KEY}


def test_a_file_named_as_inits_but_doing_something_else_does_not_hide_its_table(
    vidprompt: Run, project: Path
) -> None:
    """Read from the project's own files, the schema decides, not a file's name."""
    migrations = project / "supabase" / "migrations"
    (migrations / "20250102000000_add_variant_requests.sql").write_text("select 1;\n")
    out = vidprompt("init").stdout
    assert out.count("Wrote supabase/migrations/") == len(FOR_THE_APP)
    vidprompt("db", "push")
    url = vidprompt("db", "url").stdout.strip()
    with psycopg.connect(url) as conn:
        found = conn.execute("select to_regclass('public.variant_requests')").fetchone()
    assert found == ("variant_requests",)
