"""The API's fast response bodies say exactly what its public models would say."""

from __future__ import annotations

import datetime
import json
import uuid
from zoneinfo import ZoneInfo

import pytest
from starlette.responses import Response

from vidprompt.api._responses import JSONBody, variant_body, variant_list_body
from vidprompt.api._schemas import VariantList, VariantPublic
from vidprompt.prompts import Variant, VariantRows

HOSTILE_TEXTS = [
    "",
    "ein Wort",
    'quote " backslash \\ newline \n tab \t nul-ish \x01 </script>',
    "emoji 🎬 and combining é, RTL \u202e, zero-width \u200b",
    " ".join(["wort"] * 151),
    "\u2028line separator\u2029 " * 30,
]


def _variant(text: str, moment: datetime.datetime, **changes: object) -> Variant:
    # Every column null unless set below: a nullable column added later needs no line here.
    row: dict[str, object] = dict.fromkeys(Variant.model_fields) | {
        "id": uuid.uuid4(),
        "image_id": uuid.uuid4(),
        "user_id": uuid.uuid4(),
        "prompt_text": text,
        "user_instruction": None,
        "model_name": "manual",
        "camera_style": "statisch",
        "film_effects": None,
        "status": "draft",
        "is_primary": None,
        "error_code": None,
        "error_message": None,
        "created_at": moment,
        "updated_at": moment,
        "seq": 7,
        "position": 1,
        "total": 2,
    }
    return Variant.model_validate(row | changes)


MOMENTS = [
    datetime.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC),
    datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=ZoneInfo("UTC")),
    datetime.datetime(2026, 6, 1, 12, 0, 0, 1, tzinfo=ZoneInfo("Europe/Berlin")),
]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
@pytest.mark.parametrize("moment", MOMENTS)
def test_a_variant_body_is_the_public_models_json(text: str, moment: datetime.datetime) -> None:
    variant = _variant(
        text, moment, film_effects=["grain"], is_primary=True, user_instruction="x\u0000y"
    )
    public = VariantPublic.model_validate(variant_body(vars(variant)))
    assert bytes(JSONBody(variant_body(vars(variant))).body) == public.model_dump_json().encode()


def test_missing_effects_and_primary_read_as_the_public_model_says() -> None:
    body = json.loads(bytes(JSONBody(variant_body(vars(_variant("a b", MOMENTS[0])))).body))
    assert (body["film_effects"], body["is_primary"], body["word_count"]) == ([], False, 2)
    assert body["length_feedback"] == "short"
    assert "seq" not in body


def test_a_page_body_is_the_list_models_json() -> None:
    items = [
        _variant(text, MOMENTS[0], position=n, total=6) for n, text in enumerate(HOSTILE_TEXTS, 1)
    ]
    image_id = uuid.uuid4()
    fast = variant_list_body(image_id, VariantRows([dict(vars(v)) for v in items], 6, "abc"))
    public = VariantList(
        image_id=image_id,
        total=6,
        items=[VariantPublic.model_validate(variant_body(vars(v))) for v in items],
        next_cursor="abc",
    )
    assert bytes(JSONBody(fast).body) == public.model_dump_json().encode()


@pytest.mark.parametrize(
    ("status", "headers"),
    [(200, None), (201, None), (202, {"Location": "/variants/x"}), (204, None), (304, None)],
)
def test_a_bodys_headers_are_starlettes_own(status: int, headers: dict[str, str] | None) -> None:
    content = {"wort": "ä", "n": 1}
    ours = JSONBody(content, status_code=status, headers=headers)
    theirs = Response(ours.body, status_code=status, headers=headers, media_type=ours.media_type)
    assert ours.raw_headers == theirs.raw_headers
