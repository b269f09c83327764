"""FastAPI's native OpenTelemetry: off unless VIDPROMPT_OPENTELEMETRY asks for it.

A provider is configured globally here (as ``opentelemetry-instrument`` or an app's own
set-up would), recording the name of each span started through it.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest
from opentelemetry import trace

from tests.integration.api.conftest import bearer

if TYPE_CHECKING:
    from collections.abc import Callable

    from fastapi.testclient import TestClient


class _RecordingSpan(trace.NonRecordingSpan):
    """Keeps its name in the provider's list, as started and as renamed (FastAPI names a
    server span by its route once routing has found it)."""

    def __init__(self, name: str, names: list[str]) -> None:
        super().__init__(trace.INVALID_SPAN_CONTEXT)
        self._names, self._index = names, len(names)
        names.append(name)

    def update_name(self, name: str) -> None:
        self._names[self._index] = name

    def is_recording(self) -> bool:
        return True


class _RecordingTracer(trace.NoOpTracer):
    def __init__(self, names: list[str]) -> None:
        self._names = names

    def start_span(self, name: str, *args: Any, **kwargs: Any) -> trace.Span:
        return _RecordingSpan(name, self._names)


class _RecordingProvider(trace.TracerProvider):
    def __init__(self) -> None:
        self.names: list[str] = []

    def get_tracer(self, *args: Any, **kwargs: Any) -> trace.Tracer:
        return _RecordingTracer(self.names)


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> _RecordingProvider:
    recording = _RecordingProvider()
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: recording)
    return recording


def test_requests_make_no_spans_by_default(
    make_client: Callable[..., TestClient], provider: _RecordingProvider
) -> None:
    assert make_client().get("/health").status_code == 200
    assert provider.names == []


def test_requests_make_spans_through_the_configured_provider_when_asked(
    make_client: Callable[..., TestClient], provider: _RecordingProvider
) -> None:
    assert make_client(opentelemetry=True).get("/health").status_code == 200
    # The request's server span first, then FastAPI's spans of its steps.
    assert provider.names[:1] == ["GET /health"]


def test_the_busiest_reads_name_their_route_when_traced(
    make_client: Callable[..., TestClient], provider: _RecordingProvider, alice: uuid.UUID
) -> None:
    """Their fast lanes (which skip FastAPI's routing) stay out while tracing."""
    client = make_client(opentelemetry=True)
    for path in (f"/images/{uuid.uuid4()}/variants", f"/variants/{uuid.uuid4()}"):
        assert client.get(path, headers=bearer(alice)).status_code == 404
    assert [name for name in provider.names if name.startswith("GET ")] == [
        "GET /images/{image_id}/variants",
        "GET /variants/{variant_id}",
    ]
