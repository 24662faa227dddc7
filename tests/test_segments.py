"""scoring.segments and ``leadgrid matrix --segment``: the breakdown per value on a small case
computed by hand, the filtered preview, a column with thousands of values folded into
"(other)", and one-line errors for a bad segment."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pandas as pd
import pytest

import scoring
from scoring.cli import main
from scoring.engine import Scorer
from scoring.errors import DataError
from scoring.metrics import History, preview
from scoring.missing import MISSING_TEXT
from scoring.quality import data_quality
from scoring.segments import OTHER, segment_breakdown, segment_labels, segment_preview

MODEL_YAML = """\
schema_version: 1
name: tiny
profile:
  categories:
    - {id: fit, field: fit, weight: 100, rules: [{match: {in: [good]}, value: 100}], default: 0}
  grades: {A: 75, B: 50, C: 25, D: 0}
engagement:
  activities:
    - {id: hot, field: hot, rules: [{match: {in: ["yes"]}, value: 100}]}
  grades: {"1": 60, "2": 35, "3": 15, "4": 0}
routing:
  default: {action: nurture}
  cells:
    A1: {action: sales, sla_hours: 24}
"""
MODEL = scoring.parse_model(MODEL_YAML)


def _leads() -> pd.DataFrame:
    """A1 (to sales): 10 'Web' leads, all accepted, 3 of them won; 10 'event' leads (written
    'Event' 7 times, 'EVENT ' 3), none accepted. D4: one more Web lead, one Partner, one
    without a source. Every lead scored on the same day: the history spans one month."""
    rows = []
    for i in range(10):
        rows.append(("good", "yes", "Web", "true", "true" if i < 3 else "false"))
    for i in range(10):
        rows.append(("good", "yes", "Event" if i < 7 else "EVENT ", "false", "false"))
    rows += [("bad", "no", "Web", "false", "false"), ("bad", "no", "Partner", "", "false"),
             ("bad", "no", None, "", "false")]
    frame = pd.DataFrame(rows, columns=["fit", "hot", "lead_source", "accepted", "converted"], dtype=object)
    frame.insert(0, "lead_id", [f"L{i}" for i in range(len(frame))])
    frame["scored_at"] = "2025-03-01"
    return frame


@pytest.fixture(scope="module")
def tiny():
    scorer = Scorer(_leads())
    result = preview(MODEL, scorer)
    return scorer, result, History.read(scorer.leads)


def test_labels_fold_case_and_keep_the_most_common_spelling(tiny):
    segments = segment_labels(tiny[0].leads, "lead_source", top=2)
    assert segments.values == ["Web", "Event", OTHER, MISSING_TEXT]
    assert (segments.distinct, segments.other_values, segments.other_leads) == (3, 1, 1)
    assert list(segments.labels[-3:]) == ["Web", OTHER, MISSING_TEXT]
    assert segments.note() == "lead_source has 3 values: the 2 most common are shown, 1 more (1 leads) as (other)"


def test_breakdown_by_hand(tiny):
    scorer, result, history = tiny
    frame = segment_breakdown(result, history, segment_labels(scorer.leads, "lead_source")).set_index("segment")
    assert list(frame.index) == ["Web", "Event", "Partner", MISSING_TEXT]
    web, event = frame.loc["Web"], frame.loc["Event"]
    assert (web["leads"], web["to_sales"], web["to_sales_per_month"]) == (11, 10, 10.0)
    assert (web["acceptance_known"], web["acceptance_rate"], web["conversion_rate"]) == (10, 1.0, 0.3)
    assert (event["leads"], event["to_sales"], event["acceptance_rate"]) == (10, 10, 0.0)
    # Wilson 95 % for 0 of 10, by hand: high = 2 * (1.96**2 / 20) / (1 + 1.96**2 / 10) = 0.2775
    assert event["acceptance_high"] == pytest.approx(0.27753, abs=1e-4)
    assert bool(event["worse"]) and not bool(web["worse"])  # 0.2775 < 50 % accepted of all to-sales leads
    partner = frame.loc["Partner"]
    assert partner["to_sales"] == 0 and math.isnan(partner["acceptance_rate"]) and not bool(partner["worse"])


def test_segment_preview_filters_every_figure(tiny):
    scorer, result, history = tiny
    segments = segment_labels(scorer.leads, "lead_source")
    web = segment_preview(MODEL, result, history, segments.mask("Web"))
    assert web.matrix.loc["A1", "leads"] == 10 and web.matrix.loc["D4", "leads"] == 1
    assert web.matrix.loc["A1", "acceptance_rate"] == 1.0 and web.matrix.loc["D4", "acceptance_rate"] == 0.0
    assert (web.sales.leads, web.sales.acceptance_rate, web.sales.conversions_caught) == (10, 1.0, 3)
    assert web.sales.leads_per_month == 10.0 and len(web.scored) == 11


def test_unknown_segment_value_and_column_are_data_errors(tiny):
    segments = segment_labels(tiny[0].leads, "lead_source")
    with pytest.raises(DataError, match="no value 'Webinar'; the values are: Web, Event"):
        segments.mask("Webinar")
    with pytest.raises(DataError, match="missing segment column: source"):
        segment_labels(tiny[0].leads, "source")


def test_thousands_of_values_show_the_top_and_count_the_rest():
    leads = pd.DataFrame({"lead_id": [str(i) for i in range(5000)],
                          "campaign": [f"c{i}" if i >= 100 else "big" for i in range(5000)]})
    segments = segment_labels(leads, "campaign")
    assert len(segments.values) == 13 and segments.values[0] == "big" and segments.values[-1] == OTHER
    assert (segments.distinct, segments.other_values, segments.other_leads) == (4901, 4889, 4889)


def test_quality_summary_reports_a_wide_segment_and_pipeline_issues():
    leads = _leads()
    leads["lead_source"] = [f"src{i}" for i in range(len(leads))]
    leads["first_touch_at"] = "2025-02-01"  # before the hand-over
    quality = data_quality(Scorer(leads), MODEL, segment="lead_source")
    assert quality.after_handover == [
        f"first_touch_at: {len(leads)} dates before the hand-over (scored_at), left out of the times",
        f"lead_source has {len(leads)} values: the 12 most common are shown, {len(leads) - 12} more "
        f"({len(leads) - 12} leads) as (other)",
    ]


# ----- the command line

@pytest.fixture
def files(tmp_path):
    model, leads = tmp_path / "tiny.yaml", tmp_path / "leads.csv"
    model.write_text(MODEL_YAML, encoding="utf-8")
    _leads().to_csv(leads, index=False)
    return ["--model", str(model), "--leads", str(leads)]


def test_cli_segment_prints_the_breakdown(files, capsys):
    assert main(["matrix", *files, "--segment", "lead_source"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Breakdown by lead_source: the to-sales leads of each value"
    web = next(line for line in lines if line.startswith("Web"))
    assert web.split()[:4] == ["Web", "11", "10.0", "100%"]
    event = next(line for line in lines if line.startswith("Event"))
    assert event.endswith("clearly worse") and "0% (0%–28%)" in event
    assert "(1 value)" in out


def test_cli_segment_value_filters_and_json_has_after_handover(files, capsys):
    assert main(["matrix", *files, "--segment", "lead_source", "--segment-value", "Web", "--format", "json"]) == 0
    output = json.loads(capsys.readouterr().out)
    assert output["segment"] == {"column": "lead_source", "value": "Web", "leads": 11}
    assert output["cells"]["A1"]["leads"] == 10 and output["to_sales"]["conversions_caught"] == 3
    a1 = output["after_handover"]["cells"]["A1"]
    assert [row["leads"] for row in a1["funnel"]] == [10, 10, 3]  # handed over, accepted, won
    assert output["after_handover"]["nurture"]["rejections"]["rejected"] == 1
    assert [row["segment"] for row in output["segments"]["rows"]] == ["Web", "Event", "Partner", "(missing)"]


def test_cli_segment_errors_are_one_line(files, capsys):
    assert main(["matrix", *files, "--segment", "lead_source", "--segment-value", "Nope"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no value 'Nope'" in err[0]
    assert main(["matrix", *files, "--segment-value", "Web"]) == 2
    assert capsys.readouterr().err.strip() == "leadgrid: usage error: --segment-value goes with --segment COLUMN"
    assert main(["matrix", *files, "--segment", "nope"]) == 1
    assert "missing segment column: nope" in capsys.readouterr().err
    assert main(["matrix", *files, "--segment", "lead_source", "--engine", "duckdb"]) == 2
    assert "--segment needs --engine pandas" in capsys.readouterr().err


def test_cli_segment_csv(files, capsys):
    assert main(["matrix", *files, "--segment", "lead_source", "--format", "csv"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(frame["segment"]) == ["Web", "Event", "Partner", "(missing)"]
    assert np.array_equal(frame["worse"].to_numpy(), [False, True, False, False])
