"""The small model the metrics, compare and drift tests score: one category (industry),
one lead-column entry (visits), a few routed cells."""

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


def small_model(name: str, cells: str, retail: int = 60) -> str:
    """The same model without recency: ``cells`` is the routing's cells as a YAML flow
    mapping, ``retail`` the share Retail is worth (60: a B; 80: an A)."""
    return f"""\
schema_version: 1
name: {name}
profile:
  categories:
    - {{id: industry, field: industry, weight: 100,
       rules: [{{match: {{in: [Software]}}, value: 100}}, {{match: {{in: [Retail]}}, value: {retail}}}], default: 0}}
  grades: {{A: 75, B: 50, C: 25, D: 0}}
engagement:
  activities:
    - {{id: visits, field: total_visits, rules: [{{match: {{gte: 10}}, value: 70}}]}}
  grades: {{"1": 60, "2": 35, "3": 15, "4": 0}}
routing:
  default: {{action: nurture}}
  cells: {cells}
"""
