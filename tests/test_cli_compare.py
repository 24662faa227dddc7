"""``leadgrid compare`` and ``leadgrid drift`` (scoring/cli_compare.py): the JSON and table
outputs of a small case worked out by hand, the done-when run on the sample data, and
one-line errors (exit 1 for bad input, 2 for bad usage)."""

from __future__ import annotations

from pathlib import Path

import pytest
from clicases import DEFAULT_CONFIG, ROOT, assert_one_line_error, run, strict_json
from metricscases import small_model

from scoring import RATINGS

MODEL_A = small_model("Model A", "{A1: {action: sales}, B1: {action: sales}}")
MODEL_B = small_model("Model B", "{A1: {action: sales}, B1: {action: sales}}", retail=80)
# under A: A1, B1, B4, D1 (January), A1, A1, B1, D1 (February); under B every B becomes an A
LEADS_CSV = """\
lead_id,created_at,industry,total_visits,accepted,converted
L1,2025-01-05,Software,12,yes,yes
L2,2025-01-10,Retail,12,no,no
L3,2025-01-20,Retail,0,no,no
L4,2025-01-31,Other,12,,no
L5,2025-02-01,Software,12,yes,no
L6,2025-02-14,Software,20,no,no
L7,2025-02-20,Retail,12,yes,yes
L8,2025-02-28,Other,12,no,no
"""
SAMPLE = ["--leads", ROOT / "sample_data" / "leads.csv", "--activities", ROOT / "sample_data" / "activities.csv"]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"a": tmp_path / "a.yaml", "b": tmp_path / "b.yaml", "leads": tmp_path / "leads.csv"}
    for key, text in (("a", MODEL_A), ("b", MODEL_B), ("leads", LEADS_CSV)):
        paths[key].write_text(text, encoding="utf-8")
    return paths


# ----- compare ------------------------------------------------------------------------------------

def test_compare_json_has_movement_on_both_levels_and_the_deltas(capsys, files):
    code, out, err = run(capsys, "compare", files["a"], files["b"], "--leads", files["leads"], "--format", "json")
    assert code == 0 and err == ""
    data = strict_json(out)
    assert list(data["movement"]) == list(RATINGS)
    assert all(list(row) == list(RATINGS) for row in data["movement"].values())
    moved = {(a, b): n for a, row in data["movement"].items() for b, n in row.items() if n}
    assert moved == {("A1", "A1"): 3, ("B1", "A1"): 2, ("B4", "A4"): 1, ("D1", "D1"): 2}
    assert data["moves"]["into_sales"] == 0 and data["moves"]["out_of_sales"] == 0
    # to sales: L1, L2, L5, L6, L7 under both (A: A1 + B1, B: A1); leads per month over 54 days
    assert data["summary"]["to_sales_leads"]["change"] == 0
    assert data["summary"]["to_sales_acceptance"]["a"] == pytest.approx(3 / 5)
    assert data["cells"]["A1"]["leads_change"] == 2 and data["cells"]["B1"]["leads_b"] == 0
    assert data["cells"]["B1"]["acceptance_b"] is None  # NaN written as null
    assert data["a"]["cells"]["B1"]["leads"] == 2 and data["b"]["to_sales"]["leads"] == 5
    assert data["changes"] == ["Model name: Model A → Model B", "industry rule 2 (in [Retail]) 60 → 80"]


def test_compare_table_shows_the_movement_matrix(capsys, files):
    code, out, _ = run(capsys, "compare", files["a"], files["b"], "--leads", files["leads"])
    assert code == 0
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("A \\ B"))
    assert header.split()[3:] == list(RATINGS)
    rows = {line.split()[0]: line.split()[1:] for line in lines if line[:2] in RATINGS and len(line.split()) == 17}
    assert rows["A1"][0] == "[3]" and rows["B1"][0] == "2" and rows["B1"][4] == "[·]" and rows["B4"][3] == "1"
    assert "3 of 8 leads change rating; 0 move into the to-sales cells, 0 out of them" in out
    assert "Largest moves: B1 → A1 2, B4 → A4 1" in out
    assert "industry rule 2 (in [Retail]) 60 → 80" in out


def test_compare_on_the_sample_data_gives_the_movement_matrix(capsys):
    code, out, _ = run(capsys, "compare", DEFAULT_CONFIG, ROOT / "configs" / "windows.yaml", *SAMPLE,
                       "--format", "json")
    assert code == 0
    data = strict_json(out)
    movement = data["movement"]
    assert sum(sum(row.values()) for row in movement.values()) == 6000
    for rating in RATINGS:
        assert sum(movement[rating].values()) == data["a"]["cells"][rating]["leads"]
        assert sum(row[rating] for row in movement.values()) == data["b"]["cells"][rating]["leads"]
    assert data["moves"]["changed_rating"] > 0
    assert any("Recency half-life 30 days → windows" in change for change in data["changes"])


