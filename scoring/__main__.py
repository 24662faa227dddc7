"""``python -m scoring``: the same commands as ``leadgrid``."""

from .cli import run

run()
