"""leadgrid app: the streamlit command line and the files it hands to the app."""

from __future__ import annotations

import argparse
from pathlib import Path

from scoring.cli import commands as cli
from scoring.cli.app import ACTIVITIES_ENV, APP, LEADS_ENV, app_command, app_environment


def _args(*argv: str) -> argparse.Namespace:
    return cli.build_parser().parse_args(["app", *argv])


def test_paths_reach_the_app_as_environment(tmp_path: Path) -> None:
    leads, activities = tmp_path / "l.parquet", tmp_path / "a.parquet"
    leads.write_bytes(b"x")
    activities.write_bytes(b"x")
    env = app_environment(_args("--leads", str(leads), "--activities", str(activities)), {"PATH": "/bin"})
    assert env == {"PATH": "/bin", LEADS_ENV: str(leads.resolve()), ACTIVITIES_ENV: str(activities.resolve())}


def test_without_leads_the_app_opens_the_sample_whatever_the_shell_set() -> None:
    env = app_environment(_args(), {LEADS_ENV: "/old/leads.csv", ACTIVITIES_ENV: "/old/a.csv"})
    assert LEADS_ENV not in env and ACTIVITIES_ENV not in env


def test_command_runs_streamlit_on_the_app() -> None:
    command = app_command(_args("--port", "8600", "--headless"))
    assert command[1:5] == ["-m", "streamlit", "run", str(APP)] and APP.name == "app.py"
    assert command[-4:] == ["--server.port", "8600", "--server.headless", "true"]
    assert command[command.index("--runner.postScriptGC") + 1] == "false"  # seconds at a million leads


def test_bad_paths_are_one_line_with_exit_1(tmp_path: Path, capsys) -> None:
    assert cli.main(["app", "--leads", str(tmp_path / "nope.csv")]) == 1
    assert capsys.readouterr().err.strip() == f"leadgrid: {tmp_path / 'nope.csv'}: no such file"
    leads = tmp_path / "l.csv"
    leads.write_text("lead_id\n1\n")
    assert cli.main(["app", "--activities", str(leads)]) == 1
    assert "--activities goes with --leads" in capsys.readouterr().err
    assert cli.main(["app", "--leads", str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip().endswith("not a file")
