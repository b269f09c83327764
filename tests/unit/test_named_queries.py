"""The named-SQL loader: queries by name, and fragments written once for several of them."""

from __future__ import annotations

from vidprompt.database import parse_queries

FILE = """\
-- The file's own comment, before any block.

-- fragment: finish
-- The shared end.
select id from job;

-- name: first
with job as (select 1 as id)
{finish};

-- name: second
with job as (select 2 as id)
{finish}
"""


def test_a_fragment_fills_each_query_that_names_it_and_is_no_query_itself() -> None:
    queries = parse_queries(FILE)

    assert queries == {
        "first": b"with job as (select 1 as id)\n-- The shared end.\nselect id from job",
        "second": b"with job as (select 2 as id)\n-- The shared end.\nselect id from job",
    }


def test_braces_that_name_no_fragment_are_left_for_the_caller() -> None:
    queries = parse_queries("-- name: listing\nselect {inputs}, '{}'::text[] from t;\n")

    assert queries == {"listing": b"select {inputs}, '{}'::text[] from t"}
