"""Keys the app stored itself: ``iv:tag:ciphertext`` hex, AES-256-GCM with ENCRYPTION_SECRET."""

from __future__ import annotations

import os
import uuid

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tests.integration.generation._world import make_settings
from vidprompt.errors import ConfigError
from vidprompt.generation import ErrorCode, GenerationError, KeyCipher, new_server_key

ALICE = uuid.uuid4()
SECRET = os.urandom(32).hex()


def app_encrypt(plaintext: str, secret: str = SECRET) -> str:
    """What the app's Node code stores: IV, auth tag and ciphertext, each as hex."""
    iv = os.urandom(12)
    sealed = AESGCM(bytes.fromhex(secret)).encrypt(iv, plaintext.encode(), None)
    return f"{iv.hex()}:{sealed[-16:].hex()}:{sealed[:-16].hex()}"


def test_a_key_the_app_stored_decrypts_with_its_secret() -> None:
    cipher = KeyCipher(None, app_secret=SECRET, writes="app")
    assert cipher.decrypt(app_encrypt("AIzaSy-app-kept"), ALICE) == "AIzaSy-app-kept"
    assert cipher.decrypt(app_encrypt("AIzaSy-app-kept").upper(), ALICE) == "AIzaSy-app-kept"


def test_both_formats_are_read_and_the_setting_picks_the_one_written() -> None:
    server_key = new_server_key()
    own = KeyCipher(server_key, app_secret=SECRET)
    app = KeyCipher(server_key, app_secret=SECRET, writes="app")

    written_own, written_app = own.encrypt("k-own", ALICE), app.encrypt("k-app", ALICE)

    assert written_own.startswith("v1.")
    assert "k-app" not in written_app
    iv, tag, ciphertext = written_app.split(":")
    assert (len(bytes.fromhex(iv)), len(bytes.fromhex(tag))) == (12, 16)
    # The app reads what vidprompt wrote in its format, with its own code's recipe.
    plain = AESGCM(bytes.fromhex(SECRET)).decrypt(
        bytes.fromhex(iv), bytes.fromhex(ciphertext) + bytes.fromhex(tag), None
    )
    assert plain == b"k-app"
    for cipher in (own, app):
        assert cipher.decrypt(written_own, ALICE) == "k-own"
        assert cipher.decrypt(written_app, ALICE) == "k-app"


def test_settings_read_the_apps_variable() -> None:
    settings = make_settings(encryption_secret=SECRET, key_format="app")
    assert KeyCipher.from_settings(settings).decrypt(app_encrypt("kk"), ALICE) == "kk"


@pytest.mark.parametrize(
    ("stored", "cipher", "named"),
    [
        (
            app_encrypt("k", os.urandom(32).hex()),
            KeyCipher(None, app_secret=SECRET, writes="app"),
            "does not decrypt with ENCRYPTION_SECRET",
        ),
        (
            app_encrypt("k")[:-2] + "00",
            KeyCipher(None, app_secret=SECRET, writes="app"),
            "does not decrypt with ENCRYPTION_SECRET",
        ),
        (app_encrypt("k"), KeyCipher(new_server_key()), "no ENCRYPTION_SECRET"),
        (
            KeyCipher(new_server_key()).encrypt("k", ALICE),
            KeyCipher(None, app_secret=SECRET, writes="app"),
            "no VIDPROMPT_ENCRYPTION_KEY",
        ),
        (
            "AIzaSy-plaintext",
            KeyCipher(None, app_secret=SECRET, writes="app"),
            "neither vidprompt's form",
        ),
        ("00:11:22", KeyCipher(None, app_secret=SECRET, writes="app"), "neither vidprompt's form"),
    ],
    # Named, not shown: the random keys would give each pytest-xdist worker other test ids.
    ids=["other-secret", "bad-tag", "no-app-secret", "no-server-key", "plaintext", "short"],
)
def test_an_undecryptable_key_names_the_format_problem(
    stored: str, cipher: KeyCipher, named: str
) -> None:
    with pytest.raises(GenerationError) as caught:
        cipher.decrypt(stored, ALICE)
    assert caught.value.code is ErrorCode.UNREADABLE_API_KEY
    assert named in caught.value.message
    assert SECRET not in caught.value.message


@pytest.mark.parametrize(
    "secret",
    ["", "abc", "z" * 64, SECRET[:-2], SECRET + "00"],
    ids=["empty", "short", "not-hex", "one-byte-short", "one-byte-long"],
)
def test_a_malformed_app_secret_is_a_config_error(secret: str) -> None:
    with pytest.raises(ConfigError, match="64 hex characters"):
        KeyCipher(None, app_secret=secret, writes="app")


def test_a_reader_needs_only_the_apps_secret_and_writing_needs_the_configured_one() -> None:
    reader = KeyCipher(None, app_secret=SECRET)  # writes vidprompt's format by default
    assert reader.decrypt(app_encrypt("kk"), ALICE) == "kk"
    with pytest.raises(ConfigError, match="server encryption key"):
        reader.encrypt("kk", ALICE)
    with pytest.raises(ConfigError, match="64 hex characters"):
        KeyCipher(new_server_key(), writes="app").encrypt("kk", ALICE)
