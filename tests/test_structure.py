"""The code's structure (issue 12): no import cycle among the tracker's and the dashboard's
modules, and no dashboard page that reaches the database except through ``dashboard/data.py``
or ``tracker.workspace``.

Read from the source with ``ast``, every ``import`` counted wherever it is written (a cycle
hidden inside a function is still a cycle: it only waits for the first call to bite).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tracker", "dashboard")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


def _imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of ``known`` that the module ``name`` imports.

    ``import a.b.c`` runs a, a.b and a.b.c; ``from a.b import c`` runs a.b.c when c is a module
    and otherwise reads the name c from a.b. A package the importer itself lives in is already
    running, so it counts only when a name is read from it (``from dashboard.staff import page``).
    """
    is_package = path.name == "__init__.py"
    ancestors = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
    found: set[str] = set()

    def runs(module: str) -> None:
        parts = module.split(".")
        found.update(prefix for prefix in (".".join(parts[:i]) for i in range(1, len(parts) + 1))
                     if prefix in known and prefix not in ancestors)

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                runs(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            runs(module)
            for alias in node.names:
                if f"{module}.{alias.name}" in known:
                    runs(f"{module}.{alias.name}")
                elif module in known:
                    found.add(module)  # a name defined in the package itself
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imported(name, path, known) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_imports_inside_functions_and_relative_ones():
    graph = import_graph()
    assert "tracker.storage.schema" in graph["tracker.store"]  # "from .storage.schema import ..."
    assert "tracker.models" in graph["tracker.storage.records"]  # "from ..models import ..."
    assert "dashboard.data" in graph["dashboard.app"]  # "from dashboard import data"


def test_no_import_cycle_among_tracker_and_dashboard_modules():
    found = cycles(import_graph())
    assert found == [], "import cycles: " + "; ".join(" <-> ".join(group) for group in found)


#: The one dashboard module that opens the store itself; staff pages and the server's guard
#: reach the database through ``tracker.workspace.open_workspace``.
DATA_ACCESS = {"dashboard.data"}


def test_no_dashboard_page_imports_the_store():
    graph = import_graph()
    direct = sorted(name for name, imports in graph.items()
                    if name.startswith("dashboard") and name not in DATA_ACCESS
                    and any(m == "tracker.store" or m.startswith("tracker.storage") for m in imports))
    assert direct == [], f"dashboard modules that open the store themselves: {direct}"
