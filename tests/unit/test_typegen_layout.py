"""The pieces of type generation that need no database: layout, order, names, checks."""

from __future__ import annotations

from vidprompt.schema._checks import Narrowing, narrowings
from vidprompt.schema._collation import collation_key
from vidprompt.schema._layout import LINE, SOFTLINE, Group, IfBreak, Indent, join, render
from vidprompt.schema._model import Column, Constraint, Relation, TypeRef
from vidprompt.schema._python import pascal
from vidprompt.schema._typescript import _key, _string


def _union(members: list[str]) -> Group:
    return Group(Indent([IfBreak([LINE, "| "]), join([LINE, "| "], list(members))]))


def test_a_union_that_fits_stays_on_one_line() -> None:
    assert render(["mood: ", _union(['"happy"', '"calm"'])]) == 'mood: "happy" | "calm"'


def test_a_union_past_80_columns_breaks_into_leading_bars() -> None:
    members = [f'"value_number_{i}"' for i in range(6)]
    text = render(["kind: ", _union(members)])
    assert text.splitlines()[0] == "kind:"
    assert text.splitlines()[1:] == [f"  | {m}" for m in members]


def test_exactly_80_columns_still_fits() -> None:
    word = "x" * 73  # a: ["x…x"] is exactly 80 columns
    assert render(["a: ", Group(["[", Indent([SOFTLINE, f'"{word}"']), SOFTLINE, "]"])]) == (
        f'a: ["{word}"]'
    )
    assert "\n" in render(["ab: ", Group(["[", Indent([SOFTLINE, f'"{word}"']), SOFTLINE, "]"])])


def test_names_sort_like_javascripts_english_collator() -> None:
    names = ["shots", "shot_covers", "Zebra", "zebra", "a1", "a_b", "ab", "Display Title"]
    assert sorted(names, key=collation_key) == [
        "a_b", "a1", "ab", "Display Title", "shot_covers", "shots", "zebra", "Zebra",
    ]  # fmt: skip


def test_keys_are_bare_identifiers_or_quoted_like_the_formatter() -> None:
    assert _key("video_prompts") == "video_prompts"
    assert _key("from") == "from"
    assert _key("Display Title") == '"Display Title"'
    assert _key("it's") == '"it\'s"'
    assert _string('say "hi"') == "'say \"hi\"'"


def test_python_names_are_pascal_case() -> None:
    assert pascal("video_prompts") == "VideoPrompts"
    assert pascal("camera_style") == "CameraStyle"
    assert pascal("2fa codes") == "T2faCodes"


def _relation(*checks: str) -> Relation:
    text = TypeRef("pg_catalog", "text", "b")
    column = Column("status", 1, "text", text, False, None, "", "", True, None)
    constraints = tuple(Constraint(f"c{i}", "c", ("status",), "", e) for i, e in enumerate(checks))
    return Relation("public", "t", "r", (column,), constraints=constraints)


def test_in_checks_become_sorted_values_and_length_checks_limits() -> None:
    found = narrowings(
        _relation(
            "(status = ANY (ARRAY['b'::text, 'a'::text]))",
            "((char_length(status) <= 20) AND (char_length(status) >= 1))",
        )
    )
    assert found == {"status": Narrowing(values=("a", "b"), max_length=20, min_length=1)}


def test_checks_that_are_not_understood_narrow_nothing() -> None:
    assert narrowings(_relation("((status = 'a'::text) OR (status = 'b'::text))")) == {}
    assert narrowings(_relation("(lower(status) = ANY (ARRAY['a'::text]))")) == {}
