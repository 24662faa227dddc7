"""The model format: its classes, reading and writing model files (YAML, JSON), validation,
edits the designer makes, the designer's tables of rules and routes, and the diff between two models."""
