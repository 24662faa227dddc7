"""Hypothesis profiles: CI runs derandomised (the same examples every run, so a green
build stays green); local runs keep the randomised search that finds new failures.
Every failure the search ever found is kept as an ``@example`` beside its test."""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