def test_compare_models_with_different_mappings_is_one_line(capsys, files, tmp_path):
    mapped = tmp_path / "mapped.yaml"
    mapped.write_text(MODEL_B + "columns:\n  leads: {industry: sector}\n", encoding="utf-8")
    code, _, err = run(capsys, "compare", files["a"], mapped, "--leads", files["leads"])
    assert code == 1
    line = assert_one_line_error(err)
    assert "map columns differently" in line and "leads.industry: A reads 'industry' (unmapped), B reads 'sector'" \
        in line


@pytest.mark.parametrize(("args", "code", "words"), [
    (["compare", "{a}"], 2, "usage error"),
    (["compare", "{a}", "{b}"], 2, "--leads"),
    (["compare", "{a}", "{b}", "--leads", "{leads}", "--format", "csv"], 2, "invalid choice"),
    (["compare", "{a}", "missing.yaml", "--leads", "{leads}"], 1, "missing.yaml"),
    (["compare", "{a}", "{b}", "--leads", "{leads}", "--accepted", "nope"], 1, "--accepted nope"),
])
def test_compare_bad_usage_and_input(capsys, files, args, code, words):
    got, _, err = run(capsys, *[arg.format(**files) for arg in args])
    assert got == code
    assert words in assert_one_line_error(err)


# ----- drift --------------------------------------------------------------------------------------

def test_drift_json_split_by_date(capsys, files):
    code, out, _ = run(capsys, "drift", "--model", files["a"], "--leads", files["leads"], "--split-date",
                       "2025-02-01", "--format", "json", "--min-leads", "4")
    assert code == 0
    data = strict_json(out)
    assert data["periods"] == {"before": "2025-01-05 to 2025-01-31", "after": "2025-02-01 to 2025-02-28"}
    # engagement 1..4: January 3, 0, 0, 1; February 4, 0, 0, 0
    assert data["distribution"]["A1"]["leads_before"] == 1 and data["distribution"]["A1"]["leads_after"] == 2
    # 0.82 would be a major shift; four leads a side give more than that by chance
    assert data["stability"]["engagement grade"]["psi"] < data["stability"]["engagement grade"]["chance"]
    assert data["stability"]["engagement grade"]["reading"].startswith("within chance: two periods with 4 and 4")
    assert data["rates"]["A1"]["acceptance_rate_after"] == 0.5
    assert data["rates"]["A4"]["acceptance_rate_before"] is None


def test_drift_two_files_equals_the_split(capsys, files, tmp_path):
    lines = LEADS_CSV.splitlines()
    before, after = tmp_path / "january.csv", tmp_path / "february.csv"
    before.write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")
    after.write_text("\n".join([lines[0], *lines[5:]]) + "\n", encoding="utf-8")
    _, split_out, _ = run(capsys, "drift", "--model", files["a"], "--leads", files["leads"], "--split-date",
                          "2025-02-01", "--format", "json", "--min-leads", "4")
    code, files_out, _ = run(capsys, "drift", "--model", files["a"], "--leads-before", before, "--leads-after", after,
                             "--format", "json", "--min-leads", "4")
    assert code == 0
    split, two = strict_json(split_out), strict_json(files_out)
    assert two["periods"] == {"before": str(before), "after": str(after)}
    for key in ("stability", "distribution", "rates"):
        assert two[key] == split[key]


def test_drift_table_reads_two_quarters_of_the_sample_data(capsys):
    code, out, _ = run(capsys, "drift", "--model", DEFAULT_CONFIG, *SAMPLE, "--split-date", "2025-07-01",
                       "--months", "3")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].endswith("before = 2025-04-01 to 2025-06-30, after = 2025-07-01 to 2025-09-30")
    psi = [line.split() for line in lines if line.startswith("  ") and ("chance:" in line or "shift:" in line
                                                                         or "stable:" in line)]
    assert [words[0] for words in psi] == ["profile", "engagement", "rating"]
    assert sum(1 for line in lines if line.split()[:1] and line.split()[0] in RATINGS) == 16
    assert lines[-1].startswith("To sales per month:")


