"""Run the command line with ``python -m vidprompt``."""

from __future__ import annotations

from vidprompt.cli import main

main()
