"""Output that shows names as they are: tables of what the database holds (lint findings,
verify checks, migrations), drawn whole, and lines that name files, paths and URLs.

Rich is imported when a table is drawn, not when the command line starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vidprompt.cli._common import console, err_console

if TYPE_CHECKING:
    from rich.table import Table


def table(*columns: str, title: str | None = None) -> Table:
    """A table whose cells wrap instead of ending in "…": off a terminal (a CI log) Rich
    assumes 80 columns, and a name or a fix cut short cannot be read or copied. Cells that
    hold names from the database go through :func:`plain`."""
    from rich.table import Table

    drawn = Table(title=title)
    for column in columns:
        drawn.add_column(column, overflow="fold")
    return drawn


def plain(text: str) -> str:
    """``text`` for a Rich cell or line as it is: brackets in a name are not markup."""
    from rich.markup import escape

    return escape(text)


def say(text: str, *, err: bool = False) -> None:
    """Print a line as it is: paths, file names and URLs may hold brackets or ``:name:``,
    which Rich would otherwise take for markup."""
    (err_console() if err else console()).print(text, markup=False)
