"""No import cycle in ``scoring/`` and ``ui/`` (issue 21): the graph of who imports whom is
built from the source with ``ast``, every import counted (at the top, inside a function or
under ``if TYPE_CHECKING``), so an import moved into a function no longer hides a cycle.

An edge goes to the module an import names: ``from scoring.data import read`` to
``scoring.data.read``, ``from scoring.sql import SqlOptions`` to ``scoring.sql`` (its
``__init__``). A parent package's ``__init__``, which Python runs first, is not an edge:
it is not what the module asked for, and would join every module to ``scoring``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("scoring", "ui")

def module_files(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the packages under ``root``."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imported_names(name: str, path: Path, modules: dict[str, Path]) -> list[str]:
    """The dotted names a module's imports ask for, wherever in the module they stand:
    ``from pkg import item`` asks for ``pkg.item`` when that is a module, else for ``pkg``."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            names += [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
    return names


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules of the packages it imports (the nearest enclosing module of each name)."""
    modules = module_files(root)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = set()
        for wanted in imported_names(name, path, modules):
            while wanted and wanted not in modules:
                wanted = wanted.rpartition(".")[0]
            if wanted and wanted != name:
                graph[name].add(wanted)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_cycles_are_found_in_a_small_graph_by_hand():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [frozenset({"a", "b", "c"})]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_late_and_relative_imports_are_edges(tmp_path):
    (tmp_path / "ui").mkdir()
    (tmp_path / "scoring").mkdir()
    (tmp_path / "scoring" / "__init__.py").write_text("")
    (tmp_path / "ui" / "__init__.py").write_text("")
    (tmp_path / "ui" / "state.py").write_text("def changed():\n    from . import drafts\n    drafts.save()\n")
    (tmp_path / "ui" / "drafts.py").write_text("from ui import state\n")
    graph = import_graph(tmp_path)
    assert graph["ui.state"] == {"ui.drafts"} and graph["ui.drafts"] == {"ui.state"}
    assert cycles(graph) == [frozenset({"ui.state", "ui.drafts"})]


def test_the_graph_holds_the_imports_the_code_makes():
    graph = import_graph(REPO)
    assert "scoring.cli.common" in graph["scoring.cli.commands"]
    assert "scoring.sql" in graph["scoring.cli.export"]  # `from scoring.sql import SqlOptions`, in a function
    assert "scoring.data.read" in graph["scoring.cli.common"]  # `from scoring.data import read as data`
    assert "scoring.data" not in graph["scoring.cli.common"]  # ... is read, not the package's __init__
    assert "ui.state" in graph["ui.drafts"]


@pytest.mark.parametrize("package", ["scoring.cli", "ui", "scoring"])
def test_no_import_cycle(package):
    graph = import_graph(REPO)
    found = [cycle for cycle in cycles(graph) if any(m == package or m.startswith(package + ".") for m in cycle)]
    assert not found, "import cycles: " + "; ".join(
        ", ".join(f"{m} -> {sorted(graph[m] & set(cycle))}" for m in sorted(cycle)) for cycle in found)


def test_the_cli_and_ui_import_nothing_above_them_back():
    """The floors: cli.common imports no command module; ui.state no other ui module;
    ui.data not ui.drafts."""
    graph = import_graph(REPO)
    assert not {m for m in graph["scoring.cli.common"] if m.startswith("scoring.cli.")} - {"scoring.cli.per_month"}
    assert not {m for m in graph["ui.state"] if m.startswith("ui")}
    assert "ui.drafts" not in graph["ui.data"]
