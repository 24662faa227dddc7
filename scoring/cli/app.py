"""``leadgrid app``: start the designer (``streamlit run app.py``), on the sample data or on
files of this machine given by path (a browser upload is capped at 200 MB; a million leads
are not). The paths reach the app as ``LEADGRID_LEADS`` and ``LEADGRID_ACTIVITIES``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from scoring.errors import DataError

APP = Path(__file__).resolve().parents[2] / "app.py"
LEADS_ENV = "LEADGRID_LEADS"  # read by ui.data
ACTIVITIES_ENV = "LEADGRID_ACTIVITIES"


def _existing_file(path: str | None) -> str | None:
    if path is None:
        return None
    resolved = Path(path).expanduser().resolve()
    if not resolved.is_file():
        raise DataError("no such file" if not resolved.exists() else "not a file", source=path)
    return str(resolved)


def app_command(args: argparse.Namespace) -> list[str]:
    """The ``streamlit run`` command line for ``args``."""
    # no full garbage collection after every run: with a million leads in memory it took
    # about 0.4 s of each control change (also set in .streamlit/config.toml)
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--browser.gatherUsageStats", "false",
               "--runner.postScriptGC", "false"]
    if args.port:
        command += ["--server.port", str(args.port)]
    if args.headless:
        command += ["--server.headless", "true"]
    return command


def app_environment(args: argparse.Namespace, base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (the process environment) with the files to open; without ``--leads`` the
    app opens the sample, whatever the calling shell had set."""
    env = dict(os.environ if base is None else base)
    for name in (LEADS_ENV, ACTIVITIES_ENV):
        env.pop(name, None)
    leads, activities = _existing_file(args.leads), _existing_file(args.activities)
    if activities and not leads:
        raise DataError("--activities goes with --leads")
    if leads:
        env[LEADS_ENV] = leads
    if activities:
        env[ACTIVITIES_ENV] = activities
    return env


def cmd_app(args: argparse.Namespace) -> int:
    if not APP.exists():
        raise DataError("the app is not installed with this package (run from a clone)", source=str(APP))
    env = app_environment(args)
    command = app_command(args)
    # the server takes this process's place, so a kill or Ctrl+C reaches it (a child would outlive us)
    os.execve(command[0], command, env)
    return 0  # not reached


def add_app_command(commands: argparse._SubParsersAction) -> None:
    app = commands.add_parser("app", help="start the designer in the browser (large files by path)")
    app.add_argument("--leads", help="leads file (CSV or Parquet) to open instead of the sample")
    app.add_argument("--activities", help="activities file (CSV or Parquet), with --leads")
    app.add_argument("--port", type=int, help="port to serve on (default: Streamlit's, 8501)")
    app.add_argument("--headless", action="store_true", help="do not open a browser window")
    app.set_defaults(run=cmd_app)
