"""The HTTP API: video prompts over REST for the app's frontend, with Supabase access tokens."""

from __future__ import annotations

from vidprompt.api._app import BackgroundService, create_app
from vidprompt.api._logging import configure_logging
from vidprompt.api._server import server_config

__all__ = ["BackgroundService", "configure_logging", "create_app", "server_config"]
