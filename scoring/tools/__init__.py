"""Tools, not the engine: the generators of synthetic leads and the benchmarks. Nothing in the
engine imports them; they ship so that ``python -m scoring.tools.synth`` can make test data anywhere."""
