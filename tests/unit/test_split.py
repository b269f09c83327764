"""Splitting migration files into statements, and telling edits from re-formatting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vidprompt.errors import MigrationFileError
from vidprompt.migrations import needs_own_transaction, same_statements, split_statements


def test_dollar_quoted_bodies_keep_their_semicolons() -> None:
    sql = """
    create function f() returns int language plpgsql as $body$
    begin
      perform 1; return 2;
    end;
    $body$;
    select 3;
    """
    statements = split_statements(sql, source="f.sql")
    assert len(statements) == 2
    assert statements[0].endswith("$body$")
    assert "perform 1; return 2;" in statements[0]
    assert statements[1] == "select 3"


def test_comments_strings_and_quoted_names_holding_semicolons_survive() -> None:
    sql = (
        "-- a comment; with a semicolon\n"
        "select 'a;b', \"odd;name\" from t /* block; /* nested; */ still; */;\n"
        "select E'it''s; fine';"
    )
    statements = split_statements(sql, source="f.sql")
    assert len(statements) == 2
    assert "'a;b'" in statements[0]
    assert '"odd;name"' in statements[0]
    assert statements[1] == "select E'it''s; fine'"


def test_begin_atomic_bodies_are_one_statement() -> None:
    sql = (
        "create function g() returns int language sql begin atomic select 1; select 2; end;\n"
        "select 4;"
    )
    assert split_statements(sql, source="g.sql") == [
        "create function g() returns int language sql begin atomic select 1; select 2; end",
        "select 4",
    ]


def test_a_syntax_error_names_the_file_line_and_column() -> None:
    with pytest.raises(MigrationFileError, match=r"bad\.sql: syntax error.*line 2, column 1"):
        split_statements("select 1;\nselec 2;", source="bad.sql")


def test_an_empty_or_comment_only_file_has_no_statements() -> None:
    assert split_statements("", source="e.sql") == []
    assert split_statements("-- nothing here\n", source="e.sql") == []


def test_layout_and_comments_are_not_edits() -> None:
    ours = ["create table t (id int)", "select 1"]
    theirs = ["-- the table\ncreate   table t (\n  id int\n)", "SELECT 1", "-- trailing note"]
    assert same_statements(ours, theirs)


@pytest.mark.parametrize(
    "edited",
    [
        ["create table t (id bigint)", "select 1"],
        ["create table t (id int)", "select 2"],
        ["create table t (id int)"],
        ["create table t (id int)", "select 'X'"],
    ],
)
def test_a_change_to_what_runs_is_an_edit(edited: list[str]) -> None:
    assert not same_statements(["create table t (id int)", "select 1"], edited)


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40))
def test_string_literals_round_trip_through_the_splitter(text: str) -> None:
    literal = "'" + text.replace("'", "''") + "'"
    if "\x00" in text:
        return
    assert split_statements(f"select {literal};\nselect 1;", source="p.sql") == [
        f"select {literal}",
        "select 1",
    ]


@pytest.mark.parametrize(
    ("statement", "needs"),
    [
        ("create index concurrently i on t (x)", True),
        ("create index i on t (x)", False),
        ("reindex index concurrently i", True),
        ("reindex index i", False),
        ("vacuum t", True),
        ("alter system set work_mem = '8MB'", True),
        ("create table t (x int)", False),
    ],
)
def test_statements_that_cannot_run_in_a_transaction_are_recognised(
    statement: str, needs: bool
) -> None:
    assert needs_own_transaction(statement) is needs
