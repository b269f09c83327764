"""What the user's shell exports never reaches a command under test: an exported Gemini key
would make the offline tests call the real Gemini API, a VIDPROMPT_* setting change what
they prove."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

EXPORTED = {
    "GEMINI_API_KEY": "a-real-key",
    "GOOGLE_API_KEY": "a-real-key",
    "GOOGLE_GENAI_USE_VERTEXAI": "true",
    "OPENAI_API_KEY": "a-real-key",
    "RUNWAY_API_KEY": "a-real-key",
    "VIDPROMPT_X": "1",
    "VIDPROMPT_GEMINI_BASE_URL": "https://generativelanguage.googleapis.com",
    "VIDPROMPT_JWT_SECRET": "s" * 40,
    "SUPABASE_URL": "https://project.supabase.co",
    "SUPABASE_SERVICE_ROLE_KEY": "service-role",
    "DATABASE_URL": "postgresql://postgres@db.project.supabase.co/postgres",
    "PGPASSWORD": "postgres",
}


def test_a_command_sees_no_provider_key_and_no_vidprompt_or_supabase_setting(
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    project: Path,
    pg_bin_dir: Path | None,
) -> None:
    for name, value in EXPORTED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LANG", "C.UTF-8")
    cli_env: dict[str, str] = request.getfixturevalue("cli_env")  # built after the exports
    child = subprocess.run(
        [sys.executable, "-c", "import json, os; print(json.dumps(dict(os.environ)))"],
        cwd=project,
        env=cli_env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    seen: dict[str, str] = json.loads(child.stdout)
    assert sorted(set(seen) & set(EXPORTED)) == []
    vidprompt_settings = {name: value for name, value in seen.items() if "VIDPROMPT_" in name}
    # The one setting the tests give: which PostgreSQL build runs the local database.
    expected = {} if pg_bin_dir is None else {"VIDPROMPT_PG_BIN_DIR": str(pg_bin_dir)}
    assert vidprompt_settings == expected
    assert seen["LANG"] == "C.UTF-8"  # the rest of the environment is the user's
