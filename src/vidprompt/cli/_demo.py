"""What ``vidprompt demo`` does: the whole job on the local database, image to prompts."""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.padding import Padding
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.text import Text

from vidprompt.adopt import write_example
from vidprompt.cli._common import checked_settings, console, say_notice
from vidprompt.cli._demo_data import (
    DEMO_EMAIL,
    clear_leftovers,
    create_demo_image,
    ensure_demo_user,
)
from vidprompt.database import Scope, connect, local_server, private_dir, start_local
from vidprompt.errors import VidpromptError
from vidprompt.generation import (
    BUCKET,
    ProviderChoice,
    build_worker,
    enqueue_generation,
    local_storage,
)
from vidprompt.migrations import MIGRATIONS_DIR, LocalMigration, discover, push
from vidprompt.prompts import (
    CAMERA_STYLES,
    FILM_EFFECTS,
    Store,
    length_feedback,
    vocabulary,
    word_count,
)
from vidprompt.storage import image_traces, remove_object

if TYPE_CHECKING:
    import uuid

    from vidprompt.config import Settings
    from vidprompt.prompts import Variant

# Three requests that differ in camera style, film effects and instruction.
REQUESTS: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("zoom_in", ("golden_hour",), "lächeln"),
    ("orbit", ("noir", "dramatic"), "drehen"),
    ("statisch", ("dreamy", "soft"), None),
)
_WAIT_S = 600.0
# The app's colours for length feedback; short prompts get no warning, so no colour.
_FEEDBACK_COLOURS = {"short": "default", "optimal": "green", "long": "yellow", "too_long": "red"}


def run_demo(workdir: Path) -> None:
    """The demo's steps (see ``vidprompt demo --help``)."""
    migrations = discover(workdir).migrations
    if migrations:
        _demo(workdir, migrations)
        return
    # No project here: the packaged example project, in a folder that goes away afterwards.
    with tempfile.TemporaryDirectory(prefix="vidprompt-demo-") as folder:
        project = Path(folder)
        # Passable, not listable: as root the local database runs as a system user, which
        # must reach the project's .vidprompt/ (that folder itself stays private).
        project.chmod(0o711)
        write_example(project / MIGRATIONS_DIR)
        console().print(
            f"   (no supabase/migrations in {workdir}: using vidprompt's example project in a "
            "temporary folder, removed afterwards)"
        )
        try:
            _demo(project, discover(project).migrations)
        finally:
            local_server(project, checked_settings()).destroy()


def _demo(workdir: Path, migrations: list[LocalMigration]) -> None:
    settings = checked_settings()
    url = start_local(local_server(workdir, settings, on_notice=say_notice))
    _step(1, f"Local database running: {url}")
    with connect(url) as conn:
        pushed = push(conn, migrations).pushed
    _step(2, f"Migrations: {len(pushed)} applied" if pushed else "Migrations: up to date")
    user_id = ensure_demo_user(url)
    if not asyncio.run(_run(url, settings, workdir, user_id)):
        raise typer.Exit(1)


async def _run(url: str, settings: Settings, workdir: Path, user_id: uuid.UUID) -> bool:
    """The demo's steps on the store; False when a variant failed."""
    storage = local_storage(workdir)
    private_dir(storage.root)  # the demo's image: the owner's only
    scope = Scope.user(user_id)
    async with Store(url, settings=settings) as store:
        if cleared := await clear_leftovers(store, storage, user_id):
            console().print(f"   (removed {cleared} image(s) an interrupted earlier demo left)")
        image = await create_demo_image(store, storage, user_id)
        stored = storage.path_of(BUCKET, image.storage_path).relative_to(workdir)
        _step(3, f"Demo user {DEMO_EMAIL}, a collection, and an image in {stored}")
        choice = ProviderChoice(settings)
        _step(4, f"Requesting 3 variants; provider: {choice.describe()}")
        await choice.aclose()
        for camera_style, film_effects, instruction in REQUESTS:
            inputs = {
                "user_instruction": instruction,
                "camera_style": camera_style,
                "film_effects": film_effects,
            }
            await enqueue_generation(store.database, scope, image.id, inputs, settings=settings)
        variants = await _generate(store, scope, image.id, url, settings, workdir)
        _step(5, "The image's variants, in order:")
        for variant in variants:
            _show(variant)
        ok = all(variant.status == "completed" for variant in variants)
        second = await store.mark_primary(scope, variants[1].id)
        _step(6, f"Marked 2 von {len(variants)} as primary: is_primary = {second.is_primary}")
        await store.delete_image(scope, image.id)
        await remove_object(store.database, storage, image.storage_path)
        traces = await image_traces(
            store.database,
            storage,
            image.id,
            name=image.storage_path,
            variant_ids=[variant.id for variant in variants],
        )
        left = ", ".join(f"{kind} {count}" for kind, count in traces.items())
        _step(7, f"Deleted the image. Left of it: {left}")
        if any(traces.values()):
            raise VidpromptError("Something of the deleted image is still there.")
    return ok


async def _generate(
    store: Store,
    scope: Scope,
    image_id: uuid.UUID,
    url: str,
    settings: Settings,
    workdir: Path,
) -> list[Variant]:
    """Run a worker in this process until no variant of the image is pending."""
    worker = build_worker(url, settings=settings, workdir=workdir, concurrency=len(REQUESTS))
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    await worker.start()
    try:
        with Progress(*columns, console=console(), transient=False) as progress:
            task = progress.add_task("   Generating prompts", total=len(REQUESTS))
            deadline = time.monotonic() + _WAIT_S
            while True:
                variants = await store.list_variants(scope, image_id)
                done = sum(variant.status != "pending" for variant in variants)
                progress.update(task, completed=done)
                if done == len(variants):
                    return variants
                if time.monotonic() > deadline:
                    raise VidpromptError("The prompts were not written in time.")
                await asyncio.sleep(0.1)
    finally:
        await worker.close()


def _show(variant: Variant) -> None:
    camera = CAMERA_STYLES[variant.camera_style or "statisch"].label
    chosen = vocabulary.film_effects(variant.film_effects or [])
    effects = ", ".join(FILM_EFFECTS[key].label for key in chosen) or "-"
    instruction = f' · "{variant.user_instruction}"' if variant.user_instruction else ""
    head = f"[bold]{variant.position} von {variant.total}[/] · {camera} · {effects}{instruction}"
    if variant.status != "completed":
        console().print(f"   {head} · [red]{variant.status}: {variant.error_code}[/]")
        console().print(Padding(Text(variant.error_message or ""), (0, 0, 0, 5)))
        return
    words = word_count(variant.prompt_text)
    colour = _FEEDBACK_COLOURS[length_feedback(words)]
    console().print(f"   {head} · [{colour}]{words} Wörter[/] · {variant.model_name}")
    # The whole prompt, wrapped under its line: it is what the person came to read.
    console().print(Padding(Text(variant.prompt_text), (0, 0, 0, 5)), soft_wrap=False)


def _step(number: int, text: str) -> None:
    console().print(f"[bold cyan]{number}.[/] {text}")
