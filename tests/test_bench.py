"""The benchmark script runs end to end on a tiny scale and prints every figure."""

from scoring.bench import main


def test_bench_prints_each_phase(capsys):
    assert main(["--leads", "300", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("300 leads, ")
    for phase in ("prepare the Scorer", "first score", "re-score after a weight change",
                  "one-off score() (peer)", "max RSS"):
        assert phase in out
