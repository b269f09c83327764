"""``python -m vidprompt.adopt DIR``: write the example project's migrations into DIR.

This repository's ``supabase/migrations/`` is that output; after editing a template, run it
with ``supabase/migrations`` to bring the files in line (a test checks they agree).
"""

from __future__ import annotations

import sys
from pathlib import Path

from vidprompt.adopt import write_example

if __name__ == "__main__":
    for path in write_example(Path(sys.argv[1] if len(sys.argv) > 1 else "supabase/migrations")):
        print(f"Wrote {path}")
