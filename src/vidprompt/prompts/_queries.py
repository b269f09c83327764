"""The store's named queries, in sql/store.sql."""

from __future__ import annotations

from vidprompt.database import named_queries

queries = named_queries("vidprompt.sql", "store.sql")
