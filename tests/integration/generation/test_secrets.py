"""Users' API keys at rest: encrypted with the server key, bound to their user."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest

from vidprompt.errors import ConfigError
from vidprompt.generation import ErrorCode, GenerationError, KeyCipher, new_server_key

if TYPE_CHECKING:
    from collections.abc import Callable

ALICE, BOB = uuid.uuid4(), uuid.uuid4()


def test_round_trip_and_no_plaintext_at_rest() -> None:
    cipher = KeyCipher(new_server_key())
    stored = cipher.encrypt("AIzaSy-secret", ALICE)
    assert stored.startswith("v1.")
    assert "secret" not in stored
    assert cipher.encrypt("AIzaSy-secret", ALICE) != stored  # a fresh nonce each time
    assert cipher.decrypt(stored, ALICE) == "AIzaSy-secret"


@pytest.mark.parametrize(
    "spoil",
    [
        lambda stored, key: KeyCipher(key).decrypt(stored, BOB),  # copied to another user
        lambda stored, key: KeyCipher(new_server_key()).decrypt(stored, ALICE),  # other key
        lambda stored, key: KeyCipher(key).decrypt(stored[:-4] + "AAAA", ALICE),  # tampered
        lambda stored, key: KeyCipher(key).decrypt("AIzaSy-plaintext", ALICE),
        lambda stored, key: KeyCipher(key).decrypt("v1.%%%", ALICE),
    ],
)
def test_anything_else_is_an_unreadable_key_not_a_crash(spoil: Callable[[str, str], str]) -> None:
    key = new_server_key()
    stored = KeyCipher(key).encrypt("AIzaSy-secret", ALICE)
    with pytest.raises(GenerationError) as caught:
        spoil(stored, key)
    assert caught.value.code is ErrorCode.UNREADABLE_API_KEY
    assert "invalid API key" not in caught.value.message
    assert "secret" not in caught.value.message


@pytest.mark.parametrize("server_key", [None, "", "short", "x" * 44])
def test_a_missing_or_malformed_server_key_is_a_config_error(server_key: str | None) -> None:
    with pytest.raises(ConfigError):
        KeyCipher(server_key)
