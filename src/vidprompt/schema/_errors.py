"""Errors of the schema tools, in the family of :mod:`vidprompt.errors`."""

from __future__ import annotations

from vidprompt.errors import VidpromptError


class TypegenError(VidpromptError):
    """The types cannot be generated from this schema."""


class StaleTypes(VidpromptError):
    """The generated type files differ from what the database's schema gives."""
