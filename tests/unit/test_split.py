"""Splitting migration files into statements, and telling edits from re-formatting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vidprompt.errors import MigrationFileError
from vidprompt.migrations import needs_own_transaction, same_statements, split_statements
from vidprompt.migrations._script import Mode, analyse
from vidprompt.migrations._split import split_located


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
        ("create unique index concurrently if not exists i on t (x)", True),
        ("create index i on t (x)", False),
        ("drop index concurrently i", True),
        ("drop index i", False),
        ("reindex index concurrently i", True),
        ("reindex index i", False),
        ("reindex database d", True),
        ("alter table p detach partition c concurrently", True),
        ("alter table p detach partition c", False),
        ("vacuum t", True),
        ("analyze t", False),
        ("cluster", True),
        ("cluster t using i", False),
        ("discard all", True),
        ("discard temp", False),
        ("alter system set work_mem = '8MB'", True),
        ("create database d", True),
        ("drop database d", True),
        ("create tablespace s location '/x'", True),
        ("alter tablespace s rename to s2", False),
        ("create subscription s connection 'x' publication p", True),
        ("alter type e add value 'x'", False),
        ("create table t (x int)", False),
    ],
)
def test_statements_that_cannot_run_in_a_transaction_are_recognised(
    statement: str, needs: bool
) -> None:
    assert needs_own_transaction(statement) is needs


def test_statements_carry_the_line_they_start_on() -> None:
    sql = "-- note\ncreate table a (x int);\n\n  select 1; select 2;\n"
    assert [(s.text, s.line) for s in split_located(sql, source="l.sql")] == [
        ("create table a (x int)", 2),
        ("select 1", 4),
        ("select 2", 4),
    ]


@pytest.mark.parametrize(
    ("sql", "mode"),
    [
        ("create table a (x int);", Mode.ATOMIC),
        ("begin;\ncreate table a (x int);\ncommit;", Mode.WRAPPED),
        ("-- c\nstart transaction;\nselect 1;\nend;\n-- done\n", Mode.WRAPPED),
        ("savepoint s;\nselect 1;\nrelease s;", Mode.ATOMIC),
        ("create index concurrently i on t (x);\nselect 1;", Mode.OUTSIDE),
    ],
)
def test_a_file_s_shape_decides_how_it_runs(sql: str, mode: Mode) -> None:
    assert analyse(sql, source="s.sql").mode is mode


def test_a_wrapped_file_runs_its_body_and_keeps_its_begin() -> None:
    script = analyse(
        "begin isolation level serializable;\nset transaction read only;\nselect 1;\ncommit;",
        source="w.sql",
    )
    assert script.begin == "begin isolation level serializable"
    assert [step.text for step in script.prelude] == ["set transaction read only"]
    assert [(step.number, step.text) for step in script.body] == [(3, "select 1")]
    assert script.statements[0] == "begin isolation level serializable"


def test_a_savepoint_in_a_file_that_runs_outside_a_transaction_is_refused() -> None:
    with pytest.raises(MigrationFileError, match=r"s\.sql, line 1: 'savepoint s' needs a tr"):
        analyse("savepoint s;\ncreate index concurrently i on t (x);", source="s.sql")


def test_an_enum_value_renamed_is_not_an_added_one() -> None:
    sql = "alter type e rename value 'a' to 'b';\nselect 'b'::e;"
    assert analyse(sql, source="e.sql").mode is Mode.ATOMIC
