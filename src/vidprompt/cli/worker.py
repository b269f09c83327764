"""``vidprompt worker``: write the prompts of pending variants, until stopped."""

from __future__ import annotations

import logging
from pathlib import Path

import typer

from vidprompt.cli._common import DbUrl, Workdir, checked_settings, say_notice


def worker(
    db_url: DbUrl = None,
    workdir: Workdir = Path(),
    concurrency: int = typer.Option(
        4, "--concurrency", "-c", min=1, max=256, help="Jobs this worker does at the same time."
    ),
    grace: float = typer.Option(
        20.0,
        "--grace",
        min=0,
        help="Seconds in-flight jobs get to finish after SIGTERM before they are handed back.",
    ),
) -> None:
    """Generate the prompts of pending variants (the queue in generation_jobs), until stopped.

    Run as many workers on as many machines as you like: each job is done exactly once. A
    worker that dies has its jobs taken over when their lease runs out; SIGTERM or Ctrl-C
    lets in-flight jobs finish (or hands them back) first. Prompts are written by Gemini
    with the user's own key or GEMINI_API_KEY, else by the offline template (not AI).
    Behind Supabase's transaction pooler set VIDPROMPT_TRANSACTION_POOLER=1: the worker
    then polls instead of LISTENing.

    Example: vidprompt worker --concurrency 8 --db-url "$SUPABASE_DB_URL"
    """
    from vidprompt.database import private_dir, resolve_target

    # Imported here: the providers are slow to import, and other commands do not need them.
    from vidprompt.generation import build_worker, local_storage, run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    settings = checked_settings()
    target = resolve_target(db_url, workdir, settings, on_notice=say_notice)
    if target.local is not None:
        private_dir(local_storage(workdir).root)  # the local images: the owner's only
    run_worker(
        build_worker(
            target.url,
            settings=settings,
            workdir=workdir,
            concurrency=concurrency,
            shutdown_grace_s=grace,
        )
    )
