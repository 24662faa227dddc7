"""What the preview measures against history: the matrix and to-sales figures, leads per month,
evidence per value and per activity, leak checks, the funnel after hand-over, segments,
two models compared, drift between periods, and the statistics they share."""
