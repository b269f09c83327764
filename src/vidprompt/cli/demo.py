"""``vidprompt demo``: the whole job on the local database, from an image to three prompts."""

from __future__ import annotations

from pathlib import Path

from vidprompt.cli._common import AnyWorkdir  # noqa: TC001 - Typer reads it at run time


def demo(workdir: AnyWorkdir = Path()) -> None:
    """Show the whole job on the local database: one image becomes three video prompts.

    Starts the local database (created on first use, no Docker), pushes supabase/migrations
    (in a folder without one: vidprompt's example project, in a temporary folder removed
    afterwards, database included),
    creates a demo user, a collection and an image (a sample PNG in local storage),
    requests three variants with different camera styles and film effects, runs a worker
    until they are written, prints them, marks the second as primary, then deletes the image
    and shows that nothing of it is left. Gemini writes the prompts when GEMINI_API_KEY is
    set, otherwise the offline template (not AI) does; the output says which.

    Example: vidprompt demo
    """
    from vidprompt.cli._demo import run_demo  # slow to import: the providers

    run_demo(workdir)
