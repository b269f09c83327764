"""Which database a command works on, and with what: an empty URL is a mistake, never the
local database, and a setting Postgres cannot take is refused before anything starts.

``--db-url "$SUPABASE_DB_URL"`` with the variable unset (a missing CI secret) passes an empty
URL; taking it as "no URL" would push to the local database and report success.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests._cli import run_vidprompt
from vidprompt.config import Settings
from vidprompt.database import resolve_target
from vidprompt.errors import ConfigError

if TYPE_CHECKING:
    from pathlib import Path


def test_an_empty_db_url_is_refused_before_anything_starts(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="empty") as refused:
        resolve_target("", tmp_path, Settings(_env_file=None))
    assert "--db-url" in refused.value.message
    assert not (tmp_path / ".vidprompt").exists()


def test_an_empty_database_url_setting_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "")
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        resolve_target(None, tmp_path, Settings(_env_file=None))
    assert not (tmp_path / ".vidprompt").exists()


def test_db_push_with_an_empty_db_url_fails_and_pushes_nowhere(tmp_path: Path) -> None:
    migrations = tmp_path / "supabase" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "20260101000000_t.sql").write_text("create table t (id int);\n")
    done = run_vidprompt(tmp_path, "db", "push", "--db-url", "", env={"HOME": str(tmp_path)})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "empty" in done.stderr
    assert "Traceback" not in done.stderr
    assert "up to date" not in done.stdout
    assert not (tmp_path / ".vidprompt").exists()


def test_an_empty_database_url_setting_does_not_hide_a_given_db_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "")
    url = "postgresql://u@db.example.test/app"
    target = resolve_target(url, tmp_path, Settings(_env_file=None))
    assert "host=db.example.test" in target.url
    assert target.local is None


def test_a_statement_timeout_postgres_cannot_take_is_refused_as_a_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Accepted at start-up, it made every API request fail with 422 ``invalid_input``."""
    from pydantic import ValidationError

    monkeypatch.setenv("VIDPROMPT_STATEMENT_TIMEOUT_MS", "99999999999")
    with pytest.raises(ValidationError, match="statement_timeout_ms"):
        Settings(_env_file=None)
    monkeypatch.setenv("VIDPROMPT_STATEMENT_TIMEOUT_MS", str(2**31 - 1))
    assert Settings(_env_file=None).statement_timeout_ms == 2**31 - 1


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://user:s3cret%ZZ@h/db",
        "postgresql://user:s3cretPW@[::1/db",
        "postgresql://user:s3cret PW@h /db",
        "host=h password='s3cret PW' port",
    ],
)
def test_a_malformed_url_is_refused_without_its_password(url: str, tmp_path: Path) -> None:
    """libpq quotes the token it cannot read, or the whole URI; the line reaches CI logs."""
    with pytest.raises(ConfigError, match="not a Postgres connection string") as refused:
        resolve_target(url, tmp_path, Settings(_env_file=None))
    assert "s3cret" not in refused.value.message
    assert "s3cret" not in (refused.value.hint or "")
