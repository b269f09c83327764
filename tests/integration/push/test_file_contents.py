"""Bytes and client-side commands: a BOM, bad UTF-8, COPY FROM STDIN, psql meta-commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.integration.push._project import cli_push, history, project, said, statements, tables

if TYPE_CHECKING:
    from pathlib import Path


def test_a_leading_byte_order_mark_is_ignored_and_said_once(bare_url: str, tmp_path: Path) -> None:
    workdir = project(
        tmp_path, {"1_bom.sql": b"\xef\xbb\xbfcreate table a (x int);\ncreate table b (x int);\n"}
    )
    result = cli_push(bare_url, workdir)
    assert result.returncode == 0, said(result)
    assert said(result).count("byte order mark") == 1
    assert tables(bare_url) == {"a", "b"}
    assert statements(bare_url, "1") == ["create table a (x int)", "create table b (x int)"]
    again = cli_push(bare_url, workdir)
    assert again.returncode == 0
    assert "byte order mark" not in said(again)


def test_invalid_utf8_names_the_file_line_and_byte(bare_url: str, tmp_path: Path) -> None:
    workdir = project(
        tmp_path,
        {
            "1_ok.sql": "create table ok (x int);",
            "2_latin1.sql": b"create table a (x int);\ncomment on table a is 'caf\xe9';\n",
        },
    )
    result = cli_push(bare_url, workdir)
    assert result.returncode == 1
    assert "2_latin1.sql, line 2: the byte at offset 50 (0xe9) is not valid UTF-8" in said(result)
    assert tables(bare_url) == set()
    assert history(bare_url) == []


@pytest.mark.parametrize(
    ("sql", "line", "advice"),
    [
        ("create table a (x int);\ncopy a from stdin;\n1\n\\.\n", 2, "INSERT ... VALUES"),
        ("create table a (x int);\ncopy a (x) to stdout;", 2, "no output"),
        ("\\set ON_ERROR_STOP on\ncreate table a (x int);", 1, "psql meta-command"),
        ("create table a (x int);\n\\i other.sql\n", 2, "psql meta-command"),
    ],
)
def test_client_side_commands_are_refused_before_the_file_runs(
    bare_url: str, tmp_path: Path, sql: str, line: int, advice: str
) -> None:
    workdir = project(tmp_path, {"1_ok.sql": "create table ok (x int);", "2_client.sql": sql})
    result = cli_push(bare_url, workdir)
    assert result.returncode == 1
    assert f"2_client.sql, line {line}:" in said(result)
    assert advice in said(result)
    assert "SQLSTATE None" not in said(result)
    assert "Traceback" not in said(result)
    assert tables(bare_url) == set()
    assert history(bare_url) == []
