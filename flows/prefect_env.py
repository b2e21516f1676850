"""Prefect settings that make a serverless run reliable on a small machine (see stack notes).

Applied before Prefect is imported; a value already in the environment wins. The UI is off for the
temporary server a plain `jixiao load` starts (nobody browses it, and it costs start-up time); a server
meant for people (`jixiao serve --with-server`, flows/prefect_server.py, deploy/prefect-server.service)
switches it on.
"""

from __future__ import annotations

import os

DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_UI_ENABLED": "false",
}


def apply() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
