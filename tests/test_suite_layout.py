"""The suite as a map of the code.

pytest runs in importlib mode (pyproject.toml), so two test modules in different folders may
share a file name (``tests/test_funnel.py`` and ``tests/app/test_funnel.py``); the folders of
the shared case modules (``clicases``, ``pagecases``, ``browser``, …) are on ``sys.path``
together instead, so those must not share a name. Every engine package is named by at least
one test module, and every test module holds tests.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
PYTEST_OPTIONS = PYPROJECT["tool"]["pytest"]["ini_options"]


def _test_modules() -> list[Path]:
    return sorted(TESTS.rglob("test_*.py"))


def _scoring_packages() -> list[str]:
    return sorted(path.parent.name for path in (REPO / "scoring").glob("*/__init__.py"))


def _scoring_packages_named(source: str) -> set[str]:
    """The packages of ``scoring`` a module imports: ``scoring.sql.x``, ``from scoring import sql``."""
    named = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            dotted = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "scoring" and node.level == 0:
            dotted = [f"scoring.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            dotted = [node.module]
        else:
            continue
        named |= {name.split(".")[1] for name in dotted if name.startswith("scoring.")}
    return named


def _defines_a_test(source: str) -> bool:
    return any(
        (isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"))
        or (isinstance(node, ast.ClassDef) and node.name.startswith("Test"))
        for node in ast.parse(source).body
    )


def test_the_pytest_configuration_uses_importlib_mode_with_the_case_folders_on_the_path():
    assert "--import-mode=importlib" in PYTEST_OPTIONS["addopts"].split()
    folders = {folder.parent.relative_to(REPO).as_posix() for folder in TESTS.rglob("*.py")}
    assert folders - {"tests/golden", "tests/fixtures"} <= set(PYTEST_OPTIONS["pythonpath"])


def test_two_test_modules_of_one_name_in_two_folders_both_run(tmp_path: Path):
    for folder, expected in (("engine", 1), ("app", 2)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "test_same.py").write_text(
            f"def test_{folder}():\n    assert {expected} == {expected}\n"
        )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
         "-c", os.devnull, "-o", f"addopts={PYTEST_OPTIONS['addopts']}", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed" in run.stdout


def test_no_two_shared_case_modules_share_a_name():
    """They are all on sys.path at once: a second ``cases.py`` would shadow the first."""
    names = Counter(
        path.stem
        for path in TESTS.rglob("*.py")
        if not path.name.startswith("test_") and path.name != "conftest.py"
    )
    assert [name for name, count in names.items() if count > 1] == []
    assert not {"scoring", "ui", "app"} & set(names)


def test_every_test_module_holds_a_test():
    assert [
        path.relative_to(REPO).as_posix()
        for path in _test_modules()
        if not _defines_a_test(path.read_text())
    ] == []


def test_every_scoring_package_is_named_by_a_test_module():
    named = set().union(*(_scoring_packages_named(path.read_text()) for path in _test_modules()))
    assert len(_scoring_packages()) >= 9  # model, data, engine, measures, calibrate, agreement, …
    assert [package for package in _scoring_packages() if package not in named] == []


def test_the_import_reader_finds_each_spelling_of_a_package():
    source = (
        "import scoring.sql.dialects\nfrom scoring.model import files\n"
        "from scoring import engine, load_model\nfrom . import x\n"
    )
    assert _scoring_packages_named(source) == {"sql", "model", "engine", "load_model"}
