"""The catalog's named queries, in sql/catalog.sql."""

from __future__ import annotations

from vidprompt.database import named_queries

catalog_queries = named_queries("vidprompt.sql", "catalog.sql")
