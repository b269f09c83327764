"""The access line is the same whether it is written directly or as a record."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from vidprompt.api._logging import (
    JsonFormatter,
    JsonLines,
    configure_logging,
    log_request,
    request_id_var,
    timestamp,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

FIELDS = {"method": "GET", "path": "/images", "status": 200, "duration_ms": 1.5, "user_id": None}


@pytest.fixture
def stream(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """What ``configure_logging`` (as ``vidprompt serve`` calls it) writes to stderr."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    written = io.StringIO()
    monkeypatch.setattr("sys.stderr", written)
    configure_logging()
    token = request_id_var.set("trace-9")
    yield written
    request_id_var.reset(token)
    root.handlers[:], root.level = handlers, level


def _alone() -> None:
    """Only the handler ``configure_logging`` made, as in ``vidprompt serve``: pytest adds
    its own handlers to the root logger for each phase of a test."""
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if isinstance(h, JsonLines)]


def _lines(written: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in written.getvalue().splitlines()]


class _Kept(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def filter(self, record: logging.LogRecord) -> bool:
        self.records.append(record)
        return True


def test_the_direct_line_is_the_line_the_handler_writes_for_the_record(
    stream: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    _alone()
    logger = logging.getLogger("vidprompt.api")
    (handler,) = logging.getLogger().handlers
    handled: list[logging.LogRecord] = []
    monkeypatch.setattr(handler, "handle", handled.append)
    log_request(logger, FIELDS)
    monkeypatch.delattr(handler, "handle")  # the class's own again
    assert handled == []  # written directly: no record went to the handler
    kept = _Kept()
    logger.addFilter(kept)  # a filter on the way: the line goes as a record
    try:
        log_request(logger, FIELDS)
    finally:
        logger.removeFilter(kept)
    direct, as_record = _lines(stream)
    assert len(kept.records) == 1
    assert {direct.pop("time"), as_record.pop("time")} != {None}
    assert direct == as_record
    expected = {"level": "info", "logger": "vidprompt.api", "message": "request"}
    assert direct == expected | {"request_id": "trace-9"} | FIELDS
    assert json.loads(JsonFormatter().format(kept.records[0])).keys() == direct.keys() | {"time"}


def test_another_handler_gets_an_ordinary_record_and_a_silenced_logger_writes_nothing(
    stream: io.StringIO,
) -> None:
    _alone()
    logger = logging.getLogger("vidprompt.api")
    kept, other = _Kept(), logging.StreamHandler(io.StringIO())
    other.addFilter(kept)  # an application's handler: it sees each record it is given
    logger.addHandler(other)
    try:
        log_request(logger, FIELDS)
    finally:
        logger.removeHandler(other)
    assert [r.getMessage() for r in kept.records] == ["request"]
    assert len(_lines(stream)) == 1  # and the JSON handler still wrote its line
    logger.setLevel(logging.WARNING)
    try:
        log_request(logger, FIELDS)
    finally:
        logger.setLevel(logging.NOTSET)
    assert len(_lines(stream)) == 1


class _FailsOnce(io.StringIO):
    """A stream whose first ``flush`` fails after ``write`` took the line (a full disk), or,
    with ``partial``, whose first ``write`` takes half the line and fails (a full pipe)."""

    def __init__(self, *, partial: bool) -> None:
        super().__init__()
        self.partial = partial
        self.writes = self.flushes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        if self.partial and self.writes == 1:
            super().write(text[: len(text) // 2])
            raise BlockingIOError(11, "write could not complete without blocking", len(text) // 2)
        return super().write(text)

    def flush(self) -> None:
        self.flushes += 1
        if not self.partial and self.flushes == 1:
            raise OSError(28, "No space left on device")


@pytest.mark.parametrize("partial", [False, True], ids=["flush fails", "write stalls"])
def test_a_failing_stream_is_reported_once_and_never_gets_the_line_twice(
    stream: io.StringIO, partial: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    _alone()
    (handler,) = logging.getLogger().handlers
    assert isinstance(handler, JsonLines)
    failing = _FailsOnce(partial=partial)
    handler.setStream(failing)
    log_request(logging.getLogger("vidprompt.api"), FIELDS)
    assert failing.writes == 1  # the line is not written again after the error
    assert failing.getvalue().count('"duration_ms"') <= 1
    assert "--- Logging error ---" in capsys.readouterr().err  # as logging reports it


def test_an_application_s_record_factory_reaches_the_access_line(stream: io.StringIO) -> None:
    """OpenTelemetry's logging instrumentation, for one, adds the trace id in a factory."""
    _alone()
    factory = logging.getLogRecordFactory()

    def traced(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        record.otelTraceID = "abc123"
        return record

    logging.setLogRecordFactory(traced)
    try:
        log_request(logging.getLogger("vidprompt.api"), FIELDS)
    finally:
        logging.setLogRecordFactory(factory)
    assert [line.get("otelTraceID") for line in _lines(stream)] == ["abc123"]


@given(st.floats(min_value=0, max_value=4e9, allow_nan=False))
@example(1796309625.9999996)  # rounds up into the next second
@example(1796309625.1239996)  # rounds up into the next millisecond
@example(1796309625.0)
def test_a_lines_time_is_the_datetimes_own_text(created: float) -> None:
    expected = datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")
    assert timestamp(created) == expected
