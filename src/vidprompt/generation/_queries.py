"""The generation queue's and the suggestions' named queries, beside this module."""

from __future__ import annotations

from vidprompt.database import named_queries

queries = named_queries("vidprompt.generation", "queries.sql")
suggestion_queries = named_queries("vidprompt.generation", "suggestions.sql")
