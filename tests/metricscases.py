"""The small model the metrics tests score (one category, one lead-column entry, three
routed cells)."""

MODEL_YAML = """
schema_version: 1
name: Metrics test model
profile:
  categories:
    - {id: industry, field: industry, weight: 100,
       rules: [{match: {in: [Software]}, value: 100}, {match: {in: [Retail]}, value: 60}], default: 0}
  grades: {A: 75, B: 50, C: 25, D: 0}
engagement:
  recency: {half_life_days: 30}
  activities:
    - {id: visits, field: total_visits, rules: [{match: {gte: 10}, value: 70}]}
  grades: {"1": 60, "2": 35, "3": 15, "4": 0}
routing:
  default: {action: nurture}
  cells:
    A1: {action: sales, sla_hours: 24}
    B1: {action: sales}
    A4: {action: "nurture:fast-track"}
"""
