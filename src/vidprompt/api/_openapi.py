"""The OpenAPI document: every error response is a ``Problem`` as application/problem+json."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from fastapi.openapi.utils import get_openapi

from vidprompt.api._problems import PROBLEM_MEDIA_TYPE, FieldError, Problem

if TYPE_CHECKING:
    from fastapi import FastAPI

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# Errors any operation can answer with: framework-level, before or after the route runs;
# and those of an operation with a body (400: the body is not UTF-8 JSON at all).
_ANY_OPERATION = (413, 500)
_WITH_BODY = (400,)


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries documenting problem responses with these statuses."""
    return {
        status: {
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}},
        }
        for status in statuses
    }


def install_openapi(app: FastAPI) -> None:
    """Generate the document once, with the Problem schemas and the errors of every operation."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for model in (FieldError, Problem):
                schemas[model.__name__] = model.model_json_schema(
                    ref_template="#/components/schemas/{model}"
                )
            schemas["Problem"].pop("$defs", None)
            for path in document["paths"].values():
                for operation in path.values():
                    statuses = _ANY_OPERATION + (_WITH_BODY if "requestBody" in operation else ())
                    for status, response in problems(*statuses).items():
                        operation["responses"].setdefault(str(status), response)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
