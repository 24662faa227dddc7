"""scoring.measures.segments and ``leadgrid matrix --segment``: the breakdown per value on a small case
computed by hand, the filtered preview, a column with thousands of values folded into
"(other)", and one-line errors for a bad segment."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import scoring
from scoring.cli.commands import main
from scoring.data.missing import MISSING_TEXT
from scoring.data.quality import data_quality
from scoring.engine.scorer import Scorer
from scoring.errors import DataError
from scoring.measures.metrics import History, preview
from scoring.measures.segments import OTHER, segment_breakdown, segment_labels, segment_preview

Z = 1.959963984540054

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
    """Three sources, each with leads in A1 (to sales) and D4 (nurture); 'Event' is spelled
    'Event' and 'EVENT ' (one value). Accepted in A1 / in D4:
    Web 5 of 10 / 1 of 10 (the model separates: lift 5); Event 4 of 40 / 1 of 200 (a low base
    rate, 2 %, but a lift of 20); Partner 10 of 20 / 10 of 20 (to sales does no better than
    the rest: lift 1). One more D4 lead without a source or a decision. Three Web A1 leads
    converted. Every lead scored on the same day: the history spans one month."""
    rows = []

    def add(count: int, accepted: int, source: str | None, to_sales: bool, won: int = 0) -> None:
        for i in range(count):
            rows.append(("good", "yes") if to_sales else ("bad", "no"))
            rows[-1] += (source, "true" if i < accepted else "false", "true" if i < won else "false")

    add(10, 5, "Web", True, won=3)
    add(10, 1, "Web", False)
    add(40, 4, "EVENT ", True)
    add(200, 1, "Event", False)
    add(20, 10, "Partner", True)
    add(20, 10, "Partner", False)
    rows.append(("bad", "no", None, "", "false"))
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
    assert segments.values == ["Event", "Partner", OTHER, MISSING_TEXT]
    assert (segments.distinct, segments.other_values, segments.other_leads) == (3, 1, 20)
    assert list(segments.labels[-2:]) == ["Partner", MISSING_TEXT] and segments.labels[0] == OTHER
    assert segments.note() == "lead_source has 3 values: the 2 most common are shown, 1 more (20 leads) as (other)"


def test_breakdown_by_hand(tiny):
    scorer, result, history = tiny
    frame = segment_breakdown(result, history, segment_labels(scorer.leads, "lead_source")).set_index("segment")
    assert list(frame.index) == ["Event", "Partner", "Web", MISSING_TEXT]
    web, event, partner = frame.loc["Web"], frame.loc["Event"], frame.loc["Partner"]
    assert (web["leads"], web["to_sales"], web["to_sales_per_month"]) == (20, 10, 10.0)
    assert (web["acceptance_known"], web["acceptance_rate"], web["conversion_rate"]) == (10, 0.5, 0.3)
    assert (event["leads"], event["to_sales"], event["acceptance_rate"]) == (240, 40, 0.1)
    assert set(frame["outcome"]) == {"acceptance"}
    # base rates and lifts by hand: Web 6/20 and (5/10)/(1/10) = 5; Event 5/240 and (4/40)/(1/200) = 20
    assert (web["base_rate"], web["rest_rate"], web["lift"]) == (pytest.approx(0.3), 0.1, pytest.approx(5.0))
    assert (event["base_rate"], event["lift"]) == (pytest.approx(5 / 240), pytest.approx(20.0))
    assert (partner["base_rate"], partner["rest_rate"], partner["lift"]) == (0.5, 0.5, 1.0)
    # Katz 95 % for Partner: se = sqrt(1/10 - 1/20 + 1/10 - 1/20) = 0.3162, high = exp(1.96 * 0.3162) = 1.859
    assert partner["lift_low"] == pytest.approx(math.exp(-Z * math.sqrt(0.1)))
    assert partner["lift_high"] == pytest.approx(1.8590, abs=1e-3)
    # Web: se = sqrt(1/5 - 1/10 + 1/1 - 1/10) = 1; Event: se = sqrt(1/4 - 1/40 + 1 - 1/200)
    assert (web["lift_low"], web["lift_high"]) == (pytest.approx(5 * math.exp(-Z)), pytest.approx(5 * math.exp(Z)))
    assert event["lift_low"] == pytest.approx(20 * math.exp(-Z * math.sqrt(1.22)))
    # on all leads: to sales 19 of 70 accepted, the rest 12 of 230: a lift of 5.20. Partner's interval
    # lies wholly below it; Event, with its 2 % base rate and a to-sales rate (10 %) well below the
    # 27 % of all to-sales leads, is ranked well by the model and not flagged.
    assert list(frame["worse"]) == [False, True, False, False]
    missing = frame.loc[MISSING_TEXT]
    assert missing["to_sales"] == 0 and math.isnan(missing["acceptance_rate"]) and math.isnan(missing["lift"])


def test_breakdown_on_conversion_when_no_sales_decisions(tiny):
    scorer = Scorer(_leads().drop(columns=["accepted"]))
    frame = segment_breakdown(preview(MODEL, scorer), History.read(scorer.leads),
                              segment_labels(scorer.leads, "lead_source")).set_index("segment")
    assert set(frame["outcome"]) == {"conversion"}
    web = frame.loc["Web"]
    assert (web["base_rate"], web["rest_rate"]) == (pytest.approx(0.15), 0.0)
    # 3 of 10 against none of 10: with 0.5 added, (3.5/11) / (0.5/11) = 7, se = sqrt(1/3.5 - 1/11 + 2 - 1/11)
    assert math.isinf(web["lift"]) and math.isinf(web["lift_high"])
    assert web["lift_low"] == pytest.approx(7 * math.exp(-Z * math.sqrt(1 / 3.5 - 2 / 11 + 2)))
    assert math.isnan(frame.loc["Event", "lift"]) and not frame["worse"].any()  # no conversion at all elsewhere


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.booleans(), st.sampled_from(["a", "b", "c"]), st.sampled_from(["yes", "no", ""])),
                     min_size=1, max_size=60))
@example(rows=[(False, "a", "yes"), (True, "a", "no")])  # a lift of 0 lay below its corrected interval
def test_separation_against_the_raw_rows(rows):
    leads = pd.DataFrame({"lead_id": [str(i) for i in range(len(rows))],
                          "fit": ["good" if r[0] else "bad" for r in rows], "hot": ["yes" if r[0] else "no" for r in rows],
                          "lead_source": [r[1] for r in rows], "accepted": [r[2] for r in rows]})
    scorer = Scorer(leads)
    frame = segment_breakdown(preview(MODEL, scorer), History.read(scorer.leads),
                              segment_labels(scorer.leads, "lead_source")).set_index("segment")
    decided = leads[leads["accepted"] != ""]
    for value, group in decided.groupby("lead_source"):
        sales = group[group["fit"] == "good"]["accepted"] == "yes"
        rest = group[group["fit"] == "bad"]["accepted"] == "yes"
        row = frame.loc[value]
        assert row["base_rate"] == pytest.approx((group["accepted"] == "yes").mean())
        if len(sales) and len(rest) and rest.mean() > 0:
            assert row["lift"] == pytest.approx(sales.mean() / rest.mean())
            assert row["lift_low"] <= row["lift"] <= row["lift_high"]
        elif not len(sales) or not len(rest) or not (sales.any() or rest.any()):
            assert math.isnan(row["lift"]) and not row["worse"]


def test_segment_preview_filters_every_figure(tiny):
    scorer, result, history = tiny
    segments = segment_labels(scorer.leads, "lead_source")
    web = segment_preview(MODEL, result, history, segments.mask("Web"))
    assert web.matrix.loc["A1", "leads"] == 10 and web.matrix.loc["D4", "leads"] == 10
    assert web.matrix.loc["A1", "acceptance_rate"] == 0.5 and web.matrix.loc["D4", "acceptance_rate"] == 0.1
    assert (web.sales.leads, web.sales.acceptance_rate, web.sales.conversions_caught) == (10, 0.5, 3)
    assert web.sales.leads_per_month == 10.0 and len(web.scored) == 20


def test_unknown_segment_value_and_column_are_data_errors(tiny):
    segments = segment_labels(tiny[0].leads, "lead_source")
    with pytest.raises(DataError, match="no value 'Webinar'; the values are: Event, Partner, Web"):
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
    assert lines[0] == ("Breakdown by lead_source: the to-sales leads of each value "
                        "(to sales/mo: over whole history, 1 Mar 2025)")  # one day: less than a quarter
    web = next(line for line in lines if line.startswith("Web"))
    assert web.split()[:4] == ["Web", "20", "10.0", "50%"] and web.endswith("5.0x (0.7–35.5)")
    partner = next(line for line in lines if line.startswith("Partner"))
    assert partner.endswith("1.0x (0.5–1.9)  clearly worse")
    event = next(line for line in lines if line.startswith("Event"))
    assert "clearly worse" not in event and "20.0x (2.3–174.3)" in event
    assert "(1 value)" in out


def test_cli_segment_value_filters_and_json_has_after_handover(files, capsys):
    assert main(["matrix", *files, "--segment", "lead_source", "--segment-value", "Web", "--format", "json"]) == 0
    output = json.loads(capsys.readouterr().out)
    assert output["segment"] == {"column": "lead_source", "value": "Web", "leads": 20}
    assert output["cells"]["A1"]["leads"] == 10 and output["to_sales"]["conversions_caught"] == 3
    a1 = output["after_handover"]["cells"]["A1"]
    assert [row["leads"] for row in a1["funnel"]] == [10, 5, 3]  # handed over, accepted, won
    assert output["after_handover"]["nurture"]["rejections"]["rejected"] == 9
    rows = output["segments"]["rows"]
    assert [row["segment"] for row in rows] == ["Event", "Partner", "Web", "(missing)"]
    assert [row["worse"] for row in rows] == [False, True, False, False] and rows[2]["lift"] == 5.0


def test_cli_segment_errors_are_one_line(files, capsys):
    assert main(["matrix", *files, "--segment", "lead_source", "--segment-value", "Nope"]) == 1
    err = [line for line in capsys.readouterr().err.strip().splitlines() if "possible leak" not in line]
    assert len(err) == 1 and "no value 'Nope'" in err[0]  # one line (beside the leak check's warnings)
    assert main(["matrix", *files, "--segment-value", "Web"]) == 2
    assert capsys.readouterr().err.strip() == "leadgrid: usage error: --segment-value goes with --segment COLUMN"
    assert main(["matrix", *files, "--segment", "nope"]) == 1
    assert "missing segment column: nope" in capsys.readouterr().err
    assert main(["matrix", *files, "--segment", "lead_source", "--engine", "duckdb"]) == 2
    assert "--segment needs --engine pandas" in capsys.readouterr().err


def test_cli_segment_csv(files, capsys):
    assert main(["matrix", *files, "--segment", "lead_source", "--format", "csv"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(frame["segment"]) == ["Event", "Partner", "Web", "(missing)"]
    assert np.array_equal(frame["worse"].to_numpy(), [False, True, False, False])
    assert {"base_rate", "rest_rate", "lift", "lift_low", "lift_high"} <= set(frame.columns)
