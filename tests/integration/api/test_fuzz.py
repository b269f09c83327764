"""Property-based fuzzing of the API against its own OpenAPI document (schemathesis).

For every operation, generated requests (valid and invalid, with a real token) must never
get a 5xx, and every response must match the document: status, content type, schema.
Schemathesis also probes operations without the token and with a made-up one, which must
be refused. Valid path ids are replaced by rows that exist, so the fuzzing reaches the
store instead of stopping at 404. Kept small (``max_examples``) so the suite stays fast.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, cast

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.python.asgi import ASGIClient, shutdown_lifespans

from tests._support import create_image, create_prompt
from tests.integration.api._signing import SECRET, claims, hs256
from vidprompt.api import create_app
from vidprompt.config import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests._support import Conn

# The document does not depend on the database: this app only describes itself, never starts.
_DOCUMENT = create_app(
    Settings(_env_file=None, database_url="postgresql://unused", jwt_secret=SECRET)
).openapi()
schema = schemathesis.openapi.from_dict(_DOCUMENT)
schema.config.update(base_url="http://testserver")

USER = uuid.UUID("00000000-0000-4000-8000-00000000a11c")


@schema.auth(refresh_interval=None, retry_on=[])
class UserToken:
    """A valid access token of ``USER``, set by schemathesis itself, so it knows the token
    is genuine and leaves it out of its negative (invalid data) generation."""

    def get(self, case: schemathesis.Case[Any], ctx: object) -> str:
        return hs256(claims(USER))

    def set(self, case: schemathesis.Case[Any], data: str, ctx: object) -> None:
        case.headers["Authorization"] = f"Bearer {data}"


@pytest.fixture
def app_under_test(api_settings: Settings, admin: Conn, tmp_path: Path) -> Iterator[None]:
    """The app, started by schemathesis's own ASGI client, with ``USER`` signed up; requests
    and schemathesis's own probes reach it through ``schema.app``. Uploads go to the test's
    own folder, not the checkout's (where every worker would write)."""
    admin.execute(
        "insert into auth.users (id, email, aud, role) values"
        " (%s, 'fuzz@example.test', 'authenticated', 'authenticated')",
        [USER],
    )
    app = create_app(api_settings, workdir=tmp_path)
    schema.app = app
    with ASGIClient(cast("Any", app)):
        yield
    schema.app = None
    shutdown_lifespans()


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.usefixtures("app_under_test")
def test_no_server_errors_and_every_response_matches_the_document(
    case: schemathesis.Case[Any], admin: Conn
) -> None:
    case.operation.app = case.operation.schema.app = schema.app
    path = case.path_parameters
    if path and not (case.meta and case.meta.is_negative_at(ParameterLocation.PATH)):
        image = create_image(admin, USER)
        if "image_id" in path:
            path["image_id"] = str(image)
        if "variant_id" in path:
            path["variant_id"] = str(create_prompt(admin, USER, image))
    # A schema cannot say which strings are valid page cursors or that a URL is not blank,
    # so schema-valid data may still be refused (422): that check does not apply here.
    case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])
