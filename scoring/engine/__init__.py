"""The engine: rules matched on whole columns, recency decay, the hand-over moment, scores,
grades and ratings, prepared once per data set (``Scorer``), and the explanation of one lead."""
