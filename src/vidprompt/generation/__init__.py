"""Prompt generation: providers, image sources, the job queue and its worker.

For the HTTP API, a generation request is one call, in any async context::

    variant = await enqueue_generation(
        store.database,             # the store's Database (pool)
        Scope.from_claims(claims),  # the verified caller; never taken from the body
        image_id,                   # uuid.UUID: must be the caller's image, else NotFound
        {"user_instruction": "lächeln", "camera_style": "zoom_in", "film_effects": ["noir"]},
        settings=settings,          # vidprompt.config.Settings (the cap, the expected model)
    )                               # -> db_types.VideoPromptsRow, status "pending"

The inputs are a ``GenerationInputs`` or a mapping of its fields (instruction at most 500
characters, a camera style key, default ``"statisch"``, at most 3 distinct film effects).

It raises ``QuotaExceeded`` (HTTP 429) when the user has
``settings.max_unfinished_jobs_per_user`` unfinished requests, ``NotFound`` (404) for a
missing or foreign image, ``InvalidInput`` (422, with ``.field``) for a bad value,
``AuthError`` (401) for any scope but a signed-in user's. The variant is then completed or
failed by a worker: ``vidprompt worker``, or in-process with
``worker = build_worker(url, settings=..., workdir=...)``, ``await worker.start()`` at
start-up and ``await worker.close()`` at shutdown.

A user's own Gemini key is saved with ``await save_api_key(db, scope, key, settings=...)``
(encrypted with ``VIDPROMPT_ENCRYPTION_KEY``); workers then use it for that user's requests.
"""

from __future__ import annotations

from vidprompt.errors import TRANSIENT, ErrorCode, GenerationError, InvalidObjectName
from vidprompt.errors import SuggestionsReason as UnavailableReason
from vidprompt.generation._choice import ProviderChoice
from vidprompt.generation._enqueue import enqueue_generation
from vidprompt.generation._gemini import SYSTEM_INSTRUCTION, GeminiProvider, user_message
from vidprompt.generation._provider import (
    PROMPT_MAX_CHARS,
    GeneratedPrompt,
    PromptRequest,
    Provider,
    accept_output,
)
from vidprompt.generation._retry import RetryPolicy, call_with_retries
from vidprompt.generation._secrets import KeyCipher, new_server_key, save_api_key
from vidprompt.generation._setup import (
    build_worker,
    image_sources,
    local_storage,
    run_worker,
    sample_image,
)
from vidprompt.generation._suggestions import (
    ActionSuggester,
    ActionSuggestions,
)
from vidprompt.generation._template import MODEL_NAME as TEMPLATE_MODEL_NAME
from vidprompt.generation._template import TemplateProvider
from vidprompt.generation._worker import JobEvent, Worker, WorkerOptions
from vidprompt.prompts import word_count  # the one definition; kept here for old callers
from vidprompt.storage import (  # where images come from; kept here for old callers
    BUCKET,
    NOT_IN_STORAGE,
    FirstFound,
    HttpSource,
    ImageData,
    ImageRef,
    ImageSource,
    LocalStorage,
    OwnersObjects,
    SupabaseStorage,
    check_bucket,
    check_object_name,
)

__all__ = [
    "BUCKET",
    "NOT_IN_STORAGE",
    "PROMPT_MAX_CHARS",
    "SYSTEM_INSTRUCTION",
    "TEMPLATE_MODEL_NAME",
    "TRANSIENT",
    "ActionSuggester",
    "ActionSuggestions",
    "ErrorCode",
    "FirstFound",
    "GeminiProvider",
    "GeneratedPrompt",
    "GenerationError",
    "HttpSource",
    "ImageData",
    "ImageRef",
    "ImageSource",
    "InvalidObjectName",
    "JobEvent",
    "KeyCipher",
    "LocalStorage",
    "OwnersObjects",
    "PromptRequest",
    "Provider",
    "ProviderChoice",
    "RetryPolicy",
    "SupabaseStorage",
    "TemplateProvider",
    "UnavailableReason",
    "Worker",
    "WorkerOptions",
    "accept_output",
    "build_worker",
    "call_with_retries",
    "check_bucket",
    "check_object_name",
    "enqueue_generation",
    "image_sources",
    "local_storage",
    "new_server_key",
    "run_worker",
    "sample_image",
    "save_api_key",
    "user_message",
    "word_count",
]
