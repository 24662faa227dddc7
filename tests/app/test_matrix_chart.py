"""The matrix heatmap (ui/charts.matrix_heatmap) on data the sample never shows: an empty D row
is drawn as grey cells inside the grid, and cells are tagged by the outcome the data records."""

from __future__ import annotations

import pandas as pd

from scoring.measures.grid import few_outcomes, outcome_of
from scoring.measures.metrics import matrix_metrics
from ui import charts

GREY = "#E9ECEF"


def _matrix() -> pd.DataFrame:
    ratings = ["A1"] * 40 + ["B2"] * 3 + ["C4"]  # no D at all
    scored = pd.DataFrame({"rating": ratings}, index=pd.Index([f"L{i}" for i in range(len(ratings))]))
    leads = pd.DataFrame({"lead_id": scored.index, "converted": ["1", "0"] * 20 + ["1", "0", "0", "1"]})
    matrix = matrix_metrics(scored, leads)
    matrix["action"] = ["sales" if rating == "A1" else "nurture" for rating in matrix.index]
    return matrix


def test_cells_without_a_value_are_grey_cells_of_the_grid():
    matrix = _matrix()
    figure = charts.matrix_heatmap(matrix, "conversion_rate", few_outcomes(matrix, "conversion"), "few outcomes")
    grey = [(shape.x0, shape.y0) for shape in figure.layout.shapes if shape.fillcolor == GREY]
    empty = [(c, r) for r, letter in enumerate("ABCD") for c, number in enumerate("1234")
             if matrix.loc[letter + number, "leads"] == 0]
    assert len(grey) == len(empty) == 13  # 16 cells, 3 with leads
    assert sorted((round(x + 0.49), round(y + 0.49)) for x, y in grey) == sorted(empty)
    assert all(shape.layer == "below" for shape in figure.layout.shapes if shape.fillcolor == GREY)


def test_cells_are_tagged_by_the_recorded_outcome_not_by_missing_decisions():
    matrix = _matrix()
    assert outcome_of(matrix) == "conversion"
    text = charts.matrix_heatmap(matrix, "conversion_rate", few_outcomes(matrix, "conversion"),
                                 "few outcomes").data[0].text
    cells = {letter + number: text[r][c] for r, letter in enumerate("ABCD") for c, number in enumerate("1234")}
    assert "few" not in cells["A1"]  # 40 known conversions
    assert "few outcomes" in cells["B2"] and "few outcomes" in cells["C4"]  # 3 and 1
    assert not any("few decisions" in cell for cell in cells.values())
    assert not any("few" in cells[rating] for rating in ("D1", "D4"))  # empty cells are not "few"
