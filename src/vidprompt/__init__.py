"""vidprompt: AI-written video prompts for the images of a Supabase app."""

from __future__ import annotations

__version__ = "0.1.0"
