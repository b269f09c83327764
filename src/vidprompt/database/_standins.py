"""Local stand-ins for the extensions a Supabase database has and a local server lacks.

Each stand-in is an ordinary extension (a control file and one SQL script in
``vidprompt/sql/extensions``) that vidprompt copies beside the local cluster and points the
server at, so ``create extension pg_net`` runs unchanged and the history records the file
as written. Only the extensions the server does not ship are copied: a real one always
wins. PostgreSQL 18 finds them through ``extension_control_path``; Debian's builds of older
majors through their ``extension_destdir`` patch. A server with neither gets no stand-ins.
"""

from __future__ import annotations

import shutil
import subprocess
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    import psycopg
    from psycopg.rows import TupleRow

STANDIN_VERSION = "local-standin"


def _standin_files() -> Traversable:
    return resources.files("vidprompt.sql").joinpath("extensions")


def standin_names() -> list[str]:
    """The extensions vidprompt has a stand-in for."""
    return sorted(
        entry.name.removesuffix(".control")
        for entry in _standin_files().iterdir()
        if entry.name.endswith(".control")
    )


def standin_script(name: str, schema: str) -> str:
    """The stand-in's SQL as ``create extension`` would run it into ``schema``."""
    text = _standin_files().joinpath(f"{name}--{STANDIN_VERSION}.sql").read_text()
    body = "\n".join(line for line in text.splitlines() if not line.startswith("\\echo"))
    return body.replace("@extschema@", f'"{schema}"')


def stage_standins(bin_dir: Path, folder: Path) -> str:
    """Copy into ``folder`` the stand-ins the server at ``bin_dir`` lacks.

    Returns the configuration line that lets the server find them, or ``""`` when it has no
    way to (then nothing is copied).
    """
    setting = _search_setting(bin_dir)
    sharedir = _sharedir(bin_dir)
    if setting is None or sharedir is None:
        return ""
    shipped = {path.stem for path in (sharedir / "extension").glob("*.control")}
    if setting == "extension_control_path":
        target, value = folder / "extension", f"$system:{folder}"
    else:
        target, value = folder / sharedir.relative_to(sharedir.anchor) / "extension", str(folder)
    shutil.rmtree(folder, ignore_errors=True)
    target.mkdir(parents=True)
    for name in standin_names():
        if name in shipped:
            continue
        for file_name in (f"{name}.control", f"{name}--{STANDIN_VERSION}.sql"):
            (target / file_name).write_text(_standin_files().joinpath(file_name).read_text())
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)  # read by the server's own user
    return f"{setting} = '{value.replace(chr(39), chr(39) * 2)}'\n"


def installed_standins(conn: psycopg.Connection[TupleRow]) -> list[str]:
    """The extensions of the connected database that are vidprompt's stand-ins."""
    rows = conn.execute(
        "select extname from pg_extension where extversion = %s order by extname",
        [STANDIN_VERSION],
    ).fetchall()
    return [row[0] for row in rows]


def _search_setting(bin_dir: Path) -> str | None:
    """Which setting of this server adds a folder to the extension search, if any."""
    described = _run(bin_dir / "postgres", "--describe-config")
    names = {line.split("\t", 1)[0] for line in described.splitlines()}
    for setting in ("extension_control_path", "extension_destdir"):
        if setting in names:
            return setting
    return None


def _sharedir(bin_dir: Path) -> Path | None:
    found = _run(bin_dir / "pg_config", "--sharedir").strip()
    return Path(found) if found else None


def _run(program: Path, *args: str) -> str:
    try:
        result = subprocess.run(
            [str(program), *args], capture_output=True, text=True, check=False, timeout=60
        )
    except OSError:
        return ""
    return result.stdout if result.returncode == 0 else ""
