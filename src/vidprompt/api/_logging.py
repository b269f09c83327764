"""Structured logs: one JSON object per line, with the request id of the request at hand."""

from __future__ import annotations

import functools
import json
import logging
import math
import sys
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TextIO

import orjson

if TYPE_CHECKING:
    from collections.abc import Mapping

# The id of the request being handled, for every log record made while handling it.
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else was passed in ``extra`` and is logged too.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",  # uvicorn's copy of the message with terminal colours
}


def timestamp(created: float) -> str:
    """``created`` (seconds since the epoch) as ``datetime.fromtimestamp(created, UTC)
    .isoformat(timespec="milliseconds")`` writes it, rounded to microseconds as it rounds.

    Only the second is formatted as a datetime, once per second: formatting the whole
    datetime for each access line cost about 2% of a listing's CPU under load.
    """
    second = math.floor(created)
    micro = round((created - second) * 1e6)
    if micro == 1_000_000:
        second, micro = second + 1, 0
    return f"{_second(second)}.{micro // 1000:03d}+00:00"


@functools.lru_cache(maxsize=2)
def _second(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _entry(created: float, level: str, logger: str, message: str) -> dict[str, object]:
    """The fields every line starts with, in their order."""
    entry: dict[str, object] = {
        "time": timestamp(created),
        "level": level,
        "logger": logger,
        "message": message,
    }
    request_id = request_id_var.get()
    if request_id is not None:
        entry["request_id"] = request_id
    return entry


def _line(entry: dict[str, object]) -> str:
    try:  # one line per request: orjson writes it several times faster than json
        return orjson.dumps(entry, default=str).decode()
    except (TypeError, orjson.JSONEncodeError):  # e.g. an int beyond 64 bits
        return json.dumps(entry, default=str, ensure_ascii=False)


class JsonFormatter(logging.Formatter):
    """Formats a record as JSON: time, level, logger, message, request_id, extras, error."""

    def format(self, record: logging.LogRecord) -> str:
        entry = _entry(record.created, record.levelname.lower(), record.name, record.getMessage())
        entry |= {k: v for k, v in vars(record).items() if k not in _STANDARD}
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return _line(entry)


class JsonLines(logging.StreamHandler[TextIO]):
    """The handler :func:`configure_logging` installs: :class:`JsonFormatter` lines on a
    stream, which :func:`log_request` may also write to directly."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self.setFormatter(JsonFormatter())


def log_request(logger: logging.Logger, fields: Mapping[str, object]) -> None:
    """Log the access line of a request: message ``request`` with ``fields`` as extras.

    Where the record would reach only the :class:`JsonLines` handler that
    :func:`configure_logging` installed (no other handler or filter on the way, as
    ``vidprompt serve`` runs), the line is written to its stream directly. It is the line
    the handler would write, without making a record and passing it down the logger chain,
    which cost about a tenth of a variant listing's CPU under load. Under any other setup
    (an application's own handlers or record factory, pytest's capture), it is an ordinary
    record.
    """
    if not logger.isEnabledFor(logging.INFO):
        return
    handler = _only_handler(logger)
    if handler is None:
        logger.info("request", extra=fields)
        return
    entry = _entry(time.time(), "info", logger.name, "request")
    entry.update(fields)
    line = _line(entry)
    try:
        with handler.lock:  # type: ignore[union-attr]  # StreamHandler always makes one
            handler.stream.write(line + handler.terminator)
            handler.stream.flush()
    except Exception:  # a full disk, a closed pipe: reported as the handler reports it,
        # never written again (part of the line, or all of it, may have gone out)
        record = logger.makeRecord(logger.name, logging.INFO, "", 0, "request", (), None)
        handler.handleError(record)


def _only_handler(logger: logging.Logger) -> JsonLines | None:
    """The :class:`JsonLines` handler an INFO record of ``logger`` reaches, if it is the
    only handler it reaches, nothing on the way filters it and records are Python's own."""
    if logging.getLogRecordFactory() is not logging.LogRecord:
        return None  # an application's records carry more (a trace id): make one
    reached: list[logging.Handler] = []
    current: logging.Logger | None = logger
    while current is not None:
        if current.filters:
            return None
        reached += current.handlers
        current = current.parent if current.propagate else None
    if len(reached) != 1:
        return None
    handler = reached[0]
    if (
        type(handler) is not JsonLines
        or handler.filters
        or handler.level > logging.INFO
        or type(handler.formatter) is not JsonFormatter
    ):
        return None
    return handler


def configure_logging(level: int = logging.INFO) -> None:
    """Send vidprompt's and uvicorn's logs to stderr as JSON lines."""
    root = logging.getLogger()
    root.handlers[:] = [JsonLines(sys.stderr)]
    root.setLevel(level)
    # What no vidprompt line shows, so no record gathers it: Python's logging documents these
    # switches as the way to cut a record's cost (a few microseconds of every request).
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging._srcfile = None  # no caller's file and line: found by walking the stack
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
