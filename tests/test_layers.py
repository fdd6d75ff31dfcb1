"""The package is layered: every module imports only from layers below its own.

Imports inside functions count (only ``if TYPE_CHECKING:`` blocks do not, and
``mesocalc/__init__.py``, which loads public names lazily, may import anything).
A new module must be given a layer here; docs/adr/0006-layers.md says why.
"""

from __future__ import annotations

import ast
from pathlib import Path

import mesocalc

PACKAGE = Path(mesocalc.__file__).parent

# Bottom first. A module may import modules of earlier layers only.
LAYERS: list[tuple[str, set[str]]] = [
    ("the engine: imports on first use and caches", {"_engine"}),
    ("errors and type aliases", {"exceptions", "typing", "_data", "_cache", "_numpy"}),
    (
        "names, units, codes, validators and the JSON schemas",
        {"_names", "_units", "_codes", "_gs1", "_validators", "_schemas"},
    ),
    ("structuring untrusted data, migrations of stored JSON", {"_structuring"}),
    ("units over arrays and of several dimensions", {"_magnitudes"}),
    ("the parameter table", {"_parameters"}),
    ("tables of rows, as text, Markdown and HTML", {"_tables"}),
    ("reading inputs, arithmetic, the codec", {"_inputs", "_core", "_codec"}),
    ("the records of a catalog entry", {"_catalog_entries"}),
    ("the catalog's TOML reader", {"_catalog_reader"}),
    ("the catalog", {"_catalog"}),
    ("named sites on a person", {"_sites"}),
    ("the screening rules", {"_screening_rules"}),
    ("warning records, clinic protocols", {"_warning", "_protocol"}),
    ("overrides and their records", {"_overrides"}),
    (
        "rules, equipment, screening, outlines",
        {"_guardrails", "_equipment", "_screening", "_shapes", "_products"},
    ),
    ("values derived from other inputs", {"_derived"}),
    ("drawing", {"_plot"}),
    ("layouts and heads", {"_layout", "_injector"}),
    ("threads", {"_threads"}),
    ("placement on a shape", {"_placement"}),
    ("stored plans, checked again", {"_stored"}),
    ("the plan", {"_plan"}),
    ("plans over arrays", {"_plan_array"}),
    ("the planning pipeline: a request read once, its rules in one list", {"_pipeline"}),
    ("the memo of requests seen before", {"_memo"}),
    ("the planner", {"_planner"}),
    ("FHIR export", {"_fhir"}),
    ("a session's checks of its label, summed caps and screening", {"_session_checks"}),
    ("sessions", {"_session"}),
    ("courses", {"_course"}),
    ("the catalog in words, for the command line", {"_cli_catalog"}),
    ("the TOML files the command line reads: a session, a patient's answers", {"_cli_files"}),
    ("plan_frame's result columns and their display", {"_frame_results"}),
    ("what composes plans", {"_frame", "_cli", "testing", "testing.strategies"}),
    ("entry points", {"__main__"}),
]
LAYER = {f"mesocalc.{m}": i for i, (_, modules) in enumerate(LAYERS) for m in modules}


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The package's modules that ``path`` imports, at any depth but TYPE_CHECKING blocks."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for branch in node.orelse:
                visit(branch)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in MODULES} - {_name(path), "mesocalc"}


FILES = {_name(p): p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
MODULES = set(FILES)
GRAPH = {m: _imports(p) for m, p in FILES.items() if m != "mesocalc"}


def test_every_module_has_a_layer() -> None:
    assert sorted(MODULES - {"mesocalc"} - set(LAYER)) == []
    assert sorted(set(LAYER) - MODULES) == []


def test_modules_import_only_from_layers_below() -> None:
    upward = [
        f"{m} ({LAYERS[LAYER[m]][0]}) imports {i} ({LAYERS[LAYER[i]][0]})"
        for m, imported in GRAPH.items()
        for i in sorted(imported)
        if LAYER[i] >= LAYER[m]
    ]
    assert upward == []


def test_no_import_cycle() -> None:
    done: set[str] = set()

    def visit(m: str, path: tuple[str, ...]) -> None:
        assert m not in path, " -> ".join((*path, m))
        if m not in done:
            for i in sorted(GRAPH.get(m, ())):
                visit(i, (*path, m))
            done.add(m)

    for m in sorted(GRAPH):
        visit(m, ())


def test_the_layer_test_sees_imports_inside_functions() -> None:
    assert "mesocalc._placement" in GRAPH["mesocalc._pipeline"]  # imported on first use
    assert "mesocalc._session" in GRAPH["mesocalc._cli_files"]
    assert "mesocalc._equipment" in GRAPH["mesocalc._plan"]
