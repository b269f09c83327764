"""FastAPI's native OpenTelemetry: off unless VIDPROMPT_OPENTELEMETRY asks for it.

A provider is configured globally here (as ``opentelemetry-instrument`` or an app's own
set-up would), recording the name of each span started through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from opentelemetry import trace

if TYPE_CHECKING:
    from collections.abc import Callable

    from fastapi.testclient import TestClient


class _RecordingTracer(trace.NoOpTracer):
    def __init__(self, names: list[str]) -> None:
        self._names = names

    def start_span(self, name: str, *args: Any, **kwargs: Any) -> trace.Span:
        self._names.append(name)
        return super().start_span(name, *args, **kwargs)


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
    assert provider.names[:1] == ["GET"]
