"""The video prompt store: typed, user-scoped operations where Postgres decides who sees what.

Open a :class:`Store` (async) or :class:`SyncStore` (blocking, for scripts), then pass a
:class:`Scope` to every call::

    async with Store() as store:                          # DATABASE_URL or the local database
        me = Scope.from_claims(verified_jwt_claims)        # or Scope.user(user_id)
        image = await store.create_image(me, url=..., storage_path=...)
        draft = await store.create_variant(me, image.id, {"prompt_text": "…"}, model_name="manual")
        for variant in await store.list_variants(me, image.id):
            print(f"{variant.position} of {variant.total}: {variant.prompt_text}")

Scopes: ``Scope.user(id)`` / ``Scope.from_claims(claims)`` run as ``authenticated`` with the
claims set transaction-locally as Supabase's Data API sets them; ``Scope.anonymous()`` is
``anon`` (refused everything here); ``Scope.service()`` is ``service_role`` (bypasses RLS, for
workers), never chosen for you.

Operations (all ``async`` on Store, blocking on SyncStore; ``scope`` first, data keyword-only):

- images: ``create_image``, ``get_image``, ``list_images`` (newest first, :class:`Page`),
  ``delete_image`` (its variants go with it);
- variants: ``create_variant`` (``draft`` or ``pending``, with :class:`VariantInputs` or a
  mapping of its fields), ``list_variants`` (documented order, each a :class:`Variant` with
  ``position`` and ``total``), ``page_variants`` (the same in keyset pages,
  :class:`VariantPage`; ``page_variant_rows``: the same as plain rows, :class:`VariantRows`,
  for encoding straight to JSON), ``get_variant``, ``update_variant`` (the inputs to change),
  ``mark_primary`` (exactly one per image), ``delete_variant``;
- idempotent requests: ``claim_request`` (a user's key, 24 hours; :class:`RequestClaim`),
  ``finish_request``, ``release_request``.

A variant's status moves ``draft``, or ``pending -> completed | failed``: a ``pending`` variant
is made only by :func:`vidprompt.generation.enqueue_generation` (with its job, in one
transaction under the per-user cap; the HTTP API uses it), and only the generation worker
completes or fails it. Generating again makes a new variant and keeps the old.

Rows are the generated models of :mod:`vidprompt.db_types` (``ImagesRow``,
``VideoPromptsRow``). Errors are the family of :mod:`vidprompt.errors`: ``NotFound`` (also for
another user's row), ``InvalidInput`` (``.field`` names the input), ``Conflict``,
``PermissionDenied``, ``DatabaseUnavailable`` (``DatabaseBusy``: no free connection),
``StatementTimeout``; never a psycopg error. :mod:`vidprompt.prompts.vocabulary` is the one
vocabulary: camera styles, film effects, their German labels, and the input rules;
``word_count`` and ``length_feedback`` are the one definition of a prompt's length rating.
"""

from __future__ import annotations

from vidprompt.database import Scope
from vidprompt.errors import (
    DatabaseBusy,
    IdempotencyKeyReused,
    PermissionDenied,
    RequestInProgress,
    StatementTimeout,
)
from vidprompt.prompts._length import (
    LONG_WORDS_MAX,
    OPTIMAL_WORDS,
    LengthFeedback,
    length_feedback,
    word_count,
)
from vidprompt.prompts._models import (
    DEFAULT_VARIANT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    MAX_VARIANT_PAGE_SIZE,
    GenerationInputs,
    Page,
    Variant,
    VariantInputs,
    VariantPage,
    VariantRows,
)
from vidprompt.prompts._requests import RequestClaim
from vidprompt.prompts._store import Store
from vidprompt.prompts._sync import SyncStore
from vidprompt.prompts.vocabulary import (
    ACTION_SUGGESTIONS,
    CAMERA_STYLES,
    DEFAULT_CAMERA_STYLE,
    FILM_EFFECTS,
    MAX_FILM_EFFECTS,
    MAX_INSTRUCTION_CHARS,
    MAX_PROMPT_CHARS,
    CameraStyle,
    FilmEffect,
    Term,
)

__all__ = [
    "ACTION_SUGGESTIONS",
    "CAMERA_STYLES",
    "DEFAULT_CAMERA_STYLE",
    "DEFAULT_VARIANT_PAGE_SIZE",
    "FILM_EFFECTS",
    "LONG_WORDS_MAX",
    "MAX_FILM_EFFECTS",
    "MAX_INSTRUCTION_CHARS",
    "MAX_PAGE_SIZE",
    "MAX_PROMPT_CHARS",
    "MAX_VARIANT_PAGE_SIZE",
    "OPTIMAL_WORDS",
    "CameraStyle",
    "DatabaseBusy",
    "FilmEffect",
    "GenerationInputs",
    "IdempotencyKeyReused",
    "LengthFeedback",
    "Page",
    "PermissionDenied",
    "RequestClaim",
    "RequestInProgress",
    "Scope",
    "StatementTimeout",
    "Store",
    "SyncStore",
    "Term",
    "Variant",
    "VariantInputs",
    "VariantPage",
    "VariantRows",
    "length_feedback",
    "vocabulary",
    "word_count",
]
