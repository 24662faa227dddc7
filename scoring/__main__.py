"""``python -m scoring``: the same commands as ``leadgrid``."""

from scoring.cli.commands import run

run()
