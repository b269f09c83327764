"""Names that cannot escape their bucket (F2), addresses that are really public (F9), and
log lines without secrets (F12): the rules themselves, at the API's input and the worker's."""

from __future__ import annotations

import logging

import pytest
from pydantic import ValidationError

from vidprompt.api._schemas import ImageCreate
from vidprompt.errors import InvalidObjectName
from vidprompt.generation._logs import RedactUrls, redact
from vidprompt.storage import (
    check_bucket,
    check_object_name,
    is_public_address,
    object_url_path,
)

USER = "6f1c2b9e-0000-4000-8000-000000000001"

ESCAPES = [
    "",
    "..",
    ".",
    f"{USER}/../other/x.png",
    f"{USER}/./x.png",
    f"{USER}//x.png",
    f"{USER}/",
    "/etc/passwd",
    f"{USER}\\..\\x.png",
    f"{USER}/%2e%2e/%2E%2e/auth/v1/admin/users",
    f"{USER}/%252e%252e/x.png",
    f"{USER}/a%2fb.png",
    f"{USER}/a%5cb.png",
    f"{USER}/x\x00.png",
    f"{USER}/x\n.png",
    f"{USER}/x\u202e.png",
    f"{USER}/%ff.png",
    "x" * 1025,
]
FINE = [f"{USER}/i.png", f"{USER}/mein bild.png", f"{USER}/a/b/c.webp", f"{USER}/50%.png"]


@pytest.mark.parametrize("name", ESCAPES)
def test_names_that_could_leave_their_bucket_are_refused(name: str) -> None:
    with pytest.raises(InvalidObjectName):
        check_object_name(name)


@pytest.mark.parametrize("name", FINE)
def test_ordinary_names_are_kept_as_they_are(name: str) -> None:
    assert check_object_name(name) == name


@pytest.mark.parametrize("bucket", ["", ".", "..", "a/b", "%2e%2e", "a\\b"])
def test_bucket_is_one_plain_segment(bucket: str) -> None:
    with pytest.raises(InvalidObjectName):
        check_bucket(bucket)
    assert check_bucket("generated_images") == "generated_images"


def test_storage_urls_are_built_one_encoded_segment_at_a_time() -> None:
    path = object_url_path("generated_images", f"{USER}/a b/c#d?e=f&g%.png")
    assert path == f"generated_images/{USER}/a%20b/c%23d%3Fe%3Df%26g%25.png"


@pytest.mark.parametrize("name", ESCAPES[1:-1])
def test_the_api_refuses_them_when_an_image_is_recorded(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ImageCreate(url="https://cdn.example.test/x.png", storage_path=name)
    assert caught.value.errors()[0]["loc"] == ("storage_path",)


@pytest.mark.parametrize("name", FINE)
def test_the_api_records_ordinary_names(name: str) -> None:
    assert ImageCreate(url="https://cdn.example.test/x.png", storage_path=name).storage_path == name


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "169.254.169.254",
        "0.0.0.0",  # noqa: S104 - an address under test, nothing binds it
        "224.0.0.1",
        "::1",
        "::",
        "fe80::1%eth0",
        "fd00::1",
        "::127.0.0.1",  # IPv4-compatible
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:169.254.169.254",
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "64:ff9b:1::808:808",  # local-use NAT64
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
        "not an address",
    ],
)
def test_private_addresses_are_refused_in_every_spelling(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "2606:4700:4700::1111",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:808:808::1",
        "2001:0:4136:e378:8000:63bf:f7f7:f7f7",  # Teredo, client 8.8.8.8
    ],
)
def test_public_addresses_pass_in_every_spelling(address: str) -> None:
    assert is_public_address(address)


def test_urls_in_log_lines_lose_query_fragment_and_credentials() -> None:
    line = 'HTTP Request: GET https://u:pw@cdn.test/a/b.png?token=SECRET#x "HTTP/1.1 200 OK"'
    assert redact(line) == 'HTTP Request: GET https://cdn.test/a/b.png?… "HTTP/1.1 200 OK"'
    assert redact("no url here") == "no url here"


def test_the_filter_rewrites_a_records_message_and_keeps_it() -> None:
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "HTTP Request: %s %s", ("GET", "http://h/p?k=S"), None
    )
    assert RedactUrls().filter(record)
    assert record.getMessage() == "HTTP Request: GET http://h/p?…"