@pytest.mark.parametrize(("args", "code", "words"), [
    (["--leads", "{leads}"], 2, "--leads needs --split-date"),
    (["--split-date", "2025-02-01"], 2, "give --leads FILE with --split-date DATE"),
    (["--leads", "{leads}", "--leads-before", "{leads}", "--split-date", "2025-02-01"], 2, "give --leads FILE"),
    (["--leads-before", "{leads}"], 2, "give both --leads-before FILE and --leads-after FILE"),
    (["--leads-before", "{leads}", "--leads-after", "{leads}", "--months", "3"], 2, "go with --leads"),
    (["--leads", "{leads}", "--split-date", "2025-02-01", "--months", "0"], 2, "from 1 to 1,200; got 0"),
    # issue 20: printed "ValueError: year -6308 is out of range"
    (["--leads", "{leads}", "--split-date", "2025-02-01", "--months", "100000"], 2,
     "--months takes a whole number from 1 to 1,200; got 100,000"),
    # issue 19: a period of four leads read as a major shift
    (["--leads", "{leads}", "--split-date", "2025-02-01"], 1,
     "the earlier period (2025-01-05 to 2025-01-31) has 4 leads; comparing periods needs at least 30 leads"),
    (["--leads", "{leads}", "--before", "2025-01-01..2025-01-31"], 2, "give both --before FIRST..LAST and --after"),
    (["--leads", "{leads}", "--before", "2025-01-01", "--after", "2025-02-01..2025-02-28"], 2,
     "--before takes two days as FIRST..LAST"),
    (["--leads", "{leads}", "--split-date", "2025-02-01", "--before", "2025-01-01..2025-01-31", "--after",
      "2025-02-01..2025-02-28"], 2, "--before and --after are the two periods already"),
    (["--leads", "{leads}", "--before", "2025-01-01..2025-02-01", "--after", "2025-02-01..2025-02-28"], 1,
     "must start after the earlier one ends"),
    (["--leads", "{leads}", "--split-date", "2031-01-01"], 1,
     "the split date 2031-01-01 is outside the data: created_at runs from 2025-01-05 to 2025-02-28"),
    (["--leads", "{leads}", "--split-date", "soon"], 1, "split date: cannot read 'soon' as a date"),
    (["--leads", "{leads}", "--split-date", "2025-02-01", "--created-at", "signup"], 1, "no signup column"),
])
def test_drift_bad_usage_and_input(capsys, files, args, code, words):
    got, _, err = run(capsys, "drift", "--model", files["a"], *[arg.format(**files) for arg in args])
    assert got == code
    assert words in assert_one_line_error(err)


def test_drift_any_two_windows_equals_the_split(capsys, files):
    _, split_out, _ = run(capsys, "drift", "--model", files["a"], "--leads", files["leads"], "--split-date",
                          "2025-02-01", "--format", "json", "--min-leads", "4")
    code, out, err = run(capsys, "drift", "--model", files["a"], "--leads", files["leads"], "--before",
                         "2025-01-01..2025-01-31", "--after", "2025-02-01..2025-02-28", "--format", "json",
                         "--min-leads", "4")
    assert code == 0, err
    windows, split = strict_json(out), strict_json(split_out)
    assert windows["periods"] == {"before": "2025-01-01 to 2025-01-31", "after": "2025-02-01 to 2025-02-28"}
    for key in ("stability", "distribution", "rates"):
        assert windows[key] == split[key]
    # a gap between the windows leaves its leads out: L1 (01-05) and L8 (02-28) only
    code, out, _ = run(capsys, "drift", "--model", files["a"], "--leads", files["leads"], "--before",
                       "2025-01-05..2025-01-05", "--after", "2025-02-28..2025-02-28", "--format", "json",
                       "--min-leads", "1")
    distribution = strict_json(out)["distribution"]
    assert sum(row["leads_before"] for row in distribution.values()) == 1
    assert sum(row["leads_after"] for row in distribution.values()) == 1


def test_the_sample_figures_quoted_in_the_readme(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code, out, _ = run(capsys, "compare", DEFAULT_CONFIG, ROOT / "configs" / "windows.yaml", *SAMPLE)
    assert code == 0
    assert "507 of 6,000 leads change rating; 77 move into the to-sales cells, 3 out of them" in out
    assert "Largest moves: C4 → C3 68, D4 → D3 54, B3 → B2 52" in out
    assert "507 of 6,000 leads change rating (C4 → C3 68, D4 → D3 54, B3 → B2 52, …)" in readme
    code, out, _ = run(capsys, "drift", "--model", DEFAULT_CONFIG, *SAMPLE, "--split-date", "2025-07-01",
                       "--months", "3", "--format", "json")
    stability = strict_json(out)["stability"]
    quoted = ", ".join(f"{stability[axis]['psi']:.3f} {word}" for axis, word in (
        ("profile grade", "profile"), ("engagement grade", "engagement"), ("rating", "rating")))
    assert quoted == "0.003 profile, 0.000 engagement, 0.021 rating"
    assert "(PSI 0.003 profile, 0.000 engagement, 0.021\nrating)" in readme
