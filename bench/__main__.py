"""``python -m bench``: the full benchmark report, or one part of it.

Without a command it measures everything (scale, store, API, worker, push, CLI start-up) and
writes ``docs/benchmarks.md`` with its plots; ``scale``, ``store``, ``api``, ``worker``,
``push`` and ``cli`` run one part; ``report`` renders the page again from the saved results.
"""

from __future__ import annotations

import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from bench import _gather, _report
from bench.scale import DEFAULT_SIZES, ScaleOptions, parse_size, run_scale, size_label

REPO = Path(__file__).resolve().parents[1]

app = typer.Typer(
    name="bench",
    help="vidprompt's benchmarks. Without a command: measure everything and write "
    "docs/benchmarks.md with its plots.",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DbUrl = Annotated[
    str | None,
    typer.Option(
        "--db-url",
        help="Superuser URI of a throwaway server to run on (it creates and drops "
        "vidprompt_bench_* databases). Default: a temporary cluster of its own. "
        "DATABASE_URL is deliberately not read.",
    ),
]
Sizes = Annotated[
    str,
    typer.Option(
        "--sizes",
        help="Comma-separated data-set sizes in prompts; add 10m for the opt-in 10 M run.",
    ),
]
Docs = Annotated[
    Path,
    typer.Option("--docs", file_okay=False, help="Folder to write benchmarks.md and its plots to."),
]
Quick = Annotated[
    bool,
    typer.Option(
        "--quick", help="Fewer rounds and samples: for trying changes, not for the report."
    ),
]

_DEFAULT_SIZES = ",".join(size_label(s).replace(" ", "").lower() for s in DEFAULT_SIZES)


def _command() -> str:
    return " ".join(["uv run python -m bench", shlex.join(sys.argv[1:])]).strip()


def _say(text: str) -> None:
    typer.echo(text, err=True)


def _options(sizes: str, quick: bool) -> ScaleOptions:
    try:
        parsed = tuple(parse_size(part) for part in sizes.split(",") if part.strip())
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--sizes") from None
    if quick:
        return ScaleOptions(parsed, read_rounds=2, samples=50, write_rounds=1, single_rows=50)
    return ScaleOptions(parsed)


@app.callback()
def everything(
    ctx: typer.Context,
    db_url: DbUrl = None,
    sizes: Sizes = _DEFAULT_SIZES,
    docs: Docs = REPO / "docs",
    quick: Quick = False,
) -> None:
    """Measure everything and write docs/benchmarks.md with its plots.

    Example: uv run python -m bench
    """
    if ctx.invoked_subcommand is not None:
        return
    started = time.perf_counter()
    scale = run_scale(db_url, _options(sizes, quick), say=_say)
    sections = [_gather.gather(key, db_url, say=_say) for key in _gather.SUBSYSTEMS]
    report = _report.Report(_command(), _now(), time.perf_counter() - started, scale, sections)
    path = _report.save(report, docs)
    _say(f"wrote {path} in {time.perf_counter() - started:.0f} s")


@app.command()
def scale(
    db_url: DbUrl = None,
    sizes: Sizes = _DEFAULT_SIZES,
    docs: Docs = REPO / "docs",
    quick: Quick = False,
) -> None:
    """Read latency through RLS at growing sizes and write costs; writes the report.

    Example: uv run python -m bench scale --sizes 10k,100k --quick --docs /tmp/bench
    """
    started = time.perf_counter()
    result = run_scale(db_url, _options(sizes, quick), say=_say)
    saved = docs / _report.PLOTS / "results.json"
    # The other parts keep their last measurement, each marked with its own command.
    sections = []
    if saved.exists():
        previous = _report.load(docs)
        for section in previous.sections:
            if not section.generated:
                section.command, section.generated = previous.command, previous.generated
        sections = previous.sections
    report = _report.Report(_command(), _now(), time.perf_counter() - started, result, sections)
    _say(f"wrote {_report.save(report, docs)}")


@app.command()
def report(docs: Docs = REPO / "docs") -> None:
    """Render benchmarks.md and its plots again from the saved results.json.

    Example: uv run python -m bench report
    """
    _say(f"wrote {_report.render(_report.load(docs), docs)}")


def _subsystem(key: str, db_url: str | None, docs: Path) -> None:
    """Measure one part, print it, and put it into the saved results and the pages."""
    section = _gather.gather(key, db_url, say=_say)
    typer.echo(section.markdown or f"not measured: {section.missing}")
    if section.missing:
        raise typer.Exit(1)
    section.command, section.generated = _command(), _now()
    if (docs / _report.PLOTS / "results.json").exists():
        _say(f"wrote {_report.replace_section(docs, section)}")


@app.command()
def store(db_url: DbUrl = None, docs: Docs = REPO / "docs") -> None:
    """The store against raw psycopg, printed as the report's section.

    Example: uv run python -m bench store
    """
    _subsystem("store", db_url, docs)


@app.command()
def api(db_url: DbUrl = None, docs: Docs = REPO / "docs") -> None:
    """The HTTP API under load, printed as the report's section.

    Example: uv run python -m bench api
    """
    _subsystem("api", db_url, docs)


@app.command()
def worker(db_url: DbUrl = None, docs: Docs = REPO / "docs") -> None:
    """The generation queue's throughput, printed as the report's section.

    Example: uv run python -m bench worker
    """
    _subsystem("worker", db_url, docs)


@app.command("push")
def push_command(db_url: DbUrl = None, docs: Docs = REPO / "docs") -> None:
    """A no-op db push on 1,000 files / 50 MB of history against one small file.

    Example: uv run python -m bench push
    """
    _subsystem("push", db_url, docs)


@app.command("cli")
def cli_command(docs: Docs = REPO / "docs") -> None:
    """vidprompt --help and db url as fresh processes, against a Typer floor.

    Example: uv run python -m bench cli
    """
    _subsystem("cli", None, docs)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


if __name__ == "__main__":
    app()
