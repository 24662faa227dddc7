"""LeadGrid's scoring engine: the model format, scoring, explanations and metrics."""
