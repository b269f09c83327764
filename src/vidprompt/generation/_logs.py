"""Keeping secrets out of log lines: URLs are logged without their query or credentials.

httpx logs every request's URL at INFO. An image URL may be a signed URL whose query is
the token (``?token=...``), and a URL may carry ``user:password@``; neither may reach a log.
"""

from __future__ import annotations

import logging
import re

# The HTTP client the worker's requests go through (image downloads, google-genai), and the
# worker's own log, whose lines carry error messages. A filter applies to its own logger's
# records only, not to those of child loggers, hence exact names.
_LOGGERS = ("httpx", "vidprompt.worker")
_URL = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?:[^/\s@\"']*@)?(?P<rest>[^\s\"']*)")


def redact_url(url: str) -> str:
    """``url`` without credentials, query or fragment: ``https://host/path?…``."""
    match = _URL.fullmatch(url)
    return _redacted(match) if match else url


def redact(text: str) -> str:
    """Every URL in ``text`` redacted as :func:`redact_url` does."""
    return _URL.sub(_redacted, text)


def _redacted(match: re.Match[str]) -> str:
    rest = match["rest"]
    cut = min((index for index in (rest.find("?"), rest.find("#")) if index >= 0), default=-1)
    return match["scheme"] + (rest if cut < 0 else rest[:cut] + "?…")


class RedactUrls(logging.Filter):
    """Rewrites a record's message with its URLs redacted (and so keeps every record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


_FILTER = RedactUrls()


def redact_http_logs() -> None:
    """Install :class:`RedactUrls` on the worker's loggers (once; safe to call again)."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
