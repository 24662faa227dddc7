"""The leak-check benchmark runs end to end at a small scale and prints its one table (no
timings are asserted)."""

from scoring.tools.bench import VARIANTS
from scoring.tools.bench_leaks import STEPS, main


def test_bench_leaks_prints_one_table(capsys):
    assert main(["--leads", "300", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("300 leads; one-time costs (s):")
    for line in ("leak check on top", "activity evidence on top", *STEPS, *VARIANTS):
        assert line in out
