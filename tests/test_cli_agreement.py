"""``leadgrid diff`` and ``leadgrid export --to sheet``: changes in words, the sheet as HTML
or Markdown with the preview on given leads, and one-line usage errors (exit 2) and input
errors (exit 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_sheet import ACTIVITIES, LEADS, MODEL_YAML

from scoring.cli.commands import main

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "configs" / "default.yaml"
DEFAULT_TEXT = DEFAULT.read_text(encoding="utf-8")


def run(capsys, *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def changed(tmp_path: Path) -> Path:
    """The default model with industry 25 → 30, country 15 → 10 and B2 sent to nurture."""
    text = DEFAULT_TEXT
    for old, new in (("weight: 25\n      rules:\n        - {match: {in: [Software",
                      "weight: 30\n      rules:\n        - {match: {in: [Software"),
                     ("field: country\n      weight: 15", "field: country\n      weight: 10"),
                     ("    B2: {action: sales, sla_hours: 48}\n", "")):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "changed.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> dict[str, Path]:
    paths = {"model": tmp_path / "tiny.yaml", "leads": tmp_path / "leads.csv", "activities": tmp_path / "acts.csv"}
    paths["model"].write_text(MODEL_YAML, encoding="utf-8")
    LEADS.to_csv(paths["leads"], index=False)
    ACTIVITIES.to_csv(paths["activities"], index=False)
    return paths


# ----- diff -------------------------------------------------------------------------------------

def test_diff_prints_the_changes_in_words(capsys, changed):
    code, out, err = run(capsys, "diff", DEFAULT, changed)
    assert (code, err) == (0, "")
    assert out.splitlines() == ["Industry weight 25 → 30", "Country weight 15 → 10", "B2: sales within 48 h → nurture"]


def test_diff_as_json(capsys, changed):
    code, out, _ = run(capsys, "diff", DEFAULT, changed, "--format", "json")
    assert code == 0
    assert json.loads(out) == {
        "old": {"file": str(DEFAULT), "name": "B2B SaaS inbound (default)", "version": "2026.4"},
        "new": {"file": str(changed), "name": "B2B SaaS inbound (default)", "version": "2026.4"},
        "changes": ["Industry weight 25 → 30", "Country weight 15 → 10", "B2: sales within 48 h → nurture"],
    }


def test_diff_of_equal_models(capsys):
    assert run(capsys, "diff", DEFAULT, DEFAULT) == (0, "no changes\n", "")


def test_diff_names_a_bad_file_in_one_line(capsys, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(DEFAULT_TEXT.replace("weight: 15", "weight: 16", 1), encoding="utf-8")
    code, out, err = run(capsys, "diff", DEFAULT, broken)
    assert (code, out) == (1, "")
    assert err.startswith(f"leadgrid: {broken}:") and "weights must sum to 100" in err
    assert len(err.splitlines()) == 1
    code, _, err = run(capsys, "diff", DEFAULT, tmp_path / "missing.yaml")
    assert code == 1 and "cannot read the file" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("argv", [["diff", DEFAULT], ["diff", DEFAULT, DEFAULT, "--format", "yaml"]])
def test_diff_usage_errors(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith("leadgrid: usage error:") and len(err.splitlines()) == 1


# ----- export --to sheet ------------------------------------------------------------------------

def test_sheet_html_to_stdout(capsys):
    code, out, err = run(capsys, "export", "--model", DEFAULT, "--to", "sheet")
    assert (code, err) == (0, "")
    assert out.startswith("<!DOCTYPE html>") and "<h1>B2B SaaS inbound (default)</h1>" in out
    assert "On the historical leads" not in out


def test_sheet_with_leads_shows_the_hand_computed_preview(capsys, tiny, tmp_path):
    out_file = tmp_path / "sheet.html"
    code, _, err = run(capsys, "export", "--model", tiny["model"], "--to", "sheet", "--leads", tiny["leads"],
                       "--activities", tiny["activities"], "--out", out_file)
    assert code == 0 and err == f"wrote {out_file}\n"
    html = out_file.read_text(encoding="utf-8")
    assert "leads.csv: 4 leads" in html
    assert ("<td>2 leads (50.0%)</td><td>2 (whole history, 2 Jan–20 Jan 2027)</td><td>100%</td><td>0%</td>"
            "<td>50% (1 of 2)</td>") in html


def test_sheet_as_markdown(capsys, tiny, tmp_path):
    out_file = tmp_path / "sheet.md"
    code, _, _ = run(capsys, "export", "--model", tiny["model"], "--to", "sheet", "--leads", tiny["leads"],
                     "--activities", tiny["activities"], "--out", out_file)
    assert code == 0
    text = out_file.read_text(encoding="utf-8")
    assert text.startswith("# Tiny &lt;agreement&gt; &amp; co\n")  # model text is HTML-escaped
    assert "| 2 leads (50.0%) | 2 (whole history, 2 Jan–20 Jan 2027) | 100% | 0% | 50% (1 of 2) |" in text


@pytest.mark.parametrize(("extra", "message"), [
    (["--to", "yaml", "--leads", "x.csv"], "--leads goes with --to sheet"),
    (["--to", "sheet", "--activities", "x.csv"], "--activities goes with --leads"),
    (["--to", "sheet", "--out", "sheet.pdf"], "--out for --to sheet ends in .html or .md; got 'sheet.pdf'"),
    (["--to", "sheet", "--dialect", "snowflake"], "--dialect goes with --to sql"),
    (["--to", "yaml", "--as-of", "2027-01-01"], "--as-of goes with --to sql"),
])
def test_sheet_usage_errors(capsys, extra, message):
    code, out, err = run(capsys, "export", "--model", DEFAULT, *extra)
    assert (code, out) == (2, "")
    assert err == f"leadgrid: usage error: {message}\n"


def test_sheet_with_unreadable_leads_writes_nothing(capsys, tmp_path):
    out_file = tmp_path / "sheet.html"
    code, _, err = run(capsys, "export", "--model", DEFAULT, "--to", "sheet", "--leads", tmp_path / "none.csv",
                       "--out", out_file)
    assert code == 1 and len(err.splitlines()) == 1 and "none.csv" in err
    assert not out_file.exists()
