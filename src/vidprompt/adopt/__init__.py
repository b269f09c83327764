"""Adding the feature to a Supabase project: its migrations as templates, and ``init``."""

from __future__ import annotations

from vidprompt.adopt._init import InitResult, init_project
from vidprompt.adopt._templates import (
    Layout,
    example_migrations,
    feature_migrations,
    write_example,
)
from vidprompt.errors import ProjectNotReady

__all__ = [
    "InitResult",
    "Layout",
    "ProjectNotReady",
    "example_migrations",
    "feature_migrations",
    "init_project",
    "write_example",
]
