"""Start the dashboard's web server (``cxsim app``)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from cxsim.validation.errors import InputError

__all__ = ["MISSING_EXTRA", "free_port", "serve"]

MISSING_EXTRA = 'the dashboard needs its extra: pip install "cxsim[app]"'


def free_port(host: str = "127.0.0.1") -> int:
    """Ask the system for a port nobody listens on."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def serve(scenario: str | None, host: str = "127.0.0.1", port: int = 8765) -> int:
    """Serve the dashboard until interrupted.

    A scenario that does not validate still starts the page, which shows the message;
    a file that does not exist is a usage error.

    Args:
        scenario: The scenario file to open with (``None``: the built-in default).
        host: Interface to listen on; only this machine unless told otherwise.
        port: Port to listen on (0: any free one).

    Returns:
        The server's exit code.

    Raises:
        InputError: When the scenario file does not exist or the extra is missing.
    """
    if scenario is not None and not Path(scenario).is_file():
        raise InputError("", "an existing scenario file", file=scenario)
    try:
        from solara.__main__ import cli
    except ImportError:
        raise InputError("cxsim app", MISSING_EXTRA) from None
    if port == 0:
        port = free_port(host)
    os.environ["CXSIM_APP_SCENARIO"] = str(Path(scenario).resolve()) if scenario else ""
    shown = f"[{host}]" if ":" in host else host
    print(f"cxsim dashboard: http://{shown}:{port}/  (Ctrl+C stops it)", flush=True)
    args = ["run", "cxsim.app.dashboard.page", "--host", host, "--port", str(port)]
    args += ["--production", "--no-open", "--log-level", "warning", "--no-access-log"]
    return cli.main(args=args, prog_name="cxsim app", standalone_mode=False) or 0
