"""Calibration from outcomes: thresholds for a capacity or an acceptance target, category
weights from a logistic regression, the model's AUC, and honest verdicts on a proposal."""
