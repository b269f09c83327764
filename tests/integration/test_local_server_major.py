"""A local database made by one PostgreSQL major is not started with another's programs.

Switching ``VIDPROMPT_PG_BIN_DIR`` (which the pgcrypto stand-in's hint itself suggests) on an
existing database used to end in "postgresql.conf contains errors" from the server's log.
The cluster here is made by the build under test and then claims another major, so the test
needs only one build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from vidprompt.database import LocalServer
from vidprompt.errors import LocalServerError

if TYPE_CHECKING:
    from pathlib import Path


def test_a_database_of_another_major_is_refused_saying_which_and_what_to_do(
    reachable_tmp: Path, pg_bin_dir: Path | None
) -> None:
    folder = reachable_tmp / "other-major" / ".vidprompt"
    folder.mkdir(parents=True)
    server = LocalServer(folder / "pgdata", bin_dir=pg_bin_dir, durable=False)
    server.init()
    built = (server.data_dir / "PG_VERSION").read_text().strip()
    (server.data_dir / "PG_VERSION").write_text("14\n")
    try:
        with pytest.raises(LocalServerError) as refused:
            server.start()
        assert "PostgreSQL 14" in refused.value.message
        assert f"PostgreSQL {built}" in refused.value.message
        assert refused.value.hint is not None
        assert "db reset" in refused.value.hint
        assert not server.running()
    finally:
        server.destroy()
