"""Every example model in configs/ is valid and survives a dump/load round trip."""

from pathlib import Path

import pytest

import scoring

CONFIGS = sorted((Path(__file__).parent.parent / "configs").glob("*.yaml"))


def test_there_are_example_models():
    names = {path.name for path in CONFIGS}
    assert {"default.yaml", "windows.yaml"} <= names


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_config_loads_and_round_trips(path):
    model = scoring.load_model(path)
    assert scoring.parse_model(scoring.dump_model(model)) == model
    assert model.sales_ratings(), "an example model should hand some cells to sales"


def test_windows_config_uses_windows_and_default_uses_half_life():
    windows = scoring.load_model(Path(__file__).parent.parent / "configs" / "windows.yaml")
    default = scoring.load_model(Path(__file__).parent.parent / "configs" / "default.yaml")
    assert windows.engagement.recency.windows and windows.engagement.recency.half_life_days is None
    assert default.engagement.recency.half_life_days and default.engagement.recency.windows is None
    assert windows.profile.grades == default.profile.grades
